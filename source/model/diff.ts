import {positionsIn, readingOf, type Dataset, type Reading} from './dataset.js';
import type {ResolvedFigure} from './derive.js';
import {OUTPUT_FORMAT, type DiffReport, type DiffRow} from './reports.js';
import {compareText} from './text.js';

/**
 * One series' level in one quarter, as a diff row takes it: a diff of two quarters is made of the
 * two quarters' sides alone ({@link joinSides}), so a side can be kept and a pair not asked before
 * answered from two of them.
 */
export type SideSeries = {
	/** Where the series' first figure in the quarter is in the store's figures. */
	at: number;
	/** The order of its statement, metric and segment (−1 for none), which rows are sorted by first. */
	rank: [number, number, number];
	metric: string;
	name: string;
	statement: string;
	segment: string | null;
	/** The sites of its first figure in the quarter, as that figure names them. */
	sites: string[];
	unit: DiffRow['unit'];
	reading: Reading;
};

/** A quarter's half of every diff it is in: each series it holds a level of, in store order of their first figures. */
export type DiffSide = {quarter: string; series: SideSeries[]};

const statementOrder = ['income', 'balance', 'cash-flow', 'operations'];

/** The series a figure or a side's series is of: its metric, segment and sites (in sorted order). */
const seriesKey = ({metric, segment, sites}: {metric: string; segment?: string | null | undefined; sites?: readonly string[] | undefined}) =>
	`${metric}|${segment ?? ''}|${[...(sites ?? [])].sort().join('+')}`;

/** The levels (measure `value`) `quarter` holds, one per series, read from its figures. */
export function diffSide(dataset: Dataset, quarter: string): DiffSide {
	const groups = new Map<string, {at: number; figures: ResolvedFigure[]}>();
	for (const at of positionsIn(dataset, quarter)) {
		const figure = dataset.store.figures[at]!;
		if ((figure.measure ?? 'value') !== 'value') continue;
		const key = seriesKey(figure);
		const group = groups.get(key);
		if (group) group.figures.push(figure);
		else groups.set(key, {at, figures: [figure]});
	}
	const series = [...groups.values()].map(({at, figures}): SideSeries => {
		const first = figures[0]!;
		const metric = dataset.metrics.get(first.metric)!;
		const segment = first.segment ?? null;
		return {
			at,
			rank: [statementOrder.indexOf(metric.statement), dataset.metricOrder.get(metric.id) ?? 0, segment === null ? -1 : (dataset.segmentOrder.get(segment) ?? 0)],
			metric: metric.id,
			name: metric.name,
			statement: metric.statement,
			segment,
			sites: first.sites ?? [],
			unit: metric.unit,
			reading: readingOf(dataset, figures),
		};
	});
	return {quarter, series};
}

/**
 * The diff of side `a`'s quarter against side `b`'s: a row for each series either holds, described
 * by whichever side's first figure comes first in the store; rows by statement, metric, segment,
 * number of sites and sites (no two series alike in all of them: ids hold no comma). A series on
 * one side only is marked so, never counted as zero.
 */
export function joinSides(a: DiffSide, b: DiffSide): DiffReport {
	const joined = new Map<string, {first: SideSeries; a: Reading | null; b: Reading | null}>();
	for (const series of a.series) joined.set(seriesKey(series), {first: series, a: series.reading, b: null});
	for (const series of b.series) {
		const key = seriesKey(series);
		const row = joined.get(key);
		if (!row) joined.set(key, {first: series, a: null, b: series.reading});
		else {
			row.b = series.reading;
			if (series.at < row.first.at) row.first = series;
		}
	}
	const ordered = [...joined.values()].sort((x, y) => {
		const rx = [...x.first.rank, x.first.sites.length];
		const ry = [...y.first.rank, y.first.sites.length];
		for (let index = 0; index < rx.length; index++) if (rx[index] !== ry[index]) return rx[index]! - ry[index]!;
		return compareText(x.first.sites.join(), y.first.sites.join());
	});
	const rows = ordered.map(({first, a: left, b: right}): DiffRow => ({
		metric: first.metric,
		name: first.name,
		statement: first.statement,
		segment: first.segment,
		sites: first.sites,
		unit: first.unit,
		a: left,
		b: right,
		change: left && right ? right.value - left.value : null,
		changePercent: left && right && left.value !== 0 ? ((right.value - left.value) / Math.abs(left.value)) * 100 : null,
		presence: left && right ? 'both' : left ? 'a-only' : 'b-only',
	}));
	return {format: OUTPUT_FORMAT, command: 'diff', a: a.quarter, b: b.quarter, rows};
}

/**
 * Every level (measure `value`) either quarter has, side by side with the change. A series present
 * on one side only is marked so, never counted as zero.
 */
export function compareQuarters(dataset: Dataset, a: string, b: string): DiffReport {
	return joinSides(diffSide(dataset, a), diffSide(dataset, b));
}
