import type {Reading} from '../model/dataset.js';
import {directionMark, formatChange, formatPercentChange, formatValue} from '../model/format.js';
import type {Unit} from '../data/schema.js';
import {figureColumns, figureRecord} from './figure-record.js';
import type {CheckReport} from '../model/check.js';
import type {
	BalanceReport,
	CentersReport,
	DiffReport,
	FigureView,
	QuartersReport,
	Report,
	SegmentsReport,
	ShowReport,
} from '../model/reports.js';

/** up and down also carry ▲/▼ in their text; colour only repeats what the text says. */
export type Tone = 'up' | 'down' | 'muted' | 'warn' | 'strong';

/** The escapes that open and close each tone: the ones Ink's <Text> writes for the same props. */
const toneEscapes: Record<Tone, [string, string]> = {
	up: ['\u001B[32m', '\u001B[39m'],
	down: ['\u001B[31m', '\u001B[39m'],
	muted: ['\u001B[2m', '\u001B[22m'],
	warn: ['\u001B[33m', '\u001B[39m'],
	strong: ['\u001B[1m', '\u001B[22m'],
};

/** One line of text in a tone; as it is without colour, without a tone, or when empty. */
export function paint(line: string, tone: Tone | undefined, color: boolean): string {
	if (!color || !tone || line === '') return line;
	const [open, close] = toneEscapes[tone];
	return `${open}${line}${close}`;
}

/** text: what a person reads; value: what a script gets (numbers in base units). */
export type Cell = {text: string; value: string | number | null; tone?: Tone | undefined};

export type Column = {header: string; align: 'left' | 'right'};

/** One report flattened for text, tab-separated and CSV output alike. */
export type Table = {title: string; columns: Column[]; rows: Cell[][]; notes: string[]};

const text = (value: string | null, tone?: Tone): Cell => ({text: value ?? '', value, tone});
const missing = (label = 'n/r'): Cell => ({text: label, value: null, tone: 'muted'});

/**
 * A reading as a cell: value, hedge, `*` when it was derived, `!` when figures disagree, and `⚑` when
 * `flagged` says a tie-out check involves one of its figures.
 */
export function readingCell(reading: Reading | null, flagged?: (figure: string) => boolean): Cell {
	if (!reading) return missing();
	const marks = `${reading.kind === 'derived' ? '*' : ''}${reading.conflict ? '!' : ''}${flagged && reading.figures.some(flagged) ? '⚑' : ''}`;
	const hedge = reading.qualifier ? `${reading.qualifier} ` : '';
	return {
		text: `${hedge}${formatValue(reading.value, reading.unit)}${marks}`,
		value: reading.value,
		tone: reading.conflict ? 'warn' : undefined,
	};
}

/** A signed change with ▲/▼, so direction reads without colour; `suffix` carries marks such as `~`. */
export function changeCell(value: number | null, unit: Unit, suffix = ''): Cell {
	if (value === null) return missing('');
	return {
		text: `${directionMark(value)}${formatChange(value, unit)}${suffix}`,
		value,
		tone: value > 0 ? 'up' : value < 0 ? 'down' : undefined,
	};
}

/** A signed percentage change. */
export function percentCell(value: number | null, suffix = ''): Cell {
	if (value === null) return missing('');
	return {text: `${formatPercentChange(value)}${suffix}`, value, tone: value > 0 ? 'up' : value < 0 ? 'down' : undefined};
}

const legend = '* derived   ! filings disagree (see show --json)   n/r not reported';

