import type {Command, Context, PaneId} from './keymap.js';

export const paneOrder: readonly PaneId[] = ['segments', 'centers', 'balance', 'diff'];

/** Something the source view can show: a figure, or one dated event of a site. */
export type SourceItem = {kind: 'figure'; id: string} | {kind: 'event'; site: string; index: number};

/** One level of the source view; Enter on a derived figure pushes its inputs as another. */
export type SourceFrame = {title: string; items: SourceItem[]; selected: number};

export type State = {
	pane: PaneId;
	/** Index into the store's quarters. */
	quarter: number;
	diffA: number;
	diffB: number;
	/** The diff quarter that [ and ] move. */
	side: 'a' | 'b';
	/** Selected row per pane, an index into the rows the filter lets through. */
	row: Record<PaneId, number>;
	filter: Record<PaneId, string>;
	filtering: boolean;
	help: boolean;
	helpRow: number;
	sources: SourceFrame[];
	quit: boolean;
};

/** What the app knows of the screen when a key arrives, so the reducer stays pure. */
export type Frame = {
	quarterCount: number;
	rowCount: number;
	pageSize: number;
	helpCount: number;
	/** Rows that changed between the diff's quarters, by index. */
	changedRows: readonly number[];
	/** What Enter opens from here, if anything. */
	open?: SourceFrame | undefined;
};

export type Action = {type: 'command'; command: Command; frame: Frame} | {type: 'type'; text: string};

/** The state an explorer opens in: on `pane`, at quarters named among `quarters` (the first where one is not there). */
export function stateAt(quarters: readonly string[], {pane, quarter, a, b}: {pane: PaneId; quarter: string; a: string; b: string}): State {
	const index = (id: string) => Math.max(0, quarters.indexOf(id));
	return createState({pane, quarter: index(quarter), diffA: index(a), diffB: index(b)});
}

export function createState(options: {pane: PaneId; quarter: number; diffA: number; diffB: number}): State {
	return {
		pane: options.pane,
		quarter: options.quarter,
		diffA: options.diffA,
		diffB: options.diffB,
		side: 'b',
		row: {segments: 0, centers: 0, balance: 0, diff: 0},
		filter: {segments: '', centers: '', balance: '', diff: ''},
		filtering: false,
		help: false,
		helpRow: 0,
		sources: [],
		quit: false,
	};
}

/** Which part of the keymap applies now: the topmost overlay, else the pane. */
export function currentContext(state: State): Context {
	if (state.help) return 'help';
	if (state.filtering) return 'filter';
	if (state.sources.length > 0) return 'source';
	return state.pane;
}

const clamp = (value: number, count: number) => Math.max(0, Math.min(value, count - 1));

function moveRow(state: State, frame: Frame, to: (current: number) => number): State {
	if (state.help) return {...state, helpRow: clamp(to(state.helpRow), frame.helpCount)};
	const top = state.sources.at(-1);
	if (top) {
		const selected = clamp(to(top.selected), top.items.length);
		return {...state, sources: [...state.sources.slice(0, -1), {...top, selected}]};
	}
	return {...state, row: {...state.row, [state.pane]: clamp(to(state.row[state.pane]), frame.rowCount)}};
}

function switchPane(state: State, pane: PaneId): State {
	return {...state, pane, sources: [], help: false, filtering: false};
}

function shiftQuarter(state: State, frame: Frame, by: number): State {
	if (state.pane === 'diff') {
		const key = state.side === 'a' ? 'diffA' : 'diffB';
		return {...state, [key]: clamp(state[key] + by, frame.quarterCount)};
	}
	return {...state, quarter: clamp(state.quarter + by, frame.quarterCount)};
}

function jumpToChange(state: State, frame: Frame, forward: boolean): State {
	const current = state.row.diff;
	const target = forward
		? frame.changedRows.find(index => index > current)
		: frame.changedRows.findLast(index => index < current);
	return target === undefined ? state : {...state, row: {...state.row, diff: target}};
}

/** The explorer's one reducer: every key press becomes a new state, nothing else changes it. */
export function reduce(state: State, action: Action): State {
	if (action.type === 'type') {
		if (!state.filtering) return state;
		return {...state, filter: {...state.filter, [state.pane]: state.filter[state.pane] + action.text}, row: {...state.row, [state.pane]: 0}};
	}
	const {command, frame} = action;
	switch (command) {
		case 'quit':
			return {...state, quit: true};
		case 'help':
			return {...state, help: !state.help, helpRow: 0};
		case 'pane-segments':
		case 'pane-centers':
		case 'pane-balance':
		case 'pane-diff':
			return switchPane(state, command.slice('pane-'.length) as PaneId);
		case 'next-pane':
		case 'previous-pane': {
			const step = command === 'next-pane' ? 1 : paneOrder.length - 1;
			return switchPane(state, paneOrder[(paneOrder.indexOf(state.pane) + step) % paneOrder.length]!);
		}
		case 'up':
			return moveRow(state, frame, row => row - 1);
		case 'down':
			return moveRow(state, frame, row => row + 1);
		case 'page-up':
			return moveRow(state, frame, row => row - Math.max(1, frame.pageSize));
		case 'page-down':
			return moveRow(state, frame, row => row + Math.max(1, frame.pageSize));
		case 'top':
			return moveRow(state, frame, () => 0);
		case 'bottom':
			return moveRow(state, frame, () => Number.MAX_SAFE_INTEGER);
		case 'previous-quarter':
			return shiftQuarter(state, frame, -1);
		case 'next-quarter':
			return shiftQuarter(state, frame, 1);
		case 'choose-a':
			return {...state, side: 'a'};
		case 'choose-b':
			return {...state, side: 'b'};
		case 'next-change':
			return jumpToChange(state, frame, true);
		case 'previous-change':
			return jumpToChange(state, frame, false);
		case 'filter':
			return {...state, filtering: true};
		case 'filter-accept':
			return {...state, filtering: false};
		case 'filter-cancel':
			return {...state, filtering: false, filter: {...state.filter, [state.pane]: ''}, row: {...state.row, [state.pane]: 0}};
		case 'filter-delete':
			return {...state, filter: {...state.filter, [state.pane]: state.filter[state.pane].slice(0, -1)}};
		case 'open':
			return frame.open ? {...state, sources: [...state.sources, frame.open]} : state;
		case 'back':
			if (state.help) return {...state, help: false};
			return {...state, sources: state.sources.slice(0, -1)};
	}
}
