import type {Dataset, Reading} from '../model/dataset.js';
import {formatValue} from '../model/format.js';
import type {BalanceReport, CentersReport, DiffReport, SegmentsReport} from '../model/reports.js';
import {sparkline} from '../model/sparkline.js';
import {changeCell, percentCell, readingCell, type Cell} from '../output/table.js';
import type {SourceFrame, SourceItem} from './state.js';

/** A column of a pane's grid; `flex` columns give up width first, lower `priority` columns drop first. */
export type GridColumn = {header: string; align: 'left' | 'right'; flex?: boolean; priority: number; min?: number};

export type GridRow = {
	key: string;
	/** What `/` filters on. */
	name: string;
	cells: Cell[];
	/** What Enter opens for this row. */
	open?: SourceFrame | undefined;
	/** For diff: the two sides differ (or one is missing). */
	changed?: boolean;
	/** A line shown under the grid while this row is selected. */
	detail?: string | undefined;
};

export type Grid = {columns: GridColumn[]; rows: GridRow[]};

/** Whether a tie-out finding involves a figure or a site; the grids mark those with ⚑. */
export type Flags = {figure: (id: string) => boolean; site: (id: string) => boolean};
export const noFlags: Flags = {figure: () => false, site: () => false};

const empty: Cell = {text: '', value: null};
const na: Cell = {text: 'n/r', value: null, tone: 'muted'};

const figureItems = (ids: readonly string[]): SourceItem[] => ids.map(id => ({kind: 'figure', id}));

/** The source frame for one or more readings: every figure behind them, agreeing or not. */
export function openReadings(title: string, readings: Array<Reading | null>, extra: readonly string[] = []): SourceFrame | undefined {
	const ids = [...new Set([...readings.flatMap(reading => reading?.figures ?? []), ...extra])];
	return ids.length > 0 ? {title, items: figureItems(ids), selected: 0} : undefined;
}

/** Keeps rows whose name contains the filter, ignoring case. */
export function filterRows(rows: readonly GridRow[], filter: string): GridRow[] {
	const needle = filter.trim().toLowerCase();
	return needle ? rows.filter(row => row.name.toLowerCase().includes(needle)) : [...rows];
}

/** Segments: the quarter before, the quarter, the change against a year earlier, and the trend. */
export function segmentsGrid(report: SegmentsReport, flags: Flags = noFlags): Grid {
	const {quarters} = report;
	const index = quarters.indexOf(report.quarter);
	const previous = index > 0 ? quarters[index - 1] : undefined;
	const next = index >= 0 && index < quarters.length - 1 ? quarters[index + 1] : undefined;
	const unit = report.metric?.unit ?? 'USD';
	const computedMark = (basis: string | null) => (basis === 'computed' ? '~' : '');
	const columns: GridColumn[] = [
		{header: 'Segment', align: 'left', flex: true, priority: 10, min: 12},
		{header: previous ?? '', align: 'right', priority: 4},
		{header: report.quarter, align: 'right', priority: 10},
		{header: next ?? '', align: 'right', priority: 1},
		{header: report.yearAgo, align: 'right', priority: 3},
		{header: 'Y/Y change', align: 'right', priority: 9},
		{header: 'Y/Y %', align: 'right', priority: 8},
		{header: 'Trend', align: 'left', priority: 5},
	];
	const rows = report.rows.map((row): GridRow => {
		// A row's series runs over the report's quarters: the quarter at `at` is its point at `at`.
		const valueAt = (quarter: string | undefined, at: number): Cell => {
			if (!quarter) return empty;
			const value = row.series[at]?.value ?? null;
			return value === null ? na : {text: formatValue(value, unit), value};
		};
		const values = row.series.map(point => point.value);
		return {
			key: row.segment ?? 'total',
			name: row.name,
			cells: [
				{text: `${'  '.repeat(Math.max(0, row.depth - 1))}${row.name}`, value: row.name, tone: row.depth === 0 ? 'strong' : undefined},
				valueAt(previous, index - 1),
				readingCell(row.value, flags.figure),
				valueAt(next, index + 1),
				readingCell(row.yearAgo, flags.figure),
				changeCell(row.change.value, unit, `${computedMark(row.change.valueBasis)}${row.change.figures.some(flags.figure) ? '⚑' : ''}`),
				percentCell(row.change.percent, computedMark(row.change.percentBasis)),
				{text: sparkline(values), value: null, tone: 'muted'},
			],
			open: openReadings(`${row.name} · ${report.quarter} against ${report.yearAgo}`, [row.value, row.yearAgo], row.change.figures),
			detail:
				row.change.valueBasis === 'stated' || row.change.percentBasis === 'stated'
					? 'Change as stated in the filing'
					: row.change.valueBasis === 'computed'
						? '~ change computed here from the two values; no filing states it'
						: undefined,
		};
	});
	return {columns, rows};
}

