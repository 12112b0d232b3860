import type {MetricRef, Relation, Unit} from '../data/schema.js';
import {chooseFigure, figureById, seriesFigures, seriesByPeriod, seriesGroups, seriesId, type Dataset, type SeriesKey} from './dataset.js';
import type {ResolvedFigure} from './derive.js';
import {formatValue} from './format.js';
import {comparePeriods, daysInPeriod, quarterOrdinal} from './period.js';
import {writtenPrecision} from './quote-numbers.js';
import {OUTPUT_FORMAT, type FigureView} from './reports.js';
import {compareText} from './text.js';
import {viewFigure} from './views.js';

export const severities = ['info', 'warning', 'error'] as const;
export type Severity = (typeof severities)[number];

/** What each rule checks; every rule reads the store's declarations, never a company's names. */
export const rules = {
	'conflicting-values': 'the same metric for the same period stated with different values',
	'qualifier-differs': 'the same value hedged differently ("approximately" here, "over" there)',
	sum: 'parts add up to their whole (a sum relation of the store)',
	equal: 'two totals that must be equal are (an equal relation of the store)',
	ratio: 'a ratio agrees with its numerator and denominator (a ratio relation of the store)',
	'stated-change': 'a stated change agrees with the two values it connects',
	'stated-percent': 'a stated percentage agrees with the amounts or values it connects',
	'percent-of': 'a stated "N% of" agrees with the two values it connects',
	'part-exceeds-whole': 'a figure for named sites is no larger than the segment they are reported in',
	'membership-change': 'a category gains or loses sites, so comparisons across that quarter are not like for like',
	'site-lists-differ': 'two filings name different sites for the same kind of event among sites of one type',
	'value-in-quote': 'a stated value is a number its quote states',
} as const;

export type RuleId = keyof typeof rules;

/** How severe each rule's findings are: a finding's severity is its rule's. */
export const ruleSeverity: Readonly<Record<RuleId, Severity>> = {
	'conflicting-values': 'error',
	'qualifier-differs': 'info',
	sum: 'error',
	equal: 'error',
	ratio: 'error',
	'stated-change': 'error',
	'stated-percent': 'error',
	'percent-of': 'error',
	'part-exceeds-whole': 'error',
	'membership-change': 'warning',
	'site-lists-differ': 'warning',
	'value-in-quote': 'error',
};

export type Finding = {
	rule: RuleId;
	severity: Severity;
	/** The quarter (or longer period) the finding belongs to. */
	period: string;
	message: string;
	figures: FigureView[];
	/** Sites the finding is about, by id. */
	sites: string[];
	/** The arithmetic that fails, in words and numbers. */
	arithmetic: string | null;
	expected: number | null;
	actual: number | null;
	/** |actual − expected|, beyond what the filings' rounding allows. */
	gap: number | null;
	tolerance: number | null;
};

export type CheckReport = {
	format: number;
	command: 'check';
	quarter: string | null;
	summary: Record<Severity, number>;
	rules: Array<{id: RuleId; severity: Severity; description: string}>;
	findings: Finding[];
};

const hedgesBelow = /^(nearly|almost|just under|close to)$/i;
const hedgesAbove = /^(over|more than|in excess of|above)$/i;
const hedgesAround = /^(approximately|about|around|roughly|some)$/i;

/**
 * Half the last unit a figure is written to: "$3.16 million" allows ±5,000, "2.8%" ±0.05, "$6,921,000"
 * ±500 (filings round to thousands). A derived figure carries the sum of its inputs' allowances.
 */
function allowance(dataset: Dataset, figure: ResolvedFigure, seen = new Set<string>()): number {
	if (figure.kind === 'derived') {
		if (seen.has(figure.id)) return 0;
		seen.add(figure.id);
		return Object.values(figure.inputs ?? {}).reduce((sum, id) => {
			const input = figureById(dataset, id);
			return sum + (input ? allowance(dataset, input, seen) : 0);
		}, 0);
	}
	return statedPrecision(figure) / 2;
}

