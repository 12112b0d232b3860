import {describe, expect, it} from 'vitest';
import {finishStore, loadStore} from '../../source/data/store.js';
import {generateStore} from '../../source/bench/generate-store.js';
import {createDataset, readValue, seriesByPeriod, seriesFigures, seriesGroups, seriesId, type Dataset} from '../../source/model/dataset.js';
import {yearEarlier} from '../../source/model/period.js';
import {compareQuarters} from '../../source/model/diff.js';
import {getBalanceSeries, getQuarter, getSegmentRevenue, getSiteStatuses, listQuarters} from '../../source/model/queries.js';
import {bundledStore, collectGarbage, otherStore} from '../helpers.js';

const other = createDataset(await loadStore(otherStore));
const hemacare = createDataset(await loadStore(bundledStore));

/** Walks {@link seriesGroups} to its end, which builds every metric's series index. */
const walk = (dataset: Dataset) => {
	const steps = seriesGroups(dataset);
	let step = steps.next();
	while (!step.done) step = steps.next();
	return step.value;
};

describe('quarters', () => {
	it('lists every quarter with a figure or a site event, in order, and the longer spans apart', () => {
		expect(other.quarters).toEqual(['2020Q1', '2020Q2', '2021Q1', '2021Q2']);
		expect(hemacare.quarters).toEqual(['2000Q4', '2002Q3', '2002Q4', '2003Q1', '2003Q2', '2003Q3', '2003Q4', '2004Q1', '2004Q2']);
		const report = listQuarters(hemacare);
		expect(report.spans.map(span => span.period)).toEqual(expect.arrayContaining(['2004Q1-Q2', '2003Q1-Q2', '2003Q1-Q3', '2003Q1-Q4']));
		expect(report.quarters.find(q => q.quarter === '2004Q2')?.revenue?.value).toBe(6921000);
	});
});

describe('seriesGroups', () => {
	it.each([['the shipped store', hemacare], ['another company', other]])('puts every figure of %s in one group of its series and period, groups in store order', (_name, dataset) => {
		const groups = walk(dataset);
		const figures = dataset.store.figures;
		expect(groups.flat().sort((a, b) => figures.indexOf(a) - figures.indexOf(b))).toEqual(figures);
		for (const group of groups) expect(new Set(group.map(figure => `${seriesId(figure)}@${figure.period}`)).size).toBe(1);
		const firsts = groups.map(group => figures.indexOf(group[0]!));
		expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
		// Metrics interleave in the store, so groups taken metric by metric would be out of order.
		const metrics = groups.map(group => group[0]!.metric);
		const runs = metrics.filter((metric, index) => index === 0 || metric !== metrics[index - 1]).length;
		expect(runs).toBeGreaterThan(new Set(metrics).size);
	});

	it('keeps the one index a query built while the walk was still building it', () => {
		// The walk indexes the store's first metric first; it has enough figures to take several steps.
		const dataset = createDataset(finishStore(generateStore({quarters: 80, segments: 30, sites: 10, seed: 7}), 'generated.json'));
		const [metric, positions] = [...dataset.metricPositions][0]!;
		expect(positions.length).toBeGreaterThan(2048);
		// A change: reading its series across periods builds the metric's index.
		const figure = dataset.store.figures[positions.findLast(position => (dataset.store.figures[position]!.measure ?? 'value') !== 'value')!]!;
		expect(figure.metric).toBe(metric);
		const steps = seriesGroups(dataset);
		// Paused in the middle of indexing that metric.
		steps.next();
		const early = seriesByPeriod(dataset, seriesId(figure)).get(figure.period);
		let step = steps.next();
		while (!step.done) step = steps.next();
		expect(early).toContain(figure);
		expect(seriesFigures(dataset, seriesId(figure), figure.period)).toBe(early);
		expect(step.value).toContain(early);
	});
});

