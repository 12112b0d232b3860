import {existsSync, readFileSync, statSync} from 'node:fs';
import {mkdir, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import process from 'node:process';
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {settledAfterMs} from '../data/check-cache.js';
import {loadStore} from '../data/store.js';
import {exitCodes} from '../errors.js';
import {sanitize} from '../model/text.js';
import {createDataset} from '../model/dataset.js';
import {yearEarlier} from '../model/period.js';
import {actionNames, footerMark, measureFirstFrame, measureKeystrokes, terminalSize, type StoreFacts} from './explorer.js';
import {generateStore, largeStoreSize, writeGeneratedStore} from './generate-store.js';
import {probeLoad, type LoadTimes} from './load-probe.js';
import {newPair, peakRss, readCpuTimes, rssMethod, stealShare, timeInterleaved, type Command} from './processes.js';
import {endOfFrame, hasScript} from './pty.js';
import {beyondLoad, formatTable, formatTargets, type BenchResult, type StoreResult, type TargetResult} from './report.js';
import {median, round, summarize} from './stats.js';

const dist = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(dist, '..');
const cli = path.join(dist, 'cli.js');
const benchFile = fileURLToPath(import.meta.url);
const workDirectory = path.join(root, '.quarterdeck-bench');
const cacheDirectory = path.join(workDirectory, 'cache');
const node = process.execPath;

/** A share (0–1) as a percent to one place; null stays null. */
function percent(share: number | null): number | null {
	return share === null ? null : round(share * 100, 1);
}

const limits = {scriptable: 1.5, firstFrame: 3, keyShipped: 16, keyLarge: 33, rssLarge: 120, growth: 25};

/**
 * Children run without CI markers (Ink draws nothing on a terminal it thinks is CI) and without a
 * default store. A large store's checks are remembered in the bench's own cache, emptied at the
 * start of each run.
 */
function childEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env, TERM: 'xterm-256color', QUARTERDECK_CACHE_DIR: cacheDirectory};
	for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'QUARTERDECK_DB', 'NODE_OPTIONS', 'QUARTERDECK_NO_CACHE']) delete env[name];
	return env;
}

function cpuModel(): string {
	try {
		const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find(item => item.startsWith('model name'));
		if (line) return line.split(':')[1]!.trim();
	} catch {}
	return os.cpus()[0]?.model ?? 'unknown';
}

function probeInChild(file: string, runs: number, env: NodeJS.ProcessEnv): LoadTimes {
	const samples: LoadTimes[] = [];
	// One probe first, not kept: it remembers a large store's checks, so every kept recall finds them.
	for (let run = -1; run < runs; run++) {
		const result = spawnSync(node, [benchFile, '--probe-load', file], {encoding: 'utf8', env});
		if (result.status !== 0) throw new Error(`load probe of ${file} failed: ${result.stderr}`);
		if (run >= 0) samples.push(JSON.parse(result.stdout) as LoadTimes);
	}
	const recalls = samples.map(sample => sample.recall).filter(recall => recall !== null);
	return {
		read: round(median(samples.map(sample => sample.read))),
		validate: round(median(samples.map(sample => sample.validate))),
		recall: recalls.length === 0 ? null : round(median(recalls)),
		index: round(median(samples.map(sample => sample.index))),
	};
}

const log = (message: string) => process.stderr.write(`${message}\n`);

const usage = `
  Usage: npm run bench [-- --quick]    (or, once built: node dist/bench.mjs [--quick])

  Measures quarterdeck on the bundled store and on a generated large store, each time as a ratio
  to a baseline measured in the same run, and prints a table, the targets met and a line of JSON
  (also written to .quarterdeck-bench/result.json).

  --quick   fewer runs and keys, for a look while working
  --help    this text (also -h)
`;

