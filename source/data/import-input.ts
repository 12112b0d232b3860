import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type {z} from 'zod';
import {DataError} from '../errors.js';
import {parsePeriod} from '../model/period.js';
import {figureColumns, type FigureColumn} from '../output/figure-record.js';
import {CsvSyntaxError, parseCsv} from './csv.js';
import {figureSchema, siteEventSchema, siteSchema, sourceSchema, type Figure, type Site, type SiteEvent, type Source} from './schema.js';
import {formatPath} from './parse-store.js';

/** Where an item sits in the import file: a CSV row (the header is row 1) or a JSON path. */
export type Position = {kind: 'row'; row: number} | {kind: 'path'; path: string};

export type Positioned<T> = {at: Position; item: T};

/** A figure as an import gives it: the id may be left for quarterdeck to make. */
export type ImportFigure = Omit<Figure, 'id'> & {id?: string | undefined};

/** A site event to append to a site the store (or the same import) has. */
export type ImportEvent = SiteEvent & {site: string};

/** Everything an import file offers, each item with its place in the file. */
export type ImportInput = {
	format: 'csv' | 'json' | 'show';
	sources: Array<Positioned<Source>>;
	figures: Array<Positioned<ImportFigure>>;
	sites: Array<Positioned<Site>>;
	events: Array<Positioned<ImportEvent>>;
};

/** A problem with one item of an import file; `field` is the field's name or path within the item. */
export class RowError extends Error {
	constructor(
		readonly at: Position | undefined,
		readonly field: string | undefined,
		message: string,
	) {
		super(message);
		this.name = 'RowError';
	}
}

/** `row 4, value` for CSV, `figures[2].value` for JSON. */
export function describePosition(at: Position | undefined, field?: string): string {
	if (!at) return field ?? '';
	if (at.kind === 'row') {
		const column = field?.split(/[.[]/)[0];
		return column ? `row ${at.row}, ${column}` : `row ${at.row}`;
	}
	if (!field) return at.path;
	return field.startsWith('[') ? `${at.path}${field}` : `${at.path}.${field}`;
}

/** One line naming the file, the row or path, the field, and what was expected. */
export function formatRowError(file: string, error: RowError): string {
	const where = describePosition(error.at, error.field);
	return `${file}: ${where ? `${where}: ` : ''}${error.message}`;
}

export const importFigureSchema = figureSchema.partial({id: true});
const importEventSchema = siteEventSchema.extend({site: figureSchema.shape.metric});

const typeNames: Record<string, string> = {
	number: 'a number',
	string: 'text',
	array: 'a list',
	object: 'an object',
	record: 'an object',
	boolean: 'true or false',
};

/** Shows a value from the file in a message: strings quoted, long ones cut. */
export function showValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
	let value = data;
	for (const key of keys) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<PropertyKey, unknown>)[key];
	}
	return value;
}

/** Turns the first zod issue into a field path and what was expected, in the reader's words. */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): {field: string | undefined; message: string} {
	const keys = issue.path;
	const field = keys.length > 0 ? formatPath(keys) : undefined;
	const value = valueAt(data, keys);
	switch (issue.code) {
		case 'invalid_type': {
			const expected = typeNames[issue.expected] ?? issue.expected;
			return {field, message: value === undefined ? `missing; expected ${expected}` : `expected ${expected}, got ${showValue(value)}`};
		}
		case 'invalid_value':
			return {field, message: `expected one of ${issue.values.map(String).join(', ')}, got ${showValue(value)}`};
		case 'invalid_format':
			return {field, message: `expected ${issue.message.replace(/^Invalid string: /, '')}, got ${showValue(value)}`};
		case 'too_small':
			return {field, message: issue.origin === 'array' ? 'expected at least one, got an empty list' : 'must not be empty'};
		case 'invalid_key':
			return {
				field: formatPath(keys.slice(0, -1)),
				message: `${showValue(keys.at(-1))} is not a usable name (expected lower-case letters, digits and _)`,
			};
		case 'unrecognized_keys':
			return {field, message: `unexpected field ${issue.keys.map(key => `"${key}"`).join(', ')}`};
		default:
			return {field, message: issue.message};
	}
}

