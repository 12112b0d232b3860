import {Box, renderToString, Text, useApp, useInput, useStdin} from 'ink';
import {useEffect, useMemo, useRef, useState, type ReactElement} from 'react';
import type {FindingIndex} from '../model/check.js';
import type {Dataset} from '../model/dataset.js';
import Footer from './components/footer.js';
import Header from './components/header.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {unboundKey, type KeyState, type PaneId} from './keymap.js';
import {fit} from './layout.js';
import BalancePane from './panes/balance-pane.js';
import CentersPane from './panes/centers-pane.js';
import DiffPane from './panes/diff-pane.js';
import HelpPane from './panes/help-pane.js';
import SegmentsPane from './panes/segments-pane.js';
import SourcePane from './panes/source-pane.js';
import {applyInput, chromeLines, type Screen} from './screen.js';
import {findingsLater, findingsNow, keepQuarters, keepShown, noteInput, screensOf, type OpeningView} from './shared-data.js';
import {currentContext, paneOrder, stateAt, type State} from './state.js';

/** Below this the panes cannot be drawn legibly; the explorer says so and waits for a larger window. */
export const minimumSize = {columns: 50, rows: 12};

/**
 * The store to show, or, until it is read, the opening drawn in its place (see opening.ts), and where
 * to open: quarters by id.
 */
export type AppProps = ({dataset: Dataset; opening?: never} | {opening: OpeningView; dataset?: never}) & {pane: PaneId; quarter: string; a: string; b: string};

/** The body of a pane as `state` and its screen have it. */
function paneBody(state: State, screen: Screen, width: number, height: number): ReactElement {
	const common = {grid: {columns: screen.grid.columns, rows: screen.rows}, selected: screen.selectedRow, width, height};
	switch (state.pane) {
		case 'segments':
			return <SegmentsPane report={screen.segments} {...common} />;
		case 'centers':
			return <CentersPane report={screen.centers} {...common} />;
		case 'balance':
			return <BalancePane quarter={screen.quarter} {...common} />;
		case 'diff':
			return <DiffPane report={screen.diff} side={state.side} {...common} />;
	}
}

/** Panes this process has drawn, on screen or off: their code is warm. */
const drawnPanes = new Set<PaneId>();

/** Whether Ink's reading of keys has run once in this process (see {@link unboundKey}). */
let inputWarm = false;
/** True while the warm-up key goes through Ink: it is no one's key press. */
let warmingInput = false;

/**
 * The steps that make the explorer ready for its first keys: Ink's reading of keys, once per
 * process; the shown report and the store's quarters kept for the next explorer of the store's text
 * (see keepShown, keepQuarters); then each other pane's screen for `state` (its report and grid,
 * kept in the store's caches) and, for a pane this process has not drawn yet, its body rendered to
 * a string. One step is a few milliseconds, so a key never waits long on one.
 */
function warmSteps(dataset: Dataset, screens: (state: State) => Screen, state: State, width: number, height: number, inputs: NodeJS.EventEmitter | undefined): Array<() => void> {
	const input = () => {
		if (inputWarm) return;
		inputWarm = true;
		// Ink's internal input emitter: what its stdin handler feeds each chunk of input to.
		warmingInput = true;
		try {
			inputs?.emit('input', unboundKey);
		} finally {
			warmingInput = false;
		}
	};
	// The report this frame shows and the store's quarters, kept for the next explorer of the store's text.
	const keep = () => keepShown(dataset, state.pane, screens(state));
	const quarters = () => keepQuarters(dataset);
	const panes = paneOrder
		.filter(pane => pane !== state.pane)
		.flatMap(pane => {
			const other = {...state, pane};
			const draw = () => {
				if (drawnPanes.has(pane)) return;
				drawnPanes.add(pane);
				renderToString(paneBody(other, screens(other), width, height), {columns: width});
			};
			return [() => void screens(other), draw];
		});
	return [input, keep, quarters, ...panes];
}

/**
 * The explorer: one state, one input handler, the panes drawn from model queries. On an opening, it
 * draws the opening's frame, and keys wait for the store.
 */
