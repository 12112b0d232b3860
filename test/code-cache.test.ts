import {spawnSync} from 'node:child_process';
import {appendFileSync, cpSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {PtySession} from '../source/bench/pty.js';
import {bundledStore, root, tempDirectory} from './helpers.js';

const recorder = path.join(root, 'test/fixtures/record-code-cache.cjs');

/** Runs `<directory>/cli.js` piped, and reports how each bundle it compiled took its code cache. */
function runWithLog(directory: string, args: string[]): {code: number | null; stdout: string; stderr: string; caches: Map<string, string>} {
	const log = path.join(tempDirectory(), 'caches.txt');
	writeFileSync(log, '');
	const result = spawnSync(process.execPath, ['-r', recorder, path.join(directory, 'cli.js'), ...args], {
		encoding: 'utf8',
		env: {...process.env, QUARTERDECK_CACHE_LOG: log, NO_COLOR: undefined, FORCE_COLOR: undefined},
	});
	const caches = new Map(
		readFileSync(log, 'utf8')
			.trim()
			.split('\n')
			.filter(Boolean)
			.map(line => [path.basename(line.split(' ')[0]!), line.split(' ')[1]!]),
	);
	return {code: result.status, stdout: result.stdout, stderr: result.stderr, caches};
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
		const store = JSON.parse(readFileSync(bundledStore, 'utf8'));
		store.figures[0].value = 'many';
		const damaged = path.join(tempDirectory(), 'store.json');
		writeFileSync(damaged, JSON.stringify(store));
		const failed = runWithLog(dist, ['quarters', '--json', '--db', damaged]);
		expect(failed.code).toBe(3);
		expect(failed.caches).toEqual(new Map([['main.js', 'used'], ['parse-store.js', 'used']]));
	});

	it('the explorer compiles explore-local.js from its cache', async () => {
		const log = path.join(tempDirectory(), 'caches.txt');
		writeFileSync(log, '');
		const session = new PtySession([process.execPath, '-r', recorder, path.join(dist, 'cli.js'), '--db', bundledStore], {
			columns: 100,
			rows: 30,
			env: {...process.env, TERM: 'xterm-256color', QUARTERDECK_CACHE_LOG: log},
		});
		await session.waitForFrame(0, frame => frame.includes('q quit'), 10_000, 'the first frame');
		expect(await session.close('q')).toBe(0);
		expect(readFileSync(log, 'utf8').trim().split('\n').map(line => path.basename(line.split(' ')[0]!) + ' ' + line.split(' ')[1])).toEqual(['main.js used', 'explore-local.js used']);
	});

	it('a cache that does not belong to its bundle is left aside, and the output is the same', () => {
		const expected = runWithLog(dist, quartersArgs).stdout;
		expect(expected).toContain('"command":"quarters"');

		const changed = copyOfBuild();
		appendFileSync(path.join(changed, 'main.js'), '\n// changed after the build\n');
		const afterChange = runWithLog(changed, quartersArgs);
		expect(afterChange.caches.get('main.js')).toBe('rejected');
		expect(afterChange).toMatchObject({code: 0, stdout: expected, stderr: ''});

		const damaged = copyOfBuild();
		writeFileSync(path.join(damaged, 'main.js.cache'), Buffer.alloc(4096, 7));
		const afterDamage = runWithLog(damaged, quartersArgs);
		expect(afterDamage.caches.get('main.js')).toBe('rejected');
		expect(afterDamage).toMatchObject({code: 0, stdout: expected, stderr: ''});

		const missing = copyOfBuild();
		rmSync(path.join(missing, 'main.js.cache'));
		const withoutCache = runWithLog(missing, quartersArgs);
		expect(withoutCache.caches.get('main.js')).toBe('none');
		expect(withoutCache).toMatchObject({code: 0, stdout: expected, stderr: ''});
	});

	it('the build leaves a cache beside every bundle, and nothing of the run that made them', () => {
		const files = spawnSync('ls', [dist], {encoding: 'utf8'}).stdout.trim().split('\n');
		const bundles = files.filter(file => file.endsWith('.js') && file !== 'cli.js');
		expect(bundles.sort()).toEqual(['explore-local.js', 'import.js', 'main.js', 'parse-store.js', 'serve.js']);
		for (const bundle of bundles) expect(files).toContain(`${bundle}.cache`);
		expect(files.filter(file => /train|\.tmp$/.test(file))).toEqual([]);
	});
});
