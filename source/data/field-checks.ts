/**
 * Checks of JSON read back from a cache entry, field by field: what a kept report or side must hold
 * before it is used as one (remembered-check.ts, remembered-sides.ts).
 */
export type Check = (value: unknown) => boolean;

export const isText: Check = value => typeof value === 'string';
export const isTextOrNull: Check = value => value === null || typeof value === 'string';
export const isNumber: Check = value => typeof value === 'number' && Number.isFinite(value);
export const isNumberOrNull: Check = value => value === null || isNumber(value);
export const isTextList: Check = value => Array.isArray(value) && value.every(isText);
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A list each item of which `check` passes. */
export const listOf =
	(check: Check): Check =>
	value =>
		Array.isArray(value) && value.every(check);

/** Whether `value` is an object of exactly the keys of `fields`, `count` of them, each of which its check passes. */
export function holds(value: unknown, fields: Readonly<Record<string, Check>>, count: number): value is Record<string, unknown> {
	if (!isRecord(value) || Object.keys(value).length !== count) return false;
	for (const key in fields) if (!Object.hasOwn(value, key) || !fields[key]!(value[key])) return false;
	return true;
}
