import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {generateStore} from '../../source/bench/generate-store.js';
import {acceptStore} from '../../source/data/store.js';
import {createDataset, type Dataset} from '../../source/model/dataset.js';
import type {ResolvedFigure} from '../../source/model/derive.js';
import {compareQuarters, diffSide, joinSides} from '../../source/model/diff.js';
import {compareText} from '../../source/model/text.js';
import {otherStore} from '../helpers.js';

/** Another company's store with a series at two sites, named in one order in 2021Q1 and the other in 2021Q2, whose 2021Q2 figure comes first in the store. */
const twoSites = JSON.parse(readFileSync(otherStore, 'utf8'));
const atSites = (id: string, period: string, sites: string[], value: number) => ({id, period, metric: 'sales', sites, value, unit: 'USD', kind: 'stated', source: 'q2-letter', quote: `sales of $${value} at two sites`});
twoSites.figures.unshift(atSites('sites-21q2', '2021Q2', ['shop-1', 'plant-a'], 40));
twoSites.figures.push(atSites('sites-21q1', '2021Q1', ['plant-a', 'shop-1'], 30));

const stores: Array<[string, Dataset]> = [
	['another company, a series at two sites', createDataset(await acceptStore(twoSites, 'two-sites.json'))],
	['a generated store', createDataset(await acceptStore(generateStore({quarters: 9, segments: 5, sites: 20, seed: 11}), 'generated.json'))],
];

const statementOrder = ['income', 'balance', 'cash-flow', 'operations'];
const seriesOf = (figure: ResolvedFigure) => `${figure.metric}|${figure.segment ?? ''}|${[...(figure.sites ?? [])].sort().join('+')}`;
const pairsOf = (dataset: Dataset) => dataset.quarters.flatMap(a => dataset.quarters.map(b => [a, b] as const));

describe('compareQuarters', () => {
	it.each(stores)('gives, for every pair of quarters of %s, a row for each series with a level in either, from that series\' own figures', (_name, dataset) => {
		const figures = dataset.store.figures;
		for (const [a, b] of pairsOf(dataset)) {
			const levels = figures.filter(figure => (figure.period === a || figure.period === b) && (figure.measure ?? 'value') === 'value');
			const {rows} = compareQuarters(dataset, a, b);
			expect(rows.map(row => `${row.metric}|${row.segment ?? ''}|${[...row.sites].sort().join('+')}`).sort()).toEqual([...new Set(levels.map(seriesOf))].sort());
			for (const row of rows) {
				const own = levels.filter(figure => seriesOf(figure) === `${row.metric}|${row.segment ?? ''}|${[...row.sites].sort().join('+')}`);
				const idsIn = (period: string) => own.filter(figure => figure.period === period).map(figure => figure.id);
				expect(row.a?.figures ?? []).toEqual(idsIn(a));
				expect(row.b?.figures ?? []).toEqual(idsIn(b));
				expect(row.presence).toBe(row.a && row.b ? 'both' : row.a ? 'a-only' : 'b-only');
				// Named as the series' first figure in the store names its sites.
				expect(row.sites).toEqual(own[0]!.sites ?? []);
			}
			// By statement, metric, segment, number of sites, then sites.
			const rank = (index: number) => {
				const row = rows[index]!;
				return [statementOrder.indexOf(row.statement), dataset.metricOrder.get(row.metric)!, row.segment === null ? -1 : dataset.segmentOrder.get(row.segment)!, row.sites.length];
			};
			for (let index = 1; index < rows.length; index++) {
				const [before, after] = [rank(index - 1), rank(index)];
				const order = before.findIndex((value, at) => value !== after[at]);
				// Two series never rank the same and name the same sites: store order need not decide.
				if (order >= 0) expect(before[order]).toBeLessThan(after[order]!);
				else expect(compareText(rows[index - 1]!.sites.join(), rows[index]!.sites.join())).toBeLessThan(0);
			}
		}
	});

	it('names a series\' sites as its figure first in the store does, whichever quarter that is', () => {
		const [, dataset] = stores[0]!;
		for (const [a, b] of [['2021Q1', '2021Q2'], ['2021Q2', '2021Q1']] as const) {
			const row = compareQuarters(dataset, a, b).rows.find(row => row.sites.length === 2)!;
			expect(row.sites).toEqual(twoSites.figures[0].sites);
			expect([row.a?.value, row.b?.value]).toEqual(a === '2021Q1' ? [30, 40] : [40, 30]);
		}
	});
});

describe('diff sides', () => {
	it.each(stores)('join, after a trip through JSON, into the diff of every pair of quarters of %s', (_name, dataset) => {
		const sides = new Map(dataset.quarters.map(quarter => [quarter, JSON.parse(JSON.stringify(diffSide(dataset, quarter)))]));
		for (const [a, b] of pairsOf(dataset)) expect(joinSides(sides.get(a), sides.get(b))).toStrictEqual(compareQuarters(dataset, a, b));
	});
});
