import {describe, expect, it} from 'vitest';
import {dataAfterCopyOf, withCopyOf} from '../source/held-copy.js';

describe('contents holding a copy of their bytes', () => {
	const bytes = Buffer.from('{"company":"A"}');
	const data = Buffer.from('made from it');

	it('give their data back for those very bytes only', () => {
		const contents = withCopyOf(bytes, data);
		expect(dataAfterCopyOf(contents, bytes)?.toString()).toBe('made from it');
		expect(dataAfterCopyOf(contents, Buffer.from('{"company":"B"}'))).toBeUndefined();
		expect(dataAfterCopyOf(contents, bytes.subarray(1))).toBeUndefined();
		expect(dataAfterCopyOf(contents.subarray(0, 4 + bytes.length - 1), bytes)).toBeUndefined();
		expect(dataAfterCopyOf(contents.subarray(0, 3), bytes)).toBeUndefined();
		expect(dataAfterCopyOf(withCopyOf(Buffer.alloc(0), data), Buffer.alloc(0))?.toString()).toBe('made from it');
	});

	it('refuse a copy whose length does not fit their 4 bytes', () => {
		const tooLong = {length: 2 ** 32} as Uint8Array;
		expect(() => withCopyOf(tooLong, data)).toThrow(/cannot be held/);
	});
});
