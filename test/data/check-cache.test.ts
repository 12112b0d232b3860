import {existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {createHash} from 'node:crypto';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {generateStore, writeGeneratedStore} from '../../source/bench/generate-store.js';
import {digestOf, rememberedFrom, type CheckCache} from '../../source/data/check-cache.js';
import type {Store} from '../../source/data/schema.js';
import {acceptStore, loadStore} from '../../source/data/store.js';
import {bundledStore, digest, runCli, tempDirectory} from '../helpers.js';

/**
 * A store over the size whose checks are remembered, with defaults left out (a figure's measure, a
 * part's sign) so the checks fill them in, and derived figures whose values the store leaves out.
 */
async function largeStore(): Promise<string> {
	const store = generateStore({quarters: 56, segments: 12, sites: 150, seed: 9});
	for (const figure of store.figures) if (figure.measure === 'value') delete (figure as Partial<typeof figure>).measure;
	for (const relation of store.relations) if (relation.kind === 'sum') for (const part of relation.parts) if (part.sign === 1) delete (part as {sign?: number}).sign;
	const file = path.join(tempDirectory(), 'large.json');
	await writeGeneratedStore(file, store);
	return file;
}

const entriesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter(name => name.endsWith('.json')) : []);
const commands = [['quarters'], ['show', 'latest'], ['diff', 'latest-4', 'latest'], ['segments'], ['centers'], ['balance'], ['check', '--fail-on', 'error']];

let file: string;
let text: string;

beforeAll(async () => {
	file = await largeStore();
	text = readFileSync(file, 'utf8');
});

