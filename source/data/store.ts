import fs from 'node:fs';
import {constants} from 'node:buffer';
import {StringDecoder} from 'node:string_decoder';
import {Low, type Adapter} from 'lowdb';
import {DataError} from '../errors.js';
import {digestSeen, keepsSmallStore, keepsTrueCtime, noteSeen, noteStoreText, remembersStore, rememberChecks, recallChecks, startDigest, type CheckCache, type StoreText} from './check-cache.js';
import {resolveFigures, type ResolvedFigure} from '../model/derive.js';
import {jsonTextIsPlain, markSafe} from '../model/text.js';
import type {Store} from './schema.js';
import {compileShape, type ShapeFill} from './shape.js';
import storeJsonSchema from './store-schema.json' with {type: 'json'};
import {findReferenceError} from './validate.js';
import {SCHEMA_VERSION} from './version.js';

export {storeJsonSchema};

/** A store as read from disk, every derived figure computed. */
export type LoadedStore = Omit<Store, 'figures'> & {figures: ResolvedFigure[]};

const noSuchStore = 'no such store (expected a quarterdeck JSON store; see --db)';

/** Refuses a store written for another version of the format, before its shape is looked at. */
export function checkSchemaVersion(data: unknown, file: string): void {
	if (data && typeof data === 'object' && 'schemaVersion' in data && data.schemaVersion !== SCHEMA_VERSION) {
		throw new DataError(
			`${file}: schemaVersion is ${JSON.stringify(data.schemaVersion)}; this quarterdeck reads version ${SCHEMA_VERSION}`,
		);
	}
}

/** Checks what the schema cannot (ids, references) and computes the derived figures of a well-formed store. */
export function finishStore(store: Store, file: string): LoadedStore {
	const referenceError = findReferenceError(store);
	if (referenceError) throw new DataError(`${file}: ${referenceError}`);
	try {
		return {...store, figures: resolveFigures(store.figures)};
	} catch (error) {
		throw new DataError(`${file}: ${(error as Error).message}`);
	}
}

let isStoreShape: ReturnType<typeof compileShape> | undefined;

/**
 * {@link acceptStore}, and the defaults the shape check filled in; none for a store that passed
 * only through zod, which checks a copy.
 */
async function acceptWithFills(data: unknown, file: string): Promise<{store: LoadedStore; fills?: ShapeFill[]}> {
	checkSchemaVersion(data, file);
	isStoreShape ??= compileShape(storeJsonSchema);
	const fills: ShapeFill[] = [];
	if (isStoreShape(data, fills)) return {store: finishStore(data as Store, file), fills};
	const {parseStore} = await import('./parse-store.js');
	return {store: parseStore(data, file)};
}

/**
 * Checks a parsed JSON value that the caller hands over (defaults are filled in place) and computes
 * its derived figures, as every command that reads a store does. The shape is checked against the
 * JSON Schema; only a store that fails it loads zod, whose message names the field and what was
 * expected. `file` only names the store in error messages.
 */
export async function acceptStore(data: unknown, file: string): Promise<LoadedStore> {
	return (await acceptWithFills(data, file)).store;
}

/**
 * Checks a parsed store, or takes what the checks found in the same text before (see
 * check-cache.ts), when there is a `cache` and a `digest` of the text's bytes ({@link remembersStore}).
 */
export async function checkOrRecall(data: unknown, digest: string | undefined, file: string, cache: CheckCache | undefined): Promise<LoadedStore> {
	if (!cache || digest === undefined) return acceptStore(data, file);
	const recalled = recallChecks(cache, digest, data);
	if (recalled) return recalled;
	const {store, fills} = await acceptWithFills(data, file);
	if (fills) rememberChecks(cache, digest, data as Store, fills, store);
	return store;
}

/** Where a store is read from and for what: see {@link loadStore}. */
export type LoadOptions = {forTerminal?: boolean; cache?: CheckCache | undefined};

