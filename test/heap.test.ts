import {readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {measureKeystrokes} from '../source/bench/explorer.js';
import {generateStore} from '../source/bench/generate-store.js';
import {parseStore} from '../source/data/parse-store.js';
import {createDataset} from '../source/model/dataset.js';
import {rememberedFrom} from '../source/data/check-cache.js';
import {sessionOldGrowthPercent} from '../source/heap.js';
import {cli, freshCache, root, runRecording, runWith, tempDirectory, writeStoreText} from './helpers.js';

/** What test/fixtures/record-heap.cjs writes. */
type HeapLog = {largest: number; steps: Array<{step: string; young: number; until: number}>};

const MiB = 1 << 20;
const env = {QUARTERDECK_NO_CACHE: '1', TERM: 'xterm-256color'};

describe("the explorer's young generation", () => {
	let store: string;
	let facts: Parameters<typeof measureKeystrokes>[3];
	beforeAll(() => {
		// Large enough that reading it, every object surviving, makes V8 grow a young generation left to grow.
		const generated = generateStore({quarters: 120, segments: 10, sites: 100, seed: 3});
		store = writeStoreText(JSON.stringify(generated));
		const {quarters} = createDataset(parseStore(generated, 'generated.json'));
		facts = {quarters, siteCount: generated.sites.length, diffA: quarters.at(-5)!, diffB: quarters.at(-1)!};
	});

	/** A command that prints: piped, or on a terminal. */
	const printed = (args: string[], terminal: boolean): HeapLog => {
		const run = runRecording('record-heap.cjs', 'QUARTERDECK_HEAP_LOG', [...args, '--db', store], {env, terminal});
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({command: args[0] === 'explore' ? 'segments' : args[0]});
		return JSON.parse(run.log) as HeapLog;
	};

	it('is left to V8 by a command that prints, piped or on a terminal', () => {
		for (const log of [printed(['quarters', '--json'], false), printed(['explore', '--json'], true)]) {
			expect(log.steps).toEqual([]);
			// Grown past the 2 MiB a held explorer keeps it to (below): how far depends on the memory V8 sees.
			expect(log.largest).toBeGreaterThan(2 * MiB);
		}
	});

	it('is held while the store is read, let go while the explorer loads, and held again through a session', async () => {
		const log = path.join(tempDirectory(), 'heap.json');
		await measureKeystrokes(process.execPath, cli, store, facts, {paneSwitch: 6, quarterChange: 20, scroll: 20, openDiff: 4, diffQuarter: 10}, {
			...process.env,
			...env,
			NODE_OPTIONS: `--require ${JSON.stringify(path.join(root, 'test', 'fixtures', 'record-heap.cjs'))}`,
			QUARTERDECK_HEAP_LOG: log,
		});
		const {steps} = JSON.parse(readFileSync(log, 'utf8')) as HeapLog;
		// The old generation kept to its session's growth between full collections once the first frame is out.
		expect(steps.map(({step}) => step)).toEqual(['factor 1', 'factor 2', 'explorer compiled', 'first frame', 'factor 1', `old growth ${sessionOldGrowthPercent}`]);
		const [read, , , , session] = steps;
		// The store is read and indexed at the size the generation starts with.
		expect(read!.until).toBeLessThanOrEqual(2 * MiB);
		// The session does not grow it (left to V8, this session took it to 32 MiB).
		expect(session!.until).toBe(session!.young);
	}, 120_000);

	it('is held through the whole start of an explorer that opens before its store is read, and through the session', async () => {
		expect(statSync(store).size).toBeGreaterThan(rememberedFrom);
		// What an opening is drawn from, kept by the commands that print it.
		const dir = freshCache();
		for (const args of [['check'], ['quarters'], ['segments', '--quarter', facts.quarters.at(-1)!]]) expect(runWith(dir, [...args, '--db', store]).code).not.toBe(2);
		const log = path.join(tempDirectory(), 'heap.json');
		await measureKeystrokes(process.execPath, cli, store, facts, {paneSwitch: 6, quarterChange: 20, scroll: 20, openDiff: 4, diffQuarter: 10}, {
			...process.env,
			TERM: 'xterm-256color',
			QUARTERDECK_CACHE_DIR: dir,
			NODE_OPTIONS: `--require ${JSON.stringify(path.join(root, 'test', 'fixtures', 'record-heap.cjs'))}`,
			QUARTERDECK_HEAP_LOG: log,
		});
		const {steps} = JSON.parse(readFileSync(log, 'utf8')) as HeapLog;
		// Never let go: the store is read after the first frame, with React and Ink loaded, and with
		// the old generation kept to its session's growth.
		expect(steps.map(({step}) => step)).toEqual(['factor 1', 'explorer compiled', 'first frame', 'factor 1', `old growth ${sessionOldGrowthPercent}`]);
		for (const {until} of steps) expect(until).toBeLessThanOrEqual(2 * MiB);
	}, 120_000);
});
