import {DataError} from '../errors.js';
import {storeSchema, type Store} from './schema.js';
import {saveStore} from './save-store.js';
import {checkSchemaVersion, finishStore, type LoadedStore} from './store.js';

/** Formats a zod issue path as `figures[12].value`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
	let out = '';
	for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
	return out || '(top level)';
}

function describeIssue(issue: {message: string; code: string; keys?: string[]}): string {
	if (issue.code === 'unrecognized_keys' && issue.keys) return `unexpected field ${issue.keys.map(k => `"${k}"`).join(', ')}`;
	return issue.message.replace(/^Invalid (input|option): /, '');
}

/**
 * Checks a value against the zod schema and the store's own references, and computes its derived
 * figures; the value is not changed. The first problem is a DataError naming the field and what was
 * expected. `file` only names the store in error messages.
 */
export function parseStore(data: unknown, file: string): LoadedStore {
	checkSchemaVersion(data, file);
	const parsed = storeSchema.safeParse(data);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new DataError(`${file}: ${formatPath(issue.path)}: ${describeIssue(issue)}`);
	}
	return finishStore(parsed.data, file);
}

/** Checks a store (refusing one that fails), works out its derived values, and saves it. */
export async function writeStore(file: string, store: Store): Promise<LoadedStore> {
	const checked = parseStore(store, file);
	await saveStore(file, checked);
	return checked;
}
