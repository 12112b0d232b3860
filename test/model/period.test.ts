import {describe, expect, it} from 'vitest';
import {UsageError} from '../../source/errors.js';
import {comparePeriods, daysInPeriod, describePeriod, parsePeriod, resolveQuarter, yearEarlier} from '../../source/model/period.js';

const quarters = ['2002Q3', '2002Q4', '2003Q1', '2003Q2', '2003Q3', '2003Q4', '2004Q1', '2004Q2'];

describe('resolveQuarter', () => {
	it.each([
		['2004Q2', '2004Q2'],
		['2004q2', '2004Q2'],
		['2004-Q2', '2004Q2'],
		['Q2 2004', '2004Q2'],
		['q2-2004', '2004Q2'],
		[' 2003Q3 ', '2003Q3'],
		['latest', '2004Q2'],
		['LATEST', '2004Q2'],
		['latest-1', '2004Q1'],
		['latest-4', '2003Q2'],
		['latest - 7', '2002Q3'],
	])('reads %j as %s', (input, expected) => {
		expect(resolveQuarter(input, quarters)).toBe(expected);
	});

	it.each([
		['2004Q5', 'is not a quarter'],
		['2004', 'is not a quarter'],
		['Q2', 'is not a quarter'],
		['2004-13', 'is not a quarter'],
		['', 'is not a quarter'],
		['latest+1', 'is not a quarter'],
		['2001Q1', '(2001Q1) is not in the store'],
		['latest-8', '(2002Q2) is not in the store'],
	])('rejects %j, listing the quarters there are', (input, message) => {
		const call = () => resolveQuarter(input, quarters, '--quarter');
		expect(call).toThrow(UsageError);
		expect(call).toThrow(message);
		expect(call).toThrow('expected one of 2002Q3, 2002Q4, 2003Q1');
		expect(call).toThrow(`--quarter "${input}"`);
	});

	/** Every quarter from 2000Q1 to 2009Q4 but 2004Q3. */
	const many = Array.from({length: 40}, (_item, index) => `${2000 + Math.floor(index / 4)}Q${(index % 4) + 1}`).filter(quarter => quarter !== '2004Q3');

	it.each([
		['2004Q3', '(2004Q3) is not in the store', 'nearest: 2004Q2, 2004Q4; '],
		['1999Q4', '(1999Q4) is not in the store', ''],
		['2010Q1', '(2010Q1) is not in the store', ''],
		['latest-41', '(1999Q3) is not in the store', ''],
		['Q5 2004', 'is not a quarter', ''],
	])('names a long list of quarters by its count and span, and the two either side of %j', (input, what, nearest) => {
		const call = () => resolveQuarter(input, many, 'A');
		expect(call).toThrow(UsageError);
		expect(call).toThrow(`A "${input}" ${what}; expected one of the store's 39 quarters from 2000Q1 to 2009Q4 (${nearest}all: quarterdeck quarters), or latest, latest-N`);
	});

	it('names every quarter of a list of 12, and not of 13', () => {
		for (const [count, named] of [[12, true], [13, false]] as const) {
			const some = many.slice(0, count);
			const call = () => resolveQuarter('1990Q1', some);
			expect(call).toThrow(named ? `expected one of ${some.join(', ')}, or latest` : `expected one of the store's 13 quarters from 2000Q1 to ${some.at(-1)} (all: quarterdeck quarters), or latest`);
		}
	});

	it('says so when the store has no quarters', () => {
		expect(() => resolveQuarter('latest', [])).toThrow('none: the store has no quarters');
	});
});

describe('periods', () => {
	it.each([
		['2004Q2', {year: 2004, first: 2, last: 2}],
		['2004Q1-Q2', {year: 2004, first: 1, last: 2}],
		['2003Q1-Q4', {year: 2003, first: 1, last: 4}],
		['2004Q2-Q1', undefined],
		['2004H1', undefined],
		['04Q2', undefined],
	])('parsePeriod(%j)', (input, expected) => {
		expect(parsePeriod(input)).toEqual(expected);
	});

	it.each([
		['2004Q2', 'Q2 2004'],
		['2004Q1-Q2', 'six months ended June 30, 2004'],
		['2003Q1-Q3', 'nine months ended September 30, 2003'],
		['2003Q1-Q4', 'year 2003'],
	])('describes %s as %j', (input, expected) => {
		expect(describePeriod(input)).toBe(expected);
	});

	it.each([
		['2004Q2', 91],
		['2004Q1', 91],
		['2003Q1', 90],
		['2003Q4', 92],
		['2004Q1-Q2', 182],
	])('daysInPeriod(%s) = %d', (input, days) => {
		expect(daysInPeriod(input)).toBe(days);
	});

	it('orders by end, shorter spans first, and steps back a year', () => {
		expect(['2004Q1-Q2', '2003Q4', '2004Q2', '2004Q1'].sort(comparePeriods)).toEqual(['2003Q4', '2004Q1', '2004Q2', '2004Q1-Q2']);
		expect(yearEarlier('2004Q1')).toBe('2003Q1');
		expect(yearEarlier('2003Q4')).toBe('2002Q4');
	});
});
