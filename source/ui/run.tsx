import chalk from 'chalk';
import {render} from 'ink';
import type {Dataset} from '../model/dataset.js';
import App from './app.js';
import type {PaneId} from './keymap.js';
import {safeDataset} from './shared-data.js';
import {ColorContext} from './theme.js';

const enterAlternateScreen = '\u001B[?1049h\u001B[2J\u001B[H';
const leaveAlternateScreen = '\u001B[?1049l';
const clearScreen = '\u001B[2J\u001B[3J\u001B[H';
const showCursor = '\u001B[?25h';

/** Everything one explorer needs; nothing is read from the process, so one process can run many. */
export type RunOptions = {
	dataset: Dataset;
	pane: PaneId;
	quarter: string;
	a: string;
	b: string;
	/** A terminal: isTTY, setRawMode, and the usual stream events. */
	stdin: NodeJS.ReadStream;
	/** A terminal: isTTY, columns, rows, and a `resize` event. */
	stdout: NodeJS.WriteStream;
	color: boolean;
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
	// Untrusted text from the store is made safe for the terminal once per store, here.
	const dataset = safeDataset(options.dataset);
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

	const instance = render(
		<ColorContext.Provider value={options.color}>
			<App dataset={dataset} pane={options.pane} quarter={options.quarter} a={options.a} b={options.b} />
		</ColorContext.Provider>,
		{stdin: options.stdin, stdout, stderr: stdout, exitOnCtrlC: false, patchConsole: false, maxFps: 60},
	);

	const done = instance.waitUntilExit().then(
		() => {
			instance.cleanup();
			restore();
		},
		(error: unknown) => {
			instance.cleanup();
			restore();
			throw error;
		},
	);
	return {
		done,
		close() {
			instance.unmount();
			restore();
		},
	};
}
