import process from 'node:process';
import {runCli} from './commands.js';
import {checkCacheFor} from './data/check-cache.js';
import {holdYoungGeneration, releaseYoungGeneration, tightenOldGeneration} from './heap.js';
import {fdWriter, isTerminal, messageWriter} from './output/stdio.js';
import {prepareInteractive} from './terminal-env.js';

/** Whether this process's output goes to a terminal. */
const stdoutIsTTY = isTerminal(1);

/**
 * A yes/no question on the terminal, for commands that change a store; none when not on a terminal.
 * The descriptors are asked directly: `process.stdin` would open a stream no scriptable command reads.
 */
const confirm =
	stdoutIsTTY && isTerminal(0)
		? async (question: string) => {
				const {createInterface} = await import('node:readline/promises');
				const prompt = createInterface({input: process.stdin, output: process.stdout});
				try {
					return /^y(es)?$/i.test((await prompt.question(`${question} `)).trim());
				} finally {
					prompt.close();
				}
			}
		: undefined;

// What the build's run of the commands calls (see train-code-cache.ts).
export {runCli};

/**
 * The command line of this process: `dist/cli.js` calls it, and reports what it throws, a fault in
 * quarterdeck, as an internal error. React and Ink are loaded only when the explorer opens, so every
 * scriptable command stays without them.
 */
export async function main(): Promise<void> {
	// Output to a pipe or a file goes straight to the descriptor; a terminal's is Node's stream.
	const result = await runCli(process.argv.slice(2), {
		stdout: stdoutIsTTY ? process.stdout : fdWriter(1, 'stdout'),
		stderr: messageWriter,
		stdoutIsTTY,
		columns: (stdoutIsTTY && process.stdout.columns) || 100,
		env: process.env,
		cwd: process.cwd(),
		checkCache: checkCacheFor(process.env),
		confirm,
		// V8's young generation through the explorer's start: see heap.ts.
		beforeExplorerLoad: holdYoungGeneration,
	});

	if ('serve' in result) {
		prepareInteractive();
		const {serve} = await import('./ssh/serve.js');
		process.exitCode = await serve(result.serve, {stderr: process.stderr, env: process.env, cwd: process.cwd()});
	} else if ('explore' in result) {
		prepareInteractive();
		// An opening draws before the store is read, which then happens with React and Ink loaded:
		// the generation stays held, lest their load grow it for the store's objects (see heap.ts).
		if (!result.explore.opening) releaseYoungGeneration();
		const {runLocal} = await import('./explore-local.js');
		// Once the first frame is out, the session's heap (heap.ts): on an opening, the store is read then.
		process.exitCode = await runLocal(result.explore, {
			afterFirstFrame() {
				holdYoungGeneration();
				tightenOldGeneration();
			},
		});
	} else {
		process.exitCode = result.exitCode;
	}
}
