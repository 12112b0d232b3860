import fs from 'node:fs';
import {OutputError} from '../errors.js';

/** Where a writer waits for a full pipe to drain: a few milliseconds at a time. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Text written straight to a file descriptor, whole and at once: for a command's output to a pipe
 * or a file. Node's stream for such a descriptor costs a few milliseconds to make (a pipe's is a
 * socket), and reports a reader that went away (`| head -1`) as an error event with a stack trace;
 * here a closed reader only ends the output, and the command finishes as it would have. A pipe
 * that is full for now is waited on. Any other failure (a full disk) is an {@link OutputError}
 * naming the output (`name`, such as stdout) and the system's code.
 */
export function fdWriter(fd: number, name: string): {write: (text: string) => boolean} {
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
					if (code === 'EPIPE') {
						closed = true;
						return false;
					}
					closed = true;
					throw new OutputError(`${name}: cannot be written (${code ?? (error as Error).message})`);
				}
			}
			return true;
		},
	};
}
