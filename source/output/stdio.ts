import fs from 'node:fs';
import process from 'node:process';
import {OutputError} from '../errors.js';

/** Where a writer waits for a full pipe to drain: a few milliseconds at a time. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Where text is written: a stream, a descriptor, an SSH channel. */
export type TextWriter = {write: (text: string) => unknown};

/**
 * Whether a descriptor is a terminal. A pipe or a file is told apart by its type alone, and the
 * null device (a character device too, where unwanted output is sent) by its device number: node:tty
 * (which loads node:net) is loaded only for any other character device, which a terminal is.
 */
export function isTerminal(fd: number): boolean {
	const tty = () => process.getBuiltinModule('node:tty').isatty(fd);
	// A console's type is not a character device everywhere.
	if (process.platform === 'win32') return tty();
	let stat: fs.Stats;
	try {
		stat = fs.fstatSync(fd);
	} catch {
		return false;
	}
	if (!stat.isCharacterDevice()) return false;
	return stat.rdev !== nullDevice() && tty();
}

/** The null device's number; undefined where it cannot be looked at or is not a character device. */
function nullDevice(): number | undefined {
	try {
		const stat = fs.statSync('/dev/null', {throwIfNoEntry: false});
		return stat?.isCharacterDevice() ? stat.rdev : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Text written straight to a file descriptor, whole and at once: for a command's output to a pipe
 * or a file. Node's stream for such a descriptor costs a few milliseconds to make (a pipe's is a
 * socket), and reports a reader that went away (`| head -1`) as an error event with a stack trace;
 * here a closed reader only ends the output, and the command finishes as it would have. A pipe
 * that is full for now is waited on. Any other failure (a full disk) is an {@link OutputError}
 * naming the output (`name`, such as stdout) and the system's code.
 */
export function fdWriter(fd: number, name: string): TextWriter {
	let closed = false;
	return {
		write(text) {
			if (closed) return false;
			const bytes = Buffer.from(text);
			let offset = 0;
			while (offset < bytes.length) {
				try {
					offset += fs.writeSync(fd, bytes, offset);
				} catch (error) {
					const code = (error as NodeJS.ErrnoException).code;
					if (code === 'EAGAIN') {
						Atomics.wait(pause, 0, 0, 5);
						continue;
					}
					closed = true;
					if (code === 'EPIPE') return false;
					throw new OutputError(`${name}: cannot be written (${code ?? (error as Error).message})`);
				}
			}
			return true;
		},
	};
}

let messages: TextWriter | undefined;

/**
 * Where this process's messages go: stderr, looked at only when the first one is written (Node makes
 * process.stderr when it is first read). A message that cannot be written is dropped: the exit
 * code still tells what happened.
 */
export const messageWriter: TextWriter = {
	write(text) {
		if (!messages) {
			if (isTerminal(2)) {
				// A terminal that went away reports it as an event; there is no one left to tell.
				process.stderr.on('error', () => {});
				messages = process.stderr;
			} else {
				messages = fdWriter(2, 'stderr');
			}
		}
		try {
			messages.write(text);
		} catch {}
	},
};
