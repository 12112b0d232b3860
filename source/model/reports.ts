import type {Measure, Unit} from '../data/schema.js';
import type {CheckReport} from './check.js';
import type {Reading} from './dataset.js';

/**
 * The shapes `--json` prints, one per command. They are the contract with scripts: a change here is
 * a new `format` version.
 */
export const OUTPUT_FORMAT = 1;

export type CompanyView = {name: string; ticker: string | null; currency: string};

/** A figure as printed: every field present, null where the store has nothing. */
export type FigureView = {
	id: string;
	period: string;
	metric: string;
	metricName: string;
	segment: string | null;
	sites: string[];
	measure: Measure;
	compareTo: string | null;
	value: number;
	unit: Unit;
	kind: 'stated' | 'derived';
	qualifier: string | null;
	source: string | null;
	quote: string | null;
	formula: string | null;
	inputs: Record<string, string> | null;
	note: string | null;
};

export type QuartersReport = {
	format: number;
	command: 'quarters';
	company: CompanyView;
	quarters: Array<{
		quarter: string;
		label: string;
		figures: number;
		stated: number;
		derived: number;
		sources: string[];
		revenue: Reading | null;
		netIncome: Reading | null;
	}>;
	/** Periods longer than a quarter (six months, a year) that have figures. */
	spans: Array<{period: string; label: string; figures: number}>;
};

export type ChangeView = {
	value: number | null;
	percent: number | null;
	/** stated: the filing gives it; computed: worked out here from the two values. */
	valueBasis: 'stated' | 'computed' | null;
	percentBasis: 'stated' | 'computed' | null;
	/** Stated change figures used, by id. */
	figures: string[];
};

export type SegmentRow = {
	segment: string | null;
	name: string;
	depth: number;
	value: Reading | null;
	yearAgo: Reading | null;
	change: ChangeView;
	/** The value in each of the report's `quarters`, in the same order. */
	series: Array<{quarter: string; value: number | null}>;
};

export type SegmentsReport = {
	format: number;
	command: 'segments';
	metric: {id: string; name: string; unit: Unit} | null;
	quarter: string;
	yearAgo: string;
	quarters: string[];
	rows: SegmentRow[];
};

export type SiteEventView = {
	period: string;
	date: string | null;
	status: string;
	statusName: string;
	state: 'active' | 'ending' | 'ended';
	category: string | null;
	source: string;
	quote: string;
	note: string | null;
};

export type SiteRow = {
	id: string;
	name: string;
	location: string;
	type: string;
	typeName: string;
	segment: string | null;
	/** The status as of the quarter; null when no filing speaks of the site by then. */
	status: SiteEventView | null;
	/** The segment its results are reported in as of the quarter, where a filing says. */
	category: string | null;
	events: SiteEventView[];
	figures: FigureView[];
};

export type CentersReport = {
	format: number;
	command: 'centers';
	quarter: string;
	sites: SiteRow[];
};

export type BalanceRow = {
	metric: string;
	name: string;
	unit: Unit;
	values: Array<Reading | null>;
	latest: {quarter: string; value: number} | null;
};

export type BalanceReport = {
	format: number;
	command: 'balance';
	quarters: string[];
	rows: BalanceRow[];
};

export type DiffRow = {
	metric: string;
	name: string;
	statement: string;
	segment: string | null;
	sites: string[];
	unit: Unit;
	a: Reading | null;
	b: Reading | null;
	/** b − a; null unless both sides have a value. */
	change: number | null;
	/** (b − a) / |a| × 100; null when a side is missing or a is zero. */
	changePercent: number | null;
	presence: 'both' | 'a-only' | 'b-only';
};

export type DiffReport = {
	format: number;
	command: 'diff';
	a: string;
	b: string;
	rows: DiffRow[];
};

export type ShowReport = {
	format: number;
	command: 'show';
	period: string;
	label: string;
	figures: FigureView[];
	/** Figures for longer periods that end with this quarter (six months, a year). */
	spans: FigureView[];
	events: Array<SiteEventView & {site: string; siteName: string}>;
};

export type Report = QuartersReport | SegmentsReport | CentersReport | BalanceReport | DiffReport | ShowReport | CheckReport;

/**
 * What a printing command is asked for: everything its report depends on besides the store, with
 * quarters as they were written (`latest`, `2004-Q2`), resolved against the store's quarters only
 * when the report is worked out.
 */
export type ReportRequest =
	| {command: 'quarters'}
	| {command: 'segments' | 'centers'; quarter: string}
	/** `quarter`: the explorer's balance pane, printed, checks its quarter too. */
	| {command: 'balance'; from: string | null; to: string | null; quarter?: string}
	| {command: 'show'; period: string}
	/** A side left null is the explorer's: `quarter` for B; for A, a year before it, or the first quarter. */
	| {command: 'diff'; a: string | null; b: string | null; quarter?: string}
	/** null: the whole store. */
	| {command: 'check'; quarter: string | null};

/** The explorer's panes, each showing the report of the command of its name. */
export type PaneName = 'segments' | 'centers' | 'balance' | 'diff';

/** What a pane's report is known by among its pane's: its quarter; A|B for the diff; nothing for Balance. */
export const reportKey = (pane: PaneName, quarter: string, a: string, b: string) => (pane === 'diff' ? `${a}|${b}` : pane === 'balance' ? '' : quarter);

/** The request of the command that prints the report `pane` shows under `key` ({@link reportKey}). */
export function paneRequest(pane: PaneName, key: string): ReportRequest {
	switch (pane) {
		case 'segments':
		case 'centers':
			return {command: pane, quarter: key};
		case 'balance':
			return {command: 'balance', from: null, to: null};
		case 'diff': {
			const [a = '', b = ''] = key.split('|');
			return {command: 'diff', a, b};
		}
	}
}
