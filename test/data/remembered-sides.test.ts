import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {generateStore, writeGeneratedStore} from '../../source/bench/generate-store.js';
import {runCli as runCommand} from '../../source/commands.js';
import {recallSlices, rememberedFrom, rememberSlices} from '../../source/data/check-cache.js';
import {rememberSides} from '../../source/data/remembered-sides.js';
import {loadStore} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import {copyStore, freshCache, reportsIn, runCli, runInProcess, runWith, sealed, sidesIn, stamp, tempDirectory, writeOlderEntries, writeStoreText, type Run} from '../helpers.js';

let file: string;
let quarters: string[];

beforeAll(async () => {
	file = path.join(tempDirectory(), 'large.json');
	await writeGeneratedStore(file, generateStore({quarters: 56, segments: 12, sites: 150, seed: 9}));
	quarters = [...new Set((JSON.parse(readFileSync(file, 'utf8')) as {figures: Array<{period: string}>}).figures.map(figure => figure.period))].sort();
});

const noCache = (args: string[]) => runCli(args, {env: {QUARTERDECK_NO_CACHE: '1'}});
const outcome = (run: Run) => [run.code, run.stderr, run.stdout];
const json = (...args: string[]) => [...args, '--json', '--db', file];

/** An entry of slices in its parts: the slices' names and bodies, in order. */
type Slices = Array<[string, Buffer]>;

function slicesOf(entry: Buffer): Slices {
	const first = entry.indexOf(10);
	const second = entry.indexOf(10, first + 1);
	const index = JSON.parse(entry.toString('utf8', first + 1, second)) as Array<[string, number, string]>;
	let at = second + 1;
	return index.map(([name, length]) => {
		const body = entry.subarray(at, at + length);
		at += length;
		return [name, Buffer.from(body)];
	});
}

/** The entry in file `name` holding `slices`, its index made and sealed as quarterdeck makes it (`index` to put another in its place). */
function sliceEntry(name: string, slices: Slices, index = JSON.stringify(slices.map(([slice, body]) => [slice, body.length, createHash('sha256').update(body).digest('hex')]))): Buffer {
	return Buffer.concat([Buffer.from(`${sealed(name, index)}\n`), ...slices.map(([, body]) => body)]);
}

/** A fresh cache with the sides of the store kept by a first diff; the entry's path. */
function keptSides(): {dir: string; entry: string} {
	const dir = freshCache();
	expect(runWith(dir, json('diff', 'latest-4', 'latest')).code).toBe(0);
	const [entry] = sidesIn(dir);
	expect(sidesIn(dir)).toHaveLength(1);
	return {dir, entry: path.join(dir, entry!)};
}

const written = (quarter: string) => `q${quarter.at(-1)} ${quarter.slice(0, 4)}`;

