import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {
	findJsonError,
	formatRowError,
	normalizePeriod,
	readCsvImport,
	readJsonImport,
	RowError,
	unguardCell,
	type ImportInput,
} from '../../source/data/import-input.js';
import {planImport} from '../../source/data/import.js';
import {canonical, makeFigureId, mergeImport, traceOrigin} from '../../source/data/merge-import.js';
import {parseStore} from '../../source/data/parse-store.js';
import {otherStore} from '../helpers.js';

/** Northwind: sales 21q1-sales 1000 (q1-letter), 21q1-profit 50 (q1-letter) and 55 (q2-letter), a derived software figure. */
const base = parseStore(JSON.parse(readFileSync(otherStore, 'utf8')), 'other-company.json');

const csv = (...lines: string[]) => readCsvImport(lines.join('\r\n'));
const header = 'id,period,metric,segment,value,unit,kind,source,quote,formula,inputs';

function merge(input: ImportInput) {
	return mergeImport(base, input);
}

describe('mergeImport', () => {
	it.each([
		{
			name: 'a figure with a new id is added',
			rows: ['21q2-cash,2021Q2,cash,,300,USD,stated,q2-letter,cash of $300,,'],
			added: ['21q2-cash'],
			replaced: [],
			unchanged: 0,
		},
		{
			name: 'a figure the store has exactly is unchanged',
			rows: ['21q1-cash,2021Q1,cash,,250,USD,stated,q1-letter,cash of $250,,'],
			added: [],
			replaced: [],
			unchanged: 1,
		},
		{
			name: 'the same id with another value replaces',
			rows: ['21q1-cash,2021Q1,cash,,260,USD,stated,q1-letter,cash of $250,,'],
			added: [],
			replaced: ['21q1-cash'],
			unchanged: 0,
		},
		{
			name: 'a new id for the same metric, period and source with another value replaces the store figure',
			rows: ['21q1-cash-fix,2021Q1,cash,,260,USD,stated,q1-letter,cash of $260,,'],
			added: [],
			replaced: ['21q1-cash'],
			unchanged: 0,
		},
		{
			name: 'another source disagreeing is kept beside the store figure, not a conflict',
			rows: ['21q1-cash-q2,2021Q1,cash,,260,USD,stated,q2-letter,first-quarter cash of $260,,'],
			added: ['21q1-cash-q2'],
			replaced: [],
			unchanged: 0,
		},
		{
			name: 'a row without an id that matches a store figure is unchanged',
			rows: [',2021Q1,cash,,250,USD,stated,q1-letter,cash of $250,,'],
			added: [],
			replaced: [],
			unchanged: 1,
		},
		{
			name: 'a row without an id and another value from the same source is a conflict',
			rows: [',2021Q1,cash,,240,USD,stated,q1-letter,cash of $250,,'],
			added: [],
			replaced: ['21q1-cash'],
			unchanged: 0,
		},
		{
			name: 'a row without an id for a new figure gets a readable one',
			rows: [',2021Q2,sales,hardware,641,USD,stated,q1-letter,hardware $641,,'],
			added: ['2021q2-sales-hardware-q1-letter'],
			replaced: [],
			unchanged: 0,
		},
		{
			name: 'a derived figure with the same formula and inputs is unchanged whatever value it carries',
			rows: ['21q1-sales-sw,2021Q1,sales,software,300,USD,derived,,,total - hardware,total=21q1-sales;hardware=21q1-sales-hw'],
			added: [],
			replaced: [],
			unchanged: 1,
		},
		{
			name: 'a derived figure with another formula replaces',
			rows: ['21q1-sales-sw,2021Q1,sales,software,,USD,derived,,,hardware - total,total=21q1-sales;hardware=21q1-sales-hw'],
			added: [],
			replaced: ['21q1-sales-sw'],
			unchanged: 0,
		},
	])('$name', ({rows, added, replaced, unchanged}) => {
		const result = merge(csv(header, ...rows));
		expect(result.added.map(item => item.id)).toEqual(added);
		expect(result.replaced.map(item => item.id)).toEqual(replaced);
		expect(result.unchanged).toBe(unchanged);
		// Neither input is touched, and the result keeps every store figure.
		expect(result.store.figures.length).toBe(base.figures.length + added.length);
		expect(base.figures.find(figure => figure.id === '21q1-cash')!.value).toBe(250);
	});

	it('names both values and both sources in a conflict', () => {
		const result = merge(csv(header, '21q1-cash,2021Q1,cash,,260,USD,stated,q1-letter,cash of $250,,'));
		expect(result.replaced[0]!.message).toBe(
			"figure 21q1-cash: the store has 250 (q1-letter), the import has 260 (q1-letter); use --replace to take the import's",
		);
		expect(result.store.figures.find(figure => figure.id === '21q1-cash')!.value).toBe(260);
		expect(traceOrigin(result.origins, 'figures[7].value')).toEqual({at: {kind: 'row', row: 2}, field: 'value'});
	});

	it('names the fields that differ when the values agree', () => {
		const result = merge(csv(header, '21q1-cash,2021Q1,cash,,250,USD,stated,q1-letter,cash of about $250,,'));
		expect(result.replaced[0]!.message).toContain('the store has 250 (q1-letter), the import has 250 (q1-letter), differing in quote;');
	});

	it('keeps the store id when a conflict is found by metric, period and source', () => {
		const result = merge(csv(header, '21q1-cash-fix,2021Q1,cash,,260,USD,stated,q1-letter,cash of $260,,'));
		expect(result.store.figures.some(figure => figure.id === '21q1-cash-fix')).toBe(false);
		expect(result.store.figures.find(figure => figure.id === '21q1-cash')).toMatchObject({value: 260, quote: 'cash of $260'});
	});

	it.each([
		['a new source is added', {id: 'q3-letter', title: 'Q3 letter', date: '2021-10-20', kind: 'shareholder-letter'}, 'added'],
		['an identical source is unchanged', {id: 'q1-letter', title: 'Northwind first-quarter 2021 letter', date: '2021-04-20', kind: 'shareholder-letter'}, 'unchanged'],
		['a source with the same id and another title conflicts', {id: 'q1-letter', title: 'Another title', date: '2021-04-20', kind: 'shareholder-letter'}, 'replaced'],
	])('%s', (_name, source, outcome) => {
		const result = merge(readJsonImport(JSON.stringify({sources: [source]})));
		expect({added: result.added.length, replaced: result.replaced.length, unchanged: result.unchanged}).toEqual({
			added: outcome === 'added' ? 1 : 0,
			replaced: outcome === 'replaced' ? 1 : 0,
			unchanged: outcome === 'unchanged' ? 1 : 0,
		});
		if (outcome === 'replaced') expect(result.replaced[0]!.message).toMatch(/^source q1-letter: the store has "Northwind first-quarter 2021 letter" .*differing in title/);
	});

	const plantA = {id: 'plant-a', name: 'Plant A', location: 'Lyon, France', type: 'factory', segment: 'hardware', events: [
		{period: '2020Q1', status: 'open', source: 'q1-letter', quote: 'Plant A runs two shifts'},
		{period: '2021Q1', status: 'closing', source: 'q1-letter', quote: 'we will close Plant A'},
		{period: '2021Q2', date: '2021-05-31', status: 'shut', source: 'q2-letter', quote: 'Plant A closed on May 31'},
	]};
	it.each([
		['a new site is added', {id: 'plant-b', name: 'Plant B', location: 'Turin, Italy', type: 'factory', events: []}, 'added'],
		['an identical site is unchanged', plantA, 'unchanged'],
		['a site with the same id and another location conflicts', {...plantA, location: 'Lille, France'}, 'replaced'],
	])('%s', (_name, site, outcome) => {
		const result = merge(readJsonImport(JSON.stringify({sites: [site]})));
		expect({added: result.added.length, replaced: result.replaced.length, unchanged: result.unchanged}).toEqual({
			added: outcome === 'added' ? 1 : 0,
			replaced: outcome === 'replaced' ? 1 : 0,
			unchanged: outcome === 'unchanged' ? 1 : 0,
		});
		if (outcome === 'added') expect(result.store.sites.map(item => item.id)).toContain('plant-b');
		if (outcome === 'replaced') {
			expect(result.replaced[0]!.message).toMatch(/^site plant-a: the store has "Plant A" \(Lyon, France, 3 event\(s\)\).*differing in location/);
			expect(result.store.sites.find(item => item.id === 'plant-a')!.location).toBe('Lille, France');
		}
	});

	it('appends a new event to its site and counts one it has as unchanged', () => {
		const event = {site: 'shop-1', period: '2021Q3', status: 'closing', source: 'q2-letter', quote: 'we will close the shop'};
		const known = {site: 'plant-a', period: '2021Q1', status: 'closing', source: 'q1-letter', quote: 'we will close Plant A'};
		const result = merge(readJsonImport(JSON.stringify({events: [event, known]})));
		expect(result.added.map(item => item.type)).toEqual(['event']);
		expect(result.unchanged).toBe(1);
		expect(result.store.sites.find(site => site.id === 'shop-1')!.events).toHaveLength(2);
		expect(base.sites.find(site => site.id === 'shop-1')!.events).toHaveLength(1);
	});

	it('refuses an event for a site nobody has', () => {
		const input = readJsonImport(JSON.stringify({events: [{site: 'plant-z', period: '2021Q3', status: 'open', source: 'q2-letter', quote: 'opened'}]}));
		expect(() => merge(input)).toThrow(RowError);
		expect(() => merge(input)).toThrow(/unknown site "plant-z"/);
	});
});

