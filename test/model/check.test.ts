import {describe, expect, it} from 'vitest';
import type {Store} from '../../source/data/schema.js';
import {parseStore} from '../../source/data/parse-store.js';
import {checkStore, indexFindings, type RuleId} from '../../source/model/check.js';
import {createDataset} from '../../source/model/dataset.js';
import {bundledStore, readJson} from '../helpers.js';

type FigureInput = Partial<Store['figures'][number]> & {id: string; value?: number};

/** A small store of one company with whatever figures, relations and sites a case needs. */
function store(figures: FigureInput[], extra: Partial<Store> = {}): Store {
	return {
		schemaVersion: 1,
		company: {name: 'Test Co', currency: 'USD'},
		sources: [
			{id: 'early', title: 'Early letter', date: '2021-01-01', kind: 'letter'},
			{id: 'late', title: 'Late letter', date: '2021-06-01', kind: 'letter'},
		],
		segments: [
			{id: 'a', name: 'A'},
			{id: 'b', name: 'B'},
			{id: 'kept', name: 'Kept', parent: 'a'},
			{id: 'gone', name: 'Gone', parent: 'a'},
		],
		metrics: [
			{id: 'sales', name: 'Sales', unit: 'USD', type: 'flow', statement: 'income', role: 'revenue'},
			{id: 'pretax', name: 'Pretax', unit: 'USD', type: 'flow', statement: 'income'},
			{id: 'tax', name: 'Tax', unit: 'USD', type: 'flow', statement: 'income'},
			{id: 'net', name: 'Net', unit: 'USD', type: 'flow', statement: 'income'},
			{id: 'margin', name: 'Margin', unit: 'percent', type: 'ratio', statement: 'income'},
			{id: 'profit', name: 'Profit', unit: 'USD', type: 'flow', statement: 'income'},
			{id: 'receivables', name: 'Receivables', unit: 'USD', type: 'stock', statement: 'balance'},
			{id: 'dso', name: 'DSO', unit: 'days', type: 'ratio', statement: 'balance'},
			{id: 'assets', name: 'Assets', unit: 'USD', type: 'stock', statement: 'balance'},
			{id: 'claims', name: 'Claims', unit: 'USD', type: 'stock', statement: 'balance'},
		],
		siteTypes: [{id: 'shop', name: 'Shop'}],
		statuses: [
			{id: 'open', name: 'Open', state: 'active'},
			{id: 'shut', name: 'Shut', state: 'ended'},
		],
		relations: [
			{id: 'sales-sum', kind: 'sum', whole: {metric: 'sales'}, parts: [{metric: 'sales', segment: 'a', sign: 1}, {metric: 'sales', segment: 'b', sign: 1}]},
			{id: 'net', kind: 'sum', whole: {metric: 'net'}, parts: [{metric: 'pretax', sign: 1}, {metric: 'tax', sign: -1}]},
			{id: 'margin', kind: 'ratio', result: {metric: 'margin'}, numerator: {metric: 'profit'}, denominator: {metric: 'sales'}, scale: 100, periodScale: false},
			{id: 'dso', kind: 'ratio', result: {metric: 'dso'}, numerator: {metric: 'receivables'}, denominator: {metric: 'sales'}, scale: 1, periodScale: true},
			{id: 'balance', kind: 'equal', left: {metric: 'assets'}, right: {metric: 'claims'}},
		],
		figures: figures.map(figure => ({
			period: '2021Q1',
			metric: 'sales',
			measure: 'value',
			unit: figure.measure === 'change-percent' || figure.measure === 'percent-of' ? 'percent' : 'USD',
			kind: 'stated',
			source: 'early',
			quote: `${figure.qualifier ?? ''} ${Math.abs(figure.value ?? 0).toLocaleString('en-US')}`.trim(),
			...figure,
		})) as Store['figures'],
		sites: [],
		...extra,
	};
}

function rulesOf(input: Store): RuleId[] {
	return checkStore(createDataset(parseStore(input, 'test.json'))).findings.map(finding => finding.rule);
}