describe('diff sides, in the built command line', () => {
	it('answer a diff of a pair not asked before from the sides a first diff kept, as a full read does, keeping no report of its own', () => {
		expect(readFileSync(file).length).toBeGreaterThanOrEqual(rememberedFrom);
		const {dir, entry} = keptSides();
		const kept = stamp(entry);
		const reports = reportsIn(dir);
		for (const args of [
			json('diff', quarters[0]!, quarters[1]!),
			json('diff', 'latest', quarters[0]!),
			json('diff', quarters[3]!, quarters[3]!),
			json('diff', written(quarters[5]!), 'latest-1'),
			json('explore', 'diff', '-q', 'latest-2'),
			json('explore', 'diff', quarters[2]!, '-q', 'latest-5'),
			['diff', quarters[7]!, quarters[20]!, '--csv', '--db', file],
			['diff', quarters[8]!, quarters[21]!, '--db', file],
		]) {
			const full = noCache(args);
			expect(full.code).toBe(0);
			expect(outcome(runWith(dir, args))).toEqual(outcome(full));
		}
		expect(reportsIn(dir)).toEqual(reports);
		expect(stamp(entry)).toEqual(kept);
		expect(statSync(entry).mode & 0o777).toBe(0o600);
	});

	it('print what the sides hold, made safe for a terminal in a table', () => {
		const {dir, entry} = keptSides();
		const slices = slicesOf(readFileSync(entry));
		const planted = (name: string) => {
			const at = slices.findIndex(([quarter]) => quarter === quarters[0]);
			const side = JSON.parse(slices[at]![1].toString());
			side.series[0].name = name;
			slices[at]![1] = Buffer.from(JSON.stringify(side));
			writeFileSync(entry, sliceEntry(path.basename(entry), slices));
		};
		planted('As kept');
		const report = JSON.parse(runWith(dir, json('diff', quarters[0]!, quarters[1]!)).stdout) as {rows: Array<{name: string}>};
		expect(report.rows.map(row => row.name)).toContain('As kept');
		planted('Bell \u0007 and clear \u001B[2J');
		const tsv = runWith(dir, ['diff', quarters[0]!, quarters[1]!, '--db', file]);
		expect(tsv.code).toBe(0);
		expect(tsv.stdout).toContain('Bell');
		expect(tsv.stdout).not.toMatch(/[\u0007\u001B]/);
	});

	const sideOf = (slices: Slices, quarter: string) => JSON.parse(slices.find(([name]) => name === quarter)![1].toString());
	const withSide = (slices: Slices, quarter: string, body: unknown): Slices =>
		slices.map(([name, old]) => [name, name === quarter ? Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) : old]);
	const damages: Array<[string, (entry: Buffer, name: string) => Buffer]> = [
		['a slice changed after its index was sealed', entry => {
			// A letter of the first quarter's first row's name, in place.
			const changed = Buffer.from(entry);
			const at = changed.indexOf('"name":"', changed.indexOf(10, changed.indexOf(10) + 1)) + 8;
			changed[at] = changed[at] === 0x58 ? 0x59 : 0x58;
			return changed;
		}],
		['an index made anew, under the seal of the one before', (entry, name) => {
			const side = sideOf(slicesOf(entry), quarters[0]!);
			side.series[0].name = 'As kept';
			const planted = sliceEntry(name, withSide(slicesOf(entry), quarters[0]!, side));
			return Buffer.concat([entry.subarray(0, entry.indexOf(10)), planted.subarray(planted.indexOf(10))]);
		}],
		['an index that is not JSON', (entry, name) => sliceEntry(name, slicesOf(entry), '[["')],
		['an index that is not a list of slices', (entry, name) => sliceEntry(name, slicesOf(entry), '{}')],
		['an index whose slices do not add up to the entry', (entry, name) => Buffer.concat([sliceEntry(name, slicesOf(entry)), Buffer.from(' ')])],
		['an entry cut short', entry => entry.subarray(0, entry.length - 10)],
		['the side of another quarter in a quarter\'s place', (entry, name) => sliceEntry(name, withSide(slicesOf(entry), quarters[0]!, sideOf(slicesOf(entry), quarters[1]!)))],
		['a side that is not JSON', (entry, name) => sliceEntry(name, withSide(slicesOf(entry), quarters[0]!, '{"quarter":'))],
		['a side whose series is not one', (entry, name) => {
			const side = sideOf(slicesOf(entry), quarters[0]!);
			side.series[1].rank = ['first', 'of', 'all'];
			return sliceEntry(name, withSide(slicesOf(entry), quarters[0]!, side));
		}],
		['a series with a field more than a side\'s', (entry, name) => {
			const side = sideOf(slicesOf(entry), quarters[0]!);
			side.series[0].key = 'revenue||';
			return sliceEntry(name, withSide(slicesOf(entry), quarters[0]!, side));
		}],
		['a side whose reading is only a value', (entry, name) => {
			const side = sideOf(slicesOf(entry), quarters[0]!);
			side.series[0].reading = {value: 42};
			return sliceEntry(name, withSide(slicesOf(entry), quarters[0]!, side));
		}],
		['a side whose reading has no value', (entry, name) => {
			const side = sideOf(slicesOf(entry), quarters[0]!);
			delete side.series.at(-1).reading.value;
			return sliceEntry(name, withSide(slicesOf(entry), quarters[0]!, side));
		}],
	];
	it.each(damages)('work a diff out from the store when the sides\' entry holds %s, and write the entry anew', (_name, damage) => {
		const {dir, entry} = keptSides();
		const good = readFileSync(entry);
		writeFileSync(entry, damage(good, path.basename(entry)));
		expect(readFileSync(entry).equals(good)).toBe(false);
		const args = json('diff', quarters[0]!, quarters[1]!);
		const reports = reportsIn(dir).length;
		expect(outcome(runWith(dir, args))).toEqual(outcome(noCache(args)));
		// Worked out: its report kept, and the sides written again as they were.
		expect(reportsIn(dir)).toHaveLength(reports + 1);
		expect(readFileSync(entry).equals(good)).toBe(true);
	});

	it('give a full read\'s error for a quarter the store does not hold, leaving the sides as they are', () => {
		const {dir, entry} = keptSides();
		const kept = stamp(entry);
		for (const args of [json('diff', '1800Q1', 'latest'), json('diff', quarters[0]!, 'latest-400')]) {
			const failed = runWith(dir, args);
			expect(failed.code).toBe(2);
			expect(outcome(failed)).toEqual(outcome(noCache(args)));
		}
		expect(stamp(entry)).toEqual(kept);
	});

	it('work out a pair with a quarter whose side JSON would not give back, and keep the sides all the same', () => {
		// A level of −0 in one quarter: JSON would read it back as 0.
		const store = JSON.parse(readFileSync(file, 'utf8')) as {figures: Array<{period: string; measure?: string; kind: string; value: number}>};
		const quarter = quarters[2]!;
		const level = store.figures.find(figure => figure.period === quarter && (figure.measure ?? 'value') === 'value' && figure.kind === 'stated')!;
		level.value = 123_456_789.5;
		const copy = writeStoreText(JSON.stringify(store, null, '\t').replace('"value": 123456789.5', '"value": -0'), 'minus-zero.json');
		const dir = freshCache();
		const args = (...pair: string[]) => ['diff', ...pair, '--json', '--db', copy];
		expect(runWith(dir, args(quarters[9]!, quarters[10]!)).code).toBe(0);
		const entry = path.join(dir, sidesIn(dir)[0]!);
		const kept = stamp(entry);
		expect(slicesOf(readFileSync(entry)).find(([name]) => name === quarter)![1].toString()).toBe('null');
		expect(outcome(runWith(dir, args(quarter, quarters[3]!)))).toEqual(outcome(noCache(args(quarter, quarters[3]!))));
		// Not written again for a side it cannot keep; the other quarters still answered from theirs.
		expect(stamp(entry)).toEqual(kept);
		const reports = reportsIn(dir);
		expect(outcome(runWith(dir, args(quarters[4]!, quarters[5]!)))).toEqual(outcome(noCache(args(quarters[4]!, quarters[5]!))));
		expect(reportsIn(dir)).toEqual(reports);
		rmSync(copy);
	});

	it('keep the sides of the newest 8 texts, apart from the reports', () => {
		const {dir, entry} = keptSides();
		const reports = reportsIn(dir);
		const old = writeOlderEntries(dir, path.basename(entry), 10, readFileSync(entry));
		rmSync(entry);
		expect(runWith(dir, json('diff', quarters[0]!, quarters[1]!)).code).toBe(0);
		const left = sidesIn(dir);
		expect(left).toHaveLength(8);
		expect(left).toContain(path.basename(entry));
		expect(left).toEqual(expect.arrayContaining(old.slice(3)));
		expect(reportsIn(dir)).toEqual(expect.arrayContaining(reports));
	});

	it('keep none for a store too small to be remembered by its digest', () => {
		const dir = freshCache();
		const store = copyStore();
		expect(runWith(dir, ['diff', 'latest-4', 'latest', '--json', '--db', store]).code).toBe(0);
		expect(reportsIn(dir)).toHaveLength(1);
		expect(sidesIn(dir)).toEqual([]);
	});
});

