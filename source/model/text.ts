// Escape sequences first (so their parameters go with them), then any lone control character.
const escapeSequence =
	/\u001B\][^\u0007\u001B\u009C]*(?:\u0007|\u001B\\|\u009C)?|\u009D[^\u0007\u001B\u009C]*(?:\u0007|\u001B\\|\u009C)?|(?:\u001B\[|\u009B)[0-?]*[ -/]*[@-~]?|\u001B[PX^_][^\u001B\u009C]*(?:\u001B\\|\u009C)?|[\u0090\u0098\u009E\u009F][^\u001B\u009C]*(?:\u001B\\|\u009C)?|\u001B[ -/]*[0-~]?/g;
const controlCharacter = /[\u0000-\u001F\u007F-\u009F]/g;

/**
 * Makes untrusted text safe to print on a terminal: removes escape sequences (CSI, OSC, DCS and
 * the rest, in their 7-bit and 8-bit forms) and every other C0 and C1 control character. Line
 * breaks and tabs become spaces, so one value stays on one line and in one column.
 */
export function sanitize(text: string): string {
	return text.replace(escapeSequence, '').replace(/[\t\n\r]/g, ' ').replace(controlCharacter, '');
}

/** Applies {@link sanitize} to every string inside a JSON-like value. */
export function sanitizeDeep<T>(value: T): T {
	if (typeof value === 'string') return sanitize(value) as T;
	if (Array.isArray(value)) return value.map(item => sanitizeDeep(item)) as T;
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) out[sanitize(key)] = sanitizeDeep(item);
		return out as T;
	}
	return value;
}

/** Collapses every run of whitespace to one space: how quotes are compared with filings. */
export function normalizeWhitespace(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}
