import type {SiteEvent} from '../data/schema.js';
import {chooseAmong, figuresBySite, figuresIn, findMetricByRole, lazyByKey, orderSegments, readValue, seriesByPeriod, seriesId, type Dataset, type Reading, type SeriesKey} from './dataset.js';
import {comparePeriods, describePeriod, isQuarter, parsePeriod, quarterOrdinal, yearEarlier} from './period.js';
import {
	OUTPUT_FORMAT,
	type BalanceReport,
	type CentersReport,
	type ChangeView,
	type FigureView,
	type QuartersReport,
	type SegmentsReport,
	type ShowReport,
	type SiteEventView,
	type SiteRow,
} from './reports.js';
import {orderEvents, viewEvent, viewFigure} from './views.js';

/** The store's quarters with how much each holds, and the longer periods beside them. */
export function listQuarters(dataset: Dataset): QuartersReport {
	const revenue = findMetricByRole(dataset, 'revenue');
	const netIncome = findMetricByRole(dataset, 'net-income');
	const count = (period: string) => figuresIn(dataset, period);
	return {
		format: OUTPUT_FORMAT,
		command: 'quarters',
		company: {
			name: dataset.store.company.name,
			ticker: dataset.store.company.ticker ?? null,
			currency: dataset.store.company.currency,
		},
		quarters: dataset.quarters.map(quarter => {
			const figures = count(quarter);
			// One pass over a quarter's figures: a large store has a hundred or more in each.
			let stated = 0;
			const sources = new Set<string>();
			for (const figure of figures) {
				if (figure.kind === 'stated') stated++;
				if (figure.source) sources.add(figure.source);
			}
			return {
				quarter,
				label: describePeriod(quarter),
				figures: figures.length,
				stated,
				derived: figures.length - stated,
				sources: [...sources],
				revenue: revenue ? readValue(dataset, {metric: revenue.id}, quarter) : null,
				netIncome: netIncome ? readValue(dataset, {metric: netIncome.id}, quarter) : null,
			};
		}),
		spans: dataset.periods
			.filter(period => !isQuarter(period))
			.map(period => ({period, label: describePeriod(period), figures: count(period).length})),
	};
}

function statedChange(dataset: Dataset, metric: string, segment: string | undefined, quarter: string, against: string) {
	const value = readValue(dataset, {metric, segment, measure: 'change', compareTo: against}, quarter);
	const percent = readValue(dataset, {metric, segment, measure: 'change-percent', compareTo: against}, quarter);
	return {value, percent};
}

/** A change the store holds is stated only when a filing states it; a derived one was computed. */
const basisOf = (reading: Reading): 'stated' | 'computed' => (reading.kind === 'stated' ? 'stated' : 'computed');

/**
 * The change from `before` to `after` for one series: the filing's own words where it states the
 * change, worked out from the two values otherwise, and always saying which.
 */
export function describeChange(
	dataset: Dataset,
	key: {metric: string; segment?: string | undefined},
	before: Reading | null,
	after: Reading | null,
	quarter: string,
	against: string,
): ChangeView {
	const stated = statedChange(dataset, key.metric, key.segment, quarter, against);
	const computedValue = before && after ? after.value - before.value : null;
	const computedPercent =
		before && after && before.value !== 0 ? ((after.value - before.value) / Math.abs(before.value)) * 100 : null;
	return {
		value: stated.value?.value ?? computedValue,
		percent: stated.percent?.value ?? computedPercent,
		valueBasis: stated.value ? basisOf(stated.value) : computedValue === null ? null : 'computed',
		percentBasis: stated.percent ? basisOf(stated.percent) : computedPercent === null ? null : 'computed',
		figures: [stated.value?.figure, stated.percent?.figure].filter((id): id is string => id !== undefined),
	};
}

/** A series' value in every quarter of the store, null where there is none, by {@link seriesId}; the same for every quarter shown, so made once. */
const quarterSeries = lazyByKey((dataset, id) => {
	const byPeriod = seriesByPeriod(dataset, id);
	return dataset.quarters.map(quarter => ({quarter, value: chooseAmong(dataset, byPeriod.get(quarter))?.value ?? null}));
});

function seriesOverQuarters(dataset: Dataset, key: SeriesKey): Array<{quarter: string; value: number | null}> {
	return quarterSeries(dataset, seriesId(key));
}

