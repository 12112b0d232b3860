import {spawnSync} from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import {describe, expect, it} from 'vitest';
import {exitCodes} from '../../source/errors.js';
import {newPair, readCpuTimes, stealShare} from '../../source/bench/processes.js';
import {shellQuote, stripAnsi} from '../../source/bench/pty.js';
import {beyondLoad} from '../../source/bench/report.js';
import {median, percentile, summarize} from '../../source/bench/stats.js';
import {root} from '../helpers.js';

describe('percentile (nearest rank)', () => {
	it.each([
		[[5], 50, 5],
		[[5], 95, 5],
		[[1, 2, 3, 4], 50, 2],
		[[4, 3, 2, 1], 95, 4],
		[Array.from({length: 20}, (_, index) => index + 1), 95, 19],
		[Array.from({length: 20}, (_, index) => index + 1), 100, 20],
		[Array.from({length: 100}, (_, index) => 100 - index), 95, 95],
	])('%j at p%d is %d', (values, p, expected) => {
		expect(percentile(values, p)).toBe(expected);
	});

	it('is NaN for no samples, not zero', () => {
		expect(percentile([], 95)).toBeNaN();
		expect(median([])).toBeNaN();
	});
});

describe('median', () => {
	it.each([
		[[3, 1, 2], 2],
		[[4, 1, 3, 2], 2.5],
		[[7], 7],
	])('%j is %d', (values, expected) => {
		expect(median(values)).toBe(expected);
	});

	it('summarize does not reorder its input', () => {
		const values = [3, 1, 2];
		expect(summarize(values)).toMatchObject({runs: 3, median: 2, min: 1, max: 3});
		expect(values).toEqual([3, 1, 2]);
	});
});

describe('a first frame beyond the load', () => {
	const timing = (median: number) => summarize([median - 10, median, median + 30]);
	it('takes the baseline of the same run, the read and the checks from the first frame', () => {
		expect(beyondLoad(timing(300), timing(110), {read: 70, validate: 95, recall: null, index: 9})).toBe(25);
	});

	it('takes the recall instead of the checks where a store has one', () => {
		expect(beyondLoad(timing(300), timing(110), {read: 70, validate: 95, recall: 20, index: 9})).toBe(100);
	});
});

describe('pty helpers', () => {
	it.each([
		['\u001B[?2026h\u001B[1m[1 Segments]\u001B[22m\u001B[?2026l', '[1 Segments]'],
		['\u001B]0;title\u0007text', 'text'],
		['\u001B[33m1\u001B[39m\r\n', '1\r\n'],
		['plain', 'plain'],
	])('stripAnsi(%j)', (input, expected) => {
		expect(stripAnsi(input)).toBe(expected);
	});

	it.each([
		['/usr/bin/node', '/usr/bin/node'],
		['console.log(1)', "'console.log(1)'"],
		["it's", "'it'\\''s'"],
		['a b', "'a b'"],
	])('shellQuote(%j)', (input, expected) => {
		expect(shellQuote(input)).toBe(expected);
	});
});

describe('CPU taken by the host', () => {
	const before = 'cpu  100 0 50 800 10 0 5 35 0 0\ncpu0 50 0 25 400 5 0 2 18 0 0\n';
	const after = 'cpu  150 0 70 900 10 0 5 65 40 0\ncpu0 75 0 35 450 5 0 2 33 20 0\n';

	it('reads the machine line of /proc/stat, leaving guest time out of the total', () => {
		expect(readCpuTimes(before)).toEqual({total: 1000, steal: 35});
		expect(readCpuTimes(after)).toEqual({total: 1200, steal: 65});
	});

	it('is the stolen share of the time between two readings', () => {
		expect(stealShare(readCpuTimes(before), readCpuTimes(after))).toBeCloseTo(30 / 200);
	});

	it('is unknown without two readings, or when no time passed', () => {
		expect(readCpuTimes('intr 1 2 3\n')).toBeUndefined();
		expect(stealShare(undefined, readCpuTimes(after))).toBeNull();
		expect(stealShare(readCpuTimes(after), readCpuTimes(after))).toBeNull();
	});

	it('reads this machine where it is Linux', () => {
		const now = readCpuTimes();
		if (process.platform === 'linux') expect(now!.total).toBeGreaterThan(0);
		else expect(now).toBeUndefined();
	});
});

