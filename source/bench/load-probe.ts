import {performance} from 'node:perf_hooks';
import process from 'node:process';
import {readFileSync} from 'node:fs';
import {checkCacheFor, remembersStore, startDigest} from '../data/check-cache.js';
import {acceptStore, checkOrRecall, readStoreText} from '../data/store.js';
import {createDataset} from '../model/dataset.js';

/**
 * What opening a store costs in a fresh process, in ms: reading and parsing the JSON, validating it
 * (every check), indexing it. `recall` is what a command that parses the store spends instead of
 * validating, for a store large enough that its checks are remembered: hashing its bytes and taking
 * what the checks found (null for a smaller store).
 */
export type LoadTimes = {read: number; validate: number; recall: number | null; index: number};

/**
 * Reads, validates and indexes a store the way every command does, timing each step. Runs in a
 * fresh process of its own (`bench.mjs --probe-load <file>`), so the times include first use of the
 * validator, as a command's start-up does. The recall is timed last, on a second parse of the text,
 * with the cache the environment names (the bench's own); the first probe of a store remembers it.
 * JSON.parse has run by then, so the recall's own parse of the entry finds that code warm.
 */
export async function probeLoad(file: string): Promise<LoadTimes> {
	const start = performance.now();
	const text = readStoreText(file);
	if (text === null) throw new Error(`${file}: no such store`);
	const data: unknown = JSON.parse(text);
	const read = performance.now();
	const store = await acceptStore(data, file);
	const validated = performance.now();
	createDataset(store);
	const indexed = performance.now();
	let recall: number | null = null;
	const cache = checkCacheFor(process.env);
	if (cache) {
		const again: unknown = JSON.parse(text);
		// The bytes as a command reads them, read again here outside the time: the command hashes them as it reads.
		const bytes = readFileSync(file);
		const before = performance.now();
		if (remembersStore(bytes.length, cache)) {
			await checkOrRecall(again, startDigest().update(bytes).digest('hex'), file, cache);
			recall = performance.now() - before;
		}
	}
	return {read: read - start, validate: validated - read, recall, index: indexed - validated};
}
