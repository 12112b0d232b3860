import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {nearlyEqual, type ResolvedFigure} from '../model/derive.js';
import type {Store} from './schema.js';
import {declaredDefaults, defaultKey, type ShapeFill} from './shape.js';
import storeJsonSchema from './store-schema.json' with {type: 'json'};
import type {LoadedStore} from './store.js';
import {dataAfterCopyOf, withCopyOf} from '../held-copy.js';
import {replaceFile} from '../replace-file.js';

/**
 * What this build's checks found in a store, remembered by the SHA-256 of the store's bytes: the
 * defaults the schema filled in (where, and what) and the values of the derived figures. A command
 * that reads the same text again under the same build skips the checks (the shape, the references,
 * the formulas) and puts those in place, which gives the very store the checks give. Only a store
 * that passed is remembered; a store whose text changed by one byte is checked again.
 *
 * An entry is written `<SHA-256 of the store's digest and the body>\n<body>`, so a damaged body is
 * not used; and only from a directory of the user's own that no one else can write to. A small
 * store's entry holds a copy of the store's bytes (held-copy.ts), then `<header>\n<body>` (see
 * {@link SmallHeader}). The digest a store file's stat stands for is sealed over that stat
 * ({@link digestSeen}).
 */
type Remembered = {
	/** [path to an object, field, default] */
	fills: Array<[Array<string | number>, string, unknown]>;
	/** [position in figures, value] of each derived figure the store does not hold the value of; −0 as "-0". */
	derived: Array<[number, number | '-0']>;
};

/** Where remembered checks are kept, and the build whose checks they are. */
export type CheckCache = {dir: string; build: string};

/**
 * Below this many bytes of JSON a store is checked every time: the bundled store's checks
 * (8–13 ms in the bench) cost little more than remembering them would, loading node:crypto
 * (4–6 ms) and reading an entry. A command's report on such a store is kept all the same, with a
 * copy of the store's bytes rather than their digest (see {@link keepsSmallStore}): reading the
 * entry back and comparing the bytes costs less than the checks and the report together.
 */
export const rememberedFrom = 1 << 20;

/**
 * What the directory keeps of each family of entries, the least recently written of a family going
 * first: so many entries, and for reports so many bytes. A text's checks and what is kept beside
 * them (`checked`) are pruned apart from the commands' reports (`report`, see
 * remembered-report.ts), so a shell loop through many reports of one text never pushes out its
 * checks. A large store's report can be large (a quarter's sites and their events, 0.8 MB for the
 * bench's store): reports are kept to 64 MiB in all. The digests of store files seen (`seen`, see
 * {@link digestSeen}) are pruned apart too.
 */
const families: Record<'checked' | 'report' | 'sides' | 'seen', {entries: number; bytes?: number}> = {
	checked: {entries: 64},
	report: {entries: 256, bytes: 64 << 20},
	sides: {entries: 8, bytes: 128 << 20},
	seen: {entries: 64},
};
export type Family = keyof typeof families;

/** The largest entry read: a store with a default filled in for each of a million figures. */
const largestEntry = 64 << 20;

/** The most text an entry is written with: each character may take 3 bytes of UTF-8. */
export const largestText = largestEntry / 3;

/** A temporary file left by a process that ended while writing is removed after this long. */
const staleAfterMs = 10 * 60_000;

declare const QUARTERDECK_BUILD: string | undefined;

/**
 * The cache a command uses: `$QUARTERDECK_CACHE_DIR`, else `$XDG_CACHE_HOME/quarterdeck`, else
 * `~/.cache/quarterdeck`. None with `QUARTERDECK_NO_CACHE` set (to anything but an empty string),
 * and none when quarterdeck runs from its sources rather than a build, which has no build id.
 */
export function checkCacheFor(env: Readonly<Record<string, string | undefined>>): CheckCache | undefined {
	const build = typeof QUARTERDECK_BUILD === 'string' ? QUARTERDECK_BUILD : undefined;
	if (!build || env.QUARTERDECK_NO_CACHE) return undefined;
	const dir = env.QUARTERDECK_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(env.HOME || process.getBuiltinModule('node:os').homedir(), '.cache'), 'quarterdeck');
	return {dir: path.resolve(dir), build};
}

