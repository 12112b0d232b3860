import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {generateStore, writeGeneratedStore} from '../../source/bench/generate-store.js';
import {loadStore} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import App from '../../source/ui/app.js';
import type {PaneId} from '../../source/ui/keymap.js';
import {safeDataset} from '../../source/ui/shared-data.js';
import {ColorContext} from '../../source/ui/theme.js';
import {freshCache, paneReportsIn, quartersEntry, reportsIn, runInProcess, sealed, stamp, tempDirectory} from '../helpers.js';

let file: string;

beforeAll(async () => {
	// Large enough to be remembered by its digest, as the explorer's reports are.
	file = path.join(tempDirectory(), 'large.json');
	await writeGeneratedStore(file, generateStore({quarters: 56, segments: 12, sites: 150, seed: 5}));
});

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

let instance: ReturnType<typeof render> | undefined;
afterEach(() => {
	instance?.unmount();
	instance = undefined;
});

/** The explorer on `pane`, on the store as read afresh through the cache in `dir` (the explorer's own read); its first frame. */
async function firstFrame(dir: string, pane: PaneId): Promise<string> {
	instance?.unmount();
	const dataset = safeDataset(createDataset(await loadStore(file, {forTerminal: true, cache: {dir, build: 'test'}})));
	const {quarters} = dataset;
	instance = render(
		<ColorContext.Provider value={false}>
			<App dataset={dataset} pane={pane} quarter={quarters.at(-1)!} a={quarters.at(-5)!} b={quarters.at(-1)!} />
		</ColorContext.Provider>,
	);
	return instance.lastFrame() ?? '';
}

/** Waits until `dir` holds `count` reports; their names. */
async function reportsBy(dir: string, count: number): Promise<string[]> {
	const end = Date.now() + 5000;
	while (paneReportsIn(dir).length < count && Date.now() < end) await wait(20);
	return paneReportsIn(dir);
}

/** Runs a command in this process with the cache the explorers use (none without `dir`); what it prints. */
const command = async (args: string[], dir?: string) => (await runInProcess([...args, '--json', '--db', file], {dir, cwd: path.dirname(file)})).stdout;

/**
 * A fresh cache in which the store's findings are remembered already: every explorer of it draws
 * the ⚑ marks in its first frame, whether or not an explorer before it finished its checks.
 */
async function checkedCache(): Promise<string> {
	const dir = freshCache();
	await command(['check'], dir);
	return dir;
}

describe('the report an explorer first shows, kept for its store\'s text', () => {
	it.each(['segments', 'centers', 'balance', 'diff'] as const)('is kept once the %s pane\'s first frame is out, and the next explorer draws the same frame from it', async pane => {
		const dir = await checkedCache();
		const drawn = await firstFrame(dir, pane);
		expect(drawn).toContain('q quit');
		const [entry] = await reportsBy(dir, 1);
		expect(entry).toBeDefined();
		const written = stamp(path.join(dir, entry!));
		// The store's quarters too, for the next explorer's opening (see opening.test.ts).
		const quarters = () => reportsIn(dir).filter(name => name.endsWith(quartersEntry));
		for (const end = Date.now() + 5000; quarters().length === 0 && Date.now() < end; ) await wait(20);
		expect(quarters()).toHaveLength(1);
		// Drawn from the kept report: the same frame, and nothing written again.
		expect(await firstFrame(dir, pane)).toBe(drawn);
		await wait(100);
		expect(paneReportsIn(dir)).toEqual([entry]);
		expect(stamp(path.join(dir, entry!))).toEqual(written);
	});

	it.each([
		['segments', (quarters: string[]) => ['segments', '--quarter', quarters.at(-1)!]],
		['centers', (quarters: string[]) => ['centers', '--quarter', quarters.at(-1)!]],
		['balance', () => ['balance']],
		['diff', (quarters: string[]) => ['diff', quarters.at(-5)!, quarters.at(-1)!]],
	] as const)('is, for the %s pane, the one the command that prints it reads, and the report it prints', async (pane, argsOf) => {
		const dir = await checkedCache();
		await firstFrame(dir, pane);
		const [entry] = await reportsBy(dir, 1);
		const quarters = (JSON.parse(await command(['quarters'])) as {quarters: Array<{quarter: string}>}).quarters.map(row => row.quarter);
		const written = stamp(path.join(dir, entry!));
		const args = argsOf(quarters);
		expect(await command(args, dir)).toBe(await command(args));
		expect(paneReportsIn(dir)).toEqual([entry]);
		expect(stamp(path.join(dir, entry!))).toEqual(written);
	});

	/** The kept segments report with its first row's name `name`, written back into its entry. */
	const plant = (dir: string, entry: string, name: (was: string) => string) => {
		const report = JSON.parse(readFileSync(path.join(dir, entry), 'utf8').split('\n')[1]!) as {rows: Array<{name: string}>};
		const was = report.rows[0]!.name;
		report.rows[0]!.name = name(was);
		writeFileSync(path.join(dir, entry), sealed(entry, JSON.stringify(report)));
		return was;
	};

	it('is read as it is kept', async () => {
		const dir = await checkedCache();
		await firstFrame(dir, 'segments');
		const [entry] = await reportsBy(dir, 1);
		const was = plant(dir, entry!, () => 'Kept by name');
		const frame = await firstFrame(dir, 'segments');
		expect(frame).toContain('Kept by name');
		expect(frame).not.toContain(was);
	});

	it('is passed over when its text could hold a control character, and the report worked out', async () => {
		const dir = await checkedCache();
		const drawn = await firstFrame(dir, 'segments');
		const [entry] = await reportsBy(dir, 1);
		const was = plant(dir, entry!, name => `Planted\u001B[2J${name}`);
		const frame = await firstFrame(dir, 'segments');
		expect(frame).toBe(drawn);
		expect(frame).toContain(was);
		expect(frame).not.toContain('Planted');
	});

	it.each([
		['segments', 'rows'],
		['centers', 'sites'],
		['balance', 'rows'],
		['diff', 'rows'],
	] as const)('is passed over on the %s pane when it cannot be laid out (an entry written by hand), and the entry written anew', async (pane, list) => {
		const dir = await checkedCache();
		const drawn = await firstFrame(dir, pane);
		const [entry] = await reportsBy(dir, 1);
		const file = path.join(dir, entry!);
		const good = readFileSync(file, 'utf8');
		const report = JSON.parse(good.split('\n')[1]!) as Record<string, unknown[]>;
		expect(report[list]!.length).toBeGreaterThan(0);
		writeFileSync(file, sealed(entry!, JSON.stringify({...report, [list]: [null, ...report[list]!]})));
		const written = stamp(file);
		expect(await firstFrame(dir, pane)).toBe(drawn);
		const end = Date.now() + 5000;
		while (JSON.stringify(stamp(file)) === JSON.stringify(written) && Date.now() < end) await wait(20);
		expect(readFileSync(file, 'utf8')).toBe(good);
	});
});