describe('planImport: the store rules, with the import row named', () => {
	it.each([
		['an unknown metric', ',2021Q2,salez,,1,USD,stated,q2-letter,x,,', 'x.csv: row 2, metric: unknown metric "salez"'],
		['an unknown segment', ',2021Q2,sales,toys,1,USD,stated,q2-letter,x,,', 'x.csv: row 2, segment: unknown segment "toys"'],
		['an unknown source', ',2021Q2,sales,,1,USD,stated,q9-letter,x,,', 'x.csv: row 2, source: unknown source "q9-letter"'],
		['a unit the metric does not use', ',2021Q2,sales,,1,count,stated,q2-letter,x,,', 'x.csv: row 2, unit: expected "USD" for a value of sales, got "count"'],
		['a stated figure without a quote', ',2021Q2,sales,,1,USD,stated,q2-letter,,,', "x.csv: row 2, quote: a stated figure needs the filing's words"],
		['a stated figure without a source', ',2021Q2,sales,,1,USD,stated,,x,,', 'x.csv: row 2, source: a stated figure needs the id of its source'],
		['a derived figure naming no such figure', 'd1,2021Q2,sales,,,USD,derived,,,a,a=nothing-here', 'x.csv: row 2, inputs: unknown figure "nothing-here"'],
		['a derived value that its formula does not give', 'd1,2021Q2,sales,,99,USD,derived,,,a * 2,a=21q1-sales', 'x.csv: row 2, value: a derived figure is worked out from its inputs: "a * 2" gives 2000, the import has 99'],
	])('%s', (_name, row, message) => {
		expect(() => planImport(base, csv(header, row), 'x.csv')).toThrow(message);
	});

	it('passes a good row and works out the derived values', () => {
		const plan = planImport(base, csv(header, 'd1,2021Q1,sales,,2000,USD,derived,,,a * 2,a=21q1-sales'), 'x.csv');
		expect(plan.values.get('d1')).toBe(2000);
		expect(plan.merge.added.map(item => item.id)).toEqual(['d1']);
	});

	it('names the JSON path of an event whose status is unknown', () => {
		const input = readJsonImport(JSON.stringify({events: [{site: 'shop-1', period: '2021Q3', status: 'gone', source: 'q2-letter', quote: 'gone'}]}));
		expect(() => planImport(base, input, 'x.json')).toThrow(/^x\.json: events\[0\]\.status: unknown status "gone"/);
	});
});

