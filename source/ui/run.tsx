import chalk from 'chalk';
import {render} from 'ink';
import type {Dataset} from '../model/dataset.js';
import App from './app.js';
import type {PaneId} from './keymap.js';
import type {ExplorerStore} from '../commands.js';
import {openingView, safeDataset, type OpeningView} from './shared-data.js';
import {stateAt} from './state.js';
import {ColorContext} from './theme.js';

const enterAlternateScreen = '\u001B[?1049h\u001B[2J\u001B[H';
const leaveAlternateScreen = '\u001B[?1049l';
const clearScreen = '\u001B[2J\u001B[3J\u001B[H';
const showCursor = '\u001B[?25h';

/** What an explorer opens on: the store, or an opening to draw the first frame from and `load` to read the store by. */
export type RunStore = {dataset: Dataset; opening?: never; load?: never} | {opening: OpeningView; load: () => Promise<Dataset>; dataset?: never};

/** Where an explorer opens, and in what colours. */
export type OpenAt = {pane: PaneId; quarter: string; a: string; b: string; color: boolean};

/**
 * What an explorer of `request` runs with, but its streams: where it opens, and the store as it
 * opens on it (the view of its opening when it has one that can be drawn, else the store, read now
 * if it was not).
 */
export async function explorerOptions(request: ExplorerStore & OpenAt): Promise<RunStore & OpenAt> {
	const {pane, quarter, a, b, color} = request;
	const at = {pane, quarter, a, b, color};
	if (request.dataset) return {...at, dataset: request.dataset};
	const opening = openingView(request.opening, stateAt(request.opening.quarters, request));
	return opening ? {...at, opening, load: request.load} : {...at, dataset: await request.load()};
}

/**
 * Everything one explorer needs; nothing is read from the process, so one process can run many. An
 * opening's `load` is called once its frame is out.
 */
export type RunOptions = RunStore &
	OpenAt & {
		/** A terminal: isTTY, setRawMode, and the usual stream events. */
		stdin: NodeJS.ReadStream;
		/** A terminal: isTTY, columns, rows, and a `resize` event. */
		stdout: NodeJS.WriteStream;
	};

export type Explorer = {
	/** Settles when the explorer has quit and the terminal is restored; rejects if it crashed. */
	done: Promise<void>;
	/** Ends the explorer from outside (a signal, a dropped connection) and restores the terminal. */
	close: () => void;
};

/**
 * Draws the explorer full-screen on the given streams and restores the terminal when it ends, by a
 * key, by `close()` or by a crash.
 */
export function runExplorer(options: RunOptions): Explorer {
	const {stdout} = options;
	if (options.color && chalk.level === 0) chalk.level = 1;
	stdout.write(enterAlternateScreen);
	// Registered before Ink's own listener, so the screen is clean before Ink redraws at the new size.
	const onResize = () => stdout.write(clearScreen);
	stdout.on('resize', onResize);

	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		stdout.off('resize', onResize);
		stdout.write(`${showCursor}${leaveAlternateScreen}`);
	};

	const view = {pane: options.pane, quarter: options.quarter, a: options.a, b: options.b};
	// The same key for the opening and its store, unless their quarters differ (the store changed on
	// disk in between): then the explorer starts afresh on the store.
	const app = (store: {dataset: Dataset} | {opening: OpeningView}, key: string) => (
		<ColorContext.Provider value={options.color}>
			<App key={key} {...store} {...view} />
		</ColorContext.Provider>
	);
	// Untrusted text from the store is made safe for the terminal once per store, here (an opening's
	// reports are only read back when they need nothing made safe).
	const first = options.opening ? {opening: options.opening} : {dataset: safeDataset(options.dataset)};
	const instance = render(app(first, 'store'), {stdin: options.stdin, stdout, stderr: stdout, exitOnCtrlC: false, patchConsole: false, maxFps: 60});

	let ended = false;
	// What the store failed on, read once its opening was drawn: the explorer ends on it.
	let failed: {error: unknown} | undefined;
	if (options.opening) {
		const {opening, load} = options;
		// Called once the first frame is written (render writes it), and before any key is read.
		Promise.resolve()
			.then(load)
			.then(
				dataset => {
					if (ended) return;
					const same = dataset.quarters.length === opening.quarters.length && dataset.quarters.every((quarter, index) => quarter === opening.quarters[index]);
					instance.rerender(app({dataset: safeDataset(dataset)}, same ? 'store' : 'changed'));
				},
				(error: unknown) => {
					if (ended) return;
					failed = {error};
					instance.unmount();
				},
			);
	}

	const done = instance.waitUntilExit().then(
		() => {
			ended = true;
			instance.cleanup();
			restore();
			if (failed) throw failed.error;
		},
		(error: unknown) => {
			ended = true;
			instance.cleanup();
			restore();
			throw error;
		},
	);
	return {
		done,
		close() {
			ended = true;
			instance.unmount();
			restore();
		},
	};
}
