import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import type {ResolvedFigure} from '../model/derive.js';
import type {Store} from './schema.js';
import type {ShapeFill} from './shape.js';
import type {LoadedStore} from './store.js';

/**
 * What this build's checks found in a store, remembered by the SHA-256 of the store's text: the
 * defaults the schema filled in (where, and what) and the values of the derived figures. A command
 * that reads the same text again under the same build skips the checks (the shape, the references,
 * the formulas) and puts those in place, which gives the very store the checks give. Only a store
 * that passed is remembered; a store whose text changed by one byte is checked again.
 */
type Remembered = {
	format: 1;
	/** [path to an object, field, default] */
	fills: Array<[Array<string | number>, string, unknown]>;
	/** [position in figures, value] of each derived figure the store does not hold the value of. */
	derived: Array<[number, number]>;
};

/** Where remembered checks are kept, and the build whose checks they are. */
export type CheckCache = {dir: string; build: string};

/**
 * Below this many characters of JSON a store is checked every time: the checks of such a store
 * cost about what loading node:crypto and hashing do.
 */
export const rememberedFrom = 1 << 20;

/** Entries kept in the directory; the least recently written go first. */
const kept = 64;

declare const QUARTERDECK_BUILD: string | undefined;

/**
 * The cache a command uses: `$QUARTERDECK_CACHE_DIR`, else `$XDG_CACHE_HOME/quarterdeck`, else
 * `~/.cache/quarterdeck`. None with `QUARTERDECK_NO_CACHE` set (to anything but an empty string),
 * and none when quarterdeck runs from its sources rather than a build, which has no build id.
 */
export function checkCacheFor(env: Readonly<Record<string, string | undefined>>): CheckCache | undefined {
	const build = typeof QUARTERDECK_BUILD === 'string' ? QUARTERDECK_BUILD : undefined;
	if (!build || env.QUARTERDECK_NO_CACHE) return undefined;
	const dir = env.QUARTERDECK_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'quarterdeck');
	return {dir: path.resolve(dir), build};
}

/** Characters of text hashed at a time. */
const hashedAt = 1 << 16;

/**
 * The SHA-256 of a store's UTF-8 text, in hex. Hashed a slice at a time: each slice's UTF-8 copy is
 * small, where one copy of a large store's whole text raised the process's peak memory for good.
 */
export function digestOf(text: string): string {
	const hash = process.getBuiltinModule('node:crypto').createHash('sha256');
	for (let start = 0; start < text.length; ) {
		let end = Math.min(start + hashedAt, text.length);
		// A slice never ends between the two halves of a surrogate pair, which UTF-8 writes as one.
		const last = text.charCodeAt(end - 1);
		if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
		hash.update(text.slice(start, end));
		start = end;
	}
	return hash.digest('hex');
}

function entryFile(cache: CheckCache, digest: string): string {
	return path.join(cache.dir, `checked-${cache.build}-${digest}.json`);
}

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
 * after the checks filled its defaults (`fills`), `loaded` what they gave. Written atomically (a
 * temporary file, then a rename); a cache that cannot be written is left alone, as the command has
 * what it needs.
 */
export function rememberChecks(cache: CheckCache, digest: string, data: Store, fills: readonly ShapeFill[], loaded: LoadedStore): void {
	const paths = fills.length === 0 ? new Map() : pathsTo(data, new Set(fills.map(fill => fill.target)));
	const remembered: Remembered = {format: 1, fills: [], derived: []};
	for (const fill of fills) {
		const at = paths.get(fill.target);
		if (!at) return;
		remembered.fills.push([at, fill.key, fill.value]);
	}
	const {figures} = data;
	for (let index = 0; index < figures.length; index++) {
		const figure = loaded.figures[index]!;
		if (figure !== figures[index]) remembered.derived.push([index, figure.value]);
	}
	const file = entryFile(cache, digest);
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		fs.mkdirSync(cache.dir, {recursive: true, mode: 0o700});
		fs.writeFileSync(temporary, JSON.stringify(remembered), {mode: 0o600});
		fs.renameSync(temporary, file);
		prune(cache.dir);
	} catch {
		try {
			fs.rmSync(temporary, {force: true});
		} catch {
			// Nothing was written.
		}
	}
}

/** Keeps the {@link kept} newest entries of the directory. */
function prune(dir: string): void {
	const entries = fs.readdirSync(dir).filter(name => name.startsWith('checked-') && name.endsWith('.json'));
	if (entries.length <= kept) return;
	const byAge = entries
		.map(name => ({name, written: fs.statSync(path.join(dir, name), {throwIfNoEntry: false})?.mtimeMs ?? 0}))
		.sort((a, b) => b.written - a.written);
	for (const {name} of byAge.slice(kept)) fs.rmSync(path.join(dir, name), {force: true});
}

const isIndex = (value: unknown, length: number): value is number => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < length;

/**
 * The store the checks would give for `data`, the parsed text whose digest is `digest`, from what
 * they found before; undefined when nothing is remembered or what is does not fit `data` (a damaged
 * entry), and the caller checks the store. `defaults` holds, as `field` + NUL + JSON, every default
 * the schema declares: a fill may put only one of those, in an object that lacks the field.
 * Nothing in `data` changes unless everything fits.
 */
export function recallChecks(cache: CheckCache, digest: string, data: unknown, defaults: ReadonlySet<string>): LoadedStore | undefined {
	let remembered: Remembered;
	try {
		remembered = JSON.parse(fs.readFileSync(entryFile(cache, digest), 'utf8')) as Remembered;
	} catch {
		return undefined;
	}
	if (typeof remembered !== 'object' || remembered === null || remembered.format !== 1 || !Array.isArray(remembered.fills) || !Array.isArray(remembered.derived)) return undefined;

	const fills: Array<{target: Record<string, unknown>; key: string; value: unknown}> = [];
	for (const fill of remembered.fills) {
		if (!Array.isArray(fill) || !Array.isArray(fill[0]) || typeof fill[1] !== 'string') return undefined;
		const [at, key, value] = fill as [unknown[], string, unknown];
		if (!defaults.has(`${key}\u0000${JSON.stringify(value)}`)) return undefined;
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
	for (const entry of remembered.derived) {
		if (!Array.isArray(entry) || !isIndex(entry[0], figures.length) || !Number.isFinite(entry[1])) return undefined;
		if (figures[entry[0]]?.kind !== 'derived') return undefined;
	}

	for (const {target, key, value} of fills) target[key] = value;
	const resolved = figures.slice();
	for (const [index, value] of remembered.derived) resolved[index] = {...figures[index]!, value};
	return {...store, figures: resolved};
}
