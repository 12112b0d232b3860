import type {Dataset} from '../model/dataset.js';
import {compareQuarters} from '../model/diff.js';
import {getBalanceSeries, getSegmentRevenue, getSiteStatuses} from '../model/queries.js';
import {paneRequest, reportKey, type BalanceReport, type CentersReport, type DiffReport, type Report, type ReportRequest, type SegmentsReport} from '../model/reports.js';
import {sanitize} from '../model/text.js';
import {keymap, resolveKey, type KeyState, type PaneId} from './keymap.js';
import {helpPageSize} from './layout.js';
import type {FindingIndex} from '../model/check.js';
import {balanceGrid, centersGrid, diffGrid, filterRows, noFlags, segmentsGrid, type Flags, type Grid} from './pane-rows.js';
import {inputItems} from './source-lines.js';
import {currentContext, reduce, type Frame, type State} from './state.js';

/** Lines the explorer uses around a pane: header, rule, status line, footer. */
export const chromeLines = 4;

/** What one state of the explorer shows: the reports behind it and the pane's rows after the filter. */
export type Screen = {
	quarter: string;
	a: string;
	b: string;
	segments: SegmentsReport;
	centers: CentersReport;
	balance: BalanceReport;
	diff: DiffReport;
	grid: Grid;
	rows: Grid['rows'];
	selectedRow: number;
};

/** A function of a key that remembers its results (see {@link cached}); `forget` drops one that `test` picks, and says whether it did. */
type Cached<T> = ((key: string) => T) & {forget: (key: string, test: (value: T) => boolean) => boolean};

/**
 * Remembers the last `size` results of `compute` by key, the most recently used kept: the quarters
 * someone moves between stay instant, and a long session over a large store does not hold every
 * quarter's report at once.
 */
function cached<T>(compute: (key: string) => T, size = 12): Cached<T> {
	const cache = new Map<string, T>();
	const get = (key: string) => {
		let value = cache.get(key);
		if (value === undefined) {
			value = compute(key);
			if (cache.size >= size) cache.delete(cache.keys().next().value!);
		} else {
			cache.delete(key);
		}
		cache.set(key, value);
		return value;
	};
	return Object.assign(get, {
		forget(key: string, test: (value: T) => boolean) {
			const value = cache.get(key);
			return value !== undefined && test(value) && cache.delete(key);
		},
	});
}

/** The reports the panes show, each computed once per quarter (or pair of quarters). */
export type PaneReports = {
	segments: (quarter: string) => SegmentsReport;
	centers: (quarter: string) => CentersReport;
	balance: () => BalanceReport;
	diff: (pair: string) => DiffReport;
	/**
	 * Forgets the report of `pane` under `key` ({@link reportKey}) if it was read from the shelf,
	 * so that it is worked out from then on; whether it was.
	 */
	passOver: (pane: PaneId, key: string) => boolean;
	/** Puts the report of `pane` under `key` on the shelf, unless it came from there or is there already. */
	keep: (pane: PaneId, key: string) => void;
};

/**
 * Where a store's pane reports are kept from one explorer to the next (see shared-data.ts): the
 * report kept for the request of the command that prints it, and keeping one.
 */
export type ReportShelf = {
	recall: (request: ReportRequest) => Report | undefined;
	remember: (request: ReportRequest, report: Report) => void;
};

/**
 * One store's pane reports; screens with and without the findings' marks share them. Each is the
 * one `shelf` gives for the command that prints it, when it gives one, else worked out from
 * `dataset`; without one (an opening's, see shared-data.ts), a report not on the shelf is not there,
 * and asking for it throws.
 */
export function createReports(dataset: Dataset | undefined, shelf?: ReportShelf): PaneReports {
	// Reports read from the shelf or put on it, and the ones whose kept report could not be laid out.
	const shelved = new WeakSet<object>();
	const passedOver = new Set<string>();
	const paneCache = <R extends Report>(pane: PaneId, compute: (key: string) => R, size?: number) =>
		cached(key => {
			const kept = shelf && !passedOver.has(`${pane}|${key}`) ? (shelf.recall(paneRequest(pane, key)) as R | undefined) : undefined;
			if (kept === undefined) return compute(key);
			shelved.add(kept);
			return kept;
		}, size);
	const store = (pane: PaneId, key: string): Dataset => {
		if (dataset) return dataset;
		throw new Error(`no ${pane} report for "${key}" here, only what was kept`);
	};
	const caches = {
		segments: paneCache('segments', quarter => getSegmentRevenue(store('segments', quarter), quarter)),
		centers: paneCache('centers', quarter => getSiteStatuses(store('centers', quarter), quarter)),
		balance: paneCache('balance', () => getBalanceSeries(store('balance', '')), 1),
		diff: paneCache('diff', pair => {
			const [a, b] = pair.split('|') as [string, string];
			return compareQuarters(store('diff', pair), a, b);
		}),
	};
	return {
		segments: caches.segments,
		centers: caches.centers,
		balance: () => caches.balance(''),
		diff: caches.diff,
		passOver(pane, key) {
			if (!(caches[pane] as Cached<object>).forget(key, report => shelved.has(report))) return false;
			passedOver.add(`${pane}|${key}`);
			return true;
		},
		keep(pane, key) {
			if (!shelf) return;
			const report = caches[pane](key);
			if (shelved.has(report)) return;
			shelved.add(report);
			shelf.remember(paneRequest(pane, key), report);
		},
	};
}

