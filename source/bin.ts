#!/usr/bin/env node
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {bundleLoader} from './code-cache.js';

// The command line lives in main.js beside this file, compiled with its code cache (see code-cache.ts).
const cli = bundleLoader(path.dirname(fileURLToPath(import.meta.url))).load('main.js') as {main: () => Promise<void>};
void cli.main();
