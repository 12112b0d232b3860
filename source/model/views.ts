import type {Site, SiteEvent} from '../data/schema.js';
import type {Dataset} from './dataset.js';
import type {ResolvedFigure} from './derive.js';
import type {FigureView, SiteEventView} from './reports.js';
import {compareText} from './text.js';

/** A figure with every field present, as `--json` prints it. */
export function viewFigure(dataset: Dataset, figure: ResolvedFigure): FigureView {
	return {
		id: figure.id,
		period: figure.period,
		metric: figure.metric,
		metricName: dataset.metrics.get(figure.metric)?.name ?? figure.metric,
		segment: figure.segment ?? null,
		sites: figure.sites ?? [],
		measure: figure.measure ?? 'value',
		compareTo: figure.compareTo ?? null,
		value: figure.value,
		unit: figure.unit,
		kind: figure.kind,
		qualifier: figure.qualifier ?? null,
		source: figure.source ?? null,
		quote: figure.quote ?? null,
		formula: figure.formula ?? null,
		inputs: figure.inputs ?? null,
		note: figure.note ?? null,
	};
}

export function viewEvent(dataset: Dataset, event: SiteEvent): SiteEventView {
	const status = dataset.store.statuses.find(candidate => candidate.id === event.status);
	return {
		period: event.period,
		date: event.date ?? null,
		status: event.status,
		statusName: status?.name ?? event.status,
		state: status?.state ?? 'active',
		category: event.category ?? null,
		source: event.source,
		quote: event.quote,
		note: event.note ?? null,
	};
}

/** A site's events oldest first; within a quarter, the older filing first, then store order. */
export function orderEvents(dataset: Dataset, site: Site): SiteEvent[] {
	const date = (event: SiteEvent) => dataset.sources.get(event.source)?.date ?? '';
	return site.events
		.map((event, index) => ({event, index}))
		.sort(
			(a, b) =>
				compareText(a.event.period, b.event.period) ||
				compareText(a.event.date ?? '', b.event.date ?? '') ||
				compareText(date(a.event), date(b.event)) ||
				a.index - b.index,
		)
		.map(({event}) => event);
}
