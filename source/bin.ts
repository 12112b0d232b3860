#!/usr/bin/env node
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {bundleLoader} from './code-cache.js';
import {describeError, exitCodes} from './errors.js';
import {messageWriter} from './output/stdio.js';

// The command line lives in main.js beside this file, compiled with its code cache (see code-cache.ts).
// The command line reports every failure it can foresee; anything else, a build that cannot load
// included, is a fault in quarterdeck: one line, and its own exit code.
Promise.resolve()
	.then(async () => {
		const cli = bundleLoader(path.dirname(fileURLToPath(import.meta.url))).load('main.js') as {main: () => Promise<void>};
		await cli.main();
	})
	.catch((error: unknown) => {
		messageWriter.write(`quarterdeck: internal error: ${describeError(error)}\n`);
		process.exitCode = exitCodes.internal;
	});
