import {spawn} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadStore} from '../../source/data/store.js';
import {bundledStore, cli, copyStore, readJson, tempDirectory} from '../helpers.js';

type Finished = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number};

/** Starts the built CLI without waiting for it; `kill` stops it with SIGKILL after `killAfter` ms. */
function start(args: string[], killAfter?: number): Promise<Finished> {
	const env = {...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, QUARTERDECK_DB: undefined};
	const began = performance.now();
	const child = spawn(process.execPath, [cli, ...args], {env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', chunk => (stdout += chunk));
	child.stderr.on('data', chunk => (stderr += chunk));
	const timer = killAfter === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfter);
	// 'close' comes after the process is reaped, so its pid is no longer alive when this resolves.
	return new Promise(resolve =>
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr, ms: performance.now() - began});
		}),
	);
}

const figureRow = (id: string, metric: string, value: number) => `${id},2004Q3,${metric},${value},USD,stated,2004q2-call,"${metric} of $${value} (concurrency test)"`;
const header = 'id,period,metric,value,unit,kind,source,quote';

describe('concurrent imports', () => {
	it('four imports started at the same moment from separate processes all land', async () => {
		const store = copyStore();
		const directory = path.dirname(store);
		const metrics = ['revenue', 'gross-profit', 'net-income', 'pretax-income'];
		const files = metrics.map((metric, index) => {
			const file = path.join(directory, `part-${index}.csv`);
			writeFileSync(file, `${header}\r\n${figureRow(`parallel-${index}`, metric, 1000 + index)}\r\n`);
			return file;
		});
		// Every process is started before any is awaited.
		const runs = files.map(file => start(['import', file, '--db', store, '--json']));
		const results = await Promise.all(runs);
		for (const result of results) {
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
			expect(JSON.parse(result.stdout).written).toBe(true);
		}
		const loaded = await loadStore(store);
		const ids = new Set(loaded.figures.map(figure => figure.id));
		for (const index of metrics.keys()) expect(ids.has(`parallel-${index}`)).toBe(true);
		expect(loaded.figures).toHaveLength(readJson(bundledStore).figures.length + metrics.length);
		// One backup per write, none overwritten; the lock is gone.
		const backups = readdirSync(directory).filter(name => name.endsWith('.bak'));
		expect(new Set(backups).size).toBe(metrics.length);
		expect(existsSync(`${store}.lock`)).toBe(false);
	});
});

/** The shipped store with its figures copied `times` over under new ids: several megabytes. */
function largeStore(times: number): string {
	const store = readJson(bundledStore);
	const originals = [...store.figures] as Array<Record<string, any>>;
	for (let copy = 1; copy <= times; copy++) {
		const rename = (id: string) => `copy${copy}-${id}`;
		for (const figure of originals) {
			const inputs = figure.inputs ? Object.fromEntries(Object.entries(figure.inputs as Record<string, string>).map(([name, id]) => [name, rename(id)])) : undefined;
			store.figures.push({...figure, id: rename(figure.id), ...(inputs ? {inputs} : {})});
		}
	}
	return `${JSON.stringify(store, null, 2)}\n`;
}

describe('an import killed at any moment', () => {
	it('leaves a store that loads and holds either the old figures or the new', async () => {
		const directory = tempDirectory();
		const store = path.join(directory, 'large.json');
		const original = largeStore(40);
		expect(original.length).toBeGreaterThan(3_000_000);
		const importCsv = path.join(directory, 'q3.csv');
		const added = Array.from({length: 30}, (_, index) => `killed-${index}`);
		writeFileSync(importCsv, [header, ...added.map((id, index) => figureRow(id, 'revenue', 5000 + index))].join('\r\n'));

		writeFileSync(store, original);
		const before = new Set((await loadStore(store)).figures.map(figure => figure.id));
		const after = new Set([...before, ...added]);
		const idsNow = async () => new Set((await loadStore(store)).figures.map(figure => figure.id));
		const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every(id => b.has(id));

		// One run to the end, to know how long a whole import takes here.
		const full = await start(['import', importCsv, '--db', store, '--no-backup', '--json']);
		expect(full.stderr).toBe('');
		expect(full.code).toBe(0);
		expect(same(await idsNow(), after)).toBe(true);

		// Three kills early (reading, checking, merging); then each delay halves the gap between the
		// latest kill that came too early to change anything and the earliest run that finished, so
		// the rest close in on the moment the new store is serialised, written and renamed.
		const runs = 10;
		let tooEarly = 0;
		let tooLate = full.ms * 1.5;
		const temporary = path.join(directory, '.large.json.tmp');
		const outcomes: Array<{delay: number; killed: boolean; halfWritten: boolean; result: 'old' | 'new'}> = [];
		for (let run = 0; run < runs; run++) {
			const delay = Math.round(run < 3 ? 5 + (full.ms * run) / 4 : (tooEarly + tooLate) / 2);
			// The lock a killed run left behind stays: the next run must take it over.
			writeFileSync(store, original);
			rmSync(temporary, {force: true});
			const finished = await start(['import', importCsv, '--db', store, '--no-backup', '--json'], delay);
			const ids = await idsNow();
			const isOld = same(ids, before);
			const isNew = same(ids, after);
			expect(isOld || isNew).toBe(true);
			const killed = finished.signal === 'SIGKILL';
			if (!killed) expect(finished.code).toBe(0);
			if (killed && isOld) tooEarly = Math.max(tooEarly, delay);
			else tooLate = Math.min(tooLate, delay);
			// A temporary file left behind means the kill came while the new store was being written.
			outcomes.push({delay, killed, halfWritten: existsSync(temporary), result: isNew ? 'new' : 'old'});
		}
		console.log(`kill test: a whole import took ${Math.round(full.ms)} ms; ${JSON.stringify(outcomes)}`);
		expect(outcomes.filter(outcome => outcome.killed).length).toBeGreaterThanOrEqual(3);

		// Whatever a killed run left (a stale lock, a temporary file), the next import goes through.
		writeFileSync(store, original);
		const last = await start(['import', importCsv, '--db', store, '--no-backup', '--json']);
		expect(last.stderr).toBe('');
		expect(last.code).toBe(0);
		expect(same(await idsNow(), after)).toBe(true);
		expect(existsSync(`${store}.lock`)).toBe(false);
		expect(readFileSync(store, 'utf8')).not.toBe(original);
	}, 60_000);
});
