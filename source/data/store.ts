import {Low} from 'lowdb';
import {JSONFile} from 'lowdb/node';
import {DataError} from '../errors.js';
import {resolveFigures, type ResolvedFigure} from '../model/derive.js';
import {storeSchema, SCHEMA_VERSION, type Store} from './schema.js';
import {findReferenceError} from './validate.js';

/** A store as read from disk, every derived figure computed. */
export type LoadedStore = Omit<Store, 'figures'> & {figures: ResolvedFigure[]};

/** Formats a zod issue path as `figures[12].value`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
	let out = '';
	for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
	return out || '(top level)';
}

/**
 * Checks a parsed JSON value against the schema and the store's own references, and computes its
 * derived figures. `file` only names the store in error messages.
 */
export function parseStore(data: unknown, file: string): LoadedStore {
	if (data && typeof data === 'object' && 'schemaVersion' in data && data.schemaVersion !== SCHEMA_VERSION) {
		throw new DataError(
			`${file}: schemaVersion is ${JSON.stringify(data.schemaVersion)}; this quarterdeck reads version ${SCHEMA_VERSION}`,
		);
	}
	const parsed = storeSchema.safeParse(data);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new DataError(`${file}: ${formatPath(issue.path)}: ${describeIssue(issue)}`);
	}
	const store = parsed.data;
	const referenceError = findReferenceError(store);
	if (referenceError) throw new DataError(`${file}: ${referenceError}`);
	try {
		return {...store, figures: resolveFigures(store.figures)};
	} catch (error) {
		throw new DataError(`${file}: ${(error as Error).message}`);
	}
}

function describeIssue(issue: {message: string; code: string; keys?: string[]}): string {
	if (issue.code === 'unrecognized_keys' && issue.keys) return `unexpected field ${issue.keys.map(k => `"${k}"`).join(', ')}`;
	return issue.message.replace(/^Invalid (input|option): /, '');
}

/**
 * Reads and validates the store at `file` through lowdb. Reading never writes: the file is
 * byte-for-byte the same afterwards.
 */
export async function loadStore(file: string): Promise<LoadedStore> {
	const db = new Low<unknown>(new JSONFile<unknown>(file), null);
	try {
		await db.read();
	} catch (error) {
		throw new DataError(`${file}: ${describeReadError(error)}`);
	}
	if (db.data === null) throw new DataError(`${file}: no such store (expected a quarterdeck JSON store; see --db)`);
	return parseStore(db.data, file);
}

function describeReadError(error: unknown): string {
	if (error instanceof SyntaxError) return `not valid JSON (${error.message})`;
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EISDIR') return 'is a directory, expected a JSON store file';
	if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
	return `cannot be read (${code ?? (error as Error).message})`;
}

/**
 * Writes a store that is already checked, with its derived values worked out (what parseStore
 * returns), atomically through lowdb: a temporary file, then a rename, so a reader sees the old
 * store or the new one and never half of either.
 */
export async function saveStore(file: string, store: LoadedStore): Promise<void> {
	const db = new Low<LoadedStore>(new JSONFile<LoadedStore>(file), store);
	await db.write();
}

/** Checks a store (refusing one that fails), works out its derived values, and saves it. */
export async function writeStore(file: string, store: Store): Promise<LoadedStore> {
	const checked = parseStore(store, file);
	await saveStore(file, checked);
	return checked;
}
