import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {endianness, tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import {PtySession, shellQuote} from '../source/bench/pty.js';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const cli = path.join(root, 'dist', 'cli.js');
export const bundledStore = path.join(root, 'data', 'hemacare.json');
export const otherStore = path.join(root, 'test', 'fixtures', 'other-company.json');
export const seedsDirectory = path.join(root, '..', 'shared', 'seeds');

let gc: (() => void) | undefined;

/** Runs V8's full collection twice (the second takes what the first's finalizers let go). */
export function collectGarbage(): void {
	if (!gc) {
		v8.setFlagsFromString('--expose-gc');
		gc = vm.runInNewContext('gc') as () => void;
	}
	gc();
	gc();
}

export type Run = {code: number | null; stdout: string; stderr: string};

/** Runs the built CLI as a user would, piped (so not a terminal). */
export function runCli(args: string[], options: {env?: Record<string, string | undefined>; input?: string} = {}): Run {
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, QUARTERDECK_DB: undefined, QUARTERDECK_NO_CACHE: undefined, ...options.env};
	const result = spawnSync(process.execPath, [cli, ...args], {encoding: 'utf8', env: env as NodeJS.ProcessEnv, input: options.input ?? '', timeout: 20_000});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** A new directory of its own, inside this run's directory, which the run removes at its end (see global-setup.ts). */
export function tempDirectory(): string {
	return mkdtempSync(path.join(process.env.QUARTERDECK_TEST_TMP ?? tmpdir(), 'quarterdeck-test-'));
}

/** A private copy of a store, so a test can damage or write it freely. */
export function copyStore(from = bundledStore): string {
	const file = path.join(tempDirectory(), path.basename(from));
	copyFileSync(from, file);
	return file;
}

export function writeStoreText(text: string, name = 'store.json'): string {
	const file = path.join(tempDirectory(), name);
	writeFileSync(file, text);
	return file;
}

export function digest(file: string): string {
	return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The entries of a cache directory (none where there is no directory). */
export const entriesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter(name => name.endsWith('.json')) : []);
/** The entries of a text's checks and what is kept beside them (check's findings). */
export const checksIn = (dir: string) => entriesIn(dir).filter(name => name.startsWith('checked-'));
/** The entries of the commands' reports. */
export const reportsIn = (dir: string) => entriesIn(dir).filter(name => name.startsWith('report-'));
/** How the entry of the quarters report ends: the explorer keeps it for the next explorer's opening. */
export const quartersEntry = `-${createHash('sha256').update(JSON.stringify({command: 'quarters'})).digest('hex')}.json`;
/** The entries of the commands' reports but the quarters report. */
export const paneReportsIn = (dir: string) => reportsIn(dir).filter(name => !name.endsWith(quartersEntry));
/** The entries of the quarters' diff sides, one for each text. */
export const sidesIn = (dir: string) => entriesIn(dir).filter(name => name.startsWith('sides-'));
/** A fresh cache directory's path, not yet made. */
export const freshCache = () => path.join(tempDirectory(), 'cache');
/** Runs the built command line with its checks and reports remembered in `dir`. */
export const runWith = (dir: string, args: string[]) => runCli(args, {env: {QUARTERDECK_CACHE_DIR: dir}});
/** What changes when a file is written anew (a rename puts a new inode in place). */
export const stamp = (file: string) => {
	const {ino, mtimeMs} = statSync(file);
	return {ino, mtimeMs};
};

/**
 * The text of the cache entry in file `name` holding `body`, sealed as quarterdeck seals it: an
 * entry kept beside a text's checks (check's findings, a command's report) under its kind and the
 * store's digest. A test that reseals a body it changed is left with only what the body says to
 * make the entry unfit.
 */
export function sealed(name: string, body: string): string {
	const [, digestOfStore, kind] = /-([0-9a-f]{64})(?:-([0-9a-z]+))?\.json$/.exec(name)!;
	const digest = kind ? `${kind} ${digestOfStore}` : digestOfStore!;
	return `${createHash('sha256').update(digest).update('\n').update(body).digest('hex')}\n${body}`;
}

/** A small store's cache entry in its parts: its copy of the store's bytes, its header line, its body. */
export type SmallEntry = {bytes: Buffer; header: {kind: string; key: string}; body: Buffer};

export function smallEntryParts(entry: Buffer): SmallEntry {
	const bytes = entry.subarray(4, 4 + entry.readUInt32LE(0));
	const rest = entry.subarray(4 + bytes.length);
	const newline = rest.indexOf(10);
	return {bytes, header: JSON.parse(rest.toString('utf8', 0, newline)) as SmallEntry['header'], body: rest.subarray(newline + 1)};
}

/** The key of a small entry's body: two 32-bit multiply-xor hashes of its length and of its 4-byte words (in the machine's byte order), the last padded with zeros. */
function bodyKey(data: Uint8Array): string {
	const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
	let first = 0x81_1c_9d_c5 ^ data.length;
	let second = 0x25_45_f4_91;
	for (let offset = 0; offset < padded.length; offset += 4) {
		const word = endianness() === 'LE' ? padded.readInt32LE(offset) : padded.readInt32BE(offset);
		first = Math.imul(first ^ word, 0x01_00_01_93);
		second = Math.imul(((second << 5) | (second >>> 27)) ^ word, 0x5b_d1_e9_95);
	}
	return [first, second].map(hash => (hash >>> 0).toString(16).padStart(8, '0')).join('');
}

/**
 * The bytes of a small store's entry holding `parts`, as quarterdeck writes them: the copy's length
 * and the copy, then the header with the key made to fit the body (or `line` in its place), then
 * the body. A test that changes what an entry holds is left with only the change to make it unfit.
 */
export function smallEntry({bytes, header, body}: SmallEntry, line = JSON.stringify({...header, key: bodyKey(body)})): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32LE(bytes.length);
	return Buffer.concat([length, bytes, Buffer.from(`${line}\n`), body]);
}