describe('a new pair of quarters for each run', () => {
	const quarters = Array.from({length: 200}, (_, index) => `q${index}`);
	const runs = [-1, ...Array.from({length: 15}, (_, index) => index), 1000, 1001, 1002];
	const apart = (few: readonly string[], [a, b]: [string, string]) => few.indexOf(b) - few.indexOf(a);
	/** The pair the bench asks for again, in a store of quarters in a row: the newest against a year earlier. */
	const yearBefore = (few: readonly string[]): [string, string] => [few.at(-5) ?? few[0]!, few.at(-1)!];

	it('asks for a diff no other run asks for, the timed runs four quarters apart, and never the pair asked again', () => {
		const pairs = runs.map(run => newPair(quarters, run, yearBefore(quarters)));
		expect(new Set(pairs.map(pair => pair.join())).size).toBe(runs.length);
		for (const pair of pairs.slice(0, 16)) expect(apart(quarters, pair)).toBe(4);
		for (const pair of pairs) expect(apart(quarters, pair)).toBeGreaterThan(0);
		expect(pairs.map(pair => pair.join())).not.toContain('q195,q199');
	});

	it('asks a store of few quarters for pairs of other gaps once those a year apart are asked, none twice', () => {
		for (const count of [7, 9]) {
			const few = quarters.slice(0, count);
			const pairs = runs.map(run => newPair(few, run, yearBefore(few)));
			expect(new Set(pairs.map(pair => pair.join())).size).toBe(runs.length);
			for (const pair of pairs) expect(apart(few, pair)).toBeGreaterThan(0);
			expect(pairs.map(pair => pair.join())).not.toContain(yearBefore(few).join());
			// The year-apart pairs first: of 9 quarters, four besides the one asked again.
			if (count === 9) expect(pairs.slice(0, 5).map(pair => apart(few, pair))).toEqual([4, 4, 4, 4, 1]);
		}
	});

	it('leaves out the pair asked again wherever it is among the quarters', () => {
		const few = quarters.slice(0, 9);
		const pairs = runs.map(run => newPair(few, run, ['q2', 'q6']).join());
		expect(pairs).not.toContain('q2,q6');
		expect(pairs).toContain('q4,q8');
		expect(new Set(pairs).size).toBe(runs.length);
	});

	it('gives pairs again for a store with fewer quarters, always of its own quarters, and not the pair asked again', () => {
		for (const count of [1, 2, 3, 4, 5]) {
			const few = quarters.slice(0, count);
			for (const run of runs) expect(few).toEqual(expect.arrayContaining(newPair(few, run, yearBefore(few))));
			if (count > 2) for (const run of runs) expect(newPair(few, run, yearBefore(few))).not.toEqual(yearBefore(few));
		}
		expect(newPair(quarters.slice(0, 1), 0, ['q0', 'q0'])).toEqual(['q0', 'q0']);
	});
});

describe('the bench command line', () => {
	const bench = path.join(root, 'dist', 'bench.mjs');
	const run = (args: string[]) => spawnSync(process.execPath, [bench, ...args], {encoding: 'utf8', timeout: 10_000});

	it.each(['--help', '-h'])('prints its usage for %s and measures nothing', flag => {
		const result = run([flag]);
		expect(result.status).toBe(exitCodes.ok);
		expect(result.stdout).toContain('--quick');
		expect(result.stdout).toMatch(/[\s(]-h\b/);
		expect(result.stdout).not.toMatch(/\d+ of \d+ targets met/);
		expect(result.stderr).toBe('');
	});

	it('refuses an argument it does not know, in one line naming it, with the usage exit code', () => {
		const result = run(['--quik', '--quick']);
		expect(result.status).toBe(exitCodes.usage);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim().split('\n')).toEqual(['bench: unknown argument "--quik"; expected --quick, --help or -h']);
	});

	it('strips escape sequences from the argument it names', () => {
		const result = run(['\u001B[2J--x']);
		expect(result.status).toBe(exitCodes.usage);
		expect(result.stderr).not.toContain('\u001B');
		expect(result.stderr).toContain('"--x"');
	});
});
