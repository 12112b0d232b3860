import type {LoadedStore} from '../data/store.js';
import type {Measure, Metric, Segment, Site, Source, Unit} from '../data/schema.js';
import type {ResolvedFigure} from './derive.js';
import {comparePeriods, isQuarter, quarterOrdinal} from './period.js';
import {compareText} from './text.js';

/** What one metric reads for one period: the figure chosen, and any other figure that disagrees. */
export type Reading = {
	value: number;
	unit: Unit;
	kind: 'stated' | 'derived';
	qualifier: string | null;
	/** The id of the figure the value comes from. */
	figure: string;
	source: string | null;
	/** Every figure for the same metric and period, agreeing or not. */
	figures: string[];
	/** True when two figures for the same metric and period give different values. */
	conflict: boolean;
	alternatives: Array<{figure: string; value: number; source: string | null}>;
};

/** Names one series of figures: a metric, optionally for a segment or for named sites. */
export type SeriesKey = {
	metric: string;
	segment?: string | undefined;
	sites?: readonly string[] | undefined;
	measure?: Measure | undefined;
	compareTo?: string | undefined;
};

/** A loaded store with the indexes every query uses; built once per store. */
export type Dataset = {
	store: LoadedStore;
	/** Every quarter with a figure or a site event, oldest first. */
	quarters: string[];
	/** Every period with a figure, quarters and longer spans, in order. */
	periods: string[];
	metrics: Map<string, Metric>;
	segments: Map<string, Segment>;
	sources: Map<string, Source>;
	sites: Map<string, Site>;
	/** Where each metric's figures are in the store, ascending: what the series indexes start from. */
	metricPositions: Map<string, number[]>;
	/** Metric order as the store lists them, for stable output. */
	metricOrder: Map<string, number>;
	segmentOrder: Map<string, number>;
};

/** The key of a series in a metric's series index: measure, metric, segment, sorted sites, compared period. */
export function seriesId(key: SeriesKey): string {
	const sites = key.sites;
	// Built by hand: this runs for every figure indexed and for every cell a query reads.
	const siteKey = sites === undefined || sites.length === 0 ? '' : sites.length === 1 ? sites[0]! : [...sites].sort().join('+');
	return `${key.measure ?? 'value'}|${key.metric}|${key.segment ?? ''}|${siteKey}|${key.compareTo ?? ''}`;
}

/** The metric a {@link seriesId} names. */
function metricOf(series: string): string {
	const start = series.indexOf('|') + 1;
	return series.slice(start, series.indexOf('|', start));
}

/**
 * Indexes a loaded store for queries. Only what every command needs is built here, in one pass;
 * a metric's series, and figures by id, are indexed the first time something asks for them, so
 * start-up does not grow with the parts of a large store a command never reads.
 */
export function createDataset(store: LoadedStore): Dataset {
	const metricPositions = new Map<string, number[]>();
	const periodSet = new Set<string>();
	const {figures} = store;
	for (let position = 0; position < figures.length; position++) {
		const figure = figures[position]!;
		const list = metricPositions.get(figure.metric);
		if (list) list.push(position);
		else metricPositions.set(figure.metric, [position]);
		periodSet.add(figure.period);
	}

	const periods = [...periodSet].sort(comparePeriods);
	const quarterSet = new Set(periods.filter(period => isQuarter(period)));
	for (const site of store.sites) for (const event of site.events) if (isQuarter(event.period)) quarterSet.add(event.period);
	const quarters = [...quarterSet].sort((a, b) => quarterOrdinal(a) - quarterOrdinal(b));

	return {
		store,
		quarters,
		periods,
		metrics: new Map(store.metrics.map(metric => [metric.id, metric])),
		segments: new Map(store.segments.map(segment => [segment.id, segment])),
		sources: new Map(store.sources.map(source => [source.id, source])),
		sites: new Map(store.sites.map(site => [site.id, site])),
		metricPositions,
		metricOrder: new Map(store.metrics.map((metric, index) => [metric.id, index])),
		segmentOrder: new Map(store.segments.map((segment, index) => [segment.id, index])),
	};
}

