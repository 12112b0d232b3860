import {Low} from 'lowdb';
import {JSONFile} from 'lowdb/node';
import type {LoadedStore} from './store.js';

/**
 * Writes a store that is already checked, with its derived values worked out (what parseStore
 * returns), atomically through lowdb: a temporary file, then a rename, so a reader sees the old
 * store or the new one and never half of either.
 */
export async function saveStore(file: string, store: LoadedStore): Promise<void> {
	const db = new Low<LoadedStore>(new JSONFile<LoadedStore>(file), store);
	await db.write();
}