const precisions = new WeakMap<ResolvedFigure, number>();

/** {@link writtenPrecision} of a figure's own quote; read once per figure, however many rules ask. */
function statedPrecision(figure: ResolvedFigure): number {
	let precision = precisions.get(figure);
	if (precision === undefined) {
		precision = writtenPrecision(figure.quote ?? '', figure.value, figure.unit);
		precisions.set(figure, precision);
	}
	return precision;
}

/**
 * Whether `actual` is what a statement of `stated` allows: within the rounding of both sides when it
 * is exact; below it ("nearly"), above it ("over") or within 5% ("approximately") when hedged, the
 * hedge taking the place of the statement's own rounding (`own`), leaving only the other side's.
 */
function withinHedge(qualifier: string | null, stated: number, actual: number, own: number, others: number): boolean {
	const size = Math.abs(stated);
	const magnitude = Math.abs(actual);
	if (qualifier && hedgesBelow.test(qualifier)) return magnitude <= size + others && magnitude >= size * 0.9 - others;
	if (qualifier && hedgesAbove.test(qualifier)) return magnitude >= size - others;
	if (qualifier && hedgesAround.test(qualifier)) return Math.abs(magnitude - size) <= size * 0.05 + others;
	return Math.abs(actual - stated) <= own + others + 1e-9 * Math.max(1, size);
}

const show = (value: number, unit: Unit) => formatValue(Math.round(value * 1000) / 1000, unit);

/** All figures (every measure) of one series in one period, in store order. */
function figuresAt(dataset: Dataset, key: SeriesKey, period: string): readonly ResolvedFigure[] {
	return seriesFigures(dataset, seriesId(key), period) ?? [];
}

/** Every rule as a report lists it: its id, severity and what it checks. */
export function ruleList(): CheckReport['rules'] {
	return (Object.keys(rules) as RuleId[]).map(id => ({id, severity: ruleSeverity[id], description: rules[id]}));
}

/** The order a report lists its findings in: by period, the most severe first, then by rule. */
export function compareFindings(a: Finding, b: Finding): number {
	return comparePeriods(a.period, b.period) || severities.indexOf(b.severity) - severities.indexOf(a.severity) || compareText(a.rule, b.rule);
}

/** Runs every rule over the store (or the findings of one quarter) and reports what fails. */
export function checkStore(dataset: Dataset, quarter?: string): CheckReport {
	const steps = checkSteps(dataset, quarter);
	let step = steps.next();
	while (!step.done) step = steps.next();
	return step.value;
}

/**
 * {@link checkStore} in slices: each `next()` does a bounded part of the work and the last returns
 * the report, so a caller that must stay responsive (the explorer, reading keys) can let other work
 * run in between.
 */
export function* checkSteps(dataset: Dataset, quarter?: string): Generator<void, CheckReport, void> {
	const findings: Finding[] = [];
	const view = (figure: ResolvedFigure) => viewFigure(dataset, figure);
	const name = (ref: MetricRef) => {
		const metric = dataset.metrics.get(ref.metric)?.name ?? ref.metric;
		const segment = ref.segment ? dataset.segments.get(ref.segment)?.name ?? ref.segment : undefined;
		return segment ? `${metric} (${segment})` : metric;
	};
	const add: Add = (rule, period, figures, sites, message, numbers) => {
		findings.push({
			rule,
			severity: ruleSeverity[rule],
			period,
			message,
			figures: figures.map(view),
			sites: [...new Set([...sites, ...figures.flatMap(figure => figure.sites ?? [])])],
			arithmetic: numbers?.arithmetic ?? null,
			expected: numbers ? numbers.expected : null,
			actual: numbers ? numbers.actual : null,
			gap: numbers ? Math.abs(numbers.actual - numbers.expected) : null,
			tolerance: numbers ? numbers.tolerance : null,
		});
	};
	const chosen = (ref: MetricRef, period: string) => chooseFigure(dataset, ref, period);

	yield* checkStatements(dataset, add);
	for (const relation of dataset.store.relations) {
		yield* checkRelation(dataset, relation, add, chosen, name);
		yield;
	}
	yield* checkChanges(dataset, add, name);
	yield* checkParts(dataset, add, chosen, name);
	yield* checkMemberships(dataset, add);
	yield* checkSiteLists(dataset, add);

	const selected = quarter === undefined ? findings : findings.filter(finding => finding.period === quarter);
	selected.sort(compareFindings);
	const summary = {info: 0, warning: 0, error: 0};
	for (const finding of selected) summary[finding.severity]++;
	return {
		format: OUTPUT_FORMAT,
		command: 'check',
		quarter: quarter ?? null,
		summary,
		rules: ruleList(),
		findings: selected,
	};
}