function parseWith<T>(schema: z.ZodType<T>, data: unknown, at: Position, extra?: (item: T) => void): T {
	const parsed = schema.safeParse(data);
	if (!parsed.success) {
		const {field, message} = describeIssue(parsed.error.issues[0]!, data);
		throw new RowError(at, field, message);
	}
	extra?.(parsed.data);
	return parsed.data;
}

/** A period must also run forwards: 2004Q3-Q1 matches the pattern but is no period. */
function checkPeriods(figure: {period: string; compareTo?: string | undefined}, at: Position): void {
	for (const field of ['period', 'compareTo'] as const) {
		const value = figure[field];
		if (value !== undefined && parsePeriod(value) === undefined) {
			throw new RowError(at, field, `expected a quarter such as 2004Q3 or a period such as 2004Q1-Q2, got ${showValue(value)}`);
		}
	}
}

/** Rejects a second item with an id an earlier one in the same file has. */
function checkUnique<T>(items: Array<Positioned<T>>, idOf: (item: T) => string | undefined): void {
	const seen = new Map<string, Position>();
	for (const {at, item} of items) {
		const id = idOf(item);
		if (id === undefined) continue;
		const first = seen.get(id);
		if (first) throw new RowError(at, 'id', `${showValue(id)} is also at ${describePosition(first)}; an id may appear once`);
		seen.set(id, at);
	}
}

// ——— CSV ———

const requiredColumns: FigureColumn[] = ['period', 'metric', 'value', 'unit'];
const textColumns = new Set<FigureColumn>(['quote', 'qualifier', 'note', 'formula']);
const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `2004q3`, `2004-Q3`, `Q3 2004` and `q3-2004` all mean 2004Q3; anything else is left for the schema to refuse. */
export function normalizePeriod(text: string): string {
	const value = text.trim().toUpperCase();
	const quarterFirst = /^Q([1-4])[\s-]?(\d{4})$/.exec(value);
	if (quarterFirst) return `${quarterFirst[2]}Q${quarterFirst[1]}`;
	return value.replace(/^(\d{4})[\s-]Q/, '$1Q');
}

/** Undoes the guard the CSV writer puts before text a spreadsheet would run as a formula. */
export function unguardCell(text: string): string {
	return /^'[=+\-@]/.test(text) ? text.slice(1) : text;
}

function csvFigure(header: FigureColumn[], fields: string[], at: Position): ImportFigure {
	const raw: Record<string, unknown> = {};
	for (const [index, column] of header.entries()) {
		const cell = unguardCell(fields[index] ?? '');
		const text = textColumns.has(column) ? cell : cell.trim();
		if (text === '') continue;
		switch (column) {
			case 'value': {
				if (!numberPattern.test(text)) throw new RowError(at, 'value', `expected a number, got ${showValue(text)}`);
				raw.value = Number(text);
				break;
			}
			case 'period':
			case 'compareTo':
				raw[column] = normalizePeriod(text);
				break;
			case 'sites': {
				const sites = text.split(';').map(site => site.trim()).filter(Boolean);
				if (sites.length > 0) raw.sites = sites;
				break;
			}
			case 'inputs': {
				const inputs: Record<string, string> = {};
				for (const pair of text.split(';').map(part => part.trim()).filter(Boolean)) {
					const match = /^([^=]+)=(.+)$/.exec(pair);
					if (!match) throw new RowError(at, 'inputs', `expected name=figure-id pairs separated by ";", got ${showValue(pair)}`);
					inputs[match[1]!.trim()] = match[2]!.trim();
				}
				raw.inputs = inputs;
				break;
			}
			default:
				raw[column] = text;
		}
	}
	raw.kind ??= 'stated';
	return parseWith(importFigureSchema, raw, at, figure => checkPeriods(figure, at));
}