function quartersTable(report: QuartersReport): Table {
	return {
		title: `${report.company.name}: quarters in the store`,
		columns: [
			{header: 'Quarter', align: 'left'},
			{header: 'Label', align: 'left'},
			{header: 'Revenue', align: 'right'},
			{header: 'Net income', align: 'right'},
			{header: 'Figures', align: 'right'},
			{header: 'Stated', align: 'right'},
			{header: 'Derived', align: 'right'},
			{header: 'Sources', align: 'left'},
		],
		rows: report.quarters.map(q => [
			text(q.quarter, 'strong'),
			text(q.label),
			readingCell(q.revenue),
			readingCell(q.netIncome),
			{text: String(q.figures), value: q.figures},
			{text: String(q.stated), value: q.stated},
			{text: String(q.derived), value: q.derived},
			text(q.sources.join(' ')),
		]),
		notes: [
			legend,
			...(report.spans.length > 0
				? [`Longer periods: ${report.spans.map(span => `${span.period} (${span.figures})`).join(', ')}`]
				: []),
		],
	};
}

function segmentsTable(report: SegmentsReport): Table {
	const unit = report.metric?.unit ?? 'USD';
	const basis = (b: string | null) => (b === 'stated' ? '' : b === 'computed' ? '~' : '');
	return {
		title: `${report.metric?.name ?? 'Revenue'} by segment, ${report.quarter} against ${report.yearAgo}`,
		columns: [
			{header: 'Segment', align: 'left'},
			{header: report.quarter, align: 'right'},
			{header: report.yearAgo, align: 'right'},
			{header: 'Change', align: 'right'},
			{header: 'Change %', align: 'right'},
			{header: 'Basis', align: 'left'},
		],
		rows: report.rows.map(row => [
			text(`${'  '.repeat(Math.max(0, row.depth - 1))}${row.name}`, row.depth === 0 ? 'strong' : undefined),
			readingCell(row.value),
			readingCell(row.yearAgo),
			changeCell(row.change.value, unit, basis(row.change.valueBasis)),
			percentCell(row.change.percent, basis(row.change.percentBasis)),
			text(
				row.change.valueBasis === null && row.change.percentBasis === null
					? ''
					: row.change.valueBasis === 'stated' || row.change.percentBasis === 'stated'
						? 'stated'
						: 'computed',
			),
		]),
		notes: [`${legend}   ~ change computed here, not stated`],
	};
}

function centersTable(report: CentersReport): Table {
	return {
		title: `Sites as of ${report.quarter}`,
		columns: [
			{header: 'Site', align: 'left'},
			{header: 'Type', align: 'left'},
			{header: 'Location', align: 'left'},
			{header: 'Status', align: 'left'},
			{header: 'Since', align: 'left'},
			{header: 'Category', align: 'left'},
			{header: 'Source', align: 'left'},
		],
		rows: report.sites.map(site => [
			text(site.name, 'strong'),
			text(site.typeName),
			text(site.location),
			site.status
				? text(`[${site.status.statusName}]`, site.status.state === 'active' ? 'up' : site.status.state === 'ending' ? 'warn' : 'down')
				: missing('not yet reported'),
			text(site.status ? (site.status.date ?? site.status.period) : null),
			text(site.category),
			text(site.status?.source ?? null),
		]),
		notes: [],
	};
}

function balanceTable(report: BalanceReport): Table {
	return {
		title: 'Balance sheet by quarter end',
		columns: [{header: 'Metric', align: 'left'}, ...report.quarters.map(q => ({header: q, align: 'right' as const}))],
		rows: report.rows.map(row => [text(row.name, 'strong'), ...row.values.map(value => readingCell(value))]),
		notes: [legend],
	};
}

function diffTable(report: DiffReport): Table {
	return {
		title: `${report.a} → ${report.b}`,
		columns: [
			{header: 'Metric', align: 'left'},
			{header: 'Segment', align: 'left'},
			{header: report.a, align: 'right'},
			{header: report.b, align: 'right'},
			{header: 'Change', align: 'right'},
			{header: 'Change %', align: 'right'},
		],
		rows: report.rows.map(row => [
			text(row.sites.length > 0 ? `${row.name} (${row.sites.join(', ')})` : row.name, 'strong'),
			text(row.segment),
			row.a ? readingCell(row.a) : missing(`only in ${report.b}`),
			row.b ? readingCell(row.b) : missing(`only in ${report.a}`),
			changeCell(row.change, row.unit),
			percentCell(row.changePercent),
		]),
		notes: [legend],
	};
}

