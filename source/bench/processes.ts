import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';

/**
 * One command line, run as its own process. `argvOf` gives the command line of each run instead of
 * `argv`, for a command that asks something new each time: runs are numbered from 0, the unmeasured
 * round is −1, and peak RSS is taken from runs 1000 on.
 */
export type Command = {name: string; argv: string[]; argvOf?: (run: number) => string[]};

const argvOf = (command: Command, run: number) => command.argvOf?.(run) ?? command.argv;

/**
 * Two quarters for run `run` of a command asking for a diff that no other run of the bench asks
 * for: first the pairs four apart (a year, for quarters in a row), then those one, two, three,
 * five… apart, the older quarter first, never `again` (the pair the bench asks for in every run).
 * The unmeasured round takes the first pair and the timed
 * runs the pairs after it; peak RSS takes pairs from the last one back. No pair comes twice while
 * there are more pairs than runs (20 for 7 quarters); a store of one quarter gives it twice.
 */
export function newPair(quarters: readonly string[], run: number, again: readonly [string, string]): [string, string] {
	const count = quarters.length;
	const gaps = [4, ...Array.from({length: count - 1}, (_item, index) => index + 1).filter(gap => gap !== 4)];
	const pairs: Array<[number, number]> = [];
	for (const gap of gaps) {
		for (let start = 0; start + gap < count; start++) if (quarters[start] !== again[0] || quarters[start + gap] !== again[1]) pairs.push([start, start + gap]);
	}
	if (pairs.length === 0) return [quarters[0]!, quarters.at(-1)!];
	const at = (((run >= 1000 ? pairs.length - 1 - (run - 1000) : run + 1) % pairs.length) + pairs.length) % pairs.length;
	const [a, b] = pairs[at]!;
	return [quarters[a]!, quarters[b]!];
}

/** Runs a command to the end with its output piped, as a shell pipeline would; its wall time in ms. */
export function timeCommand(command: Command, env: NodeJS.ProcessEnv, run = 0): number {
	const argv = argvOf(command, run);
	const start = performance.now();
	const result = spawnSync(argv[0]!, argv.slice(1), {stdio: ['ignore', 'pipe', 'pipe'], env, maxBuffer: 256 * 1024 * 1024});
	const elapsed = performance.now() - start;
	if (result.status !== 0) {
		throw new Error(`${argv.join(' ')} exited with ${result.status}: ${String(result.stderr).trim().split('\n')[0]}`);
	}
	return elapsed;
}

/**
 * Runs each command `runs` times, interleaved so that a burst of load elsewhere falls on all of
 * them alike; the wall times in ms, by command name.
 */
export function timeInterleaved(commands: readonly Command[], runs: number, env: NodeJS.ProcessEnv): Map<string, number[]> {
	const times = new Map(commands.map(command => [command.name, [] as number[]]));
	// One unmeasured round first: the page cache and the file system are warm for everyone.
	for (const command of commands) timeCommand(command, env, -1);
	for (let run = 0; run < runs; run++) {
		for (const command of commands) times.get(command.name)!.push(timeCommand(command, env, run));
	}
	return times;
}

const gnuTime = '/usr/bin/time';

/** How peak RSS is read: GNU time's %M where it is installed, else the process's own getrusage. */
export const rssMethod = existsSync(gnuTime) ? 'GNU time %M (ru_maxrss of the child)' : 'process.resourceUsage().maxRSS at exit';

/** A process that exits writing its own peak RSS in KB to $BENCH_RSS_FILE: the fallback when GNU time is missing. */
const reportRss = `data:text/javascript,${encodeURIComponent(
	"import {writeFileSync} from 'node:fs'; process.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));",
)}`;

/**
 * The argv that runs `argv` (a node command) and leaves its peak RSS in KB in `file`. Only for
 * separate runs: the wrapper itself is not timed.
 */
export function withRssReport(argv: readonly string[], file: string): {argv: string[]; env: Record<string, string>} {
	if (existsSync(gnuTime)) return {argv: [gnuTime, '-f', '%M', '-o', file, ...argv], env: {}};
	return {argv: [argv[0]!, '--import', reportRss, ...argv.slice(1)], env: {BENCH_RSS_FILE: file}};
}

/** Reads the peak RSS a wrapped run left, in MB. */
export function readRss(file: string): number {
	const text = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
	const kilobytes = Number(text);
	if (!Number.isFinite(kilobytes) || kilobytes <= 0) throw new Error(`no peak RSS in ${file}: ${JSON.stringify(text)}`);
	return kilobytes / 1024;
}

/** Peak RSS in MB of each run of a command. */
export function peakRss(command: Command, runs: number, env: NodeJS.ProcessEnv): number[] {
	const directory = mkdtempSync(path.join(tmpdir(), 'quarterdeck-bench-'));
	try {
		const values: number[] = [];
		for (let run = 0; run < runs; run++) {
			const file = path.join(directory, `rss-${run}`);
			const argv = argvOf(command, 1000 + run);
			const wrapped = withRssReport(argv, file);
			const result = spawnSync(wrapped.argv[0]!, wrapped.argv.slice(1), {stdio: ['ignore', 'pipe', 'pipe'], env: {...env, ...wrapped.env}, maxBuffer: 256 * 1024 * 1024});
			if (result.status !== 0) throw new Error(`${argv.join(' ')} exited with ${result.status}`);
			values.push(readRss(file));
		}
		return values;
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
}

/** The machine's CPU time so far in clock ticks, all of it and the part the hypervisor took for other guests (`steal`). */
export type CpuTimes = {total: number; steal: number};

/** The first line of /proc/stat as CPU times; undefined where there is no such file (not Linux). */
export function readCpuTimes(stat?: string): CpuTimes | undefined {
	let text = stat;
	if (text === undefined) {
		try {
			text = readFileSync('/proc/stat', 'utf8');
		} catch {
			return undefined;
		}
	}
	const fields = text.split('\n', 1)[0]!.trim().split(/\s+/);
	if (fields[0] !== 'cpu' || fields.length < 9) return undefined;
	const ticks = fields.slice(1).map(Number);
	// user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is counted in user already.
	return {total: ticks.slice(0, 8).reduce((sum, value) => sum + value, 0), steal: ticks[7]!};
}

/**
 * The share of CPU time (0–1) taken by the hypervisor between two readings: a virtual machine whose
 * host is busy runs everything slower, the baselines included, and its timings spread out.
 */
export function stealShare(start: CpuTimes | undefined, end: CpuTimes | undefined): number | null {
	if (!start || !end || end.total <= start.total) return null;
	return (end.steal - start.steal) / (end.total - start.total);
}