async function main(argv: readonly string[]): Promise<number> {
	if (argv[0] === '--probe-load') {
		process.stdout.write(`${JSON.stringify(await probeLoad(argv[1]!))}\n`);
		return 0;
	}
	if (argv.includes('--help') || argv.includes('-h')) {
		process.stdout.write(usage);
		return exitCodes.ok;
	}
	const unknown = argv.find(argument => argument !== '--quick');
	if (unknown !== undefined) {
		log(`bench: unknown argument "${sanitize(unknown)}"; expected --quick, --help or -h`);
		return exitCodes.usage;
	}
	const quick = argv.includes('--quick');
	const began = performance.now();
	const loadStart = os.loadavg();
	const cpuStart = readCpuTimes();
	if (!existsSync(cli)) {
		log(`bench: ${cli} is missing; run npm run build first`);
		return 1;
	}
	const pty = hasScript();
	if (!pty) log('bench: util-linux `script` is not installed; the pseudo-terminal measurements are skipped');
	const env = childEnv();
	await rm(cacheDirectory, {recursive: true, force: true});

	log('bench: generating the large store');
	const large = path.join(workDirectory, 'large-store.json');
	await writeGeneratedStore(large, generateStore(largeStoreSize));
	const stores = [
		{name: 'shipped', file: path.join(root, 'data', 'hemacare.json'), scriptRuns: quick ? 7 : 15, frameRuns: quick ? 4 : 8},
		{name: 'large', file: large, scriptRuns: quick ? 7 : 15, frameRuns: quick ? 4 : 8},
	];
	const counts = quick
		? {paneSwitch: 9, quarterChange: 10, scroll: 20, openDiff: 6, diffQuarter: 6}
		: {paneSwitch: 30, quarterChange: 40, scroll: 60, openDiff: 20, diffQuarter: 20};

	const results: StoreResult[] = [];
	for (const store of stores) {
		const dataset = createDataset(await loadStore(store.file));
		const latest = dataset.quarters.at(-1)!;
		const yearBefore = yearEarlier(latest);
		const facts: StoreFacts = {
			quarters: dataset.quarters,
			siteCount: dataset.store.sites.length,
			diffA: dataset.quarters.includes(yearBefore) ? yearBefore : dataset.quarters[0]!,
			diffB: latest,
		};
		log(`bench: ${store.name} store: load probe`);
		const load = probeInChild(store.file, quick ? 3 : 5, env);

		// A store file that has stood unchanged for long enough is known by its stat (check-cache.ts):
		// the large one, written at the start, is left to stand that long before its first command.
		const standing = settledAfterMs + 500 - (Date.now() - statSync(store.file).ctimeMs);
		if (standing > 0) await new Promise(resolve => setTimeout(resolve, standing));
		log(`bench: ${store.name} store: scriptable commands`);
		const baseline: Command = {name: 'node -e 0', argv: [node, '-e', '0']};
		const diff = (a: string, b: string) => [node, cli, 'diff', a, b, '--json', '--db', store.file];
		const commands: Command[] = [
			{name: 'quarters --json', argv: [node, cli, 'quarters', '--json', '--db', store.file]},
			{name: 'diff A B --json', argv: diff(facts.diffA, facts.diffB)},
			{name: 'diff A B --json, a new pair', argv: diff(...newPair(facts.quarters, 0, [facts.diffA, facts.diffB])), argvOf: run => diff(...newPair(facts.quarters, run, [facts.diffA, facts.diffB]))},
		];
		const floor: Command = {name: 'read + JSON.parse', argv: [node, '-e', "JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'))", store.file]};
		const timed = timeInterleaved([baseline, floor, ...commands], store.scriptRuns, env);
		const baselineTime = summarize(timed.get(baseline.name)!);
		const floorTime = summarize(timed.get(floor.name)!);
		const rssRuns = quick ? 1 : 3;
		const result: StoreResult = {
			name: store.name,
			file: path.relative(root, store.file),
			sizeMb: round(statSync(store.file).size / 1024 / 1024),
			figures: dataset.store.figures.length,
			quarters: dataset.quarters.length,
			segments: dataset.store.segments.length,
			sites: dataset.store.sites.length,
			load,
			scriptable: {
				baseline: baselineTime,
				floor: {time: floorTime, ratio: round(floorTime.median / baselineTime.median)},
				baselineRssMb: round(median(peakRss(baseline, rssRuns, env))),
				commands: commands.map(command => {
					const time = summarize(timed.get(command.name)!);
					return {
						name: command.name,
						argv: command.argv.slice(2),
						time,
						ratio: round(time.median / baselineTime.median),
						rssMb: round(median(peakRss(command, rssRuns, env))),
					};
				}),
			},
		};

		if (pty) {
			// One `check` first, not measured: a large store's findings are then remembered, as any
			// earlier check or explorer session of the same text leaves them.
			const check = spawnSync(node, [cli, 'check', '--json', '--db', store.file], {stdio: 'ignore', env});
			if (check.status !== exitCodes.ok && check.status !== exitCodes.findings) throw new Error(`check of ${store.file} exited with ${check.status}`);
			log(`bench: ${store.name} store: first frame in a pty`);
			const frames = await measureFirstFrame(node, cli, store.file, store.frameRuns, env);
			log(`bench: ${store.name} store: keystrokes in a pty`);
			const keys = await measureKeystrokes(node, cli, store.file, facts, counts, env);
			const firstFrame = summarize(frames.explorer);
			const ptyBaseline = summarize(frames.baseline);
			result.explorer = {
				baseline: ptyBaseline,
				firstFrame,
				ratio: round(firstFrame.median / ptyBaseline.median),
				beyondLoad: beyondLoad(firstFrame, ptyBaseline, load),
				keystrokes: Object.fromEntries(Object.entries(keys.actions).map(([action, samples]) => [action, summarize(samples)])),
				sessionRssMb: round(keys.rssMb),
			};
		}
		results.push(result);
	}

	const targets: TargetResult[] = [];
	for (const store of results) {
		for (const command of store.scriptable.commands) {
			targets.push({target: `\`${command.name}\` ≤ ${limits.scriptable}× \`node -e 0\``, store: store.name, value: `${command.ratio.toFixed(2)}×`, limit: `${limits.scriptable}×`, pass: command.ratio <= limits.scriptable});
		}
		if (store.explorer) {
			targets.push({target: `first frame ≤ ${limits.firstFrame}× node's first line`, store: store.name, value: `${store.explorer.ratio.toFixed(2)}×`, limit: `${limits.firstFrame}×`, pass: store.explorer.ratio <= limits.firstFrame});
			const limit = store.name === 'large' ? limits.keyLarge : limits.keyShipped;
			for (const [action, summary] of Object.entries(store.explorer.keystrokes)) {
				targets.push({target: `key → frame p95: ${action}`, store: store.name, value: `${summary.p95.toFixed(1)} ms`, limit: `${limit} ms`, pass: summary.p95 <= limit});
			}
		}
		if (store.name === 'large') {
			const peaks = [...store.scriptable.commands.map(command => command.rssMb), ...(store.explorer ? [store.explorer.sessionRssMb] : [])];
			const peak = Math.max(...peaks);
			targets.push({target: 'peak RSS, every process', store: store.name, value: `${peak.toFixed(0)} MB`, limit: `${limits.rssLarge} MB`, pass: peak <= limits.rssLarge});
		}
	}
	const [shipped, big] = results;
	if (shipped?.explorer && big?.explorer) {
		const growth = round(big.explorer.beyondLoad - shipped.explorer.beyondLoad);
		targets.push({target: 'first frame grows with the store only by read + validate (or recall)', store: 'large − shipped', value: `${growth.toFixed(0)} ms`, limit: `${limits.growth} ms`, pass: growth <= limits.growth});
	}

	const result: BenchResult = {
		format: 1,
		date: new Date().toISOString(),
		machine: {cpus: os.availableParallelism(), cpuModel: cpuModel(), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverage: {start: loadStart.map(value => round(value)), end: os.loadavg().map(value => round(value))}, cpuSteal: percent(stealShare(cpuStart, readCpuTimes()))},
		method: {
			scriptable: 'wall time of each command run to the end with stdout piped, median of interleaved runs against `node -e 0` in the same run, after one unmeasured round (in which each command\'s report is remembered, and a large store\'s checks, and the large store file, which has stood unchanged for 3.5 s or more by then, has its digest noted under its stat, so that a command answering from what is kept does not read it); "a new pair": a diff of two quarters that no earlier run asked for (a year apart, then other gaps once those are asked; its argv is the first measured run\'s), so its report is not kept: on the shipped store it is worked out (the store read, parsed and checked) and remembered; on the large store it is joined from its two quarters\' sides, which the unmeasured round\'s diff kept for every quarter of the text',
			floor: 'bare node reading the store with readFileSync and parsing it with JSON.parse, interleaved with the commands: the least a command that reads the store can cost',
			firstFrame: `spawn of \`script -qfec "stty cols ${terminalSize.columns} rows ${terminalSize.rows}; exec CMD" /dev/null\` to the end (Ink's ${JSON.stringify(endOfFrame)}) of the first frame holding the footer "${footerMark}"; baseline: the same wrapper running node -e 'console.log(1)', to its line`,
			keystrokes: `a key written to the pty to the end (Ink's ${JSON.stringify(endOfFrame)}) of the first frame after it, checked to show what the key does (the new tab, the quarter, a moved › marker, the diff's quarter B); the first key 200 ms after the first frame, each next key 25-35 ms after the previous frame; a large store's findings remembered by an unmeasured \`check\` before the explorer runs, so no tie-out checks run in the background`,
			growth: "each store's first frame less node's first line in the same run and less its read + validate (or recall) from the load probe; the large store's less the shipped store's",
			load: 'fresh process per run: the store read as commands read it (512 KiB at a time) + JSON.parse, acceptStore (shape against the JSON Schema, references, derived figures), createDataset; for a store of 1 MiB or more, the SHA-256 of its text and the recall of its remembered checks, which commands do instead of acceptStore; medians',
			rss: rssMethod,
			actions: Object.values(actionNames).join(', '),
		},
		stores: results,
		targets,
		durationSeconds: round((performance.now() - began) / 1000, 1),
	};
	await mkdir(workDirectory, {recursive: true});
	await writeFile(path.join(workDirectory, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);

	const out = [
		`quarterdeck bench · ${result.date} · ${result.machine.cpus} CPUs, ${result.machine.cpuModel}, Node ${result.machine.node} · load average ${result.machine.loadAverage.start.join(' ')} → ${result.machine.loadAverage.end.join(' ')}${result.machine.cpuSteal === null ? '' : ` · CPU taken by the host ${result.machine.cpuSteal}%`}`,
		'',
		formatTable(result),
		'',
		formatTargets(targets),
		'',
		`${targets.filter(target => target.pass).length} of ${targets.length} targets met · ${result.durationSeconds} s · JSON: ${path.relative(process.cwd(), path.join(workDirectory, 'result.json'))}`,
		'',
		'How it measures:',
		...Object.entries(result.method).map(([name, text]) => `  ${name}: ${text}`),
		'',
		JSON.stringify(result),
	];
	process.stdout.write(`${out.join('\n')}\n`);
	return 0;
}

process.exitCode = await main(process.argv.slice(2));
