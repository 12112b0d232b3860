import fs from 'node:fs';
import {constants} from 'node:buffer';
import {StringDecoder} from 'node:string_decoder';
import {Low, type Adapter} from 'lowdb';
import {DataError} from '../errors.js';
import {digestFor, noteStoreText, rememberChecks, recallChecks, type CheckCache} from './check-cache.js';
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
 * check-cache.ts), when there is a `cache` and a `digest` of the text ({@link digestFor}).
 */
export async function checkOrRecall(data: unknown, digest: string | undefined, file: string, cache: CheckCache | undefined): Promise<LoadedStore> {
	if (!cache || digest === undefined) return acceptStore(data, file);
	const recalled = recallChecks(cache, digest, data);
	if (recalled) return recalled;
	const {store, fills} = await acceptWithFills(data, file);
	if (fills) rememberChecks(cache, digest, data as Store, fills, store);
	return store;
}

/**
 * Reads and validates the store at `file` through lowdb. Reading never writes: the file is
 * byte-for-byte the same afterwards. For a store bound for a terminal (`forTerminal`), one whose
 * text can hold no control character is marked safe as it is (see {@link jsonTextIsPlain}), so the
 * explorer need not walk it; a command that prints JSON or a table does not pay for the look.
 * With a `cache`, a large store's checks are done once for each text (see check-cache.ts).
 */
export async function loadStore(file: string, {forTerminal = false, cache}: {forTerminal?: boolean; cache?: CheckCache | undefined} = {}): Promise<LoadedStore> {
	let plain = false;
	let digest: string | undefined;
	const parse = (text: string): unknown => {
		// Hashed before it is parsed: the text's UTF-8 copy is gone before the parsed store is built.
		digest = digestFor(text, cache);
		const data: unknown = JSON.parse(text);
		plain = forTerminal && jsonTextIsPlain(text);
		return data;
	};
	const db = new Low<unknown>(new StoreReader(file, parse), null);
	try {
		await db.read();
	} catch (error) {
		throw new DataError(`${file}: ${describeReadError(error)}`);
	}
	if (db.data === null) throw new DataError(`${file}: ${noSuchStore}`);
	const store = await checkOrRecall(db.data, digest, file, cache);
	if (cache && digest !== undefined) noteStoreText(store, cache, digest);
	return plain ? markSafe(store) : store;
}

/**
 * Bytes read at a time: the piece Node's own `readFile` reads at a time. A store read whole into
 * one buffer of its size left the explorer's peak memory 7–11 MB higher in the bench's session:
 * freeing a block that large raises glibc's threshold for giving an allocation a mapping of its
 * own, and memory freed after that stays in the process.
 */
const readAt = 512 * 1024;

/**
 * The text of the store at `file` (UTF-8), or null where there is no file, as lowdb's own file
 * adapters give. lowdb's file adapters load `node:fs/promises` and their writer, which a command
 * that only reads has no use for (see save-store.ts for writing); this reads {@link readAt} bytes
 * at a time, and refuses a file of more than `largest` bytes (a device that never ends, too).
 */
export function readStoreText(file: string, largest = constants.MAX_STRING_LENGTH): string | null {
	let descriptor: number;
	try {
		descriptor = fs.openSync(file, 'r');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
	const tooLarge = () => Object.assign(new Error(`more than ${largest} bytes`), {code: 'ERR_FS_FILE_TOO_LARGE', largest});
	try {
		if (fs.fstatSync(descriptor).size > largest) throw tooLarge();
		const chunk = Buffer.allocUnsafe(readAt);
		// A character cut between two reads is kept for the next.
		const decoder = new StringDecoder('utf8');
		const parts: string[] = [];
		let total = 0;
		for (let read = fs.readSync(descriptor, chunk); read > 0; read = fs.readSync(descriptor, chunk)) {
			total += read;
			if (total > largest) throw tooLarge();
			parts.push(decoder.write(chunk.subarray(0, read)));
		}
		parts.push(decoder.end());
		return parts.join('');
	} finally {
		fs.closeSync(descriptor);
	}
}

/** lowdb's adapter for a store a command only reads: its text ({@link readStoreText}) through `parse`. */
class StoreReader implements Adapter<unknown> {
	constructor(
		private readonly file: string,
		private readonly parse: (text: string) => unknown,
	) {}

	async read(): Promise<unknown> {
		const text = readStoreText(this.file);
		return text === null ? null : this.parse(text);
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
