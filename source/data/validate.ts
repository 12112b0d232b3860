import type {Store} from './schema.js';

/** The problem of a reference at `path` to `value`, which is not among the ids `known`. */
function unknownId(path: string, what: string, value: string, known: Set<string>): string {
	return `${path}: unknown ${what} "${value}" (expected one of ${[...known].join(', ') || 'none'})`;
}

/** Undefined when `value` is absent or known; else the problem, at the path `path()` gives. */
function unknown(value: string | undefined, known: Set<string>, what: string, path: () => string): string | undefined {
	return value === undefined || known.has(value) ? undefined : unknownId(path(), what, value, known);
}

/** The lists whose items have ids, in the order their ids are checked. */
const collections = ['sources', 'segments', 'metrics', 'siteTypes', 'statuses', 'figures', 'sites', 'relations'] as const;

/**
 * Checks what a schema cannot: that every id is unique and every reference names something the
 * store has, and that each figure carries what its kind and measure need. Returns the first problem
 * as `path: what was expected`, or undefined when there is none. Paths are written only for that
 * problem: a large store has many thousands of fields.
 */
export function findReferenceError(store: Store): string | undefined {
	const known = {} as Record<(typeof collections)[number], Set<string>>;
	for (const name of collections) {
		const items: ReadonlyArray<{id: string}> = store[name];
		const seen = new Set<string>();
		for (let index = 0; index < items.length; index++) {
			const id = items[index]!.id;
			if (seen.has(id)) return `${name}[${index}].id: "${id}" is used twice; ids must be unique`;
			seen.add(id);
		}
		known[name] = seen;
	}
	const {sources, segments, metrics, siteTypes, statuses} = known;

	for (let index = 0; index < store.segments.length; index++) {
		const problem = unknown(store.segments[index]!.parent, segments, 'segment', () => `segments[${index}].parent`);
		if (problem) return problem;
	}

	const metricUnits = new Map(store.metrics.map(metric => [metric.id, metric.unit]));
	for (let index = 0; index < store.figures.length; index++) {
		const problem = figureProblem(store.figures[index]!, index, known, metricUnits);
		if (problem) return problem;
	}

	for (let index = 0; index < store.sites.length; index++) {
		const site = store.sites[index]!;
		const path = () => `sites[${index}]`;
		const problem =
			unknown(site.type, siteTypes, 'site type', () => `${path()}.type`) ??
			unknown(site.segment, segments, 'segment', () => `${path()}.segment`) ??
			site.events
				.map(
					(event, at) =>
						unknown(event.status, statuses, 'status', () => `${path()}.events[${at}].status`) ??
						unknown(event.source, sources, 'source', () => `${path()}.events[${at}].source`) ??
						unknown(event.category, segments, 'segment', () => `${path()}.events[${at}].category`),
				)
				.find(Boolean);
		if (problem) return problem;
	}

	for (let index = 0; index < store.relations.length; index++) {
		const relation = store.relations[index]!;
		const refs =
			relation.kind === 'sum'
				? [relation.whole, ...relation.parts]
				: relation.kind === 'ratio'
					? [relation.result, relation.numerator, relation.denominator]
					: [relation.left, relation.right];
		for (const ref of refs) {
			const problem =
				unknown(ref.metric, metrics, 'metric', () => `relations[${index}].metric`) ??
				unknown(ref.segment, segments, 'segment', () => `relations[${index}].segment`);
			if (problem) return problem;
		}
	}
	return undefined;
}

/**
 * A figure's references, what its kind and measure need, and its unit against its metric's. Most
 * figures pass: the path of a field is written only for the one problem reported.
 */
function figureProblem(figure: Store['figures'][number], index: number, known: Record<(typeof collections)[number], Set<string>>, metricUnits: Map<string, string>): string | undefined {
	const path = (field: string) => `figures[${index}].${field}`;
	if (!known.metrics.has(figure.metric)) return unknownId(path('metric'), 'metric', figure.metric, known.metrics);
	if (figure.segment !== undefined && !known.segments.has(figure.segment)) return unknownId(path('segment'), 'segment', figure.segment, known.segments);
	if (figure.source !== undefined && !known.sources.has(figure.source)) return unknownId(path('source'), 'source', figure.source, known.sources);
	if (figure.sites) {
		for (let at = 0; at < figure.sites.length; at++) {
			const site = figure.sites[at]!;
			if (!known.sites.has(site)) return unknownId(path(`sites[${at}]`), 'site', site, known.sites);
		}
	}
	if (figure.kind === 'stated') {
		if (figure.source === undefined) return `${path('source')}: a stated figure needs the id of its source`;
		if (figure.quote === undefined) return `${path('quote')}: a stated figure needs the filing's words`;
		if (figure.value === undefined) return `${path('value')}: a stated figure needs a number`;
	} else {
		if (figure.formula === undefined) return `${path('formula')}: a derived figure needs a formula`;
		if (figure.inputs === undefined) return `${path('inputs')}: a derived figure needs its inputs`;
		for (const name in figure.inputs) {
			const input = figure.inputs[name]!;
			if (!known.figures.has(input)) return unknownId(path(`inputs.${name}`), 'figure', input, known.figures);
		}
	}
	const measure = figure.measure ?? 'value';
	if (measure === 'value' && figure.compareTo !== undefined) {
		return `${path('compareTo')}: only a change or percent-of is measured against another period`;
	}
	if (measure !== 'value' && figure.compareTo === undefined) {
		return `${path('compareTo')}: a ${measure} figure needs the period it is measured against`;
	}
	const metricUnit = metricUnits.get(figure.metric);
	const expected = measure === 'change-percent' || measure === 'percent-of' ? 'percent' : metricUnit;
	if (metricUnit !== undefined && figure.unit !== expected) {
		return `${path('unit')}: expected "${expected}" for a ${measure} of ${figure.metric}, got "${figure.unit}"`;
	}
	return undefined;
}