type Add = (
	rule: RuleId,
	period: string,
	figures: ResolvedFigure[],
	sites: string[],
	message: string,
	numbers?: {arithmetic: string; expected: number; actual: number; tolerance: number},
) => void;
type Chosen = (ref: MetricRef, period: string) => ResolvedFigure | undefined;
type Name = (ref: MetricRef) => string;

/**
 * How many series, figures or sites a rule goes through between two steps of {@link checkSteps}:
 * a step is well under a millisecond, so that the explorer, which runs steps between keys, answers
 * a key without waiting on one.
 */
const sliceSize = 32;

/** Figures of one series and period that disagree, or hedge the same value differently; values missing from their quotes. */
function* checkStatements(dataset: Dataset, add: Add): Generator<void, void, void> {
	let count = 0;
	for (const figures of yield* seriesGroups(dataset)) {
		if (++count % sliceSize === 0) yield;
		const first = figures[0]!;
		// Words for the series, built only when there is a finding to word.
		const label = () => `${dataset.metrics.get(first.metric)?.name ?? first.metric}${first.segment ? ` (${dataset.segments.get(first.segment)?.name ?? first.segment})` : ''}${first.sites?.length ? ` [${first.sites.join(', ')}]` : ''}${first.measure !== 'value' ? ` ${first.measure} vs ${first.compareTo}` : ''}`;
		const stated = figures.filter(figure => figure.kind === 'stated');
		for (const figure of stated) {
			if (!quoteHasValue(figure)) add('value-in-quote', figure.period, [figure], [], `${label()} ${figure.period}: ${show(figure.value, figure.unit)} is not a number its quote states`);
		}
		if (figures.length < 2) continue;
		const tolerance = Math.max(...figures.map(figure => allowance(dataset, figure)));
		const values = [...new Set(figures.map(figure => figure.value))];
		const spread = Math.max(...values) - Math.min(...values);
		if (spread > tolerance + 1e-9) {
			const listed = figures.map(figure => `${show(figure.value, figure.unit)} (${figure.kind === 'stated' ? figure.source : `derived: ${figure.formula}`})`).join(' vs ');
			add('conflicting-values', first.period, figures, [], `${label()} ${first.period} is given as ${listed}`, {
				arithmetic: `${figures.map(figure => show(figure.value, figure.unit)).join(' ≠ ')}`,
				expected: figures[0]!.value,
				actual: figures.find(figure => Math.abs(figure.value - figures[0]!.value) > tolerance)!.value,
				tolerance,
			});
		} else {
			const hedges = new Set(stated.map(figure => (figure.qualifier ?? 'exact').toLowerCase()));
			if (hedges.size > 1) {
				add('qualifier-differs', first.period, stated, [], `${label()} ${first.period}: ${stated.map(figure => `"${figure.qualifier ?? 'exactly'} ${show(figure.value, figure.unit)}" (${figure.source})`).join(' vs ')}`);
			}
		}
	}
}

function quoteHasValue(figure: ResolvedFigure): boolean {
	return statedPrecision(figure) > 0;
}

