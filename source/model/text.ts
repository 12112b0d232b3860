// Escape sequences first (so their parameters go with them), then any lone control character.
const escapeSequence =
	/\u001B\][^\u0007\u001B\u009C]*(?:\u0007|\u001B\\|\u009C)?|\u009D[^\u0007\u001B\u009C]*(?:\u0007|\u001B\\|\u009C)?|(?:\u001B\[|\u009B)[0-?]*[ -/]*[@-~]?|\u001B[PX^_][^\u001B\u009C]*(?:\u001B\\|\u009C)?|[\u0090\u0098\u009E\u009F][^\u001B\u009C]*(?:\u001B\\|\u009C)?|\u001B[ -/]*[0-~]?/g;
// C0 and C1 controls, and the marks and embeddings that reorder text drawn after them (bidi).
const controlCharacter = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Makes untrusted text safe to print on a terminal: removes escape sequences (CSI, OSC, DCS and
 * the rest, in their 7-bit and 8-bit forms), every other C0 and C1 control character, and the
 * bidirectional controls that would make a terminal show text in another order than it is (the
 * marks U+061C, U+200E, U+200F, the embeddings and overrides U+202A–U+202E and the isolates
 * U+2066–U+2069). Line breaks and tabs become spaces, so one value stays on one line and in one
 * column.
 */
export function sanitize(text: string): string {
	return text.replace(escapeSequence, '').replace(/[\t\n\r]/g, ' ').replace(controlCharacter, '');
}

// Every escape sequence starts with a control character, so text without one is already safe.
const anyControl = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/**
 * Values known to hold no control character. One set for the process, found under a global symbol:
 * the commands and the explorer are bundled apart, and a store the commands read and marked is the
 * one the explorer then shows.
 */
const knownSafe = ((globalThis as {[key: symbol]: unknown})[Symbol.for('quarterdeck.known-safe-text')] ??= new WeakSet<object>()) as WeakSet<object>;

/**
 * Records that no string inside `value` (keys included) has a control character, as
 * {@link jsonTextIsPlain} shows for a value parsed from JSON text; `value` must not change after.
 */
export function markSafe<T extends object>(value: T): T {
	knownSafe.add(value);
	return value;
}

/**
 * True when no string parsed from the JSON `text` can hold a control character. A parse that
 * succeeded met raw control characters only as whitespace between tokens; what is left to look for
 * are escapes that make one (`\n`, `\u001b`) and raw DEL, C1 and bidi controls, which JSON lets through.
 * A few single-character scans of the text: far less than walking the value it gives.
 */
export function jsonTextIsPlain(text: string): boolean {
	for (let at = text.indexOf('\\'); at !== -1; at = text.indexOf('\\', at + 2)) {
		const escaped = text[at + 1];
		if (escaped === 'u') {
			if (anyControl.test(String.fromCharCode(Number.parseInt(text.slice(at + 2, at + 6), 16)))) return false;
		} else if (escaped !== '"' && escaped !== '\\' && escaped !== '/') {
			return false;
		}
	}
	if (text.includes('\u007F')) return false;
	// Text whose UTF-8 is as long as it is holds only ASCII, so no C1 or bidi control either.
	return Buffer.byteLength(text) === text.length || !/[\u0080-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/.test(text);
}

/**
 * Applies {@link sanitize} to every string inside a JSON-like value. Parts with nothing to remove
 * come back as they are, not copied: a large clean store costs one pass and no memory, and one
 * known to be safe ({@link markSafe}) costs nothing.
 */
export function sanitizeDeep<T>(value: T): T {
	if (typeof value === 'string') return (anyControl.test(value) ? sanitize(value) : value) as T;
	if (typeof value === 'object' && value !== null && knownSafe.has(value)) return value;
	if (Array.isArray(value)) {
		let out: unknown[] | undefined;
		for (let index = 0; index < value.length; index++) {
			const item: unknown = value[index];
			const clean = sanitizeDeep(item);
			if (clean !== item && !out) out = value.slice(0, index);
			out?.push(clean);
		}
		return (out ?? value) as T;
	}
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		const prototype = Object.getPrototypeOf(value) as unknown;
		const keys = Object.keys(record);
		let out: Record<string, unknown> | undefined = prototype === Object.prototype || prototype === null ? undefined : {};
		for (let index = 0; index < keys.length; index++) {
			const key = keys[index]!;
			const item = record[key];
			const cleanKey = anyControl.test(key) ? sanitize(key) : key;
			const clean = sanitizeDeep(item);
			if ((cleanKey !== key || clean !== item) && !out) {
				out = {};
				for (const earlier of keys.slice(0, index)) out[earlier] = record[earlier];
			}
			if (out) out[cleanKey] = clean;
		}
		return (out ?? value) as T;
	}
	return value;
}

/** Collapses every run of whitespace to one space: how quotes are compared with filings. */
export function normalizeWhitespace(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/**
 * Orders ids, periods and ISO dates by code point, the same on every machine. (localeCompare
 * would make the process load ICU's collation data, about 14 ms, on its first call.)
 */
export function compareText(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
