import type {LoadedStore} from '../data/store.js';
import type {Measure, Metric, Segment, Site, Source, Unit} from '../data/schema.js';
import type {ResolvedFigure} from './derive.js';
import {comparePeriods, isQuarter, quarterOrdinal} from './period.js';

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
	figures: Map<string, ResolvedFigure>;
	/** Figures grouped by {@link seriesId} and period. */
	byKey: Map<string, ResolvedFigure[]>;
	/** Metric order as the store lists them, for stable output. */
	metricOrder: Map<string, number>;
	segmentOrder: Map<string, number>;
};

export function seriesId(key: SeriesKey): string {
	return [
		key.measure ?? 'value',
		key.metric,
		key.segment ?? '',
		[...(key.sites ?? [])].sort().join('+'),
		key.compareTo ?? '',
	].join('|');
}

function figureKey(figure: ResolvedFigure): string {
	return `${seriesId(figure)}@${figure.period}`;
}

/** Indexes a loaded store for queries. */
export function createDataset(store: LoadedStore): Dataset {
	const byKey = new Map<string, ResolvedFigure[]>();
	for (const figure of store.figures) {
		const key = figureKey(figure);
		const list = byKey.get(key);
		if (list) list.push(figure);
		else byKey.set(key, [figure]);
	}

	const periods = [...new Set(store.figures.map(figure => figure.period))].sort(comparePeriods);
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
		figures: new Map(store.figures.map(figure => [figure.id, figure])),
		byKey,
		metricOrder: new Map(store.metrics.map((metric, index) => [metric.id, index])),
		segmentOrder: new Map(store.segments.map((segment, index) => [segment.id, index])),
	};
}

/**
 * The value of a series in a period. Among several figures, a stated one wins over a derived one,
 * then the newest source, then the first in the store; the others stay listed, and any that
 * disagree make the reading a conflict.
 */
export function readValue(dataset: Dataset, key: SeriesKey, period: string): Reading | null {
	const figures = dataset.byKey.get(`${seriesId(key)}@${period}`);
	if (!figures || figures.length === 0) return null;
	return readingOf(dataset, figures);
}

/** Builds a {@link Reading} from figures of one series and period. */
export function readingOf(dataset: Dataset, figures: readonly ResolvedFigure[]): Reading {
	const sourceDate = (figure: ResolvedFigure) =>
		figure.source ? (dataset.sources.get(figure.source)?.date ?? '') : '';
	const ranked = figures
		.map((figure, index) => ({figure, index}))
		.sort(
			(a, b) =>
				Number(a.figure.kind === 'derived') - Number(b.figure.kind === 'derived') ||
				sourceDate(b.figure).localeCompare(sourceDate(a.figure)) ||
				a.index - b.index,
		);
	const chosen = ranked[0]!.figure;
	const alternatives = ranked
		.slice(1)
		.filter(({figure}) => figure.value !== chosen.value)
		.map(({figure}) => ({figure: figure.id, value: figure.value, source: figure.source ?? null}));
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
