import {describe, expect, it} from 'vitest';
import {CsvSyntaxError, parseCsv} from '../../source/data/csv.js';

const fieldsOf = (text: string) => parseCsv(text).map(record => record.fields);

describe('parseCsv', () => {
	it.each([
		['a plain record', 'a,b,c', [['a', 'b', 'c']]],
		['CRLF between records, and after the last', 'a,b\r\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
		['LF only', 'a,b\nc,d\n', [['a', 'b'], ['c', 'd']]],
		['CR only', 'a,b\rc,d', [['a', 'b'], ['c', 'd']]],
		['no line break after the last record', 'a,b\r\nc,d', [['a', 'b'], ['c', 'd']]],
		['a comma inside quotes', '"a,b",c', [['a,b', 'c']]],
		['a doubled quote', '"say ""hi""",x', [['say "hi"', 'x']]],
		['a line break inside quotes', '"two\r\nlines",x\r\nnext,y', [['two\r\nlines', 'x'], ['next', 'y']]],
		['empty fields', ',,\r\n', [['', '', '']]],
		['an empty last field', 'a,', [['a', '']]],
		['an empty quoted field', '"",b', [['', 'b']]],
		['a quoted last field at the end of input', 'a,"b"', [['a', 'b']]],
		['spaces are kept', ' a , b ', [[' a ', ' b ']]],
		['a byte-order mark is dropped', '\uFEFFid,period\r\n', [['id', 'period']]],
		['blank lines give no record', 'a\r\n\r\nb\r\n', [['a'], ['b']]],
		['nothing at all', '', []],
	])('%s', (_name, text, expected) => {
		expect(fieldsOf(text)).toEqual(expected);
	});

	it('numbers rows as a spreadsheet does: header row 1, blank lines counted, a multi-line field one row', () => {
		const records = parseCsv('h1,h2\r\n"a\r\nb",1\r\n\r\nc,2\r\n');
		expect(records.map(record => [record.row, record.line])).toEqual([
			[1, 1],
			[2, 2],
			[4, 5],
		]);
	});

	it.each([
		['an unterminated quote', 'a,b\r\nc,"open\r\nmore', {row: 2, line: 2, column: 3}, /never closed/],
		['a quote inside an unquoted field', 'a,b\r\nc,d"e\r\n', {row: 2, line: 2, column: 4}, /quote inside an unquoted field/],
		['text after a closing quote', '"a"b,c', {row: 1, line: 1, column: 4}, /after a closing quote/],
		['an unterminated quote on the third row', 'h\r\nx\r\n"y', {row: 3, line: 3, column: 1}, /never closed/],
	])('refuses %s, naming where', (_name, text, position, message) => {
		let caught: unknown;
		try {
			parseCsv(text);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(CsvSyntaxError);
		expect(caught).toMatchObject(position);
		expect((caught as Error).message).toMatch(message);
	});
});