/**
 * One metric's figures grouped by series ({@link seriesId}) and then period, each group in store
 * order; and the groups as a list in the order their first figures have in the store, with where
 * each first figure is.
 */
type SeriesIndex = {bySeries: Map<string, Map<string, ResolvedFigure[]>>; groups: ResolvedFigure[][]; firsts: number[]};

/** Figures a step of an index build goes through: a millisecond or two. */
const indexStep = 2048;

/** Builds the series index of one metric, pausing every {@link indexStep} figures. */
function* seriesIndexSteps(dataset: Dataset, metric: string): Generator<void, SeriesIndex, void> {
	const bySeries = new Map<string, Map<string, ResolvedFigure[]>>();
	const groups: ResolvedFigure[][] = [];
	const firsts: number[] = [];
	const {figures} = dataset.store;
	const positions = dataset.metricPositions.get(metric) ?? [];
	for (let at = 0; at < positions.length; at++) {
		if (at > 0 && at % indexStep === 0) yield;
		const position = positions[at]!;
		const figure = figures[position]!;
		const series = seriesId(figure);
		let periods = bySeries.get(series);
		if (!periods) {
			periods = new Map();
			bySeries.set(series, periods);
		}
		const group = periods.get(figure.period);
		if (group) {
			group.push(figure);
		} else {
			const created = [figure];
			periods.set(figure.period, created);
			groups.push(created);
			firsts.push(position);
		}
	}
	return {bySeries, groups, firsts};
}

/**
 * The series index of one metric, built the first time it is asked for. Once it is, every lookup of
 * the metric reads it, and the metric's scans are let go.
 */
const metricSeries = lazyStepsByKey(function* (dataset: Dataset, metric: string) {
	const index = yield* seriesIndexSteps(dataset, metric);
	totalSeries.forget(dataset, metric);
	metricScan.forget(dataset, metric);
	return index;
});

/**
 * Every figure of a series ({@link seriesId}) in a period, in store order; undefined when there is
 * none. Until something builds the metric's index, a series of values is read from a scan, and any
 * other series in one period is named among the metric's figures of that period only: the quarters
 * list, the balance sheet and the Segments pane never build the index.
 */
export function seriesFigures(dataset: Dataset, series: string, period: string): readonly ResolvedFigure[] | undefined {
	const metric = metricOf(series);
	if (metricSeries.has(dataset, metric)) return metricSeries.get(dataset, metric).bySeries.get(series)?.get(period);
	const segment = valueSegmentOf(series);
	if (segment !== undefined) return valueSeries(dataset, metric, segment).get(period);
	return otherSeriesAt(dataset, metric, period).get(series);
}

const noPeriods: ReadonlyMap<string, readonly ResolvedFigure[]> = new Map();

/** The segment ('' for none) of a series of values that names no sites and compares to nothing; undefined for any other series. */
function valueSegmentOf(series: string): string | undefined {
	// `value|metric|segment||`: no id holds a `|`, so the sites and the compared period are empty
	// exactly when the id ends with two. Read without splitting: this runs for every reading.
	if (!series.startsWith('value|') || !series.endsWith('||')) return undefined;
	return series.slice(series.indexOf('|', 6) + 1, -2);
}

/** Whether a figure is in a series of values that names no sites and compares to nothing: the same test as valueSegmentOf(seriesId(figure)) !== undefined. */
const isValueFigure = (figure: ResolvedFigure) =>
	(figure.measure ?? 'value') === 'value' && (figure.compareTo ?? '') === '' && (figure.sites === undefined || figure.sites.length === 0);

/**
 * A series of values that names no sites and compares to nothing (a metric's total, or one of its
 * segments') by period, found by a scan of the metric's figures rather than its index: comparing a
 * few fields of each figure costs far less than naming the series of every one.
 */