describe('check rules: each passes on consistent figures and fails on inconsistent ones', () => {
	it.each<[string, FigureInput[], RuleId | undefined]>([
		['segments add up', [{id: 't', value: 1000}, {id: 'a', segment: 'a', value: 600}, {id: 'b', segment: 'b', value: 400}], undefined],
		['segments add up within rounding', [{id: 't', value: 1_001_000}, {id: 'a', segment: 'a', value: 600_000}, {id: 'b', segment: 'b', value: 400_000}], undefined],
		['segments do not add up', [{id: 't', value: 1_010_000}, {id: 'a', segment: 'a', value: 600_000}, {id: 'b', segment: 'b', value: 400_000}], 'sum'],
		['net is pretax less tax', [{id: 'p', metric: 'pretax', value: 500}, {id: 'x', metric: 'tax', value: 100}, {id: 'n', metric: 'net', value: 400}], undefined],
		['net is not pretax less tax', [{id: 'p', metric: 'pretax', value: 246_000}, {id: 'x', metric: 'tax', value: 0}, {id: 'n', metric: 'net', value: 264_000}], 'sum'],
		['a margin of 21.24% stated as 21.2%', [{id: 's', value: 6736000}, {id: 'p', metric: 'profit', value: 1431000}, {id: 'm', metric: 'margin', unit: 'percent', value: 21.2, quote: '21.2%'}], undefined],
		['stated as 21.3%, within the rounding of its inputs', [{id: 's', value: 6736000}, {id: 'p', metric: 'profit', value: 1431000}, {id: 'm', metric: 'margin', unit: 'percent', value: 21.3, quote: '21.3%'}], undefined],
		['stated as 21.5%', [{id: 's', value: 6736000}, {id: 'p', metric: 'profit', value: 1431000}, {id: 'm', metric: 'margin', unit: 'percent', value: 21.5, quote: '21.5%'}], 'ratio'],
		['DSO from receivables and the quarter\'s days', [{id: 's', value: 6921000}, {id: 'r', metric: 'receivables', value: 3047000}, {id: 'd', metric: 'dso', unit: 'days', value: 40, quote: '40 days'}], undefined],
		['DSO that does not follow', [{id: 's', value: 6921000}, {id: 'r', metric: 'receivables', value: 3047000}, {id: 'd', metric: 'dso', unit: 'days', value: 45, quote: '45 days'}], 'ratio'],
		['assets equal claims', [{id: 'x', metric: 'assets', value: 8414000}, {id: 'y', metric: 'claims', value: 8414000}], undefined],
		['assets do not equal claims', [{id: 'x', metric: 'assets', value: 8414000}, {id: 'y', metric: 'claims', value: 8424000}], 'equal'],
		['a stated change that matches', [{id: 'now', value: 4713000}, {id: 'then', period: '2020Q1', value: 3903000}, {id: 'c', measure: 'change', compareTo: '2020Q1', value: 810000}], undefined],
		['a stated change that does not', [{id: 'now', value: 4713000}, {id: 'then', period: '2020Q1', value: 3903000}, {id: 'c', measure: 'change', compareTo: '2020Q1', value: 800000}], 'stated-change'],
		['a stated percent that agrees with the amount', [{id: 'now', value: 4780000}, {id: 'c', measure: 'change', compareTo: '2020Q1', value: 678000}, {id: 'p', measure: 'change-percent', compareTo: '2020Q1', value: 16.5, quote: '16.5%'}], undefined],
		['a stated percent that does not', [{id: 'now', value: 4780000}, {id: 'c', measure: 'change', compareTo: '2020Q1', value: 678000}, {id: 'p', measure: 'change-percent', compareTo: '2020Q1', value: 18.5, quote: '18.5%'}], 'stated-percent'],
		['"nearly" a million for 998,000', [{id: 'now', value: 734000}, {id: 'then', period: '2020Q1', value: -264000}, {id: 'c', measure: 'change', compareTo: '2020Q1', value: 1000000, qualifier: 'nearly', quote: 'nearly one million'}], undefined],
		['"nearly" a million for 1,016,000', [{id: 'now', value: 752000}, {id: 'then', period: '2020Q1', value: -264000}, {id: 'c', measure: 'change', compareTo: '2020Q1', value: 1000000, qualifier: 'nearly', quote: 'nearly one million'}], 'stated-change'],
		['two filings agree', [{id: 'x', value: 6736000}, {id: 'y', value: 6736000, source: 'late'}], undefined],
		['two filings disagree', [{id: 'x', value: 246000}, {id: 'y', value: 264000, source: 'late'}], 'conflicting-values'],
		['the same value hedged two ways', [{id: 'x', value: 80, measure: 'percent-of', compareTo: '2020Q4', qualifier: 'approximately', quote: 'approximately 80%'}, {id: 'y', value: 80, measure: 'percent-of', compareTo: '2020Q4', qualifier: 'over', quote: 'over 80%'}], 'qualifier-differs'],
		['a value its quote does not state', [{id: 'x', value: 1000, quote: 'sales of $1,100'}], 'value-in-quote'],
	])('%s', (_, figures, rule) => {
		const found = rulesOf(store(figures));
		if (rule === undefined) expect(found).toEqual([]);
		else expect(found).toContain(rule);
	});

	const sites = (second: Store['sites'][number]['events']): Partial<Store> => ({
		sites: [
			{id: 's1', name: 'One', location: 'X', type: 'shop', segment: 'a', events: [{period: '2020Q1', status: 'open', source: 'early', quote: 'one'}, ...second]},
			{id: 's2', name: 'Two', location: 'Y', type: 'shop', segment: 'a', events: [{period: '2021Q1', status: 'shut', source: 'late', quote: 'two', category: 'gone'}]},
		],
	});

	it('a running site reported among the gone from some quarter changes that category', () => {
		const figures: FigureInput[] = [{id: 'k', segment: 'kept', value: 100}, {id: 'kc', segment: 'kept', measure: 'change', compareTo: '2020Q1', value: 10}];
		expect(rulesOf(store(figures, sites([{period: '2021Q1', status: 'shut', source: 'late', quote: 'one shut', category: 'gone'}])))).toContain('membership-change');
		expect(rulesOf(store(figures, sites([{period: '2021Q1', status: 'open', source: 'late', quote: 'one open'}])))).not.toContain('membership-change');
	});

	it('figures for named sites cannot exceed their segment', () => {
		const base: FigureInput[] = [{id: 'g', segment: 'gone', value: 300_000}];
		const withSites = (value: number) => store([...base, {id: 'two', segment: 'gone', sites: ['s2'], value}], sites([]));
		expect(rulesOf(withSites(250_000))).toEqual([]);
		expect(rulesOf(withSites(372_000))).toContain('part-exceeds-whole');
	});

	it('two filings that each name a closure the other leaves out', () => {
		const shops = (ids: string[], source: string) => ids.map(id => ({period: '2021Q1', status: 'shut', source, quote: id}));
		const make = (early: string[], late: string[]) =>
			store([], {
				sites: ['il', 'nc', 'tn', 'nj'].map(id => ({
					id,
					name: id.toUpperCase(),
					location: id,
					type: 'shop',
					events: [...shops(early.filter(e => e === id), 'early'), ...shops(late.filter(l => l === id), 'late')],
				})),
			});
		expect(rulesOf(make(['il', 'nc', 'tn'], ['il', 'nc', 'nj']))).toContain('site-lists-differ');
		expect(rulesOf(make(['il', 'nc'], ['il', 'nc', 'nj']))).not.toContain('site-lists-differ');
		expect(rulesOf(make(['il', 'nc'], ['il', 'nc']))).not.toContain('site-lists-differ');
	});
});

