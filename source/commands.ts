import path from 'node:path';
import {fileURLToPath} from 'node:url';
import meow from 'meow';
import packageJson from '../package.json' with {type: 'json'};
import type {CheckCache, StoreText} from './data/check-cache.js';
import {recallOpening, type Opening} from './data/opening.js';
import {rememberedCheck} from './data/remembered-check.js';
import {recallReport, rememberReport} from './data/remembered-report.js';
import {recallDiff, rememberSides} from './data/remembered-sides.js';
import {loadStore, loadStoreOrRecall, recallByDigest, storeJsonSchema} from './data/store.js';
import {exitCodes, reportError, UsageError} from './errors.js';
import type {TextWriter} from './output/stdio.js';
import {createDataset, type Dataset} from './model/dataset.js';
import {isQuarter, parsePeriod, resolveQuarter, yearEarlier} from './model/period.js';
import {compareQuarters} from './model/diff.js';
import {getBalanceSeries, getQuarter, getSegmentRevenue, getSiteStatuses, listQuarters} from './model/queries.js';
import {paneRequest, reportKey, type PaneName, type Report, type ReportRequest} from './model/reports.js';
import {checkStore, severities, type CheckReport, type Severity} from './model/check.js';
import {formatReport, writeJson, type OutputMode} from './output/write.js';

/** The store that ships with quarterdeck. */
export const bundledStore = fileURLToPath(new URL('../data/hemacare.json', import.meta.url));

/** Where a command writes, and what it knows of the terminal; process streams locally, a channel over SSH. */
export type CommandIo = {
	stdout: TextWriter;
	stderr: TextWriter;
	stdoutIsTTY: boolean;
	columns: number;
	env: Readonly<Record<string, string | undefined>>;
	cwd: string;
	/** Asks a yes/no question on the terminal; absent where there is no one to ask. */
	confirm?: ((question: string) => Promise<boolean>) | undefined;
	/**
	 * Where a large store's checks are remembered: the process's choice (see check-cache.ts), never
	 * an SSH visitor's. None: every store is checked every time.
	 */
	checkCache?: CheckCache | undefined;
	/** A store already read and checked (a server's): a command on that file uses it instead of reading it again. */
	loaded?: {db: string; dataset: Dataset} | undefined;
	/**
	 * Called before the store is read when the command is to open the explorer on this process's
	 * own terminal, where the process steers its collector (see heap.ts). Not given over SSH.
	 */
	beforeExplorerLoad?: (() => void) | undefined;
};

/** The panes the explorer opens on, and the command each one prints when there is no terminal. */
export const panes: readonly PaneName[] = ['segments', 'centers', 'balance', 'diff'];

/**
 * The store the explorer shows: read and checked, or, on a large store whose pane was shown
 * before, what was kept for its text (see opening.ts), to draw the first frame from while `load`
 * reads it.
 */
export type ExplorerStore = {dataset: Dataset; opening?: never; load?: never} | {opening: Opening; load: () => Promise<Dataset>; dataset?: never};

/** What the explorer needs to start: the store, and where to open. */
export type ExploreRequest = ExplorerStore & {
	db: string;
	pane: PaneName;
	quarter: string;
	a: string;
	b: string;
	color: boolean;
};

export type CommandResult = {exitCode: number} | {explore: ExploreRequest} | {serve: {flags: Flags; db: string; dataset: Dataset}};

