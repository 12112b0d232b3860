import {describe, expect, it, vi} from 'vitest';
import {loadStore} from '../source/data/store.js';
import {DataError, exitCodes, isQuarterdeckError, UsageError} from '../source/errors.js';
import {sanitizeDeep} from '../source/model/text.js';
import {copyStore} from './helpers.js';

// The command line and the parts it loads on demand are bundled apart, each with its own copy of
// the modules they share. A fresh module registry gives this test such a second copy.
describe('what passes between copies of a module', () => {
	it('an error: known by its mark, not its class', async () => {
		expect(isQuarterdeckError(new DataError('x'))).toBe(true);
		expect(isQuarterdeckError(new UsageError('x'))).toBe(true);
		expect([new Error('x'), new TypeError('x'), {exitCode: 3}, 'x', null, undefined].map(value => isQuarterdeckError(value))).toEqual([false, false, false, false, false, false]);
		vi.resetModules();
		const other = await import('../source/errors.js');
		const error = new other.DataError('store.json: not valid JSON');
		expect(error).not.toBeInstanceOf(DataError);
		expect(isQuarterdeckError(error) && error.exitCode).toBe(exitCodes.data);
	});

	it('a store marked safe for a terminal: seen by the other copy', async () => {
		const clean = await loadStore(copyStore(), {forTerminal: true});
		vi.resetModules();
		const other = await import('../source/model/text.js');
		expect(other.sanitizeDeep).not.toBe(sanitizeDeep);
		// Marked: the other copy returns the very store, even with a control character written in later.
		clean.company.name = 'Hema\u001B[2JCare';
		expect(other.sanitizeDeep(clean)).toBe(clean);
	});
});
