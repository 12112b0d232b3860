#!/usr/bin/env node
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {bundleLoader} from './code-cache.js';
import {describeError, exitCodes} from './errors.js';

// The command line lives in main.js beside this file, compiled with its code cache (see code-cache.ts).
try {
	const cli = bundleLoader(path.dirname(fileURLToPath(import.meta.url))).load('main.js') as {main: () => Promise<void>};
	void cli.main();
} catch (error) {
	// A build that cannot load is a fault in quarterdeck, reported as main.js reports its own.
	process.stderr.write(`quarterdeck: internal error: ${describeError(error)}\n`);
	process.exitCode = exitCodes.internal;
}