/** The periods with a level (not a change, not for named sites) of any of the refs, in order. */
function periodsOf(dataset: Dataset, refs: MetricRef[]): string[] {
	const periods = new Set<string>();
	for (const ref of refs) for (const period of seriesByPeriod(dataset, seriesId({metric: ref.metric, segment: ref.segment})).keys()) periods.add(period);
	return [...periods].sort(comparePeriods);
}

/** A store relation, tested for every period where all its figures are known, and for each figure of its result. */
function* checkRelation(dataset: Dataset, relation: Relation, add: Add, chosen: Chosen, name: Name): Generator<void, void, void> {
	const refs = relation.kind === 'sum' ? [relation.whole, ...relation.parts] : relation.kind === 'ratio' ? [relation.result, relation.numerator, relation.denominator] : [relation.left, relation.right];
	let count = 0;
	for (const period of periodsOf(dataset, refs)) {
		if (++count % 4 === 0) yield;
		if (relation.kind === 'sum') {
			const parts = relation.parts.map(part => chosen(part, period));
			if (parts.some(part => part === undefined)) continue;
			const present = parts as ResolvedFigure[];
			const expected = present.reduce((sum, part, index) => sum + (relation.parts[index]!.sign ?? 1) * part.value, 0);
			const partsTolerance = present.reduce((sum, part) => sum + allowance(dataset, part), 0);
			for (const whole of figuresAt(dataset, relation.whole, period)) {
				if (whole.kind === 'derived' && present.every(part => part.kind === 'derived')) continue;
				const tolerance = allowance(dataset, whole) + partsTolerance;
				if (withinHedge(whole.qualifier ?? null, whole.value, expected, allowance(dataset, whole), partsTolerance)) continue;
				const terms = relation.parts.map((part, index) => `${index === 0 ? ((part.sign ?? 1) < 0 ? '−' : '') : (part.sign ?? 1) < 0 ? ' − ' : ' + '}${name(part)} ${show(present[index]!.value, present[index]!.unit)}`).join('');
				add('sum', period, [whole, ...present], [], `${name(relation.whole)} ${period}: ${show(whole.value, whole.unit)} (${whole.source ?? 'derived'}) but its parts give ${show(expected, whole.unit)}`, {
					arithmetic: `${terms} = ${show(expected, whole.unit)} ≠ ${show(whole.value, whole.unit)}`,
					expected,
					actual: whole.value,
					tolerance,
				});
			}
		} else if (relation.kind === 'equal') {
			const right = chosen(relation.right, period);
			if (!right) continue;
			for (const left of figuresAt(dataset, relation.left, period)) {
				const tolerance = allowance(dataset, left) + allowance(dataset, right);
				if (Math.abs(left.value - right.value) <= tolerance) continue;
				add('equal', period, [left, right], [], `${name(relation.left)} ${show(left.value, left.unit)} ≠ ${name(relation.right)} ${show(right.value, right.unit)} in ${period}`, {
					arithmetic: `${show(left.value, left.unit)} ≠ ${show(right.value, right.unit)}`,
					expected: right.value,
					actual: left.value,
					tolerance,
				});
			}
		} else {
			const numerator = chosen(relation.numerator, period);
			const denominator = chosen(relation.denominator, period);
			if (!numerator || !denominator || denominator.value === 0) continue;
			const scale = relation.periodScale ? relation.scale * daysInPeriod(period) : relation.scale;
			const expected = (numerator.value / denominator.value) * scale;
			const relative = allowance(dataset, numerator) / Math.abs(numerator.value || 1) + allowance(dataset, denominator) / Math.abs(denominator.value);
			for (const result of figuresAt(dataset, relation.result, period)) {
				if (result.kind === 'derived') continue;
				const tolerance = allowance(dataset, result) + Math.abs(expected) * relative;
				if (withinHedge(result.qualifier ?? null, result.value, expected, allowance(dataset, result), Math.abs(expected) * relative)) continue;
				add('ratio', period, [result, numerator, denominator], [], `${name(relation.result)} ${period}: ${show(result.value, result.unit)} (${result.source}) but ${name(relation.numerator)} / ${name(relation.denominator)} gives ${show(expected, result.unit)}`, {
					arithmetic: `${show(numerator.value, numerator.unit)} / ${show(denominator.value, denominator.unit)} × ${scale} = ${show(expected, result.unit)} ≠ ${show(result.value, result.unit)}`,
					expected,
					actual: result.value,
					tolerance,
				});
			}
		}
	}
}