export const helpText = `
  Usage
    $ quarterdeck [command] [arguments] [flags]

  Commands
    (none)                 On a terminal, open the explorer; piped, print the quarters
    explore [pane] [A] [B] Open the explorer on a pane: segments, centers, balance, diff
    quarters               The quarters in the store, with revenue and net income
    segments               Revenue by segment for a quarter, against a year earlier
    centers                Every site and its status as of a quarter
    balance                Balance-sheet figures across quarters (gaps stay gaps)
    show <Q>               Every figure for a quarter or period (2004Q2, 2004Q1-Q2)
    diff <A> <B>           Every metric of two quarters side by side, with the change
    check                  Tie-out checks: where the figures contradict each other
    import <file>          Add or correct figures, sources and site events (JSON or CSV)
    schema                 The store's JSON Schema
    serve                  An SSH server that shows the explorer to visitors (see below)

  Flags
    --db <file>            Store to read (default: $QUARTERDECK_DB, else the bundled store)
    --quarter, -q <Q>      Quarter for segments, centers and explore (default: latest)
    --from <Q>, --to <Q>   Range of quarters for balance
    --json                 JSON (pretty on a terminal, compact when piped)
    --csv                  CSV with a header row
    --debug                Show the stack trace of an error
    --help, --version

  Check and import flags
    --fail-on <level>      check exits 4 on a finding at or above: info, warning, error
                           (default warning)
    --dry-run              import: show what would change, write nothing
    --yes, -y              import: write without asking (it asks only on a terminal)
    --replace              import: let a row replace a figure it conflicts with
    --no-backup            import: skip the timestamped copy of the previous store

  Serve flags
    --host <addr>          Address to listen on (default 127.0.0.1)
    --port <n>             Port (default 2222)
    --host-key <file>      Host key; made on first use if missing (default ./quarterdeck_host_key)
    --authorized-keys <f>  Public keys allowed in (default ~/.ssh/authorized_keys)
    --open                 Let anyone in, for a public read-only demo
    --max-sessions <n>     Sessions at once (default 16)
    --max-per-address <n>  Sessions at once from one address (default 4)
    --idle-timeout <s>     Seconds without a key before a session ends (default 600)
    --max-session-time <s> Longest a session may last, in seconds (default 3600)
    --connect-rate <n>     New connections per address per minute (default 20)
    --json-log             Log one JSON object per line instead of text
  A visitor's session ends with status 0 on q, 1 when the server ends it (a limit, the
  idle or session time, shutdown); an exec command ends with that command's exit code.

  Each command's report and the findings of check are remembered in $QUARTERDECK_CACHE_DIR
  (default $XDG_CACHE_HOME/quarterdeck, else ~/.cache/quarterdeck), so a command asked again
  on the same text prints its report without parsing the store (a store under 1 MiB read
  from a pipe is not remembered); a store of 1 MiB or more is also checked once per text.
  QUARTERDECK_NO_CACHE=1 checks every time and remembers nothing.

  Quarters are written 2004Q2, 2004-Q2, Q2 2004 or q2-2004, or relative to the newest
  quarter in the store: latest, latest-1, latest-4 (a year earlier).

  Output: on a terminal, aligned coloured tables; piped, tab-separated text with numbers in
  base units, no colour and nothing cut. NO_COLOR turns colour off.

  Exit codes
    0  success
    1  internal error
    2  usage error: unknown command or flag, bad or unknown quarter, missing argument
    3  data error: store missing, unreadable, not JSON, or failing the schema;
       an import file that is malformed
    4  check found something at or above --fail-on
    5  import refused: a row conflicts with the store, or the write was declined
    6  output error: stdout, a pipe or a file, could not be written (a full disk)

  Examples
    $ quarterdeck quarters
    $ quarterdeck segments --quarter 2004Q1
    $ quarterdeck centers -q 2003Q3 --csv > centers.csv
    $ quarterdeck balance --from 2003Q1 --json | jq '.rows[] | {name, latest}'
    $ quarterdeck show latest --json | jq '.figures[] | select(.kind == "stated") | .quote'
    $ quarterdeck diff 2003Q3 2004Q2 --json | jq '.rows[] | select(.metric == "cash-and-equivalents")'
    $ quarterdeck explore diff 2003Q3 2004Q2
    $ quarterdeck --db other-company.json segments
`;

type FlagSpec = {type: 'string' | 'boolean'; shortFlag?: string};

