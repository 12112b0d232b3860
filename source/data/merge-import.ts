import type {ImportFigure, ImportInput, Position} from './import-input.js';
import {numberFormat} from '../model/format.js';
import {RowError, showValue} from './import-input.js';
import type {Figure, Site, SiteEvent, Source, Store} from './schema.js';

/** What an import item is: the four kinds of record a store holds that an import can add. */
export type ImportItemType = 'figure' | 'source' | 'site' | 'event';

/** An item the import adds, as it will stand in the store. */
export type AddedItem =
	| {type: 'figure'; id: string; at: Position; item: Figure}
	| {type: 'source'; id: string; at: Position; item: Source}
	| {type: 'site'; id: string; at: Position; item: Site}
	| {type: 'event'; id: string; at: Position; item: SiteEvent & {site: string}};

/**
 * An item whose id (or, for a figure, whose metric, period and source) the store already has with
 * different content. It is a conflict unless the import is told to replace; `message` says why.
 */
export type ReplacedItem =
	| {type: 'figure'; id: string; at: Position; before: Figure; after: Figure; message: string}
	| {type: 'source'; id: string; at: Position; before: Source; after: Source; message: string}
	| {type: 'site'; id: string; at: Position; before: Site; after: Site; message: string};

export type MergeResult = {
	/** The store with every item merged, the import's version taken for each replaced item. */
	store: Store;
	added: AddedItem[];
	replaced: ReplacedItem[];
	/** Items the store already has exactly. */
	unchanged: number;
	/** The final id of each imported figure, in the order of `input.figures`. */
	figureIds: string[];
	/** Where each added or replaced item of `store` came from: `figures[12]` -> row 4. */
	origins: Map<string, Position>;
};

/** JSON with keys in a fixed order and undefined fields left out: two equal records give one string. */
export function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(item => canonical(item)).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value)
			.filter(([, field]) => field !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonical(field)}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

/** A figure as compared: the default measure spelt out, and a derived figure's value left out (it is worked out). */
export function comparableFigure(figure: Figure | ImportFigure): Record<string, unknown> {
	const {value, ...rest} = figure;
	return {...rest, measure: figure.measure ?? 'value', ...(figure.kind === 'derived' ? {} : {value})};
}

function differingFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
	const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
	return keys.filter(key => canonical(before[key]) !== canonical(after[key]));
}

const formatNumber = numberFormat({maximumFractionDigits: 6});

/** How a figure is named in a conflict: `6,921,000 (2004q2-call)`. */
function describeFigure(figure: Figure): string {
	const value = figure.value === undefined ? 'no value' : formatNumber(figure.value);
	return `${value} (${figure.source ?? (figure.kind === 'derived' ? 'derived' : 'no source')})`;
}

function conflictMessage(what: string, before: string, after: string, fields: string[]): string {
	const also = fields.length > 0 ? `, differing in ${fields.join(', ')}` : '';
	return `${what}: the store has ${before}, the import has ${after}${also}; use --replace to take the import's`;
}

/** The series a figure belongs to: metric, segment, sites, measure and the periods. */
function seriesKey(figure: Figure | ImportFigure): string {
	return canonical([figure.period, figure.metric, figure.segment, figure.sites, figure.measure ?? 'value', figure.compareTo]);
}

/** A readable id for a figure the import gives none: period, metric, segment, measure and source. */
export function makeFigureId(figure: ImportFigure, taken: ReadonlySet<string>): string {
	const parts = [
		figure.period,
		figure.metric,
		figure.segment,
		...(figure.sites && figure.sites.length <= 2 ? figure.sites : figure.sites ? [`${figure.sites.length}-sites`] : []),
		figure.measure && figure.measure !== 'value' ? figure.measure : undefined,
		figure.compareTo ? `vs-${figure.compareTo}` : undefined,
		figure.source ?? (figure.kind === 'derived' ? 'derived' : undefined),
	];
	const base = parts
		.filter((part): part is string => Boolean(part))
		.join('-')
		.toLowerCase()
		.replace(/[^a-z0-9-]+/g, '-')
		.replace(/-+/g, '-')
		.replace(/^-|-$/g, '');
	let id = base;
	for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
	return id;
}

function withoutDerivedValue(figure: Figure): Figure {
	if (figure.kind !== 'derived' || figure.value === undefined) return figure;
	const {value: _value, ...rest} = figure;
	return rest;
}

/**
 * Merges an import into a store, without touching either. A figure, source or site whose id is new
 * is added; one the store has exactly is unchanged; one with the same id and other content is
 * replaced. A stated figure with a new id but the same series, period and source as a store figure
 * with another value also replaces that figure (keeping the store's id, which others may name). Two
 * sources disagreeing is no conflict: both figures are kept. Events are appended to their site
 * unless it has them already. Derived values are dropped from the result, to be worked out afresh.
 * Throws {@link RowError} for an event whose site neither the store nor the import has.
 */
