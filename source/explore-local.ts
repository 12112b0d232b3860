import fs from 'node:fs';
import process from 'node:process';
import tty from 'node:tty';
import type {ExploreRequest} from './commands.js';
import {describeError, exitCodes, isQuarterdeckError, reportError} from './errors.js';
import {messageWriter} from './output/stdio.js';
import {explorerOptions, runExplorer, type Explorer} from './ui/run.js';

// The explorer on any pair of terminal streams: the build drives it so to make this bundle's code cache.
export {explorerOptions, runExplorer};

/** Keys come from stdin when it is a terminal, else from the controlling terminal, if there is one. */
function openKeyboard(): {stdin: NodeJS.ReadStream; close: () => void} | undefined {
	if (process.stdin.isTTY) return {stdin: process.stdin, close() {}};
	try {
		const stream = new tty.ReadStream(fs.openSync('/dev/tty', 'r'));
		return {stdin: stream, close: () => stream.destroy()};
	} catch {
		return undefined;
	}
}

/**
 * How the explorer ended on `error`, said in one line; the exit code to end with. Reading the store
 * once an opening is drawn fails as a command reading it does; anything else is a crash.
 */
function stopped(error: unknown): number {
	if (isQuarterdeckError(error)) {
		const {text, exitCode} = reportError(error, false);
		messageWriter.write(text);
		return exitCode;
	}
	messageWriter.write(`quarterdeck: the explorer stopped: ${describeError(error)}\n`);
	return exitCodes.internal;
}

/**
 * Runs the explorer in this process's terminal; the exit code it should end with. `afterFirstFrame`
 * is called once the first frame is written: Ink, outside its concurrent mode, writes it within
 * `render()`; on an opening, before the store is read.
 */
export async function runLocal(request: ExploreRequest, {afterFirstFrame}: {afterFirstFrame?: () => void} = {}): Promise<number> {
	const keyboard = openKeyboard();
	if (!keyboard) {
		messageWriter.write(
			'quarterdeck: the explorer needs a terminal to read keys from (stdin is not one and /dev/tty cannot be opened); use a command such as quarterdeck quarters\n',
		);
		return exitCodes.usage;
	}
	let explorer: Explorer;
	try {
		explorer = runExplorer({...(await explorerOptions(request)), stdin: keyboard.stdin, stdout: process.stdout});
	} catch (error) {
		keyboard.close();
		return stopped(error);
	}
	afterFirstFrame?.();
	const stop = () => explorer.close();
	const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
	for (const signal of signals) process.on(signal, stop);
	try {
		await explorer.done;
		return exitCodes.ok;
	} catch (error) {
		return stopped(error);
	} finally {
		for (const signal of signals) process.off(signal, stop);
		keyboard.close();
	}
}