function valueSeries(dataset: Dataset, metric: string, segment: string): ReadonlyMap<string, readonly ResolvedFigure[]> {
	return segment === '' ? totalSeries(dataset, metric) : (metricScan(dataset, metric).segments.get(segment) ?? noPeriods);
}

/** Adds a figure to the list a map keeps for a key. */
function addTo(lists: Map<string, ResolvedFigure[]>, key: string, figure: ResolvedFigure): void {
	const list = lists.get(key);
	if (list) list.push(figure);
	else lists.set(key, [figure]);
}

/** A metric's total by period: a scan that keeps nothing else, all a reader of totals needs. */
const totalSeries = lazyByKey((dataset, metric): ReadonlyMap<string, readonly ResolvedFigure[]> => {
	const byPeriod = new Map<string, ResolvedFigure[]>();
	const {figures} = dataset.store;
	for (const position of dataset.metricPositions.get(metric) ?? []) {
		const figure = figures[position]!;
		if ((figure.segment ?? '') === '' && isValueFigure(figure)) addTo(byPeriod, figure.period, figure);
	}
	return byPeriod.size === 0 ? noPeriods : byPeriod;
});

/**
 * The rest of a metric's figures, from one scan: `segments`, each segment's series of values by
 * period; `others`, its changes and figures for named sites, by period; `named`, those of a period
 * by {@link seriesId}, filled in as periods are read.
 */
const metricScan = lazyByKey((dataset, metric) => {
	const segments = new Map<string, Map<string, ResolvedFigure[]>>();
	const others = new Map<string, ResolvedFigure[]>();
	const {figures} = dataset.store;
	for (const position of dataset.metricPositions.get(metric) ?? []) {
		const figure = figures[position]!;
		if (!isValueFigure(figure)) {
			addTo(others, figure.period, figure);
			continue;
		}
		const segment = figure.segment ?? '';
		// The total is totalSeries'.
		if (segment === '') continue;
		let byPeriod = segments.get(segment);
		if (!byPeriod) {
			byPeriod = new Map();
			segments.set(segment, byPeriod);
		}
		addTo(byPeriod, figure.period, figure);
	}
	return {segments, others, named: new Map<string, ReadonlyMap<string, readonly ResolvedFigure[]>>()};
});

/** A metric's other figures (changes, figures for named sites) in one period, by {@link seriesId}. */
function otherSeriesAt(dataset: Dataset, metric: string, period: string): ReadonlyMap<string, readonly ResolvedFigure[]> {
	const {others, named} = metricScan(dataset, metric);
	let bySeries = named.get(period);
	if (!bySeries) {
		const made = new Map<string, ResolvedFigure[]>();
		for (const figure of others.get(period) ?? []) addTo(made, seriesId(figure), figure);
		bySeries = made;
		named.set(period, made);
	}
	return bySeries;
}

/**
 * A series' ({@link seriesId}) figures by period, the periods in the order the store first has
 * each: for a caller that reads one series across many periods.
 */
export function seriesByPeriod(dataset: Dataset, series: string): ReadonlyMap<string, readonly ResolvedFigure[]> {
	const metric = metricOf(series);
	if (!metricSeries.has(dataset, metric)) {
		const segment = valueSegmentOf(series);
		if (segment !== undefined) return valueSeries(dataset, metric, segment);
	}
	return metricSeries.get(dataset, metric).bySeries.get(series) ?? noPeriods;
}

/**
 * Every group of figures that share a series and a period, ordered by where the group's first
 * figure is in the store. A generator that pauses after indexing each metric, for a caller that
 * runs a few milliseconds at a time.
 */
export function* seriesGroups(dataset: Dataset): Generator<void, ResolvedFigure[][], void> {
	// Each group goes in the slot of its first figure's position; reading the slots in order sorts them.
	const slots: Array<ResolvedFigure[] | undefined> = new Array(dataset.store.figures.length);
	for (const metric of dataset.metricPositions.keys()) {
		const {groups, firsts} = yield* metricSeries.steps(dataset, metric);
		for (let at = 0; at < groups.length; at++) slots[firsts[at]!] = groups[at];
		yield;
	}
	return slots.filter(group => group !== undefined);
}

