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

import {writtenPrecision} from '../../source/model/quote-numbers.js';

describe('writtenPrecision', () => {
	it.each([
		['a valuation allowance of $3.16 million', 3160000, 'USD', 10000],
		['declined 2.8%, or $201,000', 2.8, 'percent', 0.1],
		['declined 2.8%, or $201,000', -201000, 'USD', 1000],
		['to $6,921,000, or .2%', 0.2, 'percent', 0.1],
		['stood at 45 days', 45, 'days', 1],
		['improved by nearly one million dollars', 1000000, 'USD', 1000000],
		['Provision $ 0 $ 6,000', 0, 'USD', 1],
		['to 1,489, compared with 1,680', 1680, 'count', 1],
		['a loss of $.60 per share', -0.6, 'USD/share', 0.01],
		['a loss of $.60 per share', -0.7, 'USD/share', 0],
	] as const)('%j writes %d to %d', (quote, value, unit, expected) => {
		expect(writtenPrecision(quote, value, unit)).toBe(expected);
	});
});