/** Stated changes and percentages against the values they connect, where the store has them. */
function* checkChanges(dataset: Dataset, add: Add, name: Name): Generator<void, void, void> {
	let count = 0;
	for (const figure of dataset.store.figures) {
		if (++count % sliceSize === 0) yield;
		if (figure.measure === 'value' || !figure.compareTo || figure.kind === 'derived') continue;
		const key = {metric: figure.metric, segment: figure.segment, sites: figure.sites};
		const levelAt = (period: string) => chooseFigure(dataset, key, period);
		const after = levelAt(figure.period);
		const before = levelAt(figure.compareTo);
		const label = `${name({metric: figure.metric, segment: figure.segment})}${figure.sites?.length ? ` [${figure.sites.join(', ')}]` : ''}`;
		if (figure.measure === 'change') {
			if (!after || !before) continue;
			if (after.kind === 'derived' && before.kind === 'derived') continue;
			const expected = after.value - before.value;
			const others = allowance(dataset, after) + allowance(dataset, before);
			const tolerance = allowance(dataset, figure) + others;
			if (withinHedge(figure.qualifier ?? null, figure.value, expected, allowance(dataset, figure), others)) continue;
			add('stated-change', figure.period, [figure, after, before], [], `${label}: the stated change ${show(figure.value, figure.unit)} from ${figure.compareTo} to ${figure.period} does not match the values, which differ by ${show(expected, figure.unit)}`, {
				arithmetic: `${show(after.value, after.unit)} − ${show(before.value, before.unit)} = ${show(expected, figure.unit)} ≠ ${show(figure.value, figure.unit)}`,
				expected,
				actual: figure.value,
				tolerance,
			});
		} else {
			// For a percentage, the base and the new value may come from levels or from a stated amount of change.
			const amount = figuresAt(dataset, {...key, measure: 'change', compareTo: figure.compareTo}, figure.period)[0];
			const base = before?.value ?? (after && amount ? after.value - amount.value : undefined);
			const top = after?.value ?? (before && amount ? before.value + amount.value : undefined);
			if (base === undefined || top === undefined || base === 0) continue;
			const used = [before, after, amount].filter((item): item is ResolvedFigure => item !== undefined);
			const expected = figure.measure === 'percent-of' ? (top / base) * 100 : ((top - base) / Math.abs(base)) * 100;
			const relative = used.reduce((sum, item) => sum + allowance(dataset, item) / Math.abs(base), 0);
			const others = Math.abs(figure.measure === 'percent-of' ? expected : 100) * relative;
			const tolerance = allowance(dataset, figure) + others;
			if (withinHedge(figure.qualifier ?? null, figure.value, expected, allowance(dataset, figure), others)) continue;
			const rule = figure.measure === 'percent-of' ? 'percent-of' : 'stated-percent';
			add(rule, figure.period, [figure, ...used], [], `${label}: the stated ${show(figure.value, 'percent')} ${figure.measure === 'percent-of' ? 'of' : 'change against'} ${figure.compareTo} does not match ${show(top, used[0]!.unit)} against ${show(base, used[0]!.unit)}, which give ${show(expected, 'percent')}`, {
				arithmetic:
					figure.measure === 'percent-of'
						? `${show(top, used[0]!.unit)} / ${show(base, used[0]!.unit)} × 100 = ${show(expected, 'percent')} ≠ ${show(figure.value, 'percent')}`
						: `(${show(top, used[0]!.unit)} − ${show(base, used[0]!.unit)}) / ${show(Math.abs(base), used[0]!.unit)} × 100 = ${show(expected, 'percent')} ≠ ${show(figure.value, 'percent')}`,
				expected,
				actual: figure.value,
				tolerance,
			});
		}
	}
}