/** Every flag quarterdeck knows; anything else is a usage error. */
export const flagSpecs = {
	db: {type: 'string'},
	quarter: {type: 'string', shortFlag: 'q'},
	from: {type: 'string'},
	to: {type: 'string'},
	json: {type: 'boolean'},
	csv: {type: 'boolean'},
	debug: {type: 'boolean'},
	help: {type: 'boolean', shortFlag: 'h'},
	version: {type: 'boolean', shortFlag: 'v'},
	// serve
	host: {type: 'string'},
	port: {type: 'string'},
	hostKey: {type: 'string'},
	authorizedKeys: {type: 'string'},
	open: {type: 'boolean'},
	maxSessions: {type: 'string'},
	maxPerAddress: {type: 'string'},
	idleTimeout: {type: 'string'},
	maxSessionTime: {type: 'string'},
	connectRate: {type: 'string'},
	jsonLog: {type: 'boolean'},
	// check
	failOn: {type: 'string'},
	// import
	dryRun: {type: 'boolean'},
	yes: {type: 'boolean', shortFlag: 'y'},
	replace: {type: 'boolean'},
	backup: {type: 'boolean'},
} satisfies Record<string, FlagSpec>;

export type Flags = {[K in keyof typeof flagSpecs]?: (typeof flagSpecs)[K]['type'] extends 'string' ? string : boolean};

export const commands = ['quarters', 'segments', 'centers', 'balance', 'show', 'diff', 'check', 'import', 'schema', 'explore', 'serve'] as const;