describe('remembered checks, in the built command line', () => {
	it('remember a large store once, and give every command the output a full check gives', () => {
		expect(text.length).toBeGreaterThanOrEqual(rememberedFrom);
		const dir = path.join(tempDirectory(), 'cache');
		const before = digest(file);
		for (const args of commands) {
			const checked = runCli([...args, '--json', '--db', file], {env: {QUARTERDECK_NO_CACHE: '1', QUARTERDECK_CACHE_DIR: dir}});
			expect(checked.stderr).toBe('');
			if (args === commands[0]) expect(entriesIn(dir)).toEqual([]);
			const first = runCli([...args, '--json', '--db', file], {env: {QUARTERDECK_CACHE_DIR: dir}});
			const again = runCli([...args, '--json', '--db', file], {env: {QUARTERDECK_CACHE_DIR: dir}});
			expect([first.code, first.stderr, first.stdout]).toEqual([checked.code, '', checked.stdout]);
			expect([again.code, again.stderr, again.stdout]).toEqual([checked.code, '', checked.stdout]);
		}
		// One entry for the one text, private to the user; the store itself is never written.
		expect(entriesIn(dir)).toHaveLength(1);
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		expect(statSync(path.join(dir, entriesIn(dir)[0]!)).mode & 0o777).toBe(0o600);
		expect(digest(file)).toBe(before);
	});

	it('take a derived value from the entry, not from the formula, once the text is remembered', () => {
		const dir = path.join(tempDirectory(), 'cache');
		const args = ['show', 'latest', '--json', '--db', file];
		const checked = JSON.parse(runCli(args, {env: {QUARTERDECK_CACHE_DIR: dir}}).stdout);
		const [name] = entriesIn(dir);
		const entry = JSON.parse(readFileSync(path.join(dir, name!), 'utf8'));
		expect(entry.fills.length).toBeGreaterThan(1000);
		// Change the remembered value of a derived figure of this quarter: the next run shows it.
		const derived = checked.figures.find((figure: {kind: string}) => figure.kind === 'derived');
		const store = JSON.parse(text) as Store;
		const position = store.figures.findIndex(figure => figure.id === derived.id);
		const slot = entry.derived.find(([index]: [number]) => index === position);
		slot[1] = derived.value + 1;
		writeFileSync(path.join(dir, name!), JSON.stringify(entry));
		const recalled = JSON.parse(runCli(args, {env: {QUARTERDECK_CACHE_DIR: dir}}).stdout);
		expect(recalled.figures.find((figure: {id: string}) => figure.id === derived.id).value).toBe(derived.value + 1);
		// Without the cache, the formula's value.
		const again = JSON.parse(runCli(args, {env: {QUARTERDECK_CACHE_DIR: dir, QUARTERDECK_NO_CACHE: '1'}}).stdout);
		expect(again).toEqual(checked);
	});

	it('check a store again when its text changes, and remember only a store that passes', () => {
		const dir = path.join(tempDirectory(), 'cache');
		expect(runCli(['quarters', '--db', file], {env: {QUARTERDECK_CACHE_DIR: dir}}).code).toBe(0);
		const store = JSON.parse(text) as Store;
		// One derived figure now states a value its formula does not give.
		const index = store.figures.findIndex(figure => figure.kind === 'derived');
		store.figures[index]!.value = 1;
		const changed = path.join(tempDirectory(), 'changed.json');
		writeFileSync(changed, JSON.stringify(store, null, '\t'));
		const run = runCli(['quarters', '--db', changed], {env: {QUARTERDECK_CACHE_DIR: dir}});
		expect(run.code).toBe(3);
		expect(run.stderr).toMatch(new RegExp(`changed\\.json: figures\\[${index}\\]\\.value: the store says 1 but`));
		expect(entriesIn(dir)).toHaveLength(1);
	});

	it.each([
		['not JSON', () => '{"format":'],
		['another format', (entry: any) => ({...entry, format: 2})],
		['a position past the figures', (entry: any) => ({...entry, derived: [[1e9, 5]]})],
		['a stated figure given a value', (entry: any) => ({...entry, derived: [[0, 5]]})],
		['a value that is not a default', (entry: any) => ({...entry, fills: [[entry.fills[0][0], 'measure', 'value\u001B[2J']]})],
		['a field that is not defaulted', (entry: any) => ({...entry, fills: [[entry.fills[0][0], 'note', 'value']]})],
		['a path to nowhere', (entry: any) => ({...entry, fills: [[['figures', 1e9], 'measure', 'value'], ...entry.fills]})],
	])('check the store when an entry holds %s, and write the entry anew', (_name, damage) => {
		const dir = path.join(tempDirectory(), 'cache');
		const args = ['show', 'latest', '--json', '--db', file];
		const checked = runCli(args, {env: {QUARTERDECK_CACHE_DIR: dir}});
		const entryFile = path.join(dir, entriesIn(dir)[0]!);
		const good = readFileSync(entryFile, 'utf8');
		const damaged = damage(JSON.parse(good));
		writeFileSync(entryFile, typeof damaged === 'string' ? damaged : JSON.stringify(damaged));
		expect(runCli(args, {env: {QUARTERDECK_CACHE_DIR: dir}})).toEqual(checked);
		expect(readFileSync(entryFile, 'utf8')).toBe(good);
	});

	it('go on without a cache that cannot be written', () => {
		const dir = path.join(tempDirectory(), 'cache');
		// A file where the directory would be.
		writeFileSync(dir, 'not a directory');
		const args = ['quarters', '--json', '--db', file];
		const run = runCli(args, {env: {QUARTERDECK_CACHE_DIR: dir}});
		expect(run).toEqual(runCli(args, {env: {QUARTERDECK_NO_CACHE: '1'}}));
		expect(run.code).toBe(0);
	});

	it('leave a small store to be checked every time', () => {
		const dir = path.join(tempDirectory(), 'cache');
		expect(readFileSync(bundledStore, 'utf8').length).toBeLessThan(rememberedFrom);
		expect(runCli(['quarters', '--db', bundledStore], {env: {QUARTERDECK_CACHE_DIR: dir}}).code).toBe(0);
		expect(existsSync(dir)).toBe(false);
	});

	it('keep the newest 64 entries', () => {
		const dir = path.join(tempDirectory(), 'cache');
		runCli(['quarters', '--db', file], {env: {QUARTERDECK_CACHE_DIR: dir}});
		const [entry] = entriesIn(dir);
		const content = readFileSync(path.join(dir, entry!));
		// 70 older entries of other texts, the first the oldest.
		const old = Array.from({length: 70}, (_item, index) => entry!.replace(/-[0-9a-f]{64}\.json$/, `-${String(index).padStart(64, '0')}.json`));
		old.forEach((name, index) => {
			writeFileSync(path.join(dir, name), content);
			utimesSync(path.join(dir, name), 1_000_000 + index, 1_000_000 + index);
		});
		// The next entry written prunes the directory.
		const store = JSON.parse(text) as Store;
		store.company.name += ' (restated)';
		const other = path.join(tempDirectory(), 'other.json');
		writeFileSync(other, JSON.stringify(store, null, '\t'));
		expect(runCli(['quarters', '--db', other], {env: {QUARTERDECK_CACHE_DIR: dir}}).code).toBe(0);
		const left = entriesIn(dir);
		expect(left).toHaveLength(64);
		expect(left).toContain(entry);
		for (const name of old.slice(0, 8)) expect(left).not.toContain(name);
		expect(left).toEqual(expect.arrayContaining(old.slice(8)));
	});
});

describe('remembered checks, in loadStore', () => {
	it('give the very store a full check gives, and are kept apart by build', async () => {
		const dir = path.join(tempDirectory(), 'cache');
		const cache: CheckCache = {dir, build: 'first'};
		const checked = await acceptStore(JSON.parse(text), file);
		expect(await loadStore(file, {cache})).toEqual(checked);
		expect(entriesIn(dir)).toHaveLength(1);
		expect(await loadStore(file, {cache})).toEqual(checked);
		// Another build checks the store itself, and remembers it apart.
		expect(await loadStore(file, {cache: {dir, build: 'second'}})).toEqual(checked);
		expect(entriesIn(dir)).toHaveLength(2);
	});
});

describe('digestOf', () => {
	it('is the SHA-256 of the text as UTF-8, with characters of two code units across its slices', () => {
		// Emoji (two code units each) at odd offsets, so that some straddle every slice's end.
		const text = `${'a'.repeat(65_535)}😀${'é'.repeat(70_000)}${'😀x'.repeat(50_000)}`;
		expect(text.charCodeAt(65_535)).toBe(0xd8_3d);
		expect(digestOf(text)).toBe(createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'));
		expect(digestOf('')).toBe(createHash('sha256').digest('hex'));
	});
});