/** A figure for named sites reported in a segment cannot exceed that segment's own figure. */
function* checkParts(dataset: Dataset, add: Add, chosen: Chosen, name: Name): Generator<void, void, void> {
	let count = 0;
	for (const figure of dataset.store.figures) {
		if (++count % sliceSize === 0) yield;
		if (!figure.sites?.length || !figure.segment || figure.measure !== 'value' || figure.value < 0) continue;
		const whole = chosen({metric: figure.metric, segment: figure.segment}, figure.period);
		if (!whole || whole.value < 0) continue;
		const tolerance = allowance(dataset, figure) + allowance(dataset, whole);
		if (figure.value <= whole.value + tolerance) continue;
		const sites = figure.sites.map(id => dataset.sites.get(id)?.name ?? id).join(', ');
		add('part-exceeds-whole', figure.period, [figure, whole], [], `${name({metric: figure.metric, segment: figure.segment})} ${figure.period}: ${sites} alone are ${show(figure.value, figure.unit)} (${figure.source ?? `derived: ${figure.formula}`}), more than the ${show(whole.value, whole.unit)} of the whole`, {
			arithmetic: `${show(figure.value, figure.unit)} > ${show(whole.value, whole.unit)}`,
			expected: whole.value,
			actual: figure.value,
			tolerance,
		});
	}
}

/**
 * A category's membership changes when a site that was running is reported in it from some quarter
 * on (a center moved into "closed", say). Every site first reported in that category in that quarter
 * joins the same finding, with the stated comparisons that span the change.
 */
function* checkMemberships(dataset: Dataset, add: Add): Generator<void, void, void> {
	const state = (status: string) => dataset.store.statuses.find(candidate => candidate.id === status)?.state;
	const entries = new Map<string, {segment: string; period: string; sites: string[]; moved: boolean; from: Set<string>}>();
	let count = 0;
	for (const site of dataset.store.sites) {
		if (++count % sliceSize === 0) yield;
		const events = [...site.events].sort((a, b) => quarterOrdinal(a.period) - quarterOrdinal(b.period));
		let category: string | undefined;
		let wasRunning = false;
		for (const event of events) {
			if (event.category && event.category !== category) {
				const key = `${event.category}@${event.period}`;
				const entry = entries.get(key) ?? {segment: event.category, period: event.period, sites: [], moved: false, from: new Set<string>()};
				if (!entry.sites.includes(site.id)) entry.sites.push(site.id);
				const movedHere = category !== undefined || (wasRunning && state(event.status) !== 'active');
				if (movedHere) {
					entry.moved = true;
					entry.from.add(category ?? site.segment ?? 'unstated');
				}
				entries.set(key, entry);
				category = event.category;
			}
			if (state(event.status) === 'active') wasRunning = true;
		}
	}
	const moves = [...entries.values()].filter(entry => entry.moved);
	// Only segment-level comparisons can span a move; they are found once, not once per move.
	const comparisons =
		moves.length === 0
			? []
			: dataset.store.figures.flatMap(figure =>
					figure.segment !== undefined && !figure.sites && figure.compareTo !== undefined
						? [{figure, segment: figure.segment, from: quarterOrdinal(figure.compareTo), to: quarterOrdinal(figure.period)}]
						: [],
				);
	for (const move of moves) {
		yield;
		const segment = dataset.segments.get(move.segment);
		const family = new Set([move.segment, ...dataset.store.segments.filter(item => segment?.parent && item.parent === segment.parent).map(item => item.id)]);
		const at = quarterOrdinal(move.period);
		const spanning = comparisons.filter(item => family.has(item.segment) && item.from < at && item.to >= at).map(item => item.figure);
		const names = move.sites.map(id => dataset.sites.get(id)?.name ?? id).join(', ');
		const from = [...move.from].map(id => dataset.segments.get(id)?.name ?? id).join(', ');
		add(
			'membership-change',
			move.period,
			spanning,
			move.sites,
			`${segment?.name ?? move.segment} takes in ${names} from ${move.period}, sites reported before as ${from}: comparisons of ${[...family].map(id => dataset.segments.get(id)?.name ?? id).join(' or ')} across ${move.period} are not like for like (${spanning.length} stated comparison(s) span it)`,
		);
	}
}