/** Revenue (the metric with role `revenue`) by segment for a quarter, against a year earlier. */
export function getSegmentRevenue(dataset: Dataset, quarter: string): SegmentsReport {
	const metric = findMetricByRole(dataset, 'revenue');
	const against = yearEarlier(quarter);
	const rows: SegmentsReport['rows'] = [];
	if (metric) {
		const lines = [{id: undefined as string | undefined, name: `Total ${metric.name.toLowerCase()}`, depth: 0}].concat(
			orderSegments(dataset).map(({segment, depth}) => ({id: segment.id, name: segment.name, depth: depth + 1})),
		);
		for (const line of lines) {
			const key = {metric: metric.id, segment: line.id};
			const value = readValue(dataset, key, quarter);
			const yearAgo = readValue(dataset, key, against);
			rows.push({
				segment: line.id ?? null,
				name: line.name,
				depth: line.depth,
				value,
				yearAgo,
				change: describeChange(dataset, key, yearAgo, value, quarter, against),
				series: seriesOverQuarters(dataset, key),
			});
		}
	}
	return {
		format: OUTPUT_FORMAT,
		command: 'segments',
		metric: metric ? {id: metric.id, name: metric.name, unit: metric.unit} : null,
		quarter,
		yearAgo: against,
		quarters: dataset.quarters,
		rows,
	};
}

type SiteHistory = {events: SiteEvent[]; views: SiteEventView[]; figures: FigureView[]; typeName: string};

/** What a site's row shows whatever the quarter: its events in order and its figures; made once per site. */
const siteHistories = lazyByKey((dataset, id): SiteHistory => {
	const site = dataset.sites.get(id)!;
	const events = orderEvents(dataset, site);
	return {
		events,
		views: events.map(event => viewEvent(dataset, event)),
		figures: [...(figuresBySite(dataset).get(id) ?? [])]
			.sort((a, b) => comparePeriods(a.period, b.period))
			.map(figure => viewFigure(dataset, figure)),
		typeName: dataset.store.siteTypes.find(candidate => candidate.id === site.type)?.name ?? site.type,
	};
});

/** Every site with its status as of a quarter: the last event in or before it. */
export function getSiteStatuses(dataset: Dataset, quarter: string): CentersReport {
	const until = quarterOrdinal(quarter);
	const sites: SiteRow[] = dataset.store.sites.map(site => {
		const history = siteHistories(dataset, site.id);
		let current = -1;
		let category: string | null = null;
		for (const [index, event] of history.events.entries()) {
			if (quarterOrdinal(event.period) > until) continue;
			current = index;
			if (event.category !== undefined) category = event.category;
		}
		return {
			id: site.id,
			name: site.name,
			location: site.location,
			type: site.type,
			typeName: history.typeName,
			segment: site.segment ?? null,
			status: current >= 0 ? history.views[current]! : null,
			category,
			events: history.views,
			figures: history.figures,
		};
	});
	return {format: OUTPUT_FORMAT, command: 'centers', quarter, sites};
}

/** Balance-sheet metrics (company level) across quarters; a quarter without a figure is null. */
export function getBalanceSeries(dataset: Dataset, from?: string, to?: string): BalanceReport {
	const low = from ? quarterOrdinal(from) : -Infinity;
	const high = to ? quarterOrdinal(to) : Infinity;
	const quarters = dataset.quarters.filter(q => quarterOrdinal(q) >= low && quarterOrdinal(q) <= high);
	const rows = dataset.store.metrics
		.filter(metric => metric.statement === 'balance')
		.map(metric => {
			const values = quarters.map(q => readValue(dataset, {metric: metric.id}, q));
			const lastIndex = values.findLastIndex(value => value !== null);
			return {
				metric: metric.id,
				name: metric.name,
				unit: metric.unit,
				values,
				latest: lastIndex >= 0 ? {quarter: quarters[lastIndex]!, value: values[lastIndex]!.value} : null,
			};
		})
		.filter(row => row.latest !== null);
	return {format: OUTPUT_FORMAT, command: 'balance', quarters, rows};
}

/** Everything the store holds for one period: its figures, longer spans ending with it, site events. */
export function getQuarter(dataset: Dataset, period: string): ShowReport {
	const parts = parsePeriod(period);
	const spans =
		parts && parts.first === parts.last
			? dataset.store.figures.filter(figure => {
					const other = parsePeriod(figure.period);
					return other !== undefined && other.first !== other.last && other.year === parts.year && other.last === parts.last;
				})
			: [];
	return {
		format: OUTPUT_FORMAT,
		command: 'show',
		period,
		label: describePeriod(period),
		figures: figuresIn(dataset, period).map(figure => viewFigure(dataset, figure)),
		spans: spans.map(figure => viewFigure(dataset, figure)),
		events: dataset.store.sites.flatMap(site =>
			orderEvents(dataset, site)
				.filter(event => event.period === period)
				.map(event => ({...viewEvent(dataset, event), site: site.id, siteName: site.name})),
		),
	};
}
