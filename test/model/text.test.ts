import {describe, expect, it} from 'vitest';
import {jsonTextIsPlain, markSafe, normalizeWhitespace, sanitize, sanitizeDeep} from '../../source/model/text.js';

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
		['right-to-left override \u202Etxt.exe', 'right-to-left override txt.exe'],
		['isolates \u2066a\u2069 \u2067b\u2069 \u2068c\u2069', 'isolates a b c'],
		['marks \u200Ea\u200Fb\u061C and embeddings \u202A\u202B\u202C\u202D', 'marks ab and embeddings '],
		['Arabic and Hebrew letters: \u0627\u05D0, joiners \u200D', 'Arabic and Hebrew letters: \u0627\u05D0, joiners \u200D'],
	])('%j', (input, expected) => {
		expect(sanitize(input)).toBe(expected);
		expect(sanitize(input)).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
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

	it('returns a value marked safe as it is', () => {
		const marked = markSafe({a: ['x']});
		expect(sanitizeDeep(marked)).toBe(marked);
	});

	it('normalises whitespace as quotes are compared', () => {
		expect(normalizeWhitespace('  a\n   b\t\tc ')).toBe('a b c');
	});
});

describe('jsonTextIsPlain', () => {
	const escapeAll = (text: string) => `"${[...text].map(character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
	const unchanged = (text: string) => {
		const value: unknown = JSON.parse(text);
		return sanitizeDeep(value) === value;
	};

	// Every character of the first 1,024 code points, as JSON.stringify writes it (control
	// characters escaped, DEL and C1 raw) and fully \u-escaped, alone and within a key: the text
	// is called plain exactly when sanitizing the parsed value would change nothing.
	it('says plain exactly when sanitizing would change nothing, for every character up to U+03FF', () => {
		let plain = 0;
		for (let code = 0; code < 0x400; code++) {
			const text = `a${String.fromCharCode(code)}b`;
			for (const json of [JSON.stringify(text), escapeAll(text), JSON.stringify({[text]: 1}), `{${escapeAll(text)}: [1]}`]) {
				expect(jsonTextIsPlain(json), json).toBe(unchanged(json));
				if (jsonTextIsPlain(json)) plain++;
			}
		}
		expect(plain).toBe((0x400 - 32 - 33) * 4);
	});

	// The same for every character around the bidi controls, which sanitize removes too.
	it.each([
		['U+0600–U+061F', 0x0600, 0x0620, 1],
		['U+2000–U+206F', 0x2000, 0x2070, 2 + 5 + 4],
	])('says plain exactly when sanitizing would change nothing, for every character in %s', (_range, from, to, controls) => {
		let notPlain = 0;
		for (let code = from; code < to; code++) {
			const text = `a${String.fromCharCode(code)}b`;
			for (const json of [JSON.stringify(text), escapeAll(text), JSON.stringify({[text]: 1}), `{${escapeAll(text)}: [1]}`]) {
				expect(jsonTextIsPlain(json), json).toBe(unchanged(json));
				if (!jsonTextIsPlain(json)) notPlain++;
			}
		}
		expect(notPlain).toBe(controls * 4);
	});

	it.each([
		['escaped quotes and backslashes', String.raw`{"q": "he said \"yes\" \\ \/"}`, true],
		['a backslash then n, not a line break', String.raw`["a\\nb"]`, true],
		['whitespace between tokens', '{\n\t"a": [1,\r\n 2]\n}', true],
		['non-ASCII text', '["Dartmouth–Hitchcock “quoted” é"]', true],
		['an escaped line break', String.raw`["a\nb"]`, false],
		['an escaped ESC', String.raw`["\u001b[31m"]`, false],
		['an escaped 8-bit CSI in capitals', String.raw`["\u009B2J"]`, false],
		['a raw DEL', '["a\u007Fb"]', false],
		['a raw C1', '["a\u0085b"]', false],
	])('%s', (_name, text, expected) => {
		expect(jsonTextIsPlain(text)).toBe(expected);
		expect(unchanged(text)).toBe(expected);
	});
});