/**
 * Whether a store of `size` bytes is remembered in `cache`, by the SHA-256 of its bytes: not
 * without a cache, for a store too small for that to pay, or when the cache's directory cannot be
 * used. The directory is looked at here (or in {@link keepsSmallStore}) only: the reader takes a
 * digest or keeps the bytes only after this (see store.ts), and every entry read or written goes
 * by one or the other (through {@link noteStoreText} for the entries kept beside), so none is read
 * or written in a directory that failed this.
 */
export function remembersStore(size: number, cache: CheckCache | undefined): cache is CheckCache {
	return cache !== undefined && size >= rememberedFrom && isPrivateDirectory(cache.dir);
}

/**
 * Whether what is worked out from a store of `size` bytes, too small to be hashed for (see
 * {@link rememberedFrom}), is kept in `cache` with a copy of its bytes, to be found by them: for a
 * command's report, which costs more to work out than to read back.
 */
export function keepsSmallStore(size: number, cache: CheckCache | undefined): cache is CheckCache {
	return cache !== undefined && size < rememberedFrom && isPrivateDirectory(cache.dir);
}

/**
 * How long a store file must have stood unchanged (by its ctime and its mtime) when it is read for
 * its stat to stand for its digest ({@link noteSeen}): longer than the 2 s a file system's
 * timestamps may be rounded to, so a later write, even one of the same size, gives the file
 * another ctime.
 */
export const settledAfterMs = 3000;

/**
 * Linux file systems (the type `statfs` gives) whose ctime every write of a file's data sets, from
 * this machine's clock, and no call can set back: ext2/3/4, XFS, Btrfs, tmpfs, ZFS, F2FS, and
 * overlayfs over them. Not FUSE, FAT or exFAT, nor a network file system, whose ctime is whatever
 * the file system or another machine gives.
 */
const trueCtime: ReadonlySet<number> = new Set([0xef_53, 0x58_46_53_42, 0x91_23_68_3e, 0x01_02_19_94, 0x2f_c1_2f_c1, 0xf2_f5_20_10, 0x79_4c_76_30]);

/** Whether the open file `descriptor` is on a file system whose stat may stand for its bytes ({@link trueCtime}); only on Linux. */
export function keepsTrueCtime(descriptor: number): boolean {
	if (process.platform !== 'linux') return false;
	try {
		return trueCtime.has(Number(fs.statfsSync(`/proc/self/fd/${descriptor}`).type));
	} catch {
		return false;
	}
}

/** What a store file is known by without reading it: its device, inode, size, mtime and ctime, to the nanosecond. */
const statLine = (stat: fs.BigIntStats) => `seen ${stat.dev} ${stat.ino} ${stat.size} ${stat.mtimeNs} ${stat.ctimeNs}`;

/** The file of the entry for the store file with `stat`: one per file (device and inode), whatever its path. */
const seenFile = (cache: CheckCache, stat: fs.BigIntStats) => path.join(cache.dir, `seen-${cache.build}-${stat.dev}-${stat.ino}.json`);

/**
 * The SHA-256 of the store file whose `stat` this is, as {@link noteSeen} found it when the file
 * last stood with this very stat; undefined when it did not, or the entry does not fit its seal.
 * A file written since has another ctime (and the entry is for no other file: its seal names the
 * device and the inode), so what is found for the digest is what reading the file would find.
 */
export function digestSeen(cache: CheckCache, stat: fs.BigIntStats): string | undefined {
	const body = readEntry(seenFile(cache, stat), statLine(stat));
	return body !== undefined && /^[\da-f]{64}$/.test(body) ? body : undefined;
}

/**
 * Notes that the store file whose `stat` was taken at `statAt` (ms since the epoch), before it was
 * read, has the SHA-256 `digest`: only when the file had stood unchanged for {@link settledAfterMs}
 * by then, by its ctime and its mtime, so a write as it was read, or just after, cannot leave it
 * with the same stat. The caller reads it on a file system {@link keepsTrueCtime} holds, and notes
 * only a digest {@link digestSeen} did not give it.
 */
