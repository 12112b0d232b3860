import {describe, expect, it} from 'vitest';
import {numbersInText, quoteStatesValue} from '../../source/model/quote-numbers.js';

describe('numbersInText', () => {
	it.each([
		['a net loss of $4,679,000, or $.60 per share', [4679000, 0.6]],
		['a valuation allowance of $3.16 million against', [3160000]],
		['declined 2.8%, or $201,000', [2.8, 201000]],
		['to $6,921,000, or .2%, compared', [6921000, 0.2]],
		['improved by nearly one million dollars', [1000000]],
		['nearly $3 million in income tax benefit', [3000000]],
		['stood at 45 days compared with 62 days', [45, 62]],
		['Net income $ 264,000 $ 8,000', [264000, 8000]],
		['one of the two programs', []],
	])('%j', (text, expected) => {
		expect(numbersInText(text)).toEqual(expected);
	});

	it('matches a value to its quote regardless of sign, and refuses a value the quote does not state', () => {
		expect(quoteStatesValue('a net loss of $272,000', -272000)).toBe(true);
		expect(quoteStatesValue('a net loss of $272,000', 272001)).toBe(false);
		expect(quoteStatesValue('a decline of 17.6%', -17.6)).toBe(true);
		expect(quoteStatesValue('a decline of 17.6%', 1.76)).toBe(false);
	});
});