/**
 * The value of a series in a period. Among several figures, a stated one wins over a derived one,
 * then the newest source, then the first in the store; the others stay listed, and any that
 * disagree make the reading a conflict.
 */
export function readValue(dataset: Dataset, key: SeriesKey, period: string): Reading | null {
	const figures = seriesFigures(dataset, seriesId(key), period);
	if (!figures || figures.length === 0) return null;
	return readingOf(dataset, figures);
}

/** Builds a {@link Reading} from figures of one series and period. */
export function readingOf(dataset: Dataset, figures: readonly ResolvedFigure[]): Reading {
	const ranked = rankFigures(dataset, figures);
	const chosen = ranked[0]!;
	const alternatives = ranked
		.slice(1)
		.filter(figure => figure.value !== chosen.value)
		.map(figure => ({figure: figure.id, value: figure.value, source: figure.source ?? null}));
	return {
		value: chosen.value,
		unit: chosen.unit,
		kind: chosen.kind,
		qualifier: chosen.qualifier ?? null,
		figure: chosen.id,
		source: chosen.source ?? null,
		figures: figures.map(figure => figure.id),
		conflict: alternatives.length > 0,
		alternatives,
	};
}

/** Figures of one series and period, best first: stated before derived, then the newest source, then store order. */
function rankFigures(dataset: Dataset, figures: readonly ResolvedFigure[]): readonly ResolvedFigure[] {
	// Most series have one figure a period: nothing to rank.
	if (figures.length === 1) return figures;
	const sourceDate = (figure: ResolvedFigure) =>
		figure.source ? (dataset.sources.get(figure.source)?.date ?? '') : '';
	return figures
		.map((figure, index) => ({figure, index}))
		.sort(
			(a, b) =>
				Number(a.figure.kind === 'derived') - Number(b.figure.kind === 'derived') ||
				compareText(sourceDate(b.figure), sourceDate(a.figure)) ||
				a.index - b.index,
		)
		.map(({figure}) => figure);
}

/** The figure {@link readValue} would read a series' value from, without building the reading. */
export function chooseFigure(dataset: Dataset, key: SeriesKey, period: string): ResolvedFigure | undefined {
	return chooseAmong(dataset, seriesFigures(dataset, seriesId(key), period));
}

/** The figure a reading of these figures (one series, one period) takes its value from. */
export function chooseAmong(dataset: Dataset, figures: readonly ResolvedFigure[] | undefined): ResolvedFigure | undefined {
	if (!figures || figures.length === 0) return undefined;
	return figures.length === 1 ? figures[0] : rankFigures(dataset, figures)[0];
}

/** The metric a view asks for by role, or undefined when the store declares none. */
export function findMetricByRole(dataset: Dataset, role: NonNullable<Metric['role']>): Metric | undefined {
	return dataset.store.metrics.find(metric => metric.role === role);
}

/** Segments in reading order: each top-level segment followed by its parts, with their depth. */
export function orderSegments(dataset: Dataset): Array<{segment: Segment; depth: number}> {
	const out: Array<{segment: Segment; depth: number}> = [];
	const visit = (parent: string | undefined, depth: number) => {
		for (const segment of dataset.store.segments) {
			if (segment.parent === parent) {
				out.push({segment, depth});
				if (depth < 8) visit(segment.id, depth + 1);
			}
		}
	};
	visit(undefined, 0);
	return out;
}

/**
 * An index a query builds the first time it needs it, once per dataset: start-up pays only for the
 * indexes a command uses, and a long-lived explorer pays for each once.
 */
