import {describe, expect, it} from 'vitest';
import {resolveFigures} from '../../source/model/derive.js';
import {parseFormula} from '../../source/model/formula.js';
import type {Figure} from '../../source/data/schema.js';

describe('parseFormula', () => {
	it.each([
		['a + b', {a: 2, b: 3}, 5],
		['a - b - c', {a: 10, b: 3, c: 2}, 5],
		['a - (b - c)', {a: 10, b: 3, c: 2}, 9],
		['a * 100 / b', {a: 1, b: 4}, 25],
		['-a + b', {a: 1, b: 4}, 3],
		['total - blood_services', {total: 6921000, blood_services: 1885000}, 5036000],
		['.5 * a', {a: 8}, 4],
	])('%s', (text, values, expected) => {
		expect(parseFormula(text).evaluate(values)).toBe(expected);
	});

	it.each([
		['', 'formula is empty'],
		['a +', 'formula ends too soon'],
		['(a + b', 'expected ")"'],
		['a b', 'unexpected "b"'],
		['a ^ b', 'unexpected "^"'],
		['A + b', 'unexpected "A"'],
	])('rejects %j', (text, message) => {
		expect(() => parseFormula(text)).toThrow(message);
	});
});

const stated = (id: string, value: number): Figure => ({id, period: '2004Q1', metric: 'm', measure: 'value', unit: 'USD', kind: 'stated', value, source: 's', quote: String(value)});
const derived = (id: string, formula: string, inputs: Record<string, string>, value?: number): Figure => ({id, period: '2004Q1', metric: 'm', measure: 'value', unit: 'USD', kind: 'derived', formula, inputs, value});

describe('resolveFigures', () => {
	it('computes derived figures from their inputs, in dependency order', () => {
		const figures = [derived('c', 'a + b', {a: 'a', b: 'b'}), derived('d', 'x * 2', {x: 'c'}), stated('a', 1), stated('b', 2)];
		expect(resolveFigures(figures).map(figure => figure.value)).toEqual([3, 6, 1, 2]);
	});

	it.each([
		[[derived('c', 'a + b', {a: 'a'}), stated('a', 1)], 'figures[0].formula: "b" is not one of its inputs'],
		[[derived('c', 'a', {a: 'missing'})], 'figures[0].inputs.a: no figure "missing"'],
		[[derived('c', 'a', {a: 'd'}), derived('d', 'a', {a: 'c'})], 'depends on itself'],
		[[derived('c', 'a / b', {a: 'a', b: 'b'}), stated('a', 1), stated('b', 0)], 'gives Infinity'],
		[[derived('c', 'a + 1', {a: 'a'}, 5), stated('a', 1)], 'figures[0].value: the store says 5 but "a + 1" gives 2'],
	])('rejects a bad derivation (%#)', (figures, message) => {
		expect(() => resolveFigures(figures)).toThrow(message);
	});
});