/**
 * Two filings that report the same status for overlapping sets of sites of one type, but not the same
 * set: one names a site the other leaves out.
 */
function* checkSiteLists(dataset: Dataset, add: Add): Generator<void, void, void> {
	type Group = {sites: Set<string>; periods: string[]};
	const groups = new Map<string, Map<string, Group>>();
	let count = 0;
	for (const site of dataset.store.sites) {
		if (++count % sliceSize === 0) yield;
		for (const event of site.events) {
			// Lists of running sites are incidental; lists of closures and endings are claims.
			if (dataset.store.statuses.find(item => item.id === event.status)?.state === 'active') continue;
			const key = `${site.type}|${event.status}`;
			const bySource = groups.get(key) ?? new Map<string, Group>();
			const group = bySource.get(event.source) ?? {sites: new Set<string>(), periods: []};
			group.sites.add(site.id);
			group.periods.push(event.period);
			bySource.set(event.source, group);
			groups.set(key, bySource);
		}
	}
	for (const [key, bySource] of groups) {
		const [type, status] = key.split('|') as [string, string];
		const sources = [...bySource.keys()].sort((a, b) => compareText(dataset.sources.get(a)?.date ?? '', dataset.sources.get(b)?.date ?? ''));
		for (let i = 0; i < sources.length; i++) {
			for (let j = i + 1; j < sources.length; j++) {
				const first = bySource.get(sources[i]!)!;
				const second = bySource.get(sources[j]!)!;
				const shared = [...first.sites].filter(id => second.sites.has(id));
				const onlyFirst = [...first.sites].filter(id => !second.sites.has(id));
				const onlySecond = [...second.sites].filter(id => !first.sites.has(id));
				// One filing naming more sites than another is an omission; each naming one the other leaves out contradicts.
				if (shared.length === 0 || onlyFirst.length === 0 || onlySecond.length === 0) continue;
				const names = (ids: string[]) => ids.map(id => dataset.sites.get(id)?.name ?? id).join(', ') || 'none';
				const typeName = dataset.store.siteTypes.find(item => item.id === type)?.name ?? type;
				const statusName = dataset.store.statuses.find(item => item.id === status)?.name ?? status;
				const period = [...second.periods].sort(comparePeriods).at(-1)!;
				add(
					'site-lists-differ',
					period,
					[],
					[...onlyFirst, ...onlySecond],
					`${typeName} sites reported as "${statusName}": ${sources[i]} and ${sources[j]} both name ${names(shared)}, but only ${sources[i]} names ${names(onlyFirst)} and only ${sources[j]} names ${names(onlySecond)}`,
				);
			}
		}
	}
}

/** Findings by the figures and sites they involve, for marking them where they are shown. */
export type FindingIndex = {byFigure: Map<string, Finding[]>; bySite: Map<string, Finding[]>};

export function indexFindings(report: CheckReport): FindingIndex {
	const byFigure = new Map<string, Finding[]>();
	const bySite = new Map<string, Finding[]>();
	const push = (map: Map<string, Finding[]>, key: string, finding: Finding) => {
		const list = map.get(key);
		if (list) {
			if (!list.includes(finding)) list.push(finding);
		} else map.set(key, [finding]);
	};
	for (const finding of report.findings) {
		for (const figure of finding.figures) push(byFigure, figure.id, finding);
		for (const site of finding.sites) push(bySite, site, finding);
	}
	return {byFigure, bySite};
}