export default function App({dataset, opening, pane, quarter, a, b}: AppProps) {
	const {exit} = useApp();
	const {internal_eventEmitter: inputs} = useStdin();
	const size = useTerminalSize();
	// The tie-out checks read the whole store, so they run once per store; on a large store whose
	// findings are not remembered, after the first frame, which the panes' ⚑ marks then join.
	const [checked, setChecked] = useState<{dataset?: Dataset | undefined; findings?: FindingIndex | undefined; error?: unknown}>(() => ({dataset, findings: dataset && findingsNow(dataset)}));
	const findings = dataset ? (checked.dataset === dataset ? checked.findings : findingsNow(dataset)) : opening.findings;
	useEffect(() => {
		if (!dataset || findings) return;
		let live = true;
		findingsLater(dataset).then(
			found => live && setChecked({dataset, findings: found}),
			(error: unknown) => live && setChecked({dataset, error}),
		);
		return () => {
			live = false;
		};
	}, [dataset, findings]);
	const screens = useMemo(() => (dataset ? screensOf(dataset, findings) : opening.screens), [dataset, opening, findings]);
	const [state, setState] = useState<State>(() => stateAt(dataset ? dataset.quarters : opening.quarters, {pane, quarter, a, b}));
	// Keys that arrive before React re-renders must see the state the previous key left.
	const latest = useRef(state);
	// Keys that come in on an opening, before the store is read: each is taken once it is.
	const waiting = useRef<Array<{input: string; key: KeyState}>>([]);

	const width = size.columns;
	const height = Math.max(1, size.rows - 1);
	const bodyHeight = Math.max(1, height - chromeLines);

	const take = (input: string, key: KeyState) => {
		if (warmingInput) return;
		noteInput();
		if (!dataset) {
			waiting.current.push({input, key});
			return;
		}
		const next = applyInput(dataset, screens, latest.current, input, key, bodyHeight);
		if (next !== latest.current) {
			latest.current = next;
			setState(next);
		}
	};
	useInput(take);
	useEffect(() => {
		if (!dataset) return;
		for (let press = waiting.current.shift(); press; press = waiting.current.shift()) take(press.input, press.key);
	});

	useEffect(() => {
		if (state.quit) exit();
	}, [state.quit, exit]);

	// Once a frame is out, the other panes are made ready off screen, a step per turn of the event
	// loop, so that a pane's first appearance costs what later ones do; their data again when the
	// findings' marks come in on a store checked after the first frame, or the window changes size.
	useEffect(() => {
		drawnPanes.add(state.pane);
	}, [state.pane]);
	useEffect(() => {
		if (!dataset) return;
		const steps = warmSteps(dataset, screens, latest.current, width, bodyHeight, inputs);
		let timer: NodeJS.Timeout | undefined;
		const next = () => {
			const step = steps.shift();
			if (step === undefined) return;
			step();
			timer = setTimeout(next, 0);
		};
		timer = setTimeout(next, 0);
		return () => clearTimeout(timer);
	}, [dataset, screens, width, bodyHeight, inputs]);

	// A check that fails is a crash, as it was when the checks ran before the first frame.
	if (checked.dataset === dataset && checked.error !== undefined) throw checked.error;

	if (size.columns < minimumSize.columns || size.rows < minimumSize.rows) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Text wrap="truncate">Terminal too small</Text>
				<Text wrap="truncate">{`${size.columns}×${size.rows}; needs ${minimumSize.columns}×${minimumSize.rows}`}</Text>
				<Text wrap="truncate">q quits</Text>
			</Box>
		);
	}

	const screen = screens(state);
	const context = currentContext(state);
	let body;
	if (state.help) {
		body = <HelpPane selected={state.helpRow} width={width} height={bodyHeight} />;
	} else if (dataset && state.sources.length > 0) {
		body = <SourcePane dataset={dataset} frames={state.sources} findings={findings} width={width} height={bodyHeight} />;
	} else {
		body = paneBody(state, screen, width, bodyHeight);
	}

	const filter = state.filter[state.pane];
	const status = state.filtering
		? `/${filter}█`
		: filter
			? `filter “${filter}”: ${screen.rows.length} of ${screen.grid.rows.length} rows (/ edits, Esc there clears)`
			: context === state.pane
				? (screen.rows[screen.selectedRow]?.detail ?? '')
				: '';

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Header company={dataset ? dataset.store.company.name : opening.company} pane={state.pane} quarter={screen.quarter} width={width} />
			<Text dimColor>{'─'.repeat(width)}</Text>
			{body}
			<Text wrap="truncate">{fit(status, width)}</Text>
			<Footer context={context} width={width} />
		</Box>
	);
}