/** Parses arguments without ever exiting the process: unknown flags become a usage error. */
export function parseArguments(argv: readonly string[]): {input: string[]; flags: Flags} {
	const cli = meow(helpText, {
		importMeta: import.meta,
		argv: [...argv],
		pkg: {name: packageJson.name, version: packageJson.version},
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: true,
		booleanDefault: undefined,
		flags: flagSpecs,
	});
	const known = new Set<string>();
	for (const [name, spec] of Object.entries(flagSpecs) as Array<[string, FlagSpec]>) {
		known.add(name);
		known.add(name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`));
		if (spec.shortFlag) known.add(spec.shortFlag);
	}
	for (const name of Object.keys(cli.unnormalizedFlags)) {
		if (!known.has(name)) {
			throw new UsageError(`unknown flag ${name.length === 1 ? '-' : '--'}${name}; see quarterdeck --help`);
		}
	}
	const flags = cli.flags as Flags;
	for (const [name, spec] of Object.entries(flagSpecs) as Array<[keyof Flags, FlagSpec]>) {
		const value = flags[name];
		if (spec.type === 'string' && value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
			throw new UsageError(`--${name} needs a value; see quarterdeck --help`);
		}
	}
	return {input: cli.input.map(String), flags};
}

/** The store a command reads: --db, then $QUARTERDECK_DB, then the bundled one. */
export function resolveDbPath(flags: Flags, io: Pick<CommandIo, 'env' | 'cwd'>): string {
	const chosen = flags.db ?? io.env.QUARTERDECK_DB;
	return chosen ? path.resolve(io.cwd, chosen) : bundledStore;
}

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb. */
export function wantsColor(io: Pick<CommandIo, 'env' | 'stdoutIsTTY'>): boolean {
	return io.stdoutIsTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}

function outputMode(flags: Flags, io: CommandIo): OutputMode {
	if (flags.json && flags.csv) throw new UsageError('--json and --csv cannot be used together');
	if (flags.json) return 'json';
	if (flags.csv) return 'csv';
	return io.stdoutIsTTY ? 'table' : 'tsv';
}

function expectArguments(command: string, args: string[], names: string[]): void {
	if (args.length < names.length) {
		throw new UsageError(`${command} needs ${names.map(name => `<${name}>`).join(' ')}; e.g. quarterdeck ${command} ${names.map((_, i) => (i === 0 ? '2003Q3' : '2004Q2')).join(' ')}`);
	}
	if (args.length > names.length) throw new UsageError(`${command} takes ${names.length} argument(s), got "${args.join(' ')}"`);
}

/** `show` accepts a quarter in any written form, or a longer period the store has (2004Q1-Q2). */
function resolvePeriod(input: string, dataset: Dataset): string {
	const span = input.trim().toUpperCase().replace(/^(\d{4})H1$/, '$1Q1-Q2').replace(/^(\d{4})H2$/, '$1Q3-Q4');
	const parts = parsePeriod(span);
	if (parts && parts.first !== parts.last) {
		if (dataset.periods.includes(span)) return span;
		const spans = dataset.periods.filter(period => !isQuarter(period));
		throw new UsageError(`period "${input}" is not in the store; expected a quarter or one of ${spans.join(', ') || 'none'}`);
	}
	return resolveQuarter(input, dataset.quarters, 'quarter');
}

/** The commands that print a report. */
type ReportCommand = Exclude<(typeof commands)[number], 'import' | 'schema' | 'serve'>;

/**
 * What `command` asks for, its arguments checked before the store is read; `explore` here is a
 * pane printed where there is no terminal to draw on.
 */
function requestFor(command: ReportCommand, args: string[], flags: Flags): ReportRequest {
	const quarter = flags.quarter ?? 'latest';
	switch (command) {
		case 'quarters':
			expectArguments(command, args, []);
			return {command};
		case 'segments':
		case 'centers':
			expectArguments(command, args, []);
			return {command, quarter};
		case 'balance':
			expectArguments(command, args, []);
			return {command, from: flags.from ?? null, to: flags.to ?? null};
		case 'show':
			expectArguments(command, args, ['quarter']);
			return {command, period: args[0]!};
		case 'diff':
			expectArguments(command, args, ['A', 'B']);
			return {command, a: args[0]!, b: args[1]!};
		case 'check': {
			expectArguments(command, args, []);
			const failOn = flags.failOn ?? 'warning';
			if (!(severities as readonly string[]).includes(failOn)) {
				throw new UsageError(`--fail-on "${failOn}" is not a level; expected one of ${severities.join(', ')}`);
			}
			return {command, quarter: flags.quarter ?? null};
		}
		case 'explore': {
			// No terminal to draw on: what the pane would show (its arguments checked by the caller).
			const [pane = 'segments', a, b] = args;
			if (pane === 'diff') return {command: 'diff', quarter, a: a || null, b: b || null};
			if (pane === 'balance') return {command: 'balance', from: null, to: null, quarter};
			return {command: pane as 'segments' | 'centers', quarter};
		}
	}
}

/** The explorer's quarter A when none is given: a year before `selected`, else the first of the store's `quarters`. */
function explorersA(quarters: readonly string[], selected: string): string {
	const yearBefore = yearEarlier(selected);
	return quarters.includes(yearBefore) ? yearBefore : quarters[0]!;
}

/** The quarters a diff is asked of, resolved among the store's `quarters`. */
function diffPair(request: Extract<ReportRequest, {command: 'diff'}>, quarters: readonly string[]): [string, string] {
	const quarter = (written: string, argument: string) => resolveQuarter(written, quarters, argument);
	const selected = request.quarter === undefined ? undefined : quarter(request.quarter, '--quarter');
	const a = request.a === null ? explorersA(quarters, selected!) : quarter(request.a, 'A');
	const b = request.b === null ? selected! : quarter(request.b, 'B');
	return [a, b];
}

/** The report `request` asks for, worked out from `dataset`. */
function reportOf(request: ReportRequest, dataset: Dataset): Report {
	const quarter = (written: string, argument: string) => resolveQuarter(written, dataset.quarters, argument);
	switch (request.command) {
		case 'quarters':
			return listQuarters(dataset);
		case 'segments':
			return getSegmentRevenue(dataset, quarter(request.quarter, '--quarter'));
		case 'centers':
			return getSiteStatuses(dataset, quarter(request.quarter, '--quarter'));
		case 'balance':
			if (request.quarter !== undefined) quarter(request.quarter, '--quarter');
			return getBalanceSeries(dataset, request.from === null ? undefined : quarter(request.from, '--from'), request.to === null ? undefined : quarter(request.to, '--to'));
		case 'show':
			return getQuarter(dataset, resolvePeriod(request.period, dataset));
		case 'diff':
			return compareQuarters(dataset, ...diffPair(request, dataset.quarters));
		case 'check':
			return request.quarter === null ? (rememberedCheck(dataset) ?? checkStore(dataset)) : checkStore(dataset, quarter(request.quarter, '--quarter'));
	}
}

/** The store at `db` for the explorer or `serve`, bound for a terminal (the one already loaded, when it is that file), checked. */
async function readDataset(db: string, io: CommandIo): Promise<Dataset> {
	if (io.loaded?.db === db) return io.loaded.dataset;
	return createDataset(await loadStore(db, {forTerminal: true, cache: io.checkCache}));
}

/**
 * The store at `db` for the explorer on `pane`, at the quarters `view` gives: the one already loaded, when it is
 * that file; else its opening, when one is kept for its text (see opening.ts) and the pane is not
 * Diff, whose rows name segments and sites by the store; else the store, read and checked.
 */
async function explorerStore(db: string, io: CommandIo, pane: PaneName, view: (quarters: readonly string[]) => {quarter: string; a: string; b: string}): Promise<ExplorerStore> {
	if (io.loaded?.db === db) return {dataset: io.loaded.dataset};
	if (pane === 'diff') return {dataset: await readDataset(db, io)};
	const requestOf = (quarters: readonly string[]) => {
		try {
			const {quarter, a, b} = view(quarters);
			return paneRequest(pane, reportKey(pane, quarter, a, b));
		} catch {
			// A quarter the store lacks: the store is read, and its error is the one given.
			return undefined;
		}
	};
	// Read twice when it opens (the second time after the first frame), and nothing of it kept the first time.
	const opening = recallByDigest(db, io.checkCache, text => recallOpening(text, requestOf));
	return opening ? {opening, load: () => readDataset(db, io)} : {dataset: await readDataset(db, io)};
}

/** What a command prints, the code it exits with, and what keeps its report once it is printed. */
type Answer = {text: string; exitCode: number; keep?: () => void};

/**
 * The answer to `request` of the store at `db`, given by `answer` from its report: the report
 * remembered for the store's text when there is one (see remembered-report.ts), without parsing the
 * store; else worked out and answered, and remembered by the answer's `keep` once printed. A kept report that fits its key but cannot
 * be answered (not the shape its command gives) is passed over as a damaged entry is, and the store
 * is read; what a report read from the store cannot give still fails, and is not remembered. (The
 * whole store's check then takes its findings entry again, held to the same shape; see
 * remembered-check.ts.)
 */
async function answerFor(request: ReportRequest, db: string, io: CommandIo, answer: (report: Report) => Answer): Promise<Answer> {
	if (io.loaded?.db === db) return answer(reportOf(request, io.loaded.dataset));
	// A diff of a pair not asked before: from its quarters' kept sides (remembered-sides.ts).
	let sides: ReturnType<typeof recallDiff>;
	const recall = (text: StoreText) => {
		const kept = answerKept(recallReport(text, request), answer);
		if (kept || request.command !== 'diff') return kept;
		sides = recallDiff(text, quarters => diffPair(request, quarters));
		return typeof sides === 'object' ? answerKept(sides, answer) : undefined;
	};
	const loaded = await loadStoreOrRecall(db, {cache: io.checkCache, recall});
	if (loaded.recalled) return loaded.recalled;
	const dataset = createDataset(loaded.store);
	const report = reportOf(request, dataset);
	// Kept once the answer is out: a first diff of a text keeps every quarter's side, which takes longer than the answer.
	const keep = () => {
		rememberReport(dataset.store, request, report);
		if (request.command === 'diff' && sides !== 'unkept') rememberSides(dataset);
	};
	return {...answer(report), keep};
}

function answerKept(report: Report | undefined, answer: (report: Report) => Answer): Answer | undefined {
	if (report === undefined) return undefined;
	try {
		return answer(report);
	} catch {
		return undefined;
	}
}

/** Runs one command to completion and returns its exit code, or asks the caller to open the explorer. */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<CommandResult> {
	let debug = argv.includes('--debug');
	try {
		const {input, flags} = parseArguments(argv);
		debug = Boolean(flags.debug);
		if (flags.help) {
			io.stdout.write(`${helpText.replace(/^\n/, '')}\n`);
			return {exitCode: exitCodes.ok};
		}
		if (flags.version) {
			io.stdout.write(`${packageJson.version}\n`);
			return {exitCode: exitCodes.ok};
		}
		const [given, ...args] = input;
		const command = given ?? (io.stdoutIsTTY ? 'explore' : 'quarters');
		if (!(commands as readonly string[]).includes(command)) {
			throw new UsageError(`unknown command "${command}"; expected one of ${commands.join(', ')}`);
		}
		const mode = outputMode(flags, io);

		if (command === 'schema') {
			expectArguments(command, args, []);
			io.stdout.write(writeJson(storeJsonSchema, io.stdoutIsTTY || mode === 'json'));
			return {exitCode: exitCodes.ok};
		}

		const db = resolveDbPath(flags, io);
		// import reads the store itself, under its lock.
		if (command === 'import') {
			expectArguments(command, args, ['file']);
			const {runImport} = await import('./data/import.js');
			return {
				exitCode: await runImport(
					{
						file: path.resolve(io.cwd, args[0]!),
						db,
						dryRun: Boolean(flags.dryRun),
						yes: Boolean(flags.yes),
						replace: Boolean(flags.replace),
						backup: flags.backup !== false,
						mode,
					},
					io,
				),
			};
		}
		// The explorer draws only on a terminal and without --json or --csv; elsewhere, explore prints.
		const draws = io.stdoutIsTTY && !flags.json && !flags.csv;
		if (command === 'serve') {
			expectArguments(command, args, []);
			return {serve: {flags, db, dataset: await readDataset(db, io)}};
		}
		if (command === 'explore') {
			const [paneArgument, ...rest] = args;
			const pane = (paneArgument ?? 'segments') as PaneName;
			if (!panes.includes(pane)) throw new UsageError(`unknown pane "${paneArgument}"; expected one of ${panes.join(', ')}`);
			if (rest.length > (pane === 'diff' ? 2 : 0)) throw new UsageError(`explore ${pane} takes no quarters here; use --quarter`);
			if (draws) {
				io.beforeExplorerLoad?.();
				const view = (quarters: readonly string[]) => {
					const quarter = resolveQuarter(flags.quarter ?? 'latest', quarters, '--quarter');
					const a = rest[0] ? resolveQuarter(rest[0], quarters, 'A') : explorersA(quarters, quarter);
					const b = rest[1] ? resolveQuarter(rest[1], quarters, 'B') : quarter;
					return {pane, quarter, a, b};
				};
				const store = await explorerStore(db, io, pane, view);
				return {explore: {...store, db, ...view(store.dataset ? store.dataset.quarters : store.opening.quarters), color: wantsColor(io)}};
			}
		}
		const request = requestFor(command as ReportCommand, args, flags);
		const worst = severities.indexOf((flags.failOn ?? 'warning') as Severity);
		const {text, exitCode, keep} = await answerFor(request, db, io, report => ({
			text: formatReport(report, {mode, color: wantsColor(io), width: Math.max(40, io.columns), pretty: io.stdoutIsTTY}),
			exitCode:
				request.command === 'check' && (report as CheckReport).findings.some(finding => severities.indexOf(finding.severity) >= worst)
					? exitCodes.findings
					: exitCodes.ok,
		}));
		io.stdout.write(text);
		keep?.();
		return {exitCode};
	} catch (error) {
		const {text, exitCode} = reportError(error, debug);
		io.stderr.write(text);
		return {exitCode};
	}
}