describe('the bundled store', () => {
	const report = checkStore(createDataset(parseStore(readJson(bundledStore), 'hemacare.json')));
	const messages = report.findings.map(finding => `${finding.rule} ${finding.period} ${finding.message}`);

	it.each([
		['conflicting-values 2004Q1', /Net income 2004Q1 is given as \$246,000 .* vs \$264,000/],
		['sum 2004Q1', /Net income 2004Q1: \$264,000 .* its parts give \$246,000/],
		['part-exceeds-whole 2004Q2', /alone are \$372,000 .* more than the \$323,000/],
		['membership-change 2004Q2', /Closed centers takes in Presbyterian .*Dartmouth/],
		['site-lists-differ 2004Q2', /only 2004q1-release names Tennessee .* only 2004q2-call names New Jersey/],
		['qualifier-differs 2003Q3', /"approximately 80%" .* "over 80%"/],
	])('surfaces %s', (prefix, pattern) => {
		expect(messages.filter(message => message.startsWith(prefix)).some(message => pattern.test(message))).toBe(true);
	});

	it('gives the size of every arithmetic gap', () => {
		const net = report.findings.find(finding => finding.rule === 'sum' && finding.period === '2004Q1')!;
		expect(net).toMatchObject({expected: 246000, actual: 264000, gap: 18000});
		expect(net.figures.map(figure => figure.source)).toEqual(['2004q1-release', '2004q1-release', '2004q1-release']);
		expect(net.figures[0]!.quote).toBe('Net income $ 264,000 $ 8,000');
	});

	it('indexes findings by figure and site for the explorer', () => {
		const index = indexFindings(report);
		expect(index.byFigure.get('2004q1-net-income-q1rel-2')?.map(finding => finding.rule)).toEqual(expect.arrayContaining(['conflicting-values', 'sum']));
		expect(index.bySite.has('blood-services-tennessee')).toBe(true);
	});
});
