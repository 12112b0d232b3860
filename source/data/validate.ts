import type {Store} from './schema.js';

/**
 * Checks what a schema cannot: that every id is unique and every reference names something the
 * store has, and that each figure carries what its kind and measure need. Returns the first problem
 * as `path: what was expected`, or undefined when there is none.
 */
export function findReferenceError(store: Store): string | undefined {
	const errors: string[] = [];
	const ids = (name: keyof Store, items: ReadonlyArray<{id: string}>) => {
		const seen = new Set<string>();
		for (const [index, item] of items.entries()) {
			if (seen.has(item.id)) errors.push(`${name}[${index}].id: "${item.id}" is used twice; ids must be unique`);
			seen.add(item.id);
		}
		return seen;
	};
	const sources = ids('sources', store.sources);
	const segments = ids('segments', store.segments);
	const metrics = ids('metrics', store.metrics);
	const siteTypes = ids('siteTypes', store.siteTypes);
	const statuses = ids('statuses', store.statuses);
	const figures = ids('figures', store.figures);
	const sites = ids('sites', store.sites);
	ids('relations', store.relations);

	const mustBe = (path: string, value: string | undefined, known: Set<string>, what: string) => {
		if (value !== undefined && !known.has(value)) {
			errors.push(`${path}: unknown ${what} "${value}" (expected one of ${[...known].join(', ') || 'none'})`);
		}
	};

	for (const [index, segment] of store.segments.entries()) {
		mustBe(`segments[${index}].parent`, segment.parent, segments, 'segment');
	}

	const metricUnits = new Map(store.metrics.map(metric => [metric.id, metric.unit]));
	for (const [index, figure] of store.figures.entries()) {
		const path = `figures[${index}]`;
		mustBe(`${path}.metric`, figure.metric, metrics, 'metric');
		mustBe(`${path}.segment`, figure.segment, segments, 'segment');
		mustBe(`${path}.source`, figure.source, sources, 'source');
		for (const [at, site] of (figure.sites ?? []).entries()) mustBe(`${path}.sites[${at}]`, site, sites, 'site');
		if (figure.kind === 'stated') {
			if (figure.source === undefined) errors.push(`${path}.source: a stated figure needs the id of its source`);
			if (figure.quote === undefined) errors.push(`${path}.quote: a stated figure needs the filing's words`);
			if (figure.value === undefined) errors.push(`${path}.value: a stated figure needs a number`);
		} else {
			if (figure.formula === undefined) errors.push(`${path}.formula: a derived figure needs a formula`);
			if (figure.inputs === undefined) errors.push(`${path}.inputs: a derived figure needs its inputs`);
			for (const [name, input] of Object.entries(figure.inputs ?? {})) {
				mustBe(`${path}.inputs.${name}`, input, figures, 'figure');
			}
		}
		const measure = figure.measure ?? 'value';
		if (measure === 'value' && figure.compareTo !== undefined) {
			errors.push(`${path}.compareTo: only a change or percent-of is measured against another period`);
		}
		if (measure !== 'value' && figure.compareTo === undefined) {
			errors.push(`${path}.compareTo: a ${measure} figure needs the period it is measured against`);
		}
		const metricUnit = metricUnits.get(figure.metric);
		const expected = measure === 'change-percent' || measure === 'percent-of' ? 'percent' : metricUnit;
		if (metricUnit !== undefined && figure.unit !== expected) {
			errors.push(`${path}.unit: expected "${expected}" for a ${measure} of ${figure.metric}, got "${figure.unit}"`);
		}
	}

	for (const [index, site] of store.sites.entries()) {
		const path = `sites[${index}]`;
		mustBe(`${path}.type`, site.type, siteTypes, 'site type');
		mustBe(`${path}.segment`, site.segment, segments, 'segment');
		for (const [at, event] of site.events.entries()) {
			mustBe(`${path}.events[${at}].status`, event.status, statuses, 'status');
			mustBe(`${path}.events[${at}].source`, event.source, sources, 'source');
			mustBe(`${path}.events[${at}].category`, event.category, segments, 'segment');
		}
	}

	for (const [index, relation] of store.relations.entries()) {
		const refs =
			relation.kind === 'sum'
				? [relation.whole, ...relation.parts]
				: relation.kind === 'ratio'
					? [relation.result, relation.numerator, relation.denominator]
					: [relation.left, relation.right];
		for (const ref of refs) {
			mustBe(`relations[${index}].metric`, ref.metric, metrics, 'metric');
			mustBe(`relations[${index}].segment`, ref.segment, segments, 'segment');
		}
	}

	return errors[0];
}