describe('reading an import file', () => {
	it.each([
		['a value that is not a number', ['period,metric,value,unit,quote,source', '2021Q2,sales,1,USD,a,q1-letter', '2021Q2,sales,12x,USD,a,q1-letter'], 'row 3, value: expected a number, got "12x"'],
		['an unknown unit', ['period,metric,value,unit', '2021Q2,sales,1,EUR'], 'row 2, unit: expected one of USD, USD/share, shares, days, count, percent, got "EUR"'],
		['a period that is no period', ['period,metric,value,unit', '2004Q5,sales,1,USD'], 'row 2, period: expected a period such as 2004Q2 or 2004Q1-Q2, got "2004Q5"'],
		['a period that runs backwards', ['period,metric,value,unit', '2004Q3-Q1,sales,1,USD'], 'row 2, period: expected a quarter such as 2004Q3 or a period such as 2004Q1-Q2, got "2004Q3-Q1"'],
		['an unknown measure', ['period,metric,value,unit,measure', '2004Q3,sales,1,USD,delta'], 'row 2, measure: expected one of value, change, change-percent, percent-of, got "delta"'],
		['an id that is not an id', ['id,period,metric,value,unit', 'Bad Id,2004Q3,sales,1,USD'], 'row 2, id: expected a lower-case id of letters, digits and dashes, got "Bad Id"'],
		['malformed inputs', ['period,metric,value,unit,kind,formula,inputs', '2004Q3,sales,1,USD,derived,a,a:b'], 'row 2, inputs: expected name=figure-id pairs separated by ";", got "a:b"'],
		['an unterminated quote', ['period,metric,value,unit,quote', '2004Q3,sales,1,USD,"open'], 'row 2: malformed CSV: a quoted field opened at line 2, column 20 is never closed'],
		['a row with too few fields', ['period,metric,value,unit', '2004Q3,sales,1'], 'row 2: 3 field(s) where the header has 4'],
		['a missing required column', ['period,metric,value', '2004Q3,sales,1'], 'row 1: missing column "unit"'],
		['an unknown column', ['period,metric,value,unit,colour', '2004Q3,sales,1,USD,red'], 'row 1: unknown column "colour"'],
		['a column twice', ['period,metric,value,unit,Value', '2004Q3,sales,1,USD,2'], 'row 1: column "value" appears twice'],
		['the same id twice', ['id,period,metric,value,unit', 'a,2004Q3,sales,1,USD', 'a,2004Q3,sales,2,USD'], 'row 3, id: "a" is also at row 2'],
		['no header', [''], 'no header row'],
	])('CSV: %s', (_name, lines, message) => {
		expect(() => readCsvImport(lines.join('\r\n'))).toThrow(RowError);
		try {
			readCsvImport(lines.join('\r\n'));
		} catch (error) {
			expect(formatRowError('q.csv', error as RowError)).toContain(`q.csv: ${message}`);
		}
	});

	it('CSV: reads header names in any case and order, guarded text, period spellings and empty cells as absent', () => {
		const input = readCsvImport(
			['Unit,VALUE,metric,Period,quote,sites,inputs,kind', `USD,-5,sales,Q3 2004,'=not a formula,a; b,,`].join('\n'),
		);
		expect(input.figures[0]!.item).toEqual({period: '2004Q3', metric: 'sales', value: -5, unit: 'USD', kind: 'stated', measure: 'value', quote: '=not a formula', sites: ['a', 'b']});
		expect(input.figures[0]!.at).toEqual({kind: 'row', row: 2});
	});

	it.each([
		['a value that is not a number', {figures: [{id: 'a', period: '2004Q3', metric: 'x', unit: 'USD', kind: 'stated', value: 1}, {id: 'b', period: '2004Q3', metric: 'x', unit: 'USD', kind: 'stated', value: '12x'}]}, 'figures[1].value: expected a number, got "12x"'],
		['an unexpected field', {figures: [{id: 'a', period: '2004Q3', metric: 'x', unit: 'USD', kind: 'stated', colour: 'red'}]}, 'figures[0]: unexpected field "colour"'],
		['a source without a title', {sources: [{id: 's', date: '2004-11', kind: 'call'}]}, 'sources[0].title: missing; expected text'],
		['figures that are not a list', {figures: {}}, 'figures: expected a list, got {}'],
		['a store-level field', {metrics: []}, 'unexpected field "metrics"'],
		['another command\'s report', {format: 1, command: 'diff'}, 'command: a "diff" report cannot be imported'],
		['an event without its site', {events: [{period: '2004Q3', status: 'open', source: 's', quote: 'q'}]}, 'events[0].site: missing; expected text'],
	])('JSON: %s', (_name, data, message) => {
		try {
			readJsonImport(JSON.stringify(data));
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(RowError);
			expect(formatRowError('q.json', error as RowError)).toContain(`q.json: ${message}`);
		}
	});

	it.each([
		['{\n  "figures": [,]\n}', 'unexpected "," at line 2, column 15'],
		['{"figures": [}', 'unexpected "}" at line 1, column 14'],
		['{"figures": []', 'unexpected end of the file at line 1, column 15'],
		['{"a": tru}', 'unexpected "}" at line 1, column 10'],
		['{"a": "x\\q"}', 'unexpected "q" at line 1, column 10'],
		['{"a": 01}', 'unexpected "1" at line 1, column 8'],
		['{} x', 'unexpected "x" at line 1, column 4'],
	])('JSON: says where %j stops being JSON', (text, message) => {
		expect(() => readJsonImport(text)).toThrow(`not valid JSON: ${message}`);
	});

	it.each(['{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n", {}]}', '  {"b": {"c": []}}  '])('findJsonError passes what JSON.parse passes: %j', text => {
		expect(() => JSON.parse(text)).not.toThrow();
		expect(findJsonError(text)).toBe(text.length);
	});

	it('JSON: reads show --json output, dropping what only the view has', () => {
		const view = {
			id: 'a', period: '2004Q3', metric: 'sales', metricName: 'Net sales', segment: null, sites: [], measure: 'value', compareTo: null,
			value: 5, unit: 'USD', kind: 'stated', qualifier: null, source: 's', quote: 'q', formula: null, inputs: null, note: null,
		};
		const input = readJsonImport(JSON.stringify({format: 1, command: 'show', period: '2004Q3', label: 'Q3 2004', figures: [view], spans: [{...view, id: 'b', period: '2004Q1-Q3'}], events: []}));
		expect(input.format).toBe('show');
		expect(input.figures.map(({at, item}) => [at, item])).toEqual([
			[{kind: 'path', path: 'figures[0]'}, {id: 'a', period: '2004Q3', metric: 'sales', measure: 'value', value: 5, unit: 'USD', kind: 'stated', source: 's', quote: 'q'}],
			[{kind: 'path', path: 'spans[0]'}, {id: 'b', period: '2004Q1-Q3', metric: 'sales', measure: 'value', value: 5, unit: 'USD', kind: 'stated', source: 's', quote: 'q'}],
		]);
	});
});