/**
 * Reads and validates the store at `file` through lowdb. Reading never writes: the file is
 * byte-for-byte the same afterwards. For a store bound for a terminal (`forTerminal`), one whose
 * text can hold no control character is marked safe as it is (see {@link jsonTextIsPlain}), so the
 * explorer need not walk it; a command that prints JSON or a table does not pay for the look.
 * With a `cache`, a large store's checks are done once for each text (see check-cache.ts).
 */
export async function loadStore(file: string, options: LoadOptions = {}): Promise<LoadedStore> {
	// With nothing to recall, a store is what it gives.
	return (await loadStoreOrRecall<never>(file, options)).store as LoadedStore;
}

/**
 * {@link loadStore}, unless `recall` finds what is wanted kept for the store's text (see
 * check-cache.ts: a large store by the SHA-256 of its bytes, a small store file by its bytes); then
 * that, and the text is neither decoded, parsed nor checked.
 */
export async function loadStoreOrRecall<T>(
	file: string,
	{forTerminal = false, cache, recall}: LoadOptions & {recall?: ((text: StoreText) => T | undefined) | undefined},
): Promise<{store: LoadedStore; recalled?: never} | {recalled: T; store?: never}> {
	let plain = false;
	let text: StoreText | undefined;
	let recalled: T | undefined;
	const reader = new StoreReader(file, {
		digests: size => remembersStore(size, cache),
		keepsBytes: recall && (size => keepsSmallStore(size, cache)),
		seen: cache,
		// Low keeps what the reader gives only if it is truthy; what was found is taken from here.
		recall: recall && cache && (found => ((recalled = recall({cache, ...found})) === undefined ? undefined : {})),
		parse: (json, found) => {
			text = cache && found && {cache, ...found};
			const data: unknown = JSON.parse(json);
			plain = forTerminal && jsonTextIsPlain(json);
			return data;
		},
	});
	const db = new Low<unknown>(reader, null);
	try {
		await db.read();
	} catch (error) {
		throw new DataError(`${file}: ${describeReadError(error)}`);
	}
	if (recalled !== undefined) return {recalled};
	if (db.data === null) throw new DataError(`${file}: ${noSuchStore}`);
	const store = await checkOrRecall(db.data, text?.digest, file, cache);
	if (text) noteStoreText(store, text);
	return {store: plain ? markSafe(store) : store};
}

/**
 * What `recall` finds kept for the text of the store at `file`, when it is one remembered by the
 * SHA-256 of its bytes: each piece read is hashed and let go, so nothing of the text is held (and
 * a file whose digest was noted with its stat is not read at all when `recall` finds something for
 * that digest).
 * Undefined when the store is not one (a smaller file, a pipe: those are not read here), nothing is
 * found, or it cannot be read: it is then read as {@link loadStore} reads it, which says what is
 * wrong with it.
 */
export function recallByDigest<T>(file: string, cache: CheckCache | undefined, recall: (text: StoreText & {digest: string}) => T | undefined): T | undefined {
	if (!cache) return undefined;
	try {
		const found = readStoreFile<T | undefined>(file, {
			digests: size => remembersStore(size, cache),
			seen: cache,
			recall: text => (text.digest === undefined ? undefined : recall({cache, digest: text.digest})),
			hashOnly: true,
			parse: () => undefined,
		});
		return found ?? undefined;
	} catch {
		return undefined;
	}
}

/**
 * Bytes read at a time: the piece Node's own `readFile` reads at a time. A store read whole into
 * one buffer of its size left the explorer's peak memory 7–11 MB higher in the bench's session:
 * freeing a block that large raises glibc's threshold for giving an allocation a mapping of its
 * own, and memory freed after that stays in the process.
 */
const readAt = 512 * 1024;

const tooLarge = (largest: number) => Object.assign(new Error(`more than ${largest} bytes`), {code: 'ERR_FS_FILE_TOO_LARGE', largest});