describe('diff sides, in this process', () => {
	it('print a first diff before its report and the sides are kept', async () => {
		const dir = freshCache();
		const seen: number[] = [];
		let stdout = '';
		const {exitCode} = (await runCommand(json('diff', quarters[0]!, quarters[1]!), {
			stdout: {write: (written: string) => void ((stdout += written), seen.push(reportsIn(dir).length + sidesIn(dir).length))},
			stderr: {write: () => {}},
			stdoutIsTTY: false,
			columns: 100,
			env: {},
			cwd: process.cwd(),
			checkCache: {dir, build: 'test'},
		})) as {exitCode: number};
		expect(exitCode).toBe(0);
		expect(seen).toEqual([0]);
		expect([reportsIn(dir).length, sidesIn(dir).length]).toEqual([1, 1]);
		expect(stdout).toBe((await runInProcess(json('diff', quarters[0]!, quarters[1]!))).stdout);
	});

	it('keep every side as null when together they come to more than an entry holds, and work each diff out', async () => {
		const dir = freshCache();
		const dataset = createDataset(await loadStore(file, {cache: {dir, build: 'test'}}));
		rememberSides(dataset, 10_000);
		const [entry] = sidesIn(dir);
		const slices = slicesOf(readFileSync(path.join(dir, entry!)));
		expect(slices.map(([name]) => name)).toEqual(dataset.quarters);
		expect(new Set(slices.map(([, body]) => body.toString()))).toEqual(new Set(['null']));
		const kept = stamp(path.join(dir, entry!));
		const args = json('diff', quarters[0]!, quarters[1]!);
		expect(await runInProcess(args, {dir})).toEqual(await runInProcess(args));
		expect(reportsIn(dir)).toHaveLength(1);
		expect(stamp(path.join(dir, entry!))).toEqual(kept);
		// With room for them all, the sides are kept.
		rememberSides(dataset);
		expect(slicesOf(readFileSync(path.join(dir, entry!))).filter(([, body]) => body.toString() === 'null')).toEqual([]);
	});

	it('give every pair of eight quarters spread over the store what a full read gives', async () => {
		const dir = freshCache();
		const spread = Array.from({length: 8}, (_item, index) => quarters[Math.round((index * (quarters.length - 1)) / 7)]!);
		expect((await runInProcess(json('diff', spread[0]!, spread[1]!), {dir})).exitCode).toBe(0);
		expect(sidesIn(dir)).toHaveLength(1);
		const reports = reportsIn(dir);
		for (const a of spread) {
			for (const b of spread) {
				const args = json('diff', a, b);
				expect(await runInProcess(args, {dir})).toEqual(await runInProcess(args));
			}
		}
		// Only the first pair worked out: each other one answered from the sides.
		expect(reportsIn(dir)).toEqual(reports);
	});
});