function figureRows(figures: FigureView[]): Cell[][] {
	return figures.map(figure => [
		text(figure.period),
		text(figure.metricName, 'strong'),
		text([figure.segment, ...figure.sites].filter(Boolean).join(', ')),
		text(figure.measure === 'value' ? '' : `${figure.measure} vs ${figure.compareTo}`),
		{
			text: `${figure.qualifier ? `${figure.qualifier} ` : ''}${
				figure.measure === 'value' ? formatValue(figure.value, figure.unit) : formatChange(figure.value, figure.unit)
			}`,
			value: figure.value,
		},
		text(figure.kind),
		text(figure.source ?? figure.formula),
		text(figure.quote ?? (figure.inputs ? Object.entries(figure.inputs).map(([k, v]) => `${k}=${v}`).join(' ') : null)),
	]);
}

function showTable(report: ShowReport): Table {
	return {
		title: `${report.period}: ${report.label}`,
		columns: [
			{header: 'Period', align: 'left'},
			{header: 'Metric', align: 'left'},
			{header: 'Segment/sites', align: 'left'},
			{header: 'Measure', align: 'left'},
			{header: 'Value', align: 'right'},
			{header: 'Kind', align: 'left'},
			{header: 'Source/formula', align: 'left'},
			{header: 'Words/inputs', align: 'left'},
		],
		rows: [...figureRows(report.figures), ...figureRows(report.spans)],
		notes: report.events.map(event => `${event.siteName}: ${event.statusName} (${event.source}) "${event.quote}"`),
	};
}

function checkTable(report: CheckReport): Table {
	const money = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
	return {
		title: `Tie-out checks${report.quarter ? ` for ${report.quarter}` : ''}: ${report.summary.error} error(s), ${report.summary.warning} warning(s), ${report.summary.info} info`,
		columns: [
			{header: 'Period', align: 'left'},
			{header: 'Severity', align: 'left'},
			{header: 'Rule', align: 'left'},
			{header: 'Finding', align: 'left'},
			{header: 'Arithmetic', align: 'left'},
			{header: 'Gap', align: 'right'},
			{header: 'Tolerance', align: 'right'},
			{header: 'Figures', align: 'left'},
		],
		rows: report.findings.map(finding => [
			text(finding.period),
			text(finding.severity, finding.severity === 'error' ? 'down' : finding.severity === 'warning' ? 'warn' : 'muted'),
			text(finding.rule),
			text(finding.message),
			text(finding.arithmetic),
			{text: finding.gap === null ? '' : String(money(finding.gap)), value: money(finding.gap)},
			{text: finding.tolerance === null ? '' : String(money(finding.tolerance)), value: money(finding.tolerance)},
			text(finding.figures.map(figure => figure.id).join(' ')),
		]),
		notes: [],
	};
}

/** `show` for machines: one figure record a row, the columns `import` reads back. */
function showRecords(report: ShowReport): Table {
	return {
		title: `${report.period}: ${report.label}`,
		columns: figureColumns.map(header => ({header, align: 'left' as const})),
		rows: [...report.figures, ...report.spans].map(figure =>
			figureRecord(figure).map(value => ({text: value === null ? '' : String(value), value})),
		),
		notes: [],
	};
}

/**
 * Flattens any report into one table. `machine` asks for the form scripts read back (CSV and
 * tab-separated): for `show`, figure records rather than the reading layout.
 */
export function toTable(report: Report, machine = false): Table {
	switch (report.command) {
		case 'quarters':
			return quartersTable(report);
		case 'segments':
			return segmentsTable(report);
		case 'centers':
			return centersTable(report);
		case 'balance':
			return balanceTable(report);
		case 'diff':
			return diffTable(report);
		case 'show':
			return machine ? showRecords(report) : showTable(report);
		case 'check':
			return checkTable(report);
	}
}
