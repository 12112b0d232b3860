import {sanitize} from '../model/text.js';
import type {Report} from '../model/reports.js';
import {drawCheck} from './check-text.js';
import {paint, toTable, type Cell, type Table, type Tone} from './table.js';

/** How a report is written: a drawn table for a terminal, or one of the machine formats. */
export type OutputMode = 'table' | 'tsv' | 'csv' | 'json';

export type WriteOptions = {mode: OutputMode; color: boolean; width: number; pretty: boolean};

/** Draws a table with aligned columns; the widest left-aligned column gives way to fit `width`. */
export function drawTable(table: Table, color: boolean, width: number): string {
	const cells = table.rows.map(row => row.map(cell => ({...cell, text: sanitize(cell.text)})));
	const headers = table.columns.map(column => sanitize(column.header));
	const widths = headers.map((header, index) => Math.max(header.length, ...cells.map(row => row[index]?.text.length ?? 0)));
	const gap = 2;
	const total = () => widths.reduce((sum, w) => sum + w, 0) + gap * (widths.length - 1);
	while (total() > width) {
		let widest = -1;
		for (const [index, column] of table.columns.entries()) {
			if (column.align === 'left' && index > 0 && (widest < 0 || widths[index]! > widths[widest]!)) widest = index;
		}
		if (widest < 0 || widths[widest]! <= 12) break;
		widths[widest] = Math.max(12, widths[widest]! - (total() - width));
	}
	const fit = (value: string, w: number) => (value.length > w ? `${value.slice(0, Math.max(0, w - 1))}…` : value);
	const line = (values: Array<{text: string; tone?: Tone | undefined}>) =>
		values
			.map((cell, index) => {
				const w = widths[index]!;
				const shown = fit(cell.text, w);
				const pad = ' '.repeat(w - shown.length);
				const painted = paint(shown, cell.tone, color);
				return table.columns[index]!.align === 'right' ? pad + painted : painted + pad;
			})
			.join(' '.repeat(gap))
			.trimEnd();
	const out = [
		paint(sanitize(table.title), 'strong', color),
		line(headers.map(header => ({text: header, tone: 'strong' as const}))),
		...cells.map(row => line(row)),
	];
	for (const note of table.notes) out.push(paint(fit(sanitize(note), width), 'muted', color));
	return `${out.join('\n')}\n`;
}

const machineValue = (cell: Cell) => (cell.value === null ? '' : typeof cell.value === 'number' ? String(cell.value) : sanitize(cell.value));

/** Tab-separated: a header line, then one line per row, numbers in base units, nothing cut. */
export function writeTsv(table: Table): string {
	const lines = [table.columns.map(column => sanitize(column.header)), ...table.rows.map(row => row.map(machineValue))];
	return `${lines.map(cells => cells.join('\t')).join('\n')}\n`;
}

function csvField(cell: Cell | string): string {
	let value = typeof cell === 'string' ? sanitize(cell) : machineValue(cell);
	// A spreadsheet would run text that starts like a formula; numbers stay numbers.
	if ((typeof cell === 'string' || typeof cell.value === 'string') && /^[=+\-@]/.test(value)) value = `'${value}`;
	return /[",\n\r]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** RFC 4180 CSV with a header row. */
export function writeCsv(table: Table): string {
	const lines = [table.columns.map(column => csvField(column.header)), ...table.rows.map(row => row.map(cell => csvField(cell)))];
	return `${lines.map(cells => cells.join(',')).join('\r\n')}\r\n`;
}

/**
 * JSON, pretty or compact. Control characters inside strings are escaped by JSON itself; the
 * controls JSON leaves raw (U+007F–U+009F, and the bidi controls sanitize removes) and the line and
 * paragraph separators are escaped too, so the output is safe on a terminal and still reads back
 * to the same data.
 */
export function writeJson(value: unknown, pretty: boolean): string {
	const body = JSON.stringify(value, null, pretty ? 2 : undefined).replace(
		/[\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g,
		character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
	return `${body}\n`;
}

/** Writes a report in the chosen mode. */
export function formatReport(report: Report, options: WriteOptions): string {
	if (options.mode === 'json') return writeJson(report, options.pretty);
	if (options.mode === 'table') {
		return report.command === 'check' ? drawCheck(report, options.color, options.width) : drawTable(toTable(report), options.color, options.width);
	}
	const table = toTable(report, true);
	return options.mode === 'csv' ? writeCsv(table) : writeTsv(table);
}
