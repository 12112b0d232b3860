import fs from 'node:fs';
import process from 'node:process';

/**
 * Writes `data` to `file` whole or not at all: to a temporary file beside it that did not exist
 * before (so never through a link someone left there), then renamed into place, so a reader sees
 * the old file or the new one. When a step after making the temporary file fails, it is removed
 * and the error thrown.
 */
export function replaceFile(file: string, data: string | Uint8Array, mode = 0o644): void {
	const temporary = `${file}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`;
	// Made here or not at all: a file already in its place is someone else's, and is left alone.
	const descriptor = fs.openSync(temporary, 'wx', mode);
	try {
		try {
			fs.writeFileSync(descriptor, data);
		} finally {
			fs.closeSync(descriptor);
		}
		fs.renameSync(temporary, file);
	} catch (error) {
		try {
			fs.rmSync(temporary, {force: true});
		} catch {
			// It is gone already.
		}
		throw error;
	}
}