/** The open file of the store at `file`; null where there is none. */
function openStore(file: string): number | null {
	try {
		return fs.openSync(file, 'r');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
}

/**
 * Reads the open file `descriptor` to its end and hands it to `take` in pieces of {@link readAt}
 * bytes (the last one shorter), each filled by as many reads as it takes (a pipe gives 64 KiB or
 * less at a time); the number of bytes read. Each piece is read into the same buffer, unless `keep`
 * asks for a new one each time (for a `take` that keeps them). Refuses a file of more than
 * `largest` bytes, and stops there on one that grows, or a device that never ends.
 */
export function readPieces(descriptor: number, size: number, largest: number, take: (piece: Buffer) => void, keep = false): number {
	if (size > largest) throw tooLarge(largest);
	let chunk = Buffer.allocUnsafe(readAt);
	let filled = 0;
	let total = 0;
	for (let read = fs.readSync(descriptor, chunk, 0, readAt, null); read > 0; read = fs.readSync(descriptor, chunk, filled, readAt - filled, null)) {
		total += read;
		if (total > largest) throw tooLarge(largest);
		filled += read;
		if (filled < readAt) continue;
		take(chunk);
		filled = 0;
		if (keep) chunk = Buffer.allocUnsafe(readAt);
	}
	if (filled > 0) take(chunk.subarray(0, filled));
	return total;
}

/** A reader of UTF-8 pieces into text: a character cut between two pieces is kept for the next. */
function textOfPieces(): {take: (piece: Buffer) => void; text: () => string} {
	const decoder = new StringDecoder('utf8');
	const parts: string[] = [];
	return {
		take: piece => parts.push(decoder.write(piece)),
		text: () => {
			parts.push(decoder.end());
			return parts.join('');
		},
	};
}

/**
 * The text of the store at `file` (UTF-8), or null where there is no file, as lowdb's own file
 * adapters give. lowdb's file adapters load `node:fs/promises` and their writer, which a command
 * that only reads has no use for (see save-store.ts for writing); this reads {@link readAt} bytes
 * at a time, and refuses a file of more than `largest` bytes (a device that never ends, too).
 */
export function readStoreText(file: string, largest = constants.MAX_STRING_LENGTH): string | null {
	return readStoreFile(file, {digests: () => false, parse: text => text, largest});
}

/** What a store's text is known by once read: the SHA-256 of a large store's bytes, or a small store file's bytes. */
type TextFound = {digest: string; bytes?: undefined} | {bytes: Buffer; digest?: undefined};

type ReaderSteps<T = unknown> = {
	/** Whether a store of this many bytes is to be remembered by a digest of its bytes. */
	digests: (size: number) => boolean;
	/** Whether a store file of this many bytes, not to be digested, is to be known by its bytes (none for a pipe). */
	keepsBytes?: ((size: number) => boolean) | undefined;
	/**
	 * With `recall`, the cache a file to be remembered by its digest is looked up in by its stat
	 * before it is read, on a file system whose ctime can be trusted ({@link keepsTrueCtime}): a file
	 * whose digest was noted with the same stat ({@link digestSeen}) is not read at all when `recall`
	 * finds what is wanted for that digest. A file that is read and hashed is noted there, if it
	 * had stood unchanged long enough ({@link noteSeen}).
	 */
	seen?: CheckCache | undefined;
	/** Given what the text is known by, what stands for the text when what is wanted of it was found without it: then it is not decoded. */
	recall?: ((found: TextFound) => T | undefined) | undefined;
	/** The text, and what it is known by when that was taken. */
	parse: (text: string, found: TextFound | undefined) => T;
	/**
	 * With `recall`: a file to be remembered by its digest is only hashed, its pieces neither kept
	 * nor decoded; any other (a smaller file, a pipe) is not read. `parse` is given no text.
	 */
	hashOnly?: boolean;
	/** The most bytes a store may have (the longest string Node can hold, unless less is given). */
	largest?: number;
};

/**
 * Reads the store at `file` through `steps` ({@link ReaderSteps}): null where there is no file. A
 * file of a size to be remembered by its digest is hashed as it is read, unless `recall` finds what
 * is wanted for the digest its stat was seen with; a smaller one may be kept as read, to be known
 * by its bytes. With `recall` too, the bytes are kept until what the text is
 * known by has been looked up, and decoded (each piece let go as it is) only if nothing was found.
 * A store whose size is known only once it is read (a pipe) is kept whole until then, and hashed
 * only if it came to a size to be remembered.
 */
function readStoreFile<T>(file: string, steps: ReaderSteps<T>): T | null {
	const descriptor = openStore(file);
	if (descriptor === null) return null;
	try {
		const stat = fs.fstatSync(descriptor, {bigint: true});
		const statAt = Date.now();
		const size = Number(stat.size);
		const sized = stat.isFile();
		let hash = sized && steps.digests(size) ? startDigest() : undefined;
		// Only a file remembered by its digest is read for its hash alone; any other is left unread.
		const hashOnly = steps.hashOnly === true;
		if (hashOnly && hash === undefined) return steps.parse('', undefined);
		const seen = hash !== undefined && steps.recall !== undefined && steps.seen && keepsTrueCtime(descriptor) ? steps.seen : undefined;
		const seenDigest = seen && digestSeen(seen, stat);
		if (seenDigest !== undefined) {
			const recalled = steps.recall!({digest: seenDigest});
			if (recalled !== undefined) return recalled;
		}
		const byBytes = sized && hash === undefined && steps.keepsBytes?.(size) === true;
		const keep = !hashOnly && (!sized || byBytes || (hash !== undefined && steps.recall !== undefined));
		const kept: Buffer[] = [];
		const decoded = textOfPieces();
		const take = (piece: Buffer) => {
			hash?.update(piece);
			if (keep) kept.push(piece);
			else if (!hashOnly) decoded.take(piece);
		};
		const total = readPieces(descriptor, size, steps.largest ?? constants.MAX_STRING_LENGTH, take, keep);
		if (!sized && steps.digests(total)) {
			hash = startDigest();
			for (const piece of kept) hash.update(piece);
		}
		const found: TextFound | undefined = hash ? {digest: hash.digest('hex')} : byBytes ? {bytes: kept.length === 1 ? kept[0]! : Buffer.concat(kept)} : undefined;
		if (seen && found?.digest !== undefined && found.digest !== seenDigest) noteSeen(seen, stat, statAt, found.digest);
		// What the digest seen found nothing for is not looked up again.
		const recalled = found === undefined || (seenDigest !== undefined && found.digest === seenDigest) ? undefined : steps.recall?.(found);
		if (recalled !== undefined) return recalled;
		if (hashOnly) return steps.parse('', found);
		for (let piece = kept.shift(); piece; piece = kept.shift()) decoded.take(piece);
		return steps.parse(decoded.text(), found);
	} finally {
		fs.closeSync(descriptor);
	}
}

/** lowdb's adapter for a store a command only reads: {@link readStoreFile}. */
class StoreReader implements Adapter<unknown> {
	constructor(
		private readonly file: string,
		private readonly steps: ReaderSteps,
	) {}

	async read(): Promise<unknown> {
		return readStoreFile(this.file, this.steps);
	}

	write(): Promise<void> {
		return Promise.reject(new Error(`${this.file}: a store read for a command is not written here`));
	}
}

/** What a store's read failed on, worded for its one-line error after the file's name. */
export function describeReadError(error: unknown): string {
	if (error instanceof SyntaxError) return `not valid JSON (${error.message})`;
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return noSuchStore;
	if (code === 'EISDIR') return 'is a directory, expected a JSON store file';
	if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
	if (code === 'ERR_FS_FILE_TOO_LARGE' || code === 'ERR_STRING_TOO_LONG') {
		return `is larger than the ${(error as {largest?: number}).largest ?? constants.MAX_STRING_LENGTH} bytes a store's text may have`;
	}
	return `cannot be read (${code ?? (error as Error).message})`;
}