/**
 * Writes `count` cache entries holding `content` beside the entry named `like`, named as it is but
 * for their last 64 hex digits, each written a second after the one before and long before now;
 * their names, the oldest first.
 */
export function writeOlderEntries(dir: string, like: string, count: number, content: string | Uint8Array): string[] {
	const names = Array.from({length: count}, (_item, index) => like.replace(/-[0-9a-f]{64}(-[a-z]+)?\.json$/, `-${String(index).padStart(64, '0')}$1.json`));
	names.forEach((name, index) => {
		writeFileSync(path.join(dir, name), content);
		utimesSync(path.join(dir, name), 1_000_000 + index, 1_000_000 + index);
	});
	return names;
}

export function readJson<T = any>(file: string): T {
	return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * Runs `argv` (the explorer) in a real pseudo-terminal of 100×30, waits for its first frame (the one
 * with the footer), and quits it with q; its exit code. It is killed if it draws no frame in 10 s.
 */
export async function openAndQuit(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
	const session = new PtySession(argv, {columns: 100, rows: 30, env});
	try {
		await session.waitForFrame(0, frame => frame.includes('q quit'), 10_000, 'the first frame');
	} catch (error) {
		await session.close(undefined, 0);
		throw error;
	}
	return session.close('q');
}

/** How a recorded run is run: in a terminal, or with its output sent to /dev/null (`discarded`); else piped. */
type RecordingOptions = {env?: Record<string, string | undefined>; terminal?: boolean; discarded?: boolean};

/**
 * Runs the built CLI with `args`, piped, discarded or in a terminal (through `script`), with `fixture` (in
 * test/fixtures) required first; what the fixture wrote to the file named by `logVariable`.
 */
export function runRecording(
	fixture: string,
	logVariable: string,
	args: readonly string[],
	{env = {}, terminal = false, discarded = false}: RecordingOptions = {},
): Run & {log: string} {
	const log = path.join(tempDirectory(), 'log.txt');
	const argv = [process.execPath, '--require', path.join(root, 'test', 'fixtures', fixture), cli, ...args];
	const options = {encoding: 'utf8' as const, env: {...process.env, ...env, [logVariable]: log} as NodeJS.ProcessEnv, timeout: 20_000};
	const run = terminal
		? spawnSync('script', ['-qfec', argv.map(word => shellQuote(word)).join(' '), '/dev/null'], options)
		: spawnSync(argv[0]!, argv.slice(1), {...options, stdio: ['ignore', discarded ? 'ignore' : 'pipe', 'pipe']});
	// A run that timed out or crashed may have written nothing: its status and stderr say why.
	return {code: run.status, stdout: run.stdout, stderr: run.stderr, log: existsSync(log) ? readFileSync(log, 'utf8') : ''};
}

/** {@link runRecording} with the Node built-in modules the CLI loads (test/fixtures/record-builtins.cjs). */
export function runRecordingBuiltins(args: readonly string[], options: RecordingOptions = {}): Run & {builtins: string[]} {
	const {log, ...run} = runRecording('record-builtins.cjs', 'QUARTERDECK_BUILTINS_LOG', args, options);
	return {...run, builtins: log.trim().split('\n')};
}

/**
 * Runs a command in this process as the built command line does, its checks and reports
 * remembered in `dir` under the build `test` (nothing remembered without one); its exit code and
 * what it printed.
 */
export async function runInProcess(args: string[], {dir, cwd = process.cwd()}: {dir?: string | undefined; cwd?: string} = {}): Promise<{exitCode: number; stdout: string}> {
	const {runCli: run} = await import('../source/commands.js');
	let stdout = '';
	const {exitCode} = (await run(args, {
		stdout: {write: (written: string) => (stdout += written)},
		stderr: {write: () => {}},
		stdoutIsTTY: false,
		columns: 100,
		env: {},
		cwd,
		checkCache: dir === undefined ? undefined : {dir, build: 'test'},
	})) as {exitCode: number};
	return {exitCode, stdout};
}