describe('small pieces', () => {
	it.each([
		['2004Q3', '2004Q3'],
		['2004q3', '2004Q3'],
		['2004-Q3', '2004Q3'],
		['Q3 2004', '2004Q3'],
		['q3-2004', '2004Q3'],
		['2004Q1-Q2', '2004Q1-Q2'],
		['2004Q5', '2004Q5'],
		['third', 'THIRD'],
	])('normalizePeriod(%j) = %j', (input, expected) => {
		expect(normalizePeriod(input)).toBe(expected);
	});

	it.each([
		["'=1+1", '=1+1'],
		["'-5%", '-5%'],
		["'@x", '@x'],
		["'+y", '+y'],
		["'plain", "'plain"],
		["''=", "''="],
		['=raw', '=raw'],
	])('unguardCell(%j) = %j', (input, expected) => {
		expect(unguardCell(input)).toBe(expected);
	});

	it('makes readable ids, unique against those taken', () => {
		const figure = {period: '2004Q3', metric: 'revenue', segment: 'blood-services', measure: 'change' as const, compareTo: '2003Q3', unit: 'USD' as const, kind: 'stated' as const, source: '2004q3-call'};
		expect(makeFigureId(figure, new Set())).toBe('2004q3-revenue-blood-services-change-vs-2003q3-2004q3-call');
		expect(makeFigureId(figure, new Set(['2004q3-revenue-blood-services-change-vs-2003q3-2004q3-call']))).toBe('2004q3-revenue-blood-services-change-vs-2003q3-2004q3-call-2');
	});

	it('canonical ignores key order and absent fields', () => {
		expect(canonical({b: 1, a: [1, {d: undefined, c: 2}]})).toBe(canonical({a: [1, {c: 2}], b: 1}));
		expect(canonical({a: 1})).not.toBe(canonical({a: '1'}));
	});
});
