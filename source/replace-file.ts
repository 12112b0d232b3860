import fs from 'node:fs';
import process from 'node:process';

/**
 * Writes `data` to `file` whole or not at all: to a temporary file beside it that did not exist
 * before (so never through a link someone left there), then renamed into place, so a reader sees
 * the old file or the new one. When a step fails the temporary file is removed and the error thrown.
 */
export function replaceFile(file: string, data: string | Uint8Array, mode = 0o644): void {
	const temporary = `${file}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`;
	try {
		fs.writeFileSync(temporary, data, {mode, flag: 'wx'});
		fs.renameSync(temporary, file);
	} catch (error) {
		try {
			fs.rmSync(temporary, {force: true});
		} catch {
			// Nothing was written.
		}
		throw error;
	}
}