describe('an entry of slices', () => {
	const text = () => ({cache: {dir: freshCache(), build: 'test'}, digest: 'a'.repeat(64)});

	it('reads the slices picked, from entries whose index fits in the first piece read and one whose index does not', () => {
		for (const count of [1, 40, 3000]) {
			const at = text();
			mkdirSync(at.cache.dir, {recursive: true, mode: 0o700});
			const slices = Array.from({length: count}, (_item, index) => [`slice ${index} ${'x'.repeat(40)}`, `body ${index} ${'€'.repeat(index % 7)}`] as const);
			rememberSlices(at, 'things', slices, 'sides');
			const [entry] = sidesIn(at.cache.dir);
			// The index alone: more than one piece of 64 KiB for 3000 slices.
			const indexLength = readFileSync(path.join(at.cache.dir, entry!)).indexOf(10, 65);
			expect(indexLength > 64 << 10).toBe(count === 3000);
			let names: readonly string[] = [];
			const last = slices.at(-1)!;
			expect(recallSlices(at, 'things', 'sides', given => ((names = given), [last[0], slices[0]![0], last[0]]))).toEqual([last[1], slices[0]![1], last[1]]);
			expect(names).toEqual(slices.map(([name]) => name));
			expect(recallSlices(at, 'things', 'sides', () => undefined)).toBeUndefined();
			expect(recallSlices(at, 'things', 'sides', () => ['no such slice'])).toBeUndefined();
			expect(recallSlices(at, 'other things', 'sides', () => [slices[0]![0]])).toBeUndefined();
		}
	});

	it('is not kept for a small store, whose text has no digest', () => {
		const dir = freshCache();
		mkdirSync(dir, {recursive: true, mode: 0o700});
		const small = {cache: {dir, build: 'test'}, bytes: Buffer.from('{}')};
		rememberSlices(small, 'things', [['one', 'body']], 'sides');
		expect(sidesIn(dir)).toEqual([]);
		expect(recallSlices(small, 'things', 'sides', names => names)).toBeUndefined();
	});
});