describe('seriesByPeriod', () => {
	/** A generated store with one more revenue figure, for named sites and no segment: not a plain one. */
	const withSiteFigure = () => {
		const store = generateStore({quarters: 12, segments: 6, sites: 8, seed: 11});
		const total = store.figures.find(figure => figure.metric === 'revenue' && figure.segment === undefined && figure.kind === 'stated')!;
		store.figures.push({...total, id: 'site-revenue', sites: [store.sites[0]!.id], value: 1});
		return store;
	};
	const fresh = () => [
		createDataset(finishStore(withSiteFigure(), 'generated.json')),
		createDataset(hemacare.store),
		createDataset(other.store),
	];

	it('finds each series of values by a scan, and any other series in a period from that period\'s figures, as the metric index does', () => {
		let values = 0;
		let others = 0;
		const [before, after] = [fresh(), fresh()];
		for (let at = 0; at < before.length; at++) {
			const scanned = before[at]!;
			const indexed = after[at]!;
			// Build every metric's index first in `indexed`: every series then comes from the index.
			walk(indexed);
			const isValue = (id: string) => id.startsWith('value|') && id.endsWith('||');
			const series = new Map<string, Set<string>>();
			for (const figure of scanned.store.figures) {
				const id = seriesId(figure);
				series.set(id, (series.get(id) ?? new Set()).add(figure.period));
			}
			for (const [id, periods] of series) {
				if (isValue(id)) {
					expect([...seriesByPeriod(scanned, id)]).toEqual([...seriesByPeriod(indexed, id)]);
					values++;
				} else {
					others++;
				}
				// A period with none of the series' figures reads nothing on either side.
				for (const period of [...periods, '1999Q1']) expect(seriesFigures(scanned, id, period)).toEqual(seriesFigures(indexed, id, period));
			}
			// Every series read, and no metric's index was built on the way: once the walk builds
			// them, the same figures come from the indexes, in lists of their own.
			const read = [...series].map(([id, periods]) => [id, isValue(id) ? seriesByPeriod(scanned, id) : undefined, [...periods].map(period => seriesFigures(scanned, id, period))] as const);
			walk(scanned);
			for (const [id, byPeriod, inPeriods] of read) {
				const periods = [...series.get(id)!];
				const again = periods.map(period => seriesFigures(scanned, id, period));
				expect(again).toEqual(inPeriods);
				for (let index = 0; index < periods.length; index++) expect(again[index]).not.toBe(inPeriods[index]);
				if (isValue(id)) expect(seriesByPeriod(scanned, id)).not.toBe(byPeriod);
			}
		}
		// The stores have series of values and others (segments, sites, changes) in the same metrics.
		expect(values).toBeGreaterThan(20);
		expect(others).toBeGreaterThan(20);
		expect(before[0]!.store.figures.some(figure => figure.id === 'site-revenue')).toBe(true);
	});

	it('reads a plain series from the scan until the metric is indexed, then from the index', () => {
		const [dataset] = fresh();
		const series = seriesId({metric: 'revenue'});
		const scanned = seriesByPeriod(dataset!, series);
		walk(dataset!);
		const indexed = seriesByPeriod(dataset!, series);
		// The same figures, in lists of their own: the first read did not build the index.
		expect([...indexed]).toEqual([...scanned]);
		expect(indexed).not.toBe(scanned);
		expect(seriesByPeriod(dataset!, series)).toBe(indexed);
	});

	it('reads nothing for a metric, segment or change the store does not have, by either way', () => {
		const [dataset] = fresh();
		const missing = [
			seriesId({metric: 'no-such-metric'}),
			seriesId({metric: 'revenue', segment: 'no-such-segment'}),
			seriesId({metric: 'revenue', segment: 'no-such-segment', measure: 'change', compareTo: '2020Q1'}),
			seriesId({metric: 'revenue', sites: ['no-such-site']}),
		];
		const quarter = dataset!.quarters.at(-1)!;
		for (const indexed of [false, true]) {
			if (indexed) walk(dataset!);
			for (const id of missing) {
				expect(seriesFigures(dataset!, id, quarter)).toBeUndefined();
				if (id.startsWith('value|') && id.endsWith('||')) expect(seriesByPeriod(dataset!, id).size).toBe(0);
			}
		}
	});

	it('lets go of a metric\'s scans once its index is built', async () => {
		const [dataset] = fresh();
		const quarter = dataset!.quarters.at(-1)!;
		// Held only weakly: what keeps them alive after this is the dataset's caches.
		const scans = (() => {
			const segment = dataset!.store.segments[0]!.id;
			return [
				new WeakRef(seriesByPeriod(dataset!, seriesId({metric: 'revenue'}))),
				new WeakRef(seriesByPeriod(dataset!, seriesId({metric: 'revenue', segment}))),
				new WeakRef(seriesFigures(dataset!, seriesId({metric: 'revenue', segment, measure: 'change', compareTo: yearEarlier(quarter)}), quarter)!),
			];
		})();
		// A weak reference's target lives at least until the job that made it ends.
		await new Promise(resolve => setImmediate(resolve));
		collectGarbage();
		expect(scans.every(scan => scan.deref() !== undefined)).toBe(true);
		walk(dataset!);
		await new Promise(resolve => setImmediate(resolve));
		collectGarbage();
		expect(scans.map(scan => scan.deref())).toEqual([undefined, undefined, undefined]);
	});
});