export function mergeImport(base: Store, input: ImportInput): MergeResult {
	const added: AddedItem[] = [];
	const replaced: ReplacedItem[] = [];
	const origins = new Map<string, Position>();
	let unchanged = 0;

	/**
	 * Sources and sites merge alike, by id: a new one is added, an identical one counted, a different
	 * one replaced (a conflict unless --replace).
	 */
	const mergeById = <T extends Source | Site>(
		type: 'source' | 'site',
		field: 'sources' | 'sites',
		existing: readonly T[],
		incoming: ReadonlyArray<{at: Position; item: T}>,
		describe: (item: T) => string,
	) => {
		const items = [...existing];
		const index = new Map(items.map((item, at) => [item.id, at]));
		for (const {at, item} of incoming) {
			const found = index.get(item.id);
			if (found === undefined) {
				index.set(item.id, items.length);
				origins.set(`${field}[${items.length}]`, at);
				items.push(item);
				added.push({type, id: item.id, at, item} as AddedItem);
				continue;
			}
			const before = items[found]!;
			if (canonical(before) === canonical(item)) {
				unchanged++;
				continue;
			}
			const message = conflictMessage(`${type} ${item.id}`, describe(before), describe(item), differingFields(before, item));
			replaced.push({type, id: item.id, at, before, after: item, message} as ReplacedItem);
			origins.set(`${field}[${found}]`, at);
			items[found] = item;
		}
		return {items, index};
	};

	const {items: sources} = mergeById('source', 'sources', base.sources, input.sources, source => `${JSON.stringify(source.title)} (${source.date}, ${source.kind})`);

	// Figures.
	const figures = base.figures.map(figure => withoutDerivedValue(figure));
	const figureIndex = new Map(figures.map((figure, index) => [figure.id, index]));
	const bySeries = new Map<string, number[]>();
	for (const [index, figure] of figures.entries()) {
		if (figure.kind !== 'stated' || figure.source === undefined) continue;
		const key = seriesKey(figure);
		bySeries.set(key, [...(bySeries.get(key) ?? []), index]);
	}
	const taken = new Set<string>([...figureIndex.keys(), ...input.figures.flatMap(({item}) => (item.id ? [item.id] : []))]);
	const claimed = new Set<number>();
	const figureIds: string[] = [];

	const replaceFigure = (index: number, at: Position, incoming: Figure, fields: string[]) => {
		const before = base.figures[index]!;
		const after = withoutDerivedValue(incoming);
		replaced.push({
			type: 'figure',
			id: before.id,
			at,
			before,
			after,
			message: conflictMessage(`figure ${before.id}`, describeFigure(before), describeFigure(incoming), fields.filter(field => field !== 'value')),
		});
		origins.set(`figures[${index}]`, at);
		figures[index] = after;
		claimed.add(index);
		figureIds.push(before.id);
	};

	for (const {at, item} of input.figures) {
		const existing = item.id === undefined ? undefined : figureIndex.get(item.id);
		if (existing !== undefined && !claimed.has(existing)) {
			const incoming = {...item, id: item.id!};
			const fields = differingFields(comparableFigure(figures[existing]!), comparableFigure(incoming));
			if (fields.length === 0) {
				unchanged++;
				figureIds.push(incoming.id);
				continue;
			}
			replaceFigure(existing, at, incoming, fields);
			continue;
		}
		// The same series, period and source already in the store: the same figure, or a conflict.
		const candidates =
			item.kind === 'stated' && item.source !== undefined
				? (bySeries.get(seriesKey(item)) ?? []).filter(index => figures[index]!.source === item.source && !claimed.has(index))
				: [];
		const sameValue = candidates.find(index => figures[index]!.value === item.value);
		if (sameValue !== undefined && item.id === undefined) {
			const incoming = {...item, id: figures[sameValue]!.id};
			const fields = differingFields(comparableFigure(figures[sameValue]!), comparableFigure(incoming));
			if (fields.length === 0) {
				unchanged++;
				figureIds.push(incoming.id);
			} else {
				replaceFigure(sameValue, at, incoming, fields);
			}
			continue;
		}
		if (sameValue === undefined && candidates.length > 0) {
			const index = candidates[0]!;
			const incoming = {...item, id: figures[index]!.id};
			replaceFigure(index, at, incoming, differingFields(comparableFigure(figures[index]!), comparableFigure(incoming)));
			continue;
		}
		const id = item.id ?? makeFigureId(item, taken);
		taken.add(id);
		const figure = withoutDerivedValue({...item, id});
		figureIndex.set(id, figures.length);
		origins.set(`figures[${figures.length}]`, at);
		figures.push(figure);
		added.push({type: 'figure', id, at, item: figure});
		figureIds.push(id);
	}

	// Sites, then the events appended to them.
	const {items: sites, index: siteIndex} = mergeById('site', 'sites', base.sites, input.sites, site => `${JSON.stringify(site.name)} (${site.location}, ${site.events.length} event(s))`);
	for (const {at, item} of input.events) {
		const {site: siteId, ...event} = item;
		const index = siteIndex.get(siteId);
		if (index === undefined) {
			throw new RowError(at, 'site', `unknown site ${showValue(siteId)} (expected one of ${[...siteIndex.keys()].join(', ') || 'none'})`);
		}
		const site = sites[index]!;
		if (site.events.some(existing => canonical(existing) === canonical(event))) {
			unchanged++;
			continue;
		}
		origins.set(`sites[${index}].events[${site.events.length}]`, at);
		sites[index] = {...site, events: [...site.events, event]};
		added.push({type: 'event', id: `${siteId}@${event.period}`, at, item});
	}

	return {store: {...base, sources, figures, sites}, added, replaced, unchanged, figureIds, origins};
}

/** Where a store path such as `figures[12].metric` came from in the import, and the rest of the path. */
export function traceOrigin(origins: ReadonlyMap<string, Position>, storePath: string): {at: Position; field: string | undefined} | undefined {
	const match = /^((?:sources|figures|sites)\[\d+\])((?:\.events\[\d+\])?)(?:\.(.+))?$/.exec(storePath);
	if (!match) return undefined;
	const [, item, event, rest] = match;
	const eventAt = event ? origins.get(`${item}${event}`) : undefined;
	if (eventAt) return {at: eventAt, field: rest};
	const itemAt = origins.get(item!);
	if (!itemAt) return undefined;
	const field = [event?.slice(1), rest].filter(Boolean).join('.');
	return {at: itemAt, field: field || undefined};
}
