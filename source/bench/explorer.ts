import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';
import {readRss, withRssReport} from './processes.js';
import {PtySession, stripAnsi} from './pty.js';

/** The size of the pseudo-terminal every explorer measurement runs in. */
export const terminalSize = {columns: 100, rows: 30};

/** The footer of every pane: the first frame is complete when it has been drawn. */
export const footerMark = 'q quit';

/** What the keystroke measurements need to know of a store to expect the right frame. */
export type StoreFacts = {quarters: string[]; siteCount: number; diffA: string; diffB: string};

export type FirstFrameTimes = {explorer: number[]; baseline: number[]};

/**
 * Launch to first frame: from spawning the pty wrapper to the end of Ink's first frame that holds
 * the footer, against launch to the first line `node -e 'console.log(1)'` prints in the same wrapper.
 * Runs alternate so that load elsewhere falls on both alike.
 */
export async function measureFirstFrame(node: string, cli: string, store: string, runs: number, env: NodeJS.ProcessEnv): Promise<FirstFrameTimes> {
	const times: FirstFrameTimes = {explorer: [], baseline: []};
	for (let run = -1; run < runs; run++) {
		const baseline = new PtySession([node, '-e', 'console.log(1)'], {...terminalSize, env});
		// Node colours the number on a terminal: the line is found in the text without escapes.
		const line = await baseline.waitUntil(text => (/(?:^|\n)1\r?\n/.test(stripAnsi(text)) ? 0 : undefined), 0, 20_000, 'the line node prints');
		await baseline.close(undefined);
		const explorer = new PtySession([node, cli, '--db', store], {...terminalSize, env});
		const frame = await explorer.waitForFrame(0, text => text.includes(footerMark), 30_000, 'the first frame');
		await explorer.close('q');
		// The first round only warms the page cache.
		if (run >= 0) {
			times.baseline.push(line - baseline.started);
			times.explorer.push(frame - explorer.started);
		}
	}
	return times;
}

/** Keystroke-to-frame samples in ms, by what the key did, and the peak RSS of the whole session. */
export type KeystrokeTimes = {actions: Record<string, number[]>; rssMb: number};

export const actionNames = {
	paneSwitch: 'pane switch',
	quarterChange: 'quarter change',
	scroll: 'scroll (j on centers)',
	openDiff: 'open diff',
	diffQuarter: 'diff quarter change',
} as const;

const selectedLine = (frame: string) => frame.split('\n').find(line => line.startsWith('› ')) ?? '';

/**
 * Opens the explorer on a store in a pseudo-terminal and measures keystroke to frame: the time from
 * writing a key to the pty until the end of the first frame Ink draws after it (the frame is checked
 * to show what the key should have done). Keys are spaced so that each one meets an idle explorer.
 */
export async function measureKeystrokes(
	node: string,
	cli: string,
	store: string,
	facts: StoreFacts,
	counts: {paneSwitch: number; quarterChange: number; scroll: number; openDiff: number; diffQuarter: number},
	env: NodeJS.ProcessEnv,
): Promise<KeystrokeTimes> {
	const directory = mkdtempSync(path.join(tmpdir(), 'quarterdeck-bench-'));
	const rssFile = path.join(directory, 'rss');
	const wrapped = withRssReport([node, cli, '--db', store], rssFile);
	const session = new PtySession(wrapped.argv, {...terminalSize, env: {...env, ...wrapped.env}});
	const actions: Record<string, number[]> = Object.fromEntries(Object.values(actionNames).map(name => [name, [] as number[]]));
	try {
		await session.waitForFrame(0, text => text.includes(footerMark), 60_000, 'the first frame');
		await sleep(200);

		const press = async (key: string, expect: (frame: string) => boolean, what: string, action?: string) => {
			await sleep(25 + Math.random() * 10);
			const start = performance.now();
			const from = session.press(key);
			const at = await session.waitForFrame(from, expect, 15_000, what);
			if (action) actions[action]!.push(at - start);
		};

		const tabs = [
			['2', '[2 Centers]'],
			['3', '[3 Balance]'],
			['1', '[1 Segments]'],
		] as const;
		for (let index = 0; index < counts.paneSwitch; index++) {
			const [key, title] = tabs[index % tabs.length]!;
			await press(key, frame => frame.includes(title), title, actionNames.paneSwitch);
		}
		// The panes cycle back to Segments before the quarter moves.
		if (counts.paneSwitch % tabs.length !== 0) await press('1', frame => frame.includes('[1 Segments]'), '[1 Segments]');

		// Quarters walk back from the latest, so each is drawn for the first time; at the first they turn round.
		let quarter = facts.quarters.length - 1;
		let step = -1;
		const moveQuarter = async () => {
			if (quarter + step < 0 || quarter + step >= facts.quarters.length) step = -step;
			quarter += step;
			const label = `◂ ${facts.quarters[quarter]} ▸`;
			await press(step < 0 ? '[' : ']', frame => frame.includes(label), label, actionNames.quarterChange);
		};
		for (let index = 0; index < Math.ceil(counts.quarterChange / 2); index++) await moveQuarter();
		await press('2', frame => frame.includes('[2 Centers]'), '[2 Centers]');
		for (let index = 0; index < Math.floor(counts.quarterChange / 2); index++) await moveQuarter();

		let row = 0;
		let direction = 1;
		for (let index = 0; index < counts.scroll; index++) {
			if (row + direction < 0 || row + direction >= facts.siteCount) direction = -direction;
			row += direction;
			const before = selectedLine(session.lastFrame());
			await press(direction > 0 ? 'j' : 'k', frame => frame.includes('[2 Centers]') && selectedLine(frame) !== before && selectedLine(frame) !== '', 'the selection to move', actionNames.scroll);
		}

		await press('1', frame => frame.includes('[1 Segments]'), '[1 Segments]');
		for (let index = 0; index < counts.openDiff; index++) {
			await press('4', frame => frame.includes('[4 Diff]'), '[4 Diff]', actionNames.openDiff);
			if (index < counts.openDiff - 1) await press('1', frame => frame.includes('[1 Segments]'), '[1 Segments]');
		}

		// In the diff, [ and ] move quarter B: every pair is compared for the first time.
		let b = facts.quarters.indexOf(facts.diffB);
		let bStep = -1;
		for (let index = 0; index < counts.diffQuarter; index++) {
			if (b + bStep < 0 || b + bStep >= facts.quarters.length) bStep = -bStep;
			b += bStep;
			const label = `«B ${facts.quarters[b]}»`;
			await press(bStep < 0 ? '[' : ']', frame => frame.includes(label), label, actionNames.diffQuarter);
		}
		await session.close('q', 10_000);
		return {actions, rssMb: readRss(rssFile)};
	} finally {
		await session.close(undefined, 1000);
		rmSync(directory, {recursive: true, force: true});
	}
}
