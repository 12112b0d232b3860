import {describe, expect, it} from 'vitest';
import {DataError, exitCodes, reportError} from '../source/errors.js';

describe('reportError', () => {
	it("says one of quarterdeck's own errors as its line, with its exit code", () => {
		expect(reportError(new DataError('store.json: figures[3].value: expected number'), false)).toEqual({
			text: 'quarterdeck: store.json: figures[3].value: expected number\n',
			exitCode: exitCodes.data,
		});
	});

	it('says anything else is an internal error, printable, pointing at --debug', () => {
		expect(reportError(new Error('bad \u001B[31mthing\nhere'), false)).toEqual({
			text: 'quarterdeck: internal error: bad thing here (run with --debug for details)\n',
			exitCode: exitCodes.internal,
		});
		expect(reportError('thrown text', false).text).toBe('quarterdeck: internal error: thrown text (run with --debug for details)\n');
	});

	it('adds the stack trace with --debug, each line made printable', () => {
		const error = new Error('boom');
		error.stack = 'Error: boom\n    at \u001B[2Jsomewhere (file.js:1:1)';
		expect(reportError(error, true)).toEqual({
			text: 'quarterdeck: internal error: boom\nError: boom\n    at somewhere (file.js:1:1)\n',
			exitCode: exitCodes.internal,
		});
	});
});