/** What screens need of a store besides its reports: its quarters, and the names of its segments and sites. */
export type ScreenStore = Pick<Dataset, 'quarters' | 'segments' | 'sites'>;

/**
 * Builds screens for one store, computing each report and grid once per quarter (or pair of
 * quarters) however often it is shown. Screens with and without the findings' marks can share
 * `reports`, which the marks do not change.
 */
export function createScreens(dataset: ScreenStore, findings: FindingIndex | undefined, reports: PaneReports): (state: State) => Screen {
	const {quarters} = dataset;
	const flags: Flags = findings
		? {figure: id => findings.byFigure.has(id), site: id => findings.bySite.has(id)}
		: noFlags;
	const {segments, centers, balance, diff} = reports;
	const gridOf = (pane: PaneId, first: string, second: string) => {
		if (pane === 'segments') return segmentsGrid(segments(first), flags);
		if (pane === 'centers') return centersGrid(centers(first), flags);
		if (pane === 'balance') return balanceGrid(balance(), first, flags);
		return diffGrid(diff(`${first}|${second}`), dataset, flags);
	};
	const grids = cached(key => {
		const [pane, first, second] = key.split('|') as [PaneId, string, string];
		try {
			return gridOf(pane, first, second);
		} catch (error) {
			// A kept report that cannot be laid out (an entry written by hand): the report is worked out.
			if (!reports.passOver(pane, reportKey(pane, first, first, second))) throw error;
			return gridOf(pane, first, second);
		}
	});
	return state => {
		const quarter = quarters[state.quarter] ?? quarters.at(-1) ?? '';
		const a = quarters[state.diffA] ?? quarter;
		const b = quarters[state.diffB] ?? quarter;
		const grid = grids(state.pane === 'diff' ? `diff|${a}|${b}` : `${state.pane}|${quarter}`);
		const rows = filterRows(grid.rows, state.filter[state.pane]);
		// Reports are read on demand: a key on one pane never computes another pane's report.
		return {
			quarter,
			a,
			b,
			get segments() {
				return segments(quarter);
			},
			get centers() {
				return centers(quarter);
			},
			get balance() {
				return balance();
			},
			get diff() {
				return diff(`${a}|${b}`);
			},
			grid,
			rows,
			selectedRow: Math.min(state.row[state.pane], Math.max(0, rows.length - 1)),
		};
	};
}

/** What the reducer needs to know of a screen for a key to act on it. */
export function frameOf(dataset: Dataset, state: State, screen: Screen, bodyHeight: number): Frame {
	const top = state.sources.at(-1);
	const inputs = top ? inputItems(dataset, top.items[top.selected]) : undefined;
	return {
		quarterCount: dataset.quarters.length,
		rowCount: screen.rows.length,
		pageSize: state.help ? helpPageSize(bodyHeight) : Math.max(1, bodyHeight - 2),
		// Help scrolls by its first visible row, which can go as far as the last page.
		helpCount: Math.max(1, keymap.length - helpPageSize(bodyHeight) + 1),
		changedRows: screen.rows.flatMap((row, index) => (row.changed ? [index] : [])),
		open: top ? (inputs ? {...inputs, selected: 0} : undefined) : screen.rows[screen.selectedRow]?.open,
	};
}

/**
 * Ink hands over a burst of typing (or a paste) as one string; this splits it back into keys, so
 * "4nn⏎" is four key presses, each acting on the state the one before it left.
 */
export function splitKeys(input: string, key: KeyState): Array<{input: string; key: KeyState}> {
	const named = Object.entries(key).some(([name, on]) => on && name !== 'shift');
	if (input.length <= 1 || named) return [{input, key}];
	return [...input].map(character => {
		if (character === '\r' || character === '\n') return {input: '', key: {return: true}};
		if (character === '\t') return {input: '', key: {tab: true}};
		if (character === '\u007F' || character === '\b') return {input: '', key: {delete: true}};
		return {input: character, key: {shift: character !== character.toLowerCase()}};
	});
}

/** Applies one input event, whatever keys it holds, to a state: the explorer's whole input path. */
export function applyInput(
	dataset: Dataset,
	screens: (state: State) => Screen,
	state: State,
	input: string,
	key: KeyState,
	bodyHeight: number,
): State {
	let next = state;
	for (const press of splitKeys(input, key)) {
		const context = currentContext(next);
		const command = resolveKey(press.input, press.key, context);
		if (command) {
			next = reduce(next, {type: 'command', command, frame: frameOf(dataset, next, screens(next), bodyHeight)});
		} else if (context === 'filter' && press.input && !press.key.ctrl) {
			next = reduce(next, {type: 'type', text: sanitize(press.input)});
		}
	}
	return next;
}
