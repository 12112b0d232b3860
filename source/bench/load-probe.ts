import {readFile} from 'node:fs/promises';
import {performance} from 'node:perf_hooks';
import {acceptStore} from '../data/store.js';
import {createDataset} from '../model/dataset.js';

/** What opening a store costs in a fresh process, in ms: reading and parsing the JSON, validating it, indexing it. */
export type LoadTimes = {read: number; validate: number; index: number};

/**
 * Reads, validates and indexes a store the way every command does, timing each step. Runs in a
 * fresh process of its own (`bench.mjs --probe-load <file>`), so the times include first use of the
 * validator, as a command's start-up does.
 */
export async function probeLoad(file: string): Promise<LoadTimes> {
	const start = performance.now();
	const data: unknown = JSON.parse(await readFile(file, 'utf8'));
	const read = performance.now();
	const store = await acceptStore(data, file);
	const validated = performance.now();
	createDataset(store);
	const indexed = performance.now();
	return {read: read - start, validate: validated - read, index: indexed - validated};
}
