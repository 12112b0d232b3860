import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {isTerminal} from '../../source/output/stdio.js';

const opened: number[] = [];
const open = (file: string, flags: string) => {
	const fd = fs.openSync(file, flags);
	opened.push(fd);
	return fd;
};

/** Whether this machine gives a pseudo-terminal to open (a container may have no /dev/ptmx). */
const hasPty = (() => {
	try {
		fs.closeSync(fs.openSync('/dev/ptmx', 'r+'));
		return true;
	} catch {
		return false;
	}
})();
const withPty = it.skipIf(!hasPty);

afterEach(() => {
	vi.restoreAllMocks();
	for (const fd of opened.splice(0)) fs.closeSync(fd);
});

describe.skipIf(process.platform === 'win32')('isTerminal', () => {
	withPty('takes a pseudo-terminal for one', () => {
		expect(isTerminal(open('/dev/ptmx', 'r+'))).toBe(true);
	});

	it('tells the null device, a file and another character device from a terminal', () => {
		expect(isTerminal(open('/dev/null', 'w'))).toBe(false);
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quarterdeck-test-')), 'out');
		try {
			expect(isTerminal(open(file, 'w'))).toBe(false);
		} finally {
			fs.rmSync(path.dirname(file), {recursive: true});
		}
		expect(isTerminal(open('/dev/zero', 'r'))).toBe(false);
	});

	withPty('takes a terminal for one when the null device cannot be looked at', () => {
		const terminal = open('/dev/ptmx', 'r+');
		const statSync = fs.statSync;
		vi.spyOn(fs, 'statSync').mockImplementation(((file: fs.PathLike, options?: fs.StatSyncOptions) => {
			if (file === '/dev/null') throw Object.assign(new Error(`EACCES: permission denied, stat '${file}'`), {code: 'EACCES'});
			return statSync(file, options);
		}) as typeof fs.statSync);
		expect(isTerminal(terminal)).toBe(true);
		expect(fs.statSync).toHaveBeenCalledWith('/dev/null', expect.anything());
	});

	withPty('takes a terminal for one when the null device is not a character device', () => {
		const terminal = open('/dev/ptmx', 'r+');
		const file = fs.statSync(os.tmpdir());
		vi.spyOn(fs, 'statSync').mockImplementation((() => Object.assign(Object.create(Object.getPrototypeOf(file)), file, {rdev: fs.fstatSync(terminal).rdev})) as unknown as typeof fs.statSync);
		expect(isTerminal(terminal)).toBe(true);
	});
});
