import {formatValue} from '../model/format.js';
import type {Cell, Table} from './table.js';
import {drawTable, writeCsv, writeJson, writeTsv, type OutputMode} from './write.js';
import type {MergeResult} from '../data/merge-import.js';
import type {Figure, Site, Source, Unit} from '../data/schema.js';

/** One added item as `import` reports it. */
export type ImportLine =
	| {type: 'figure'; id: string; period: string; metric: string; segment: string | null; value: number | null; unit: Unit; source: string | null}
	| {type: 'source'; id: string; title: string; date: string; kind: string}
	| {type: 'site'; id: string; name: string; location: string}
	| {type: 'event'; id: string; site: string; period: string; status: string; source: string};

/** A replaced item: the store's record before and the import's after (figures with their values). */
export type ReplacedLine =
	| {type: 'figure'; id: string; before: Figure; after: Figure}
	| {type: 'source'; id: string; before: Source; after: Source}
	| {type: 'site'; id: string; before: Site; after: Site};

/** What `import --json` prints; a change to this shape is a new `format`. */
export type ImportReport = {
	format: 1;
	command: 'import';
	/** The import file and the store, as absolute paths. */
	file: string;
	store: string;
	dryRun: boolean;
	written: boolean;
	added: ImportLine[];
	replaced: ReplacedLine[];
	/** Items of the import the store already had exactly. */
	unchanged: number;
	/** The copy of the previous store, when one was made. */
	backup: string | null;
};

/** Builds the report of a merge; `values` gives every figure its worked-out value. */
export function buildImportReport(
	merge: MergeResult,
	values: ReadonlyMap<string, number>,
	options: {file: string; store: string; dryRun: boolean; written: boolean; backup: string | null},
): ImportReport {
	const withValue = (figure: Figure): Figure => ({...figure, value: values.get(figure.id) ?? figure.value});
	return {
		format: 1,
		command: 'import',
		file: options.file,
		store: options.store,
		dryRun: options.dryRun,
		written: options.written,
		added: merge.added.map((change): ImportLine => {
			switch (change.type) {
				case 'figure': {
					const figure = change.item;
					return {
						type: 'figure',
						id: figure.id,
						period: figure.period,
						metric: figure.metric,
						segment: figure.segment ?? null,
						value: values.get(figure.id) ?? figure.value ?? null,
						unit: figure.unit,
						source: figure.source ?? null,
					};
				}
				case 'source':
					return {type: 'source', id: change.id, title: change.item.title, date: change.item.date, kind: change.item.kind};
				case 'site':
					return {type: 'site', id: change.id, name: change.item.name, location: change.item.location};
				case 'event':
					return {type: 'event', id: change.id, site: change.item.site, period: change.item.period, status: change.item.status, source: change.item.source};
			}
		}),
		replaced: merge.replaced.map((change): ReplacedLine => {
			if (change.type === 'figure') return {type: 'figure', id: change.id, before: change.before, after: withValue(change.after)};
			return change.type === 'source'
				? {type: 'source', id: change.id, before: change.before, after: change.after}
				: {type: 'site', id: change.id, before: change.before, after: change.after};
		}),
		unchanged: merge.unchanged,
		backup: options.backup,
	};
}

/** The number of changes a report would write. */
export function countChanges(report: Pick<ImportReport, 'added' | 'replaced'>): number {
	return report.added.length + report.replaced.length;
}

/** `2 added, 1 replaced, 40 unchanged`. */
export function summarize(report: ImportReport): string {
	return `${report.added.length} added, ${report.replaced.length} replaced, ${report.unchanged} unchanged`;
}

const text = (value: string | null): Cell => ({text: value ?? '', value});
const number = (value: number | null | undefined, unit: Unit): Cell =>
	value === null || value === undefined ? {text: '', value: null} : {text: formatValue(value, unit), value};

function lineRow(line: ImportLine): Cell[] {
	const change = text('added');
	switch (line.type) {
		case 'figure':
			return [change, text('figure'), text(line.id), text(line.period), text(line.segment ? `${line.metric} (${line.segment})` : line.metric), number(line.value, line.unit), text(null), text(line.source)];
		case 'source':
			return [change, text('source'), text(line.id), text(line.date), text(line.title), text(null), text(null), text(null)];
		case 'site':
			return [change, text('site'), text(line.id), text(null), text(line.name), text(null), text(null), text(null)];
		case 'event':
			return [change, text('event'), text(line.site), text(line.period), text(line.status), text(null), text(null), text(line.source)];
	}
}

function replacedRow(line: ReplacedLine): Cell[] {
	const change = text('replaced');
	switch (line.type) {
		case 'figure': {
			const {before, after} = line;
			const metric = after.segment ? `${after.metric} (${after.segment})` : after.metric;
			return [change, text('figure'), text(line.id), text(after.period), text(metric), number(after.value, after.unit), number(before.value, before.unit), text(after.source ?? null)];
		}
		case 'source':
			return [change, text('source'), text(line.id), text(line.after.date), text(line.after.title), text(null), text(null), text(null)];
		case 'site':
			return [change, text('site'), text(line.id), text(null), text(line.after.name), text(null), text(null), text(null)];
	}
}

/**
 * The changes as a table: one row per added or replaced item. `machine` (CSV, tab-separated) keeps
 * change, type and the value before in columns of their own; on a terminal the id leads, so it is
 * never cut, `+` marks an addition and `~` a replacement, and a replaced value reads `old → new`.
 */
export function importTable(report: ImportReport, title: string, notes: string[], machine = false): Table {
	const rows = [...report.added.map(line => lineRow(line)), ...report.replaced.map(line => replacedRow(line))];
	const columns = machine ? ['change', 'type', 'id', 'period', 'what', 'value', 'before', 'source'] : ['id', 'change', 'period', 'what', 'value', 'source'];
	const right = new Set(['value', 'before']);
	const mark = (change: Cell) => (change.text === 'added' ? '+' : '~');
	return {
		title,
		columns: columns.map(header => ({header, align: right.has(header) ? ('right' as const) : ('left' as const)})),
		rows: machine
			? rows
			: rows.map(([change, type, id, period, what, value, before, source]) => [
					id!,
					text(`${mark(change!)} ${type!.text}`),
					period!,
					what!,
					before!.text ? {...value!, text: `${before!.text} → ${value!.text}`} : value!,
					source!,
				]),
		notes,
	};
}

/**
 * Writes the report in the chosen mode. Table mode gives a title and notes around the rows; CSV
 * and tab-separated give only the rows (notes are for the caller to send to stderr); JSON gives
 * the report itself.
 */
export function formatImportReport(
	report: ImportReport,
	options: {mode: OutputMode; color: boolean; width: number; pretty: boolean; title: string; notes: string[]},
): string {
	if (options.mode === 'json') return writeJson(report, options.pretty);
	if (options.mode === 'table') return drawTable(importTable(report, options.title, options.notes), options.color, options.width);
	const table = importTable(report, options.title, options.notes, true);
	return options.mode === 'csv' ? writeCsv(table) : writeTsv(table);
}