/** Reads a CSV of figures with a header row; columns are those `show --csv` writes, in any order and case. */
export function readCsvImport(text: string): ImportInput {
	let records;
	try {
		records = parseCsv(text);
	} catch (error) {
		if (error instanceof CsvSyntaxError) throw new RowError({kind: 'row', row: error.row}, undefined, `malformed CSV: ${error.message}`);
		throw error;
	}
	const [headerRecord, ...rows] = records;
	if (!headerRecord) throw new RowError(undefined, undefined, `no header row; expected one naming columns such as ${figureColumns.join(',')}`);
	const headerAt: Position = {kind: 'row', row: headerRecord.row};
	const byName = new Map(figureColumns.map(column => [column.toLowerCase(), column]));
	const header: FigureColumn[] = [];
	for (const name of headerRecord.fields) {
		const column = byName.get(name.trim().toLowerCase());
		if (!column) throw new RowError(headerAt, undefined, `unknown column ${showValue(name)} (expected columns among ${figureColumns.join(', ')})`);
		if (header.includes(column)) throw new RowError(headerAt, undefined, `column "${column}" appears twice`);
		header.push(column);
	}
	const missing = requiredColumns.filter(column => !header.includes(column));
	if (missing.length > 0) {
		throw new RowError(headerAt, undefined, `missing column ${missing.map(column => `"${column}"`).join(', ')} (${requiredColumns.join(', ')} are required)`);
	}
	const figures = rows.map(record => {
		const at: Position = {kind: 'row', row: record.row};
		if (record.fields.length !== header.length) {
			throw new RowError(at, undefined, `${record.fields.length} field(s) where the header has ${header.length}`);
		}
		return {at, item: csvFigure(header, record.fields, at)};
	});
	checkUnique(figures, figure => figure.id);
	return {format: 'csv', sources: [], figures, sites: [], events: []};
}

// ——— JSON ———

const importKeys = ['sources', 'figures', 'sites', 'events'] as const;
/** Fields `show --json` adds to a figure or an event for reading; the store does not keep them. */
const viewOnlyFields = ['metricName', 'statusName', 'state', 'siteName'];

/** A `show --json` figure or event back in store form: view-only fields dropped, nulls and empty site lists absent. */
export function fromView(value: unknown): unknown {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
	const out: Record<string, unknown> = {};
	for (const [key, field] of Object.entries(value)) {
		if (field === null || viewOnlyFields.includes(key)) continue;
		if (key === 'sites' && Array.isArray(field) && field.length === 0) continue;
		out[key] = field;
	}
	return out;
}

function listAt(data: Record<string, unknown>, key: string): unknown[] {
	const value = data[key];
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw new RowError({kind: 'path', path: key}, undefined, `expected a list, got ${showValue(value)}`);
	return value;
}

/**
 * Where JSON text first goes wrong, as an offset, for a message with a line and column: the
 * runtime's own message gives no position for some mistakes.
 */
export function findJsonError(text: string): number {
	let at = 0;
	const fail = (): never => {
		throw at;
	};
	const space = () => {
		while (at < text.length && ' \t\r\n'.includes(text[at]!)) at++;
	};
	const literal = (word: string) => {
		for (const character of word) if (text[at++] !== character) (at--, fail());
	};
	const string = () => {
		at++;
		for (;;) {
			if (at >= text.length) fail();
			const character = text[at]!;
			if (character === '"') return void at++;
			if (character < ' ') fail();
			if (character === '\\') {
				at++;
				if (text[at] === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail();
					at += 5;
				} else if ('"\\/bfnrt'.includes(text[at] ?? 'x')) at++;
				else fail();
			} else at++;
		}
	};
	const number = () => {
		const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at));
		if (!match) fail();
		at += match![0].length;
	};
	const value = (): void => {
		space();
		const character = text[at];
		if (character === '{') {
			at++;
			space();
			if (text[at] === '}') return void at++;
			for (;;) {
				space();
				if (text[at] !== '"') fail();
				string();
				space();
				if (text[at] !== ':') fail();
				at++;
				value();
				space();
				if (text[at] === ',') at++;
				else if (text[at] === '}') return void at++;
				else fail();
			}
		}
		if (character === '[') {
			at++;
			space();
			if (text[at] === ']') return void at++;
			for (;;) {
				value();
				space();
				if (text[at] === ',') at++;
				else if (text[at] === ']') return void at++;
				else fail();
			}
		}
		if (character === '"') return string();
		if (character === 't') return literal('true');
		if (character === 'f') return literal('false');
		if (character === 'n') return literal('null');
		return number();
	};
	try {
		value();
		space();
		if (at < text.length) fail();
	} catch (offset) {
		if (typeof offset === 'number') return offset;
		throw offset;
	}
	return text.length;
}

