import type {Finding, FindingIndex} from '../model/check.js';
import {figureById, type Dataset} from '../model/dataset.js';
import {describePeriod} from '../model/period.js';
import {formatChange, formatValue} from '../model/format.js';
import type {Tone} from '../output/table.js';
import type {SourceItem} from './state.js';

export type Line = {text: string; tone?: Tone | undefined};

/** One line naming an item in the source list. */
export function describeItem(dataset: Dataset, item: SourceItem): Line {
	if (item.kind === 'event') {
		const site = dataset.sites.get(item.site);
		const event = site?.events[item.index];
		if (!site || !event) return {text: '(missing event)', tone: 'muted'};
		const status = dataset.store.statuses.find(candidate => candidate.id === event.status);
		return {text: `${event.date ?? event.period}  ${status?.name ?? event.status}  · ${event.source}`};
	}
	const figure = figureById(dataset, item.id);
	if (!figure) return {text: `(no figure ${item.id})`, tone: 'muted'};
	const metric = dataset.metrics.get(figure.metric)?.name ?? figure.metric;
	const measure = figure.measure ?? 'value';
	const amount = measure === 'value' ? formatValue(figure.value, figure.unit) : `${formatChange(figure.value, figure.unit)} vs ${figure.compareTo}`;
	const segment = figure.segment ? ` · ${dataset.segments.get(figure.segment)?.name ?? figure.segment}` : '';
	return {text: `${figure.period}  ${metric}${segment}  ${figure.qualifier ? `${figure.qualifier} ` : ''}${amount}  ${figure.kind === 'derived' ? 'derived' : `stated · ${figure.source}`}`};
}

/**
 * Everything the store says of an item, as lines: the filing, its date, the exact words, and for a
 * derived figure its formula with each input's value.
 */
export function detailLines(dataset: Dataset, item: SourceItem, findings?: FindingIndex): Line[] {
	const flagged = (list: Finding[] | undefined): Line[] =>
		(list ?? []).flatMap(finding => [
			{text: `⚑ ${finding.severity} · ${finding.rule}: ${finding.message}`, tone: finding.severity === 'error' ? 'down' : 'warn'},
			...(finding.arithmetic ? [{text: `  ${finding.arithmetic}`, tone: 'muted' as const}] : []),
		]);
	if (item.kind === 'event') {
		const site = dataset.sites.get(item.site);
		const event = site?.events[item.index];
		if (!site || !event) return [];
		const source = dataset.sources.get(event.source);
		const status = dataset.store.statuses.find(candidate => candidate.id === event.status);
		return [
			{text: `${site.name}, ${site.location}`, tone: 'strong'},
			{text: `Status: ${status?.name ?? event.status} · ${event.date ?? describePeriod(event.period)}${event.category ? ` · reported in ${dataset.segments.get(event.category)?.name ?? event.category}` : ''}`},
			{text: `Filing: ${source?.title ?? event.source} (${source?.date ?? 'undated'})`},
			{text: `“${event.quote}”`},
			...(event.note ? [{text: `Note: ${event.note}`, tone: 'muted' as const}] : []),
			...flagged(findings?.bySite.get(item.site)),
		];
	}
	const figure = figureById(dataset, item.id);
	if (!figure) return [];
	const metric = dataset.metrics.get(figure.metric);
	const measure = figure.measure ?? 'value';
	const lines: Line[] = [
		{text: `${metric?.name ?? figure.metric} · ${describePeriod(figure.period)}${figure.segment ? ` · ${dataset.segments.get(figure.segment)?.name ?? figure.segment}` : ''}${figure.sites ? ` · ${figure.sites.map(id => dataset.sites.get(id)?.name ?? id).join(', ')}` : ''}`, tone: 'strong'},
		{
			text: `${measure === 'value' ? 'Value' : measure === 'percent-of' ? `Percent of ${figure.compareTo}` : `Change vs ${figure.compareTo}`}: ${figure.qualifier ? `${figure.qualifier} ` : ''}${measure === 'value' ? formatValue(figure.value, figure.unit) : formatChange(figure.value, figure.unit)} · ${figure.kind}`,
		},
	];
	if (figure.kind === 'stated') {
		const source = dataset.sources.get(figure.source ?? '');
		lines.push({text: `Filing: ${source?.title ?? figure.source} (${source?.date ?? 'undated'})`});
		lines.push({text: `“${figure.quote}”`});
	} else {
		lines.push({text: `Formula: ${figure.formula}`});
		for (const [name, id] of Object.entries(figure.inputs ?? {})) {
			const input = figureById(dataset, id);
			lines.push({text: `  ${name} = ${input ? formatValue(input.value, input.unit) : '?'}  (${id})`});
		}
		lines.push({text: 'Enter opens the inputs', tone: 'muted'});
	}
	if (figure.note) lines.push({text: `Note: ${figure.note}`, tone: 'muted'});
	// Findings first after the value would push the words off a short screen; they come last.
	lines.push(...flagged(findings?.byFigure.get(figure.id)));
	return lines;
}

/** The inputs of a derived figure as a new list for the source view; undefined for anything else. */
export function inputItems(dataset: Dataset, item: SourceItem | undefined): {title: string; items: SourceItem[]} | undefined {
	if (!item || item.kind !== 'figure') return undefined;
	const figure = figureById(dataset, item.id);
	if (!figure || figure.kind !== 'derived' || !figure.inputs) return undefined;
	return {title: `Inputs of ${figure.id}`, items: Object.values(figure.inputs).map(id => ({kind: 'figure', id}))};
}
