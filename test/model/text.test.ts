import {describe, expect, it} from 'vitest';
import {normalizeWhitespace, sanitize, sanitizeDeep} from '../../source/model/text.js';

describe('sanitize', () => {
	it.each([
		['plain', 'plain'],
		['red \u001B[31mtext\u001B[0m', 'red text'],
		['title \u001B]0;owned\u0007 here', 'title  here'],
		['link \u001B]8;;http://x\u001B\\label\u001B]8;;\u001B\\', 'link label'],
		['8-bit csi \u009B31m here', '8-bit csi  here'],
		['8-bit osc \u009D0;x\u009C done', '8-bit osc  done'],
		['dcs \u001BPq#0;2;0;0;0\u001B\\ end', 'dcs  end'],
		['bell\u0007 and nul\u0000 and del\u007F', 'bell and nul and del'],
		['clear \u001Bc screen', 'clear  screen'],
		['line\nbreak\tand tab\r', 'line break and tab '],
		['c1 \u0085 next line', 'c1  next line'],
		['Dartmouth-Hitchcock “quoted” – dash', 'Dartmouth-Hitchcock “quoted” – dash'],
	])('%j', (input, expected) => {
		expect(sanitize(input)).toBe(expected);
		expect(sanitize(input)).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
	});

	it('reaches every string in a structure', () => {
		expect(sanitizeDeep({a: ['\u001B[2Jx', 3], b: {c: 'y\u0007'}})).toEqual({a: ['x', 3], b: {c: 'y'}});
	});

	it('copies only what it changes, keeping what comes before and after a change', () => {
		const clean = {kept: ['a', {b: 1}]};
		const input = {clean, list: ['first', {n: 2}, 'late\u0007x', 'last']};
		const output = sanitizeDeep(input);
		expect(output).toEqual({clean, list: ['first', {n: 2}, 'latex', 'last']});
		expect(output.clean).toBe(clean);
		expect(output.list[1]).toBe(input.list[1]);
		expect(input.list[2]).toBe('late\u0007x');
		expect(sanitizeDeep(clean)).toBe(clean);
	});

	it('normalises whitespace as quotes are compared', () => {
		expect(normalizeWhitespace('  a\n   b\t\tc ')).toBe('a b c');
	});
});