export function noteSeen(cache: CheckCache, stat: fs.BigIntStats, statAt: number, digest: string): void {
	const settled = BigInt(Math.floor(statAt - settledAfterMs)) * 1_000_000n;
	if (stat.ctimeNs > settled || stat.mtimeNs > settled) return;
	writeEntry(cache, seenFile(cache, stat), () => sealed(statLine(stat), digest), 'seen');
}

/** A SHA-256 to put a store's bytes through as they are read; its hex digest is what the store is remembered by. */
export const startDigest = () => crypto().createHash('sha256');

const crypto = () => process.getBuiltinModule('node:crypto');

/** What an entry's first line must be: the SHA-256 of the store's digest and the entry's body. */
const sealOf = (digest: string, body: string) => crypto().createHash('sha256').update(digest).update('\n').update(body).digest('hex');

/** An entry's text: `body` sealed for `digest` (see {@link readEntry}). */
const sealed = (digest: string, body: string) => `${sealOf(digest, body)}\n${body}`;

/**
 * Whether `dir` may hold entries: a directory of this user's that no other can write to (made so
 * when it is missing). An entry in a directory others can write to could be anyone's.
 */
function isPrivateDirectory(dir: string): boolean {
	try {
		fs.mkdirSync(dir, {recursive: true, mode: 0o700});
		const stat = fs.statSync(dir);
		const owner = process.getuid?.();
		return stat.isDirectory() && (owner === undefined || stat.uid === owner) && (stat.mode & 0o022) === 0;
	} catch {
		return false;
	}
}

/** The file of the entry for `digest`: the checks remembered for the text whose bytes have that SHA-256. */
function entryFile(cache: CheckCache, digest: string): string {
	return path.join(cache.dir, `checked-${cache.build}-${digest}.json`);
}

/**
 * A short key for `data`, for an entry's name and to tell a damaged body (an entry says in full what
 * it is for, and is compared whole): two 32-bit multiply-xor hashes of its length and of its 4-byte
 * words, the last one padded with zeros.
 */
function keyOf(data: Uint8Array): string {
	const aligned = new Uint8Array(Math.ceil(data.length / 4) * 4);
	aligned.set(data);
	const words = new Int32Array(aligned.buffer);
	let first = 0x81_1c_9d_c5 ^ data.length;
	let second = 0x25_45_f4_91;
	for (const word of words) {
		first = Math.imul(first ^ word, 0x01_00_01_93);
		second = Math.imul(((second << 5) | (second >>> 27)) ^ word, 0x5b_d1_e9_95);
	}
	return `${(first >>> 0).toString(16).padStart(8, '0')}${(second >>> 0).toString(16).padStart(8, '0')}`;
}

/** How many of a small store's bytes its entries' names are made from, spread evenly over it from its first byte to its last. */
const sampled = 512;

/**
 * What names the text in the file of an entry kept beside it: a large store's digest; a small
 * store's size and a key of some of its bytes, which may name other texts too (each entry holds
 * the bytes it is for).
 */
function textName(text: StoreText): string {
	if (text.digest !== undefined) return text.digest;
	const {bytes} = text;
	const sample = new Uint8Array(Math.min(sampled, bytes.length));
	const last = Math.max(1, sample.length - 1);
	for (let index = 0; index < sample.length; index++) sample[index] = bytes[Math.floor((index * (bytes.length - 1)) / last)]!;
	return `s${bytes.length}-${keyOf(sample)}`;
}

/**
 * What names `kind` in the file of an entry kept beside `text`: a word as it is; anything else by
 * its SHA-256 for a large store (whose entry is sealed for that name), by a short key for a small
 * one (whose entry holds the kind in full).
 */
function kindName(text: StoreText, kind: string): string {
	if (/^[a-z]+$/.test(kind)) return kind;
	return text.digest === undefined ? keyOf(Buffer.from(kind)) : crypto().createHash('sha256').update(kind).digest('hex');
}