describe('readValue', () => {
	it('prefers the newer filing and keeps the one that disagrees', () => {
		const reading = readValue(other, {metric: 'profit'}, '2021Q1')!;
		expect(reading.value).toBe(55);
		expect(reading.conflict).toBe(true);
		expect(reading.alternatives).toEqual([{figure: '21q1-profit', value: 50, source: 'q1-letter'}]);
	});

	it('is null, not zero, where nothing is stated', () => {
		expect(readValue(other, {metric: 'cash'}, '2021Q2')).toBeNull();
	});

	it('shows both 2004Q1 net incomes of the press release as a conflict', () => {
		const reading = readValue(hemacare, {metric: 'net-income'}, '2004Q1')!;
		expect(reading.conflict).toBe(true);
		expect([reading.value, ...reading.alternatives.map(item => item.value)].sort()).toEqual([246000, 264000]);
	});
});

describe('getSegmentRevenue', () => {
	it('uses the stated change where the filing gives one, and computes it otherwise, saying which', () => {
		const report = getSegmentRevenue(other, '2021Q1');
		expect(report.yearAgo).toBe('2020Q1');
		const hardware = report.rows.find(row => row.segment === 'hardware')!;
		expect(hardware.change).toMatchObject({value: 100, valueBasis: 'stated', percentBasis: 'computed', figures: ['21q1-sales-hw-chg']});
		expect(hardware.change.percent).toBeCloseTo(16.667, 2);
		const total = report.rows.find(row => row.segment === null)!;
		expect(total.change).toMatchObject({value: 100, valueBasis: 'computed', percent: 100 / 9, percentBasis: 'computed'});
		const cloud = report.rows.find(row => row.segment === 'cloud')!;
		expect(cloud).toMatchObject({depth: 2, value: null, yearAgo: null, change: {value: null, valueBasis: null}});
	});

	it.each([
		['2004Q1', 'total', 6736000, 6931000, -195000, 'computed', -2.8, 'stated'],
		['2004Q1', null, 4845000, 4946000, -101000, 'stated', -2.0, 'stated'],
		['2004Q1', 'ongoing-centers', 4780000, 4102000, 678000, 'stated', 16.5, 'stated'],
		['2004Q2', 'blood-services', 1885000, 1844000, 41000, 'stated', 2.2, 'stated'],
		['2004Q2', null, 6921000, 6937000, -16000, 'stated', -0.2, 'stated'],
	])('HemaCare %s %s', (quarter, segment, value, yearAgo, change, valueBasis, percent, percentBasis) => {
		const report = getSegmentRevenue(hemacare, quarter);
		const key = segment === 'total' ? null : segment === null && quarter === '2004Q1' ? 'blood-products' : segment;
		const row = report.rows.find(item => item.segment === key)!;
		expect(row.value?.value).toBe(value);
		expect(row.yearAgo?.value).toBe(yearAgo);
		expect(row.change.value).toBe(change);
		expect(row.change.valueBasis).toBe(valueBasis);
		expect(row.change.percent).toBe(percent);
		expect(row.change.percentBasis).toBe(percentBasis);
	});

	it('reads its levels, trends and changes without indexing the whole metric, and reports what the index would give', () => {
		const make = () => createDataset(finishStore(generateStore({quarters: 24, segments: 6, sites: 8, seed: 5}), 'generated.json'));
		const scanned = make();
		const indexed = make();
		walk(indexed);
		const quarter = scanned.quarters.at(-1)!;
		const report = getSegmentRevenue(scanned, quarter);
		expect(report).toEqual(getSegmentRevenue(indexed, quarter));
		// Stated changes and segments' levels are in the report.
		expect(report.rows.some(row => row.change.valueBasis === 'stated')).toBe(true);
		expect(report.rows.filter(row => row.segment !== null && row.value !== null).length).toBeGreaterThan(5);
		// Had the report built revenue's index, a walk would keep it, and the segments' series would come from it unchanged.
		const series = (dataset: Dataset) => report.rows.map(row => seriesByPeriod(dataset, seriesId({metric: 'revenue', segment: row.segment ?? undefined})));
		const changes = (dataset: Dataset) => report.rows.map(row => seriesFigures(dataset, seriesId({metric: 'revenue', segment: row.segment ?? undefined, measure: 'change', compareTo: report.yearAgo}), quarter));
		const before = [series(scanned), changes(scanned)];
		walk(scanned);
		const after = [series(scanned), changes(scanned)];
		expect(after).toEqual(before);
		for (let at = 0; at < report.rows.length; at++) {
			expect(after[0]![at]).not.toBe(before[0]![at]);
			if (before[1]![at] !== undefined) expect(after[1]![at]).not.toBe(before[1]![at]);
		}
	});
});

