import {spawnSync} from 'node:child_process';
import {chmodSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {measureKeystrokes} from '../source/bench/explorer.js';
import {generateStore} from '../source/bench/generate-store.js';
import {parseStore} from '../source/data/parse-store.js';
import {createDataset} from '../source/model/dataset.js';
import {shellQuote} from '../source/bench/pty.js';
import {cli, root, tempDirectory, writeStoreText} from './helpers.js';

const recorder = path.join(root, 'test', 'fixtures', 'record-heap.cjs');

/** A `node` that records the sizes its young generation had into `log` (see record-heap.cjs). */
function recordingNode(log: string): string {
	const node = path.join(tempDirectory(), 'node');
	writeFileSync(node, `#!/bin/sh\nQUARTERDECK_HEAP_LOG=${shellQuote(log)} exec ${shellQuote(process.execPath)} --require ${shellQuote(recorder)} "$@"\n`);
	chmodSync(node, 0o755);
	return node;
}

const env = {...process.env, QUARTERDECK_NO_CACHE: '1', TERM: 'xterm-256color'};
const MiB = 1 << 20;

describe("the explorer's young generation", () => {
	// Large enough that parsing it, every object surviving, makes V8 grow a young generation left to grow.
	const generated = generateStore({quarters: 120, segments: 10, sites: 100, seed: 3});
	const store = writeStoreText(JSON.stringify(generated));
	const {quarters} = createDataset(parseStore(generated, 'generated.json'));

	it('is held while the store is read and through a session, and left to V8 where nothing is drawn', async () => {
		const youngSizes = (run: (node: string) => unknown) => {
			const log = path.join(tempDirectory(), 'young.txt');
			return Promise.resolve(run(recordingNode(log))).then(() => JSON.parse(readFileSync(log, 'utf8')) as {largest: number; atExplorer: number | null});
		};
		const printed = (args: string[], how: 'piped' | 'on a terminal') => (node: string) => {
			const argv = [node, cli, ...args, '--json', '--db', store];
			const run =
				how === 'piped'
					? spawnSync(argv[0]!, argv.slice(1), {env, encoding: 'utf8'})
					: spawnSync('script', ['-qfec', argv.map(word => shellQuote(word)).join(' '), '/dev/null'], {env, encoding: 'utf8'});
			expect(run.status).toBe(0);
			expect(JSON.parse(run.stdout)).toMatchObject({command: args[0] === 'explore' ? 'segments' : args[0]});
		};
		const session = (node: string) =>
			measureKeystrokes(node, cli, store, {quarters, siteCount: generated.sites.length, diffA: quarters.at(-5)!, diffB: quarters.at(-1)!}, {paneSwitch: 6, quarterChange: 20, scroll: 20, openDiff: 4, diffQuarter: 10}, env);

		const piped = await youngSizes(printed(['quarters'], 'piped'));
		const onTerminal = await youngSizes(printed(['explore'], 'on a terminal'));
		const explorer = await youngSizes(session);
		// Left to V8, reading the store grows the young generation.
		expect(piped.largest).toBeGreaterThanOrEqual(8 * MiB);
		expect(onTerminal.largest).toBeGreaterThanOrEqual(8 * MiB);
		// Held while the store is read: the size it starts with.
		expect(explorer.atExplorer).toBeLessThanOrEqual(2 * MiB);
		// Let go while the explorer loads (which grows it a step or two), and held again through the
		// session, which would grow it to 32 MiB.
		expect(explorer.largest).toBeLessThanOrEqual(8 * MiB);
	});
});