/** The file of what is kept beside `text` under the kind named `name` (see {@link rememberBeside}), in `family`. */
const besideFile = (text: StoreText, name: string, family: Family) => path.join(text.cache.dir, `${family}-${text.cache.build}-${textName(text)}-${name}.json`);

/** Where each object of `targets` is in `root`, as a path of keys and indexes. */
function pathsTo(root: unknown, targets: ReadonlySet<object>): Map<object, Array<string | number>> {
	const found = new Map<object, Array<string | number>>();
	const at: Array<string | number> = [];
	const visit = (value: unknown): void => {
		if (typeof value !== 'object' || value === null || found.size === targets.size) return;
		if (targets.has(value)) found.set(value, [...at]);
		const keys: Array<string | number> = Array.isArray(value) ? value.map((_item, index) => index) : Object.keys(value);
		for (const key of keys) {
			at.push(key);
			visit((value as Record<string | number, unknown>)[key]);
			at.pop();
		}
	};
	visit(root);
	return found;
}

/**
 * Remembers what the checks found in the store whose text has `digest`: `data` is the parsed store
 * after the checks filled its defaults (`fills`), `loaded` what they gave. Written whole or not at
 * all ({@link replaceFile}); a cache that cannot be written is left alone, as the command has what
 * it needs.
 */
export function rememberChecks(cache: CheckCache, digest: string, data: Store, fills: readonly ShapeFill[], loaded: LoadedStore): void {
	const paths = fills.length === 0 ? new Map() : pathsTo(data, new Set(fills.map(fill => fill.target)));
	const remembered: Remembered = {fills: [], derived: []};
	for (const fill of fills) {
		const at = paths.get(fill.target);
		if (!at) return;
		remembered.fills.push([at, fill.key, fill.value]);
	}
	const {figures} = data;
	for (let index = 0; index < figures.length; index++) {
		const {value} = loaded.figures[index]!;
		if (loaded.figures[index] !== figures[index]) remembered.derived.push([index, Object.is(value, -0) ? '-0' : value]);
	}
	writeEntry(cache, entryFile(cache, digest), () => sealed(digest, JSON.stringify(remembered)), 'checked');
}

/** Keeps the newest entries of `family` in the directory ({@link families}), and removes stale temporary files. */
function prune(dir: string, family: Family): void {
	const names = fs.readdirSync(dir);
	const now = Date.now();
	for (const name of names) {
		if (!name.startsWith(`${family}-`) || !name.endsWith('.tmp')) continue;
		const written = fs.statSync(path.join(dir, name), {throwIfNoEntry: false})?.mtimeMs;
		if (written !== undefined && now - written > staleAfterMs) fs.rmSync(path.join(dir, name), {force: true});
	}
	const kept = families[family];
	const entries = names.filter(name => name.startsWith(`${family}-`) && name.endsWith('.json'));
	if (entries.length <= kept.entries && kept.bytes === undefined) return;
	const byAge = entries
		.map(name => ({name, stat: fs.statSync(path.join(dir, name), {throwIfNoEntry: false})}))
		.sort((a, b) => (b.stat?.mtimeMs ?? 0) - (a.stat?.mtimeMs ?? 0));
	let bytes = 0;
	for (const [index, {name, stat}] of byAge.entries()) {
		bytes += stat?.size ?? 0;
		if (index >= kept.entries || bytes > (kept.bytes ?? Number.POSITIVE_INFINITY)) fs.rmSync(path.join(dir, name), {force: true});
	}
}

/**
 * `file` opened for reading: a regular file of this user's, no larger than an entry is read, opened
 * without following a link or waiting on a pipe; undefined when there is none. The caller closes it.
 */
function openOwnFile(file: string): {fd: number; size: number} | undefined {
	let fd: number | undefined;
	try {
		fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
		const stat = fs.fstatSync(fd);
		const owner = process.getuid?.();
		if (stat.isFile() && (owner === undefined || stat.uid === owner) && stat.size <= largestEntry) return {fd, size: stat.size};
	} catch {
		// None to read.
	}
	if (fd !== undefined) fs.closeSync(fd);
	return undefined;
}