describe('getSiteStatuses', () => {
	it.each([
		['2020Q2', 'open', null],
		['2021Q1', 'closing', null],
		['2021Q2', 'shut', '2021-05-31'],
	])('Plant A as of %s is %s', (quarter, status, date) => {
		const site = getSiteStatuses(other, quarter).sites.find(item => item.id === 'plant-a')!;
		expect(site.status?.status).toBe(status);
		expect(site.status?.date).toBe(date);
	});

	it('has no status before the first filing speaks of a site', () => {
		expect(getSiteStatuses(other, '2021Q1').sites.find(item => item.id === 'shop-1')?.status).toBeNull();
	});

	it.each([
		['2003Q2', 'albany', null],
		['2003Q3', 'albany', 'named-for-closure'],
		['2003Q4', 'albany', 'closed'],
		['2003Q1', 'sherman-oaks', 'converted'],
		['2004Q1', 'dartmouth-hitchcock', null],
		['2004Q2', 'dartmouth-hitchcock', 'contract-ended'],
	])('HemaCare as of %s: %s is %s', (quarter, id, status) => {
		const site = getSiteStatuses(hemacare, quarter).sites.find(item => item.id === id)!;
		expect(site.status?.status ?? null).toBe(status);
	});
});

describe('getBalanceSeries', () => {
	it('keeps gaps as null and gives the latest value', () => {
		const report = getBalanceSeries(other);
		const cash = report.rows.find(row => row.metric === 'cash')!;
		expect(cash.values.map(value => value?.value ?? null)).toEqual([null, null, 250, null]);
		expect(cash.latest).toEqual({quarter: '2021Q1', value: 250});
		expect(report.rows.map(row => row.metric)).toEqual(['cash', 'inventory']);
	});

	it('limits the range', () => {
		expect(getBalanceSeries(hemacare, '2003Q3', '2004Q2').quarters).toEqual(['2003Q3', '2003Q4', '2004Q1', '2004Q2']);
	});
});

describe('compareQuarters', () => {
	it('puts both sides and the change, and marks one-sided metrics instead of using zero', () => {
		const report = compareQuarters(other, '2021Q1', '2021Q2');
		const profit = report.rows.find(row => row.metric === 'profit')!;
		expect(profit).toMatchObject({presence: 'both', change: 15, a: {value: 55}, b: {value: 70}});
		expect(profit.changePercent).toBeCloseTo(27.27, 2);
		expect(report.rows.find(row => row.metric === 'cash')).toMatchObject({presence: 'a-only', b: null, change: null, changePercent: null});
		expect(report.rows.find(row => row.metric === 'inventory')).toMatchObject({presence: 'b-only', a: null, change: null});
	});

	it('shows HemaCare cash from 1,057,000 to 1,399,000', () => {
		const cash = compareQuarters(hemacare, '2003Q3', '2004Q2').rows.find(row => row.metric === 'cash-and-equivalents' && row.segment === null)!;
		expect(cash).toMatchObject({a: {value: 1057000}, b: {value: 1399000}, change: 342000});
	});
});

describe('getQuarter', () => {
	it('carries every figure of the period and the longer spans ending with it', () => {
		const report = getQuarter(hemacare, '2004Q2');
		expect(report.figures.length).toBe(hemacare.store.figures.filter(figure => figure.period === '2004Q2').length);
		expect(report.spans.every(figure => figure.period.endsWith('-Q2'))).toBe(true);
		expect(report.spans.length).toBeGreaterThan(0);
		expect(report.events.map(event => event.site)).toContain('dartmouth-hitchcock');
	});
});
