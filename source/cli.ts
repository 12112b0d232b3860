#!/usr/bin/env node
import process from 'node:process';
import {runCli} from './commands.js';

// React and Ink are loaded only when the explorer opens; every scriptable command stays without them.
const result = await runCli(process.argv.slice(2), {
	stdout: process.stdout,
	stderr: process.stderr,
	stdoutIsTTY: Boolean(process.stdout.isTTY),
	columns: process.stdout.columns || 100,
	env: process.env,
	cwd: process.cwd(),
});

if ('serve' in result) {
	const {serve} = await import('./ssh/serve.js');
	process.exitCode = await serve(result.serve, {stderr: process.stderr, env: process.env, cwd: process.cwd()});
} else if ('explore' in result) {
	const {runLocal} = await import('./explore-local.js');
	process.exitCode = await runLocal(result.explore);
} else {
	process.exitCode = result.exitCode;
}