/** The bytes of `file` ({@link openOwnFile}); undefined when there is none. */
function readOwnFile(file: string): Buffer | undefined {
	const opened = openOwnFile(file);
	if (!opened) return undefined;
	try {
		return fs.readFileSync(opened.fd);
	} catch {
		return undefined;
	} finally {
		fs.closeSync(opened.fd);
	}
}

/** The body of the entry in `file`, sealed for `digest`; undefined when there is none or its seal does not fit. */
function readEntry(file: string, digest: string): string | undefined {
	const text = readOwnFile(file)?.toString('utf8');
	return text === undefined ? undefined : readEntryText(text, digest);
}

/** The body of an entry's `text`, sealed for `digest`; undefined when its seal does not fit. */
function readEntryText(text: string, digest: string): string | undefined {
	const newline = text.indexOf('\n');
	const body = text.slice(newline + 1);
	return newline >= 0 && text.slice(0, newline) === sealOf(digest, body) ? body : undefined;
}

/**
 * The line of a small store's entry after its copy of the store, before its body: what it is kept
 * under, and a key of the body, so a damaged one is not used.
 */
type SmallHeader = {kind: string; key: string};

/** A small store's entry for `kind`: a copy of the store's bytes, its header, then `body`. */
function smallEntry(bytes: Buffer, kind: string, body: string): Buffer {
	const bodyBytes = Buffer.from(body);
	const header: SmallHeader = {kind, key: keyOf(bodyBytes)};
	return withCopyOf(bytes, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), bodyBytes]));
}

/** The body of the small store's entry in `file` for `kind`, if it holds that very store's bytes and its body is whole. */
function readSmallEntry(file: string, bytes: Buffer, kind: string): string | undefined {
	const entry = readOwnFile(file);
	const data = entry && dataAfterCopyOf(entry, bytes);
	const newline = data?.indexOf(10) ?? -1;
	if (!data || newline < 0) return undefined;
	let header: Partial<SmallHeader> | null;
	try {
		header = JSON.parse(data.toString('utf8', 0, newline)) as Partial<SmallHeader> | null;
	} catch {
		return undefined;
	}
	const body = data.subarray(newline + 1);
	return typeof header === 'object' && header !== null && header.kind === kind && header.key === keyOf(body) ? body.toString('utf8') : undefined;
}

/**
 * Writes what `content` makes to `file`, an entry of `family`, whole or not at all
 * ({@link replaceFile}), and prunes the family; an entry that cannot be made or written is not.
 */
function writeEntry(cache: CheckCache, file: string, content: () => string | Uint8Array, family: Family): void {
	try {
		replaceFile(file, content(), 0o600);
		prune(cache.dir, family);
	} catch {
		// The command has what it needs; the next one works it out again.
	}
}

const isIndex = (value: unknown, length: number): value is number => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < length;

/** Every default the schema declares, as {@link defaultKey}s; made when an entry is first read. */
let defaults: Set<string> | undefined;

/** A path as the schema's defaults name their place: each index a `*`. */
const placeOf = (at: ReadonlyArray<unknown>) => at.map(step => (typeof step === 'number' ? '*' : step)).join('.');

/**
 * The store the checks would give for `data`, the parsed text whose digest is `digest`, from what
 * they found before; undefined when nothing is remembered or what is does not fit `data`, and the
 * caller checks the store. A fill may put only the default the schema declares for its place, in
 * an object that lacks the field. Every derived
 * figure without a value needs one, and a value the store states must agree with the entry's.
 * Nothing in `data` changes unless everything fits.
 */