function lazyIndex<T>(build: (dataset: Dataset) => T): (dataset: Dataset) => T {
	const built = new WeakMap<Dataset, T>();
	return dataset => {
		let index = built.get(dataset);
		if (index === undefined) {
			index = build(dataset);
			built.set(dataset, index);
		}
		return index;
	};
}

/**
 * Something made per key of a dataset (a metric, a site, a series), built in steps: `get` builds it
 * at once, `steps` a step at a time for a caller that runs a few milliseconds at a time. Either way
 * it is built the first time it is asked for, and kept as long as the dataset.
 */
function lazyStepsByKey<T>(build: (dataset: Dataset, key: string) => Generator<void, T, void>): {
	get: (dataset: Dataset, key: string) => T;
	steps: (dataset: Dataset, key: string) => Generator<void, T, void>;
	/** True once it is built for this key. */
	has: (dataset: Dataset, key: string) => boolean;
	/** Lets go of what was built for this key: the next ask builds it again. */
	forget: (dataset: Dataset, key: string) => void;
} {
	const built = lazyIndex(() => new Map<string, T>());
	function* steps(dataset: Dataset, key: string): Generator<void, T, void> {
		const known = built(dataset);
		const value = known.get(key);
		if (value !== undefined) return value;
		const made = yield* build(dataset, key);
		// A `get` between two steps may have built it already: the first one kept stays.
		const first = known.get(key);
		if (first !== undefined) return first;
		known.set(key, made);
		return made;
	}
	return {
		get(dataset, key) {
			// What is built already is read without starting a run of the steps.
			const known = built(dataset).get(key);
			if (known !== undefined) return known;
			const run = steps(dataset, key);
			for (;;) {
				const step = run.next();
				if (step.done) return step.value;
			}
		},
		steps,
		has: (dataset, key) => built(dataset).has(key),
		forget(dataset, key) {
			built(dataset).delete(key);
		},
	};
}

/** Like {@link lazyStepsByKey}, for something built in one go; `forget` lets go of one key's. */
export function lazyByKey<T>(build: (dataset: Dataset, key: string) => T): ((dataset: Dataset, key: string) => T) & {forget: (dataset: Dataset, key: string) => void} {
	const {get, forget} = lazyStepsByKey(function* (dataset, key) {
		return build(dataset, key);
	});
	return Object.assign(get, {forget});
}

/** Where each period's figures are in the store, ascending. */
const periodPositions = lazyIndex(dataset => {
	const index = new Map<string, number[]>();
	const {figures} = dataset.store;
	for (let position = 0; position < figures.length; position++) {
		const period = figures[position]!.period;
		const list = index.get(period);
		if (list) list.push(position);
		else index.set(period, [position]);
	}
	return index;
});

/** Where each figure of `period` is in the store's figures, in store order. */
export function positionsIn(dataset: Dataset, period: string): readonly number[] {
	return periodPositions(dataset).get(period) ?? [];
}

const figuresById = lazyIndex(dataset => new Map(dataset.store.figures.map(figure => [figure.id, figure])));

/** The figure with this id, if the store has one. */
export function figureById(dataset: Dataset, id: string): ResolvedFigure | undefined {
	return figuresById(dataset).get(id);
}

/** The figures of one or more periods, in store order: what a filter over the whole store gives, without the scan. */
export function figuresIn(dataset: Dataset, ...periods: string[]): ResolvedFigure[] {
	const index = periodPositions(dataset);
	const lists = [...new Set(periods)].map(period => index.get(period) ?? []);
	const positions = lists.length === 1 ? lists[0]! : lists.flat().sort((a, b) => a - b);
	return positions.map(position => dataset.store.figures[position]!);
}

/** Figures by each site they name, each list in store order. */
export const figuresBySite = lazyIndex(dataset => {
	const index = new Map<string, ResolvedFigure[]>();
	for (const figure of dataset.store.figures) {
		if (!figure.sites) continue;
		for (const site of new Set(figure.sites)) {
			const list = index.get(site);
			if (list) list.push(figure);
			else index.set(site, [figure]);
		}
	}
	return index;
});
