import {spawnSync} from 'node:child_process';
import {appendFileSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {bundleLoader} from '../source/code-cache.js';
import {bundledStore, openAndQuit, readJson, root, tempDirectory, writeStoreText} from './helpers.js';

const recorder = path.join(root, 'test/fixtures/record-code-cache.cjs');

/** An empty file for the recorder to write to. */
function emptyLog(): string {
	return writeStoreText('', 'caches.txt');
}

/** What the recorder wrote: each bundle compiled, in order, and how it took its code cache. */
function cachesIn(log: string): Array<[string, string]> {
	return readFileSync(log, 'utf8')
		.trim()
		.split('\n')
		.filter(Boolean)
		.map(line => [path.basename(line.split(' ')[0]!), line.split(' ')[1]!]);
}

/** Runs `<directory>/cli.js` piped, and reports how each bundle it compiled took its code cache. */
function runWithLog(directory: string, args: string[], nodeFlags: string[] = []): {code: number | null; stdout: string; stderr: string; caches: Map<string, string>} {
	const log = emptyLog();
	const result = spawnSync(process.execPath, [...nodeFlags, '-r', recorder, path.join(directory, 'cli.js'), ...args], {
		encoding: 'utf8',
		env: {...process.env, QUARTERDECK_CACHE_LOG: log, NO_COLOR: undefined, FORCE_COLOR: undefined},
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr, caches: new Map(cachesIn(log))};
}

/** A copy of the build, to damage; the bundled store is named with --db since it is not beside the copy. */
function copyOfBuild(): string {
	const directory = path.join(tempDirectory(), 'dist');
	cpSync(path.join(root, 'dist'), directory, {recursive: true});
	return directory;
}

const dist = path.join(root, 'dist');
const quartersArgs = ['quarters', '--json', '--db', bundledStore];

describe('code caches', () => {
	it('the scriptable path compiles main.js from the cache the build made, and a damaged store loads parse-store.js from its own', () => {
		const run = runWithLog(dist, quartersArgs);
		expect(run.code).toBe(0);
		expect(run.caches).toEqual(new Map([['main.js', 'used']]));
		const store = readJson(bundledStore);
		store.figures[0].value = 'many';
		const damaged = writeStoreText(JSON.stringify(store));
		const failed = runWithLog(dist, ['quarters', '--json', '--db', damaged]);
		expect(failed.code).toBe(3);
		expect(failed.caches).toEqual(new Map([['main.js', 'used'], ['parse-store.js', 'used']]));
	});

	it('the explorer compiles explore-local.js from its cache', async () => {
		const log = emptyLog();
		const argv = [process.execPath, '-r', recorder, path.join(dist, 'cli.js'), '--db', bundledStore];
		expect(await openAndQuit(argv, {...process.env, TERM: 'xterm-256color', QUARTERDECK_CACHE_LOG: log})).toBe(0);
		expect(cachesIn(log)).toEqual([
			['main.js', 'used'],
			['explore-local.js', 'used'],
		]);
	});

	it('a cache is offered only for the bytes it was made from, and V8 refuses one made under other flags', () => {
		const expected = runWithLog(dist, quartersArgs).stdout;
		expect(expected).toContain('"command":"quarters"');

		// The same length, other bytes: V8's own check (the length) would take the stale bytecode.
		const edited = copyOfBuild();
		const main = path.join(edited, 'main.js');
		const text = readFileSync(main, 'utf8');
		expect(text).toContain('"0.1.0"');
		writeFileSync(main, text.replace('"0.1.0"', '"9.9.9"'));
		const afterEdit = runWithLog(edited, ['--version']);
		expect(afterEdit.caches.get('main.js')).toBe('none');
		expect(afterEdit.stdout).toBe('9.9.9\n');

		const appended = copyOfBuild();
		appendFileSync(path.join(appended, 'main.js'), '\n// changed after the build\n');
		const afterAppend = runWithLog(appended, quartersArgs);
		expect(afterAppend.caches.get('main.js')).toBe('none');
		expect(afterAppend).toMatchObject({code: 0, stdout: expected, stderr: ''});

		const damaged = copyOfBuild();
		writeFileSync(path.join(damaged, 'main.js.cache'), Buffer.alloc(4096, 7));
		const afterDamage = runWithLog(damaged, quartersArgs);
		expect(afterDamage.caches.get('main.js')).toBe('none');
		expect(afterDamage).toMatchObject({code: 0, stdout: expected, stderr: ''});

		const missing = copyOfBuild();
		rmSync(path.join(missing, 'main.js.cache'));
		const withoutCache = runWithLog(missing, quartersArgs);
		expect(withoutCache.caches.get('main.js')).toBe('none');
		expect(withoutCache).toMatchObject({code: 0, stdout: expected, stderr: ''});

		const otherFlags = runWithLog(dist, quartersArgs, ['--stack-size=2000']);
		expect(otherFlags.caches.get('main.js')).toBe('rejected');
		expect(otherFlags).toMatchObject({code: 0, stdout: expected, stderr: ''});
	});

	it('a main.js that cannot load, or fails as it runs, is an internal error: one line of printable text, exit 1', () => {
		const broken = copyOfBuild();
		writeFileSync(path.join(broken, 'main.js'), 'throw new Error("bad \\u001b[31mbuild\\nline");');
		const run = runWithLog(broken, ['quarters']);
		expect(run).toMatchObject({code: 1, stdout: '', stderr: 'quarterdeck: internal error: bad build line\n'});

		writeFileSync(path.join(broken, 'main.js'), 'exports.main = async () => { throw new Error("bad \\u001b[31mrun\\nline"); };');
		const failed = runWithLog(broken, ['quarters']);
		expect(failed).toMatchObject({code: 1, stdout: '', stderr: 'quarterdeck: internal error: bad run line\n'});
	});

	it('every bundle is strict code, as the ES modules it is built from', () => {
		const bundles = readdirSync(dist).sort().filter(file => file.endsWith('.js'));
		expect(bundles.length).toBeGreaterThan(1);
		for (const bundle of bundles) {
			const lines = readFileSync(path.join(dist, bundle), 'utf8').split('\n');
			// A directive counts only before any other statement; a #! line is not one.
			expect(lines[lines[0]!.startsWith('#!') ? 1 : 0], bundle).toBe("'use strict';");
		}
	});

	it('the build leaves a cache beside every bundle, and nothing of the run that made them', () => {
		const files = readdirSync(dist).sort();
		const bundles = files.filter(file => file.endsWith('.js') && file !== 'cli.js');
		expect(bundles.sort()).toEqual(['explore-local.js', 'import.js', 'main.js', 'parse-store.js', 'serve.js']);
		for (const bundle of bundles) expect(files).toContain(`${bundle}.cache`);
		expect(files.filter(file => /train|\.tmp$/.test(file))).toEqual([]);
	});
});

describe('bundleLoader', () => {
	it('runs a bundle once, serves ./name.js from its directory, and runs again one that threw while loading', () => {
		const directory = tempDirectory();
		writeFileSync(path.join(directory, 'a.js'), 'globalThis.quarterdeckLoads = (globalThis.quarterdeckLoads ?? 0) + 1; module.exports = {b: require("./b.js"), path: require("node:path").sep};');
		writeFileSync(path.join(directory, 'b.js'), 'if (!globalThis.quarterdeckTries) { globalThis.quarterdeckTries = 1; throw new Error("first try"); } exports.name = "b";');
		const loader = bundleLoader(directory);
		expect(() => loader.load('a.js')).toThrow('first try');
		const a = loader.load('a.js') as {b: {name: string}; path: string};
		expect(a).toEqual({b: {name: 'b'}, path: path.sep});
		expect(loader.load('a.js')).toBe(a);
		expect((globalThis as Record<string, unknown>).quarterdeckLoads).toBe(2);
	});

	it('writes each cache with a copy of the bundle it was made from, and uses it only for those bytes', () => {
		const directory = tempDirectory();
		const text = 'exports.twice = value => value * 2;';
		writeFileSync(path.join(directory, 'c.js'), text);
		const loader = bundleLoader(directory, {makingCaches: true});
		expect((loader.load('c.js') as {twice: (value: number) => number}).twice(21)).toBe(42);
		loader.writeCaches();
		const cache = readFileSync(path.join(directory, 'c.js.cache'));
		expect(cache.readUInt32LE(0)).toBe(text.length);
		expect(cache.subarray(4, 4 + text.length).toString()).toBe(text);
		expect(cache.length).toBeGreaterThan(4 + text.length);
		expect(readdirSync(directory).sort()).toEqual(['c.js', 'c.js.cache']);
	});

	it('has no caches to write when made to run bundles, and writes no file', () => {
		const directory = tempDirectory();
		writeFileSync(path.join(directory, 'd.js'), 'exports.ok = true;');
		const loader = bundleLoader(directory);
		expect(loader.load('d.js')).toEqual({ok: true});
		expect(() => loader.writeCaches()).toThrow('not to make their caches');
		expect(readdirSync(directory).sort()).toEqual(['d.js']);
	});
});