export function recallChecks(cache: CheckCache, digest: string, data: unknown): LoadedStore | undefined {
	const body = readEntry(entryFile(cache, digest), digest);
	if (body === undefined) return undefined;
	let remembered: Remembered;
	try {
		remembered = JSON.parse(body) as Remembered;
	} catch {
		return undefined;
	}
	if (typeof remembered !== 'object' || remembered === null || !Array.isArray(remembered.fills) || !Array.isArray(remembered.derived)) return undefined;

	const fills: Array<{target: Record<string, unknown>; key: string; value: unknown}> = [];
	for (const fill of remembered.fills) {
		if (!Array.isArray(fill) || !Array.isArray(fill[0]) || typeof fill[1] !== 'string') return undefined;
		const [at, key, value] = fill as [unknown[], string, unknown];
		if (!(defaults ??= declaredDefaults(storeJsonSchema)).has(defaultKey(placeOf(at), key, value))) return undefined;
		let target: unknown = data;
		for (const step of at) {
			if (Array.isArray(target) ? !isIndex(step, target.length) : typeof target !== 'object' || target === null || typeof step !== 'string' || !Object.hasOwn(target, step)) return undefined;
			target = (target as Record<string | number, unknown>)[step as string | number];
		}
		if (typeof target !== 'object' || target === null || Array.isArray(target) || Object.hasOwn(target, key)) return undefined;
		fills.push({target: target as Record<string, unknown>, key, value});
	}

	const store = data as Store;
	if (typeof store !== 'object' || store === null || !Array.isArray(store.figures)) return undefined;
	const figures = store.figures as ResolvedFigure[];
	const values = new Map<number, number>();
	for (const entry of remembered.derived) {
		if (!Array.isArray(entry) || !isIndex(entry[0], figures.length) || values.has(entry[0])) return undefined;
		const value = entry[1] === '-0' ? -0 : entry[1];
		if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
		values.set(entry[0], value);
	}
	for (let index = 0; index < figures.length; index++) {
		const figure = figures[index]!;
		const value = values.get(index);
		if (figure.kind !== 'derived' ? value !== undefined : figure.value === undefined ? value === undefined : value !== undefined && !nearlyEqual(figure.value, value)) return undefined;
	}

	for (const {target, key, value} of fills) target[key] = value;
	const resolved = figures.slice();
	for (const [index, value] of values) resolved[index] = {...figures[index]!, value};
	return {...store, figures: resolved};
}

/**
 * The text a store was read from, and the cache its entries are kept in: for a large store, the
 * SHA-256 of its bytes; for a small one, its bytes (see {@link keepsSmallStore}).
 */
export type StoreText = {cache: CheckCache} & ({digest: string; bytes?: undefined} | {bytes: Buffer; digest?: undefined});

/**
 * The text each store read through a cache came from, by the store {@link loadStore} gave. One map
 * for the whole process: the explorer's bundle shares it with the commands' (as text.ts shares its
 * marks).
 */
const storeTexts: WeakMap<object, StoreText> = ((globalThis as Record<symbol, unknown>)[Symbol.for('quarterdeck.store-texts')] ??= new WeakMap<object, StoreText>()) as WeakMap<object, StoreText>;

/** Notes that `store` was read from `text` (and, for a large store, passed its checks or took them from the cache). */
export function noteStoreText(store: object, text: StoreText): void {
	storeTexts.set(store, text);
}

/** The text `store` was read from through a cache; none for a store read without one. */
export function storeTextOf(store: object): StoreText | undefined {
	return storeTexts.get(store);
}

/**
 * Keeps `body` beside the remembered checks of `text`, under `kind`: for something else this build
 * works out from that text alone (`check`'s findings; a command's report, in `family` report). A
 * small store's entry holds a copy of its bytes, and is used only for those very bytes.
 */
export function rememberBeside(text: StoreText, kind: string, body: string, family: Family = 'checked'): void {
	// One too large to be read back is not written.
	if (body.length + (text.bytes?.length ?? 0) / 3 > largestText) return;
	const name = kindName(text, kind);
	const content = () => (text.digest === undefined ? smallEntry(text.bytes, kind, body) : sealed(`${name} ${text.digest}`, body));
	writeEntry(text.cache, besideFile(text, name, family), content, family);
}

/** What {@link rememberBeside} kept for `text` under `kind`; undefined if nothing fits. */
export function recallBeside(text: StoreText, kind: string, family: Family = 'checked'): string | undefined {
	const name = kindName(text, kind);
	const file = besideFile(text, name, family);
	return text.digest === undefined ? readSmallEntry(file, text.bytes, kind) : readEntry(file, `${name} ${text.digest}`);
}

const sha256 = (data: Uint8Array) => crypto().createHash('sha256').update(data).digest('hex');

