import {mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {describe, expect, it} from 'vitest';
import {replaceFile} from '../source/replace-file.js';
import {tempDirectory} from './helpers.js';

describe('replaceFile', () => {
	it('puts the new text in place with its mode, and leaves nothing beside it', () => {
		const dir = tempDirectory();
		const file = path.join(dir, 'store.json');
		writeFileSync(file, 'old');
		replaceFile(file, 'new', 0o600);
		expect(readFileSync(file, 'utf8')).toBe('new');
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(readdirSync(dir)).toEqual(['store.json']);
	});

	it('replaces a link with a file, and leaves what the link named as it was', () => {
		const dir = tempDirectory();
		const target = path.join(dir, 'elsewhere');
		writeFileSync(target, 'theirs');
		const file = path.join(dir, 'entry');
		symlinkSync(target, file);
		replaceFile(file, 'ours');
		expect(readFileSync(target, 'utf8')).toBe('theirs');
		expect(statSync(file).isFile() && readFileSync(file, 'utf8')).toBe('ours');
	});

	it('throws when it cannot write, leaving the old file and no temporary one', () => {
		const dir = tempDirectory();
		const file = path.join(dir, 'taken');
		// A directory in the file's place: the rename fails after the temporary file is written.
		mkdirSync(file);
		writeFileSync(path.join(file, 'inside'), '');
		expect(() => replaceFile(file, 'new')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
		expect(readdirSync(dir)).toEqual(['taken']);
		expect(() => replaceFile(path.join(dir, 'missing', 'file'), 'new')).toThrow(/ENOENT/);
	});

	it('leaves a file that is already where its temporary file would go', () => {
		const dir = tempDirectory();
		const file = path.join(dir, 'entry');
		const random = Math.random;
		// The temporary name this process will choose, taken first by someone else.
		Math.random = () => 0.5;
		const taken = `${file}.${process.pid}.${(0.5).toString(16).slice(2, 10)}.tmp`;
		writeFileSync(taken, 'theirs');
		try {
			expect(() => replaceFile(file, 'ours')).toThrow(/EEXIST/);
		} finally {
			Math.random = random;
		}
		expect(readFileSync(taken, 'utf8')).toBe('theirs');
		expect(readdirSync(dir).sort()).toEqual([path.basename(taken)]);
	});
});
