import {round, type Summary} from './stats.js';

/** Everything one run of the benchmark found, as written to result.json. */
export type BenchResult = {
	format: 1;
	date: string;
	machine: {
		cpus: number;
		cpuModel: string;
		node: string;
		platform: string;
		loadAverage: {start: number[]; end: number[]};
		/** Percent of the machine's CPU time the hypervisor gave to other guests during the run; null off Linux. */
		cpuSteal: number | null;
	};
	method: Record<string, string>;
	stores: StoreResult[];
	targets: TargetResult[];
	durationSeconds: number;
};

export type StoreResult = {
	name: string;
	file: string;
	sizeMb: number;
	figures: number;
	quarters: number;
	segments: number;
	sites: number;
	/** Fresh-process medians, ms; `recall` is null for a store whose checks are not remembered. */
	load: {read: number; validate: number; recall: number | null; index: number};
	scriptable: {
		baseline: Summary;
		/**
		 * Bare Node reading the store and parsing its JSON, with no checking and no output: the least
		 * any command that reads the store can cost. Not a target; it shows what is left of one.
		 */
		floor: {time: Summary; ratio: number};
		commands: Array<{name: string; argv: string[]; time: Summary; ratio: number; rssMb: number}>;
		baselineRssMb: number;
	};
	explorer?: {
		baseline: Summary;
		firstFrame: Summary;
		ratio: number;
		/** First frame minus node's first line in the same terminal, and minus reading the store and validating it (or recalling its checks). */
		beyondLoad: number;
		keystrokes: Record<string, Summary>;
		sessionRssMb: number;
	};
};

export type TargetResult = {target: string; store: string; value: string; limit: string; pass: boolean};

/**
 * What a first frame costs beyond Node's start and the store's load: its median less the baseline's
 * (node's first line, in the same run) and less reading and checking the store (or recalling its
 * checks, where a command does that instead). The growth target compares it between two stores.
 */
export function beyondLoad(firstFrame: Summary, baseline: Summary, load: StoreResult['load']): number {
	return round(firstFrame.median - baseline.median - load.read - (load.recall ?? load.validate));
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const times = (value: number) => `${value.toFixed(2)}×`;

/** The result as a Markdown table, one column per store, then the targets with pass or fail. */
export function formatTable(result: BenchResult): string {
	const stores = result.stores;
	const row = (label: string, cell: (store: StoreResult) => string) => `| ${label} | ${stores.map(store => cell(store)).join(' | ')} |`;
	const lines = [
		`| Measure | ${stores.map(store => store.name).join(' | ')} |`,
		`| --- | ${stores.map(() => '---:').join(' | ')} |`,
		row('Store: figures / quarters / segments / sites', store => `${store.figures} / ${store.quarters} / ${store.segments} / ${store.sites}`),
		row('Store file', store => `${store.sizeMb.toFixed(1)} MB`),
		row('Read + JSON.parse, fresh process', store => ms(store.load.read)),
		row('Validate (schema, references, derived figures)', store => ms(store.load.validate)),
		row('Instead, once remembered: SHA-256 + recall', store => (store.load.recall === null ? '—' : ms(store.load.recall))),
		row('Index (createDataset)', store => ms(store.load.index)),
		row('`node -e 0` (baseline)', store => ms(store.scriptable.baseline.median)),
		row('Floor: bare `node` reading + JSON.parse of the store, × baseline', store => `${ms(store.scriptable.floor.time.median)} (${times(store.scriptable.floor.ratio)})`),
	];
	for (const [index] of stores[0]!.scriptable.commands.entries()) {
		lines.push(
			row(`\`${stores[0]!.scriptable.commands[index]!.name}\` wall, × baseline`, store => {
				const command = store.scriptable.commands[index]!;
				return `${ms(command.time.median)} (${times(command.ratio)})`;
			}),
		);
	}
	if (stores.every(store => store.explorer)) {
		lines.push(
			row("pty: `node -e 'console.log(1)'` first line (baseline)", store => ms(store.explorer!.baseline.median)),
			row('pty: explorer first full frame, × baseline', store => `${ms(store.explorer!.firstFrame.median)} (${times(store.explorer!.ratio)})`),
			row('First frame minus node\'s first line, read + validate (or recall)', store => ms(store.explorer!.beyondLoad)),
		);
		for (const action of Object.keys(stores[0]!.explorer!.keystrokes)) {
			lines.push(
				row(`Key → frame: ${action}, p50 / p95 (max)`, store => {
					const summary = store.explorer!.keystrokes[action]!;
					return `${summary.p50.toFixed(1)} / ${summary.p95.toFixed(1)} (${summary.max.toFixed(1)}) ms`;
				}),
			);
		}
	}
	lines.push(row('Peak RSS: `node -e 0`', store => `${store.scriptable.baselineRssMb.toFixed(0)} MB`));
	for (const [index] of stores[0]!.scriptable.commands.entries()) {
		lines.push(row(`Peak RSS: \`${stores[0]!.scriptable.commands[index]!.name}\``, store => `${store.scriptable.commands[index]!.rssMb.toFixed(0)} MB`));
	}
	if (stores.every(store => store.explorer)) lines.push(row('Peak RSS: explorer, whole keystroke session', store => `${store.explorer!.sessionRssMb.toFixed(0)} MB`));
	return lines.join('\n');
}

export function formatTargets(targets: readonly TargetResult[]): string {
	const lines = ['| Target | Store | Measured | Limit | Result |', '| --- | --- | ---: | ---: | --- |'];
	for (const target of targets) lines.push(`| ${target.target} | ${target.store} | ${target.value} | ${target.limit} | ${target.pass ? 'pass' : '**FAIL**'} |`);
	return lines.join('\n');
}