/** What an entry of slices lists of each slice, in order: its name, its length in bytes and their SHA-256. */
type SliceIndex = Array<[string, number, string]>;

/**
 * Keeps `slices` (each a name and a body) beside a large store's `text` under `kind`, in one entry
 * of `family` whose slices are read alone ({@link recallSlices}): `<seal>\n<index>\n`, then the
 * slices' bytes one after another. The index ({@link SliceIndex}) is sealed as a kept body is, and a
 * slice is used only when its bytes have the SHA-256 the index gives. Nothing for a small store.
 */
export function rememberSlices(text: StoreText, kind: string, slices: ReadonlyArray<readonly [string, string]>, family: Family): void {
	// One too large to be read back is not written.
	if (text.digest === undefined || slices.reduce((total, [, body]) => total + body.length, 0) > largestText) return;
	const name = kindName(text, kind);
	const content = () => {
		const bodies = slices.map(([, body]) => Buffer.from(body));
		const index: SliceIndex = slices.map(([slice], at) => [slice, bodies[at]!.length, sha256(bodies[at]!)]);
		return Buffer.concat([Buffer.from(`${sealed(`${name} ${text.digest}`, JSON.stringify(index))}\n`), ...bodies]);
	};
	writeEntry(text.cache, besideFile(text, name, family), content, family);
}

/** Whether `value` is a {@link SliceIndex}. */
const isSliceIndex = (value: unknown): value is SliceIndex =>
	Array.isArray(value) &&
	value.every(item => Array.isArray(item) && item.length === 3 && typeof item[0] === 'string' && Number.isSafeInteger(item[1]) && item[1] >= 0 && typeof item[2] === 'string');

/**
 * The slices {@link rememberSlices} kept for `text` under `kind` that `pick` chooses by name from
 * all of theirs (in the order they were kept); only those are read. Undefined when `pick` chooses
 * none, or there is no such entry, or its index or a chosen slice is not as it was written.
 */
export function recallSlices(text: StoreText, kind: string, family: Family, pick: (names: readonly string[]) => readonly string[] | undefined): string[] | undefined {
	if (text.digest === undefined) return undefined;
	const name = kindName(text, kind);
	const opened = openOwnFile(besideFile(text, name, family));
	if (!opened) return undefined;
	const {fd, size} = opened;
	const readAt = (position: number, length: number) => {
		const bytes = Buffer.allocUnsafe(length);
		let done = 0;
		while (done < length) {
			const count = fs.readSync(fd, bytes, done, length - done, position + done);
			if (count === 0) return undefined;
			done += count;
		}
		return bytes;
	};
	try {
		// The seal and the index, the first two lines: in the first 64 KiB (the index of 750 quarters), else the whole entry.
		const endOfIndex = (bytes: Buffer | undefined) => bytes?.indexOf(10, bytes.indexOf(10) + 1) ?? -1;
		let head = readAt(0, Math.min(64 << 10, size));
		if (endOfIndex(head) < 0 && size > 64 << 10) head = readAt(0, size);
		const end = endOfIndex(head);
		if (!head || end < 0) return undefined;
		const index = readEntryText(head.toString('utf8', 0, end), `${name} ${text.digest}`);
		let slices: unknown;
		try {
			slices = index === undefined ? undefined : JSON.parse(index);
		} catch {
			return undefined;
		}
		if (!isSliceIndex(slices)) return undefined;
		const chosen = pick(slices.map(([slice]) => slice));
		if (!chosen) return undefined;
		const where = new Map<string, {position: number; length: number; digest: string}>();
		let position = end + 1;
		for (const [slice, length, digest] of slices) {
			where.set(slice, {position, length, digest});
			position += length;
		}
		if (position !== size) return undefined;
		const bodies: string[] = [];
		for (const slice of chosen) {
			const at = where.get(slice);
			const bytes = at && readAt(at.position, at.length);
			if (!at || !bytes || sha256(bytes) !== at.digest) return undefined;
			bodies.push(bytes.toString('utf8'));
		}
		return bodies;
	} catch {
		return undefined;
	} finally {
		fs.closeSync(fd);
	}
}