function describeJsonError(text: string): string {
	const offset = findJsonError(text);
	const lines = text.slice(0, offset).split(/\r\n|\r|\n/);
	const found = offset >= text.length ? 'end of the file' : JSON.stringify(text[offset]);
	return `not valid JSON: unexpected ${found} at line ${lines.length}, column ${lines.at(-1)!.length + 1}`;
}

/**
 * Reads a JSON import: `{sources?, figures?, sites?, events?}` in the store's own shape (events carry
 * the `site` they belong to), or the report `quarterdeck show <Q> --json` prints.
 */
export function readJsonImport(text: string): ImportInput {
	const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
	let data: unknown;
	try {
		data = JSON.parse(body);
	} catch {
		throw new RowError(undefined, undefined, describeJsonError(body));
	}
	if (data === null || typeof data !== 'object' || Array.isArray(data)) {
		throw new RowError(undefined, undefined, `expected an object with figures, sources, sites or events, got ${showValue(data)}`);
	}
	const object = data as Record<string, unknown>;
	const isShow = object.command === 'show';
	if (object.command !== undefined && !isShow) {
		throw new RowError(undefined, 'command', `a "${String(object.command)}" report cannot be imported; only the output of show --json can`);
	}
	if (isShow && object.format !== 1) {
		throw new RowError(undefined, 'format', `expected show --json output of format 1, got ${showValue(object.format)}`);
	}
	const allowed = isShow ? ['format', 'command', 'period', 'label', 'figures', 'spans', 'events'] : ['schemaVersion', ...importKeys];
	for (const key of Object.keys(object)) {
		if (!allowed.includes(key)) {
			throw new RowError(undefined, undefined, `unexpected field "${key}" (an import holds ${importKeys.join(', ')}; metrics, segments and the rest are edited in the store itself)`);
		}
	}
	if (!isShow && object.schemaVersion !== undefined && object.schemaVersion !== 1) {
		throw new RowError(undefined, 'schemaVersion', `expected 1, got ${showValue(object.schemaVersion)}`);
	}

	const figureLists = isShow ? ['figures', 'spans'] : ['figures'];
	const figures = figureLists.flatMap(key =>
		listAt(object, key).map((value, index) => {
			const at: Position = {kind: 'path', path: `${key}[${index}]`};
			return {at, item: parseWith(importFigureSchema, fromView(value), at, figure => checkPeriods(figure, at))};
		}),
	);
	const sources = isShow ? [] : listAt(object, 'sources').map((value, index) => {
		const at: Position = {kind: 'path', path: `sources[${index}]`};
		return {at, item: parseWith(sourceSchema, value, at)};
	});
	const sites = isShow ? [] : listAt(object, 'sites').map((value, index) => {
		const at: Position = {kind: 'path', path: `sites[${index}]`};
		return {at, item: parseWith(siteSchema, value, at)};
	});
	const events = listAt(object, 'events').map((value, index) => {
		const at: Position = {kind: 'path', path: `events[${index}]`};
		return {at, item: parseWith(importEventSchema, fromView(value), at) as ImportEvent};
	});
	checkUnique(figures, figure => figure.id);
	checkUnique(sources, source => source.id);
	checkUnique(sites, site => site.id);
	return {format: isShow ? 'show' : 'json', sources, figures, sites, events};
}

/** Reads CSV by a `.csv` name, JSON by a `.json` name, and otherwise by what the file starts with. */
export function readImportText(file: string, text: string): ImportInput {
	const extension = path.extname(file).toLowerCase();
	const json = extension === '.json' || (extension !== '.csv' && /^\uFEFF?\s*[{[]/.test(text));
	return json ? readJsonImport(text) : readCsvImport(text);
}

/** Reads and checks an import file; throws a one-line DataError naming the file, row and field. */
export async function readImportFile(file: string, shownAs: string): Promise<ImportInput> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a JSON or CSV file' : `cannot be read (${code ?? (error as Error).message})`;
		throw new DataError(`${shownAs}: ${reason}`);
	}
	try {
		return readImportText(file, text);
	} catch (error) {
		if (error instanceof RowError) throw new DataError(formatRowError(shownAs, error));
		throw error;
	}
}