/** Centers: every site with its status badge as of the quarter. */
export function centersGrid(report: CentersReport, flags: Flags = noFlags): Grid {
	const columns: GridColumn[] = [
		{header: 'Site', align: 'left', flex: true, priority: 10, min: 14},
		{header: 'Type', align: 'left', flex: true, priority: 6, min: 10},
		{header: 'Location', align: 'left', flex: true, priority: 7, min: 10},
		{header: 'Status', align: 'left', priority: 10},
		{header: 'Since', align: 'left', priority: 5},
		{header: 'Reported in', align: 'left', priority: 2},
	];
	const rows = report.sites.map((site): GridRow => {
		const status = site.status;
		const items: SourceItem[] = [
			...site.events.map((_, index) => ({kind: 'event' as const, site: site.id, index})),
			...figureItems(site.figures.map(figure => figure.id)),
		];
		return {
			key: site.id,
			name: `${site.name} ${site.location} ${site.typeName}`,
			cells: [
				{text: `${flags.site(site.id) || site.figures.some(figure => flags.figure(figure.id)) ? '⚑ ' : ''}${site.name}`, value: site.name, tone: 'strong'},
				{text: site.typeName, value: site.typeName},
				{text: site.location, value: site.location},
				status
					? {text: `[${status.statusName.toUpperCase()}]`, value: status.status, tone: status.state === 'active' ? 'up' : status.state === 'ending' ? 'warn' : 'down'}
					: {text: '[NOT YET REPORTED]', value: null, tone: 'muted'},
				{text: status ? (status.date ?? status.period) : '', value: null},
				{text: site.category ?? '', value: site.category},
			],
			open: items.length > 0 ? {title: `${site.name}, ${site.location}`, items, selected: site.status ? site.events.findLastIndex(event => event.period === site.status!.period && event.quote === site.status!.quote) : 0} : undefined,
			detail: status ? `${status.source}: "${status.quote}"` : 'No filing speaks of this site by this quarter',
		};
	});
	return {columns, rows};
}

/** Balance: each metric at the quarters up to the selected one, its latest value and its trend. */
export function balanceGrid(report: BalanceReport, selected: string, flags: Flags = noFlags): Grid {
	const at = Math.max(0, report.quarters.indexOf(selected));
	const shown = [at - 2, at - 1, at].filter(index => index >= 0);
	const columns: GridColumn[] = [
		{header: 'Metric', align: 'left', flex: true, priority: 10, min: 14},
		...shown.map((index, position) => ({header: report.quarters[index]!, align: 'right' as const, priority: position === shown.length - 1 ? 10 : 4 + position})),
		{header: 'Latest', align: 'right', priority: 7},
		{header: 'Trend', align: 'left', priority: 6},
	];
	const rows = report.rows.map((row): GridRow => {
		const latest = row.latest ? row.values[report.quarters.indexOf(row.latest.quarter)] ?? null : null;
		const selectedReading = row.values[at] ?? null;
		return {
			key: row.metric,
			name: row.name,
			cells: [
				{text: row.name, value: row.name, tone: 'strong'},
				...shown.map(index => (row.values[index] ? readingCell(row.values[index]!, flags.figure) : na)),
				latest ? {...readingCell(latest, flags.figure), text: `${readingCell(latest, flags.figure).text} ${row.latest!.quarter.slice(2)}`} : na,
				{text: sparkline(row.values.map(value => value?.value ?? null)), value: null, tone: 'muted'},
			],
			open: openReadings(`${row.name} · ${selectedReading ? selected : (row.latest?.quarter ?? selected)}`, [selectedReading ?? latest]),
		};
	});
	return {columns, rows};
}

/** Diff: every metric of A and B with the change; rows that differ can be jumped between. */
export function diffGrid(report: DiffReport, dataset: Pick<Dataset, 'segments' | 'sites'>, flags: Flags = noFlags): Grid {
	const columns: GridColumn[] = [
		{header: 'Metric', align: 'left', flex: true, priority: 10, min: 16},
		{header: `A ${report.a}`, align: 'right', priority: 10},
		{header: `B ${report.b}`, align: 'right', priority: 10},
		{header: 'Change', align: 'right', priority: 9},
		{header: '%', align: 'right', priority: 8},
	];
	const rows = report.rows.map((row): GridRow => {
		const segment = row.segment ? dataset.segments.get(row.segment)?.name ?? row.segment : '';
		const sites = row.sites.map(id => dataset.sites.get(id)?.name ?? id).join(', ');
		const label = [row.name, segment && `· ${segment}`, sites && `· ${sites}`].filter(Boolean).join(' ');
		return {
			key: `${row.metric}|${row.segment ?? ''}|${row.sites.join('+')}`,
			name: label,
			cells: [
				{text: label, value: row.name, tone: 'strong'},
				row.a ? readingCell(row.a, flags.figure) : {text: `only in B`, value: null, tone: 'muted'},
				row.b ? readingCell(row.b, flags.figure) : {text: `only in A`, value: null, tone: 'muted'},
				changeCell(row.change, row.unit),
				percentCell(row.changePercent),
			],
			changed: row.presence !== 'both' || row.change !== 0,
			open: openReadings(`${label} · ${report.a} and ${report.b}`, [row.a, row.b]),
		};
	});
	return {columns, rows};
}
