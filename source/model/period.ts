import {UsageError} from '../errors.js';
import {compareText} from './text.js';

/** `2004Q2` (a quarter) or `2004Q1-Q2` (quarters of one year taken together). */
export const periodPattern = /^(\d{4})Q([1-4])(?:-Q([1-4]))?$/;

/** A period as numbers: one quarter when first === last. */
export type PeriodParts = {year: number; first: number; last: number};

// Sorting and comparing periods parses the same few ids over and over; each is parsed once. Bounded,
// since a server parses whatever its visitors type.
const parsed = new Map<string, Readonly<PeriodParts> | undefined>();

/** Splits a canonical period id (`2004Q2`, `2004Q1-Q2`); undefined when it is not one. */
export function parsePeriod(id: string): Readonly<PeriodParts> | undefined {
	if (parsed.has(id)) return parsed.get(id);
	const match = periodPattern.exec(id);
	let parts: Readonly<PeriodParts> | undefined;
	if (match) {
		const year = Number(match[1]);
		const first = Number(match[2]);
		const last = match[3] ? Number(match[3]) : first;
		parts = last < first ? undefined : Object.freeze({year, first, last});
	}
	if (parsed.size >= 4096) parsed.clear();
	parsed.set(id, parts);
	return parts;
}

export function isQuarter(id: string): boolean {
	const parts = parsePeriod(id);
	return parts !== undefined && parts.first === parts.last;
}

/** A quarter as one number that orders and subtracts: 2004Q1 - 2003Q1 = 4. */
export function quarterOrdinal(id: string): number {
	const parts = parsePeriod(id);
	if (!parts) throw new TypeError(`not a period: ${id}`);
	return parts.year * 4 + parts.last - 1;
}

export function quarterFromOrdinal(ordinal: number): string {
	return `${Math.floor(ordinal / 4)}Q${(ordinal % 4) + 1}`;
}

/** The same quarter a year earlier: the comparison filings make. */
export function yearEarlier(quarter: string): string {
	return quarterFromOrdinal(quarterOrdinal(quarter) - 4);
}

/** Orders period ids by their end, then shorter spans first. */
export function comparePeriods(a: string, b: string): number {
	const pa = parsePeriod(a);
	const pb = parsePeriod(b);
	if (!pa || !pb) return compareText(a, b);
	return pa.year - pb.year || pa.last - pb.last || pb.first - pa.first;
}

const monthNames = ['March', 'June', 'September', 'December'];

/** Words for a period: "Q3 2003", "six months ended June 30, 2004". */
export function describePeriod(id: string): string {
	const parts = parsePeriod(id);
	if (!parts) return id;
	if (parts.first === parts.last) return `Q${parts.first} ${parts.year}`;
	const count = parts.last - parts.first + 1;
	const months = ['three', 'six', 'nine', 'twelve'][count - 1];
	const day = parts.last === 1 || parts.last === 4 ? 31 : 30;
	if (parts.first === 1 && parts.last === 4) return `year ${parts.year}`;
	return `${months} months ended ${monthNames[parts.last - 1]} ${day}, ${parts.year}`;
}

/** Days in a period, for day-based ratios such as days sales outstanding. */
export function daysInPeriod(id: string): number {
	const parts = parsePeriod(id);
	if (!parts) throw new TypeError(`not a period: ${id}`);
	const start = Date.UTC(parts.year, (parts.first - 1) * 3, 1);
	const end = Date.UTC(parts.year, parts.last * 3, 1);
	return Math.round((end - start) / 86_400_000);
}

const quarterForms = [
	/^(\d{4})\s*-?\s*q([1-4])$/i, // 2004Q2, 2004-Q2, 2004 q2
	/^q([1-4])\s*[- ]?\s*(\d{4})$/i, // Q2 2004, q2-2004, Q22004
];

/** The quarter `text` names in one of the forms a user types (`2004Q2`, `q2-2004`); undefined for any other text, `latest` included. */
export function writtenQuarter(text: string): string | undefined {
	for (const [index, form] of quarterForms.entries()) {
		const match = form.exec(text.trim());
		if (match) return index === 0 ? `${match[1]}Q${match[2]}` : `${match[2]}Q${match[1]}`;
	}
	return undefined;
}

/**
 * Reads a quarter as a user types it: `2004Q2`, `2004-Q2`, `Q2 2004`, `q2-2004`, or relative to the
 * store's newest quarter: `latest`, `latest-1`, `latest-4` (a year earlier). The quarter must be one
 * of `quarters`; otherwise a usage error lists the ones there are.
 */
export function resolveQuarter(input: string, quarters: readonly string[], argument = 'quarter'): string {
	const text = input.trim();
	let quarter: string | undefined;
	const relative = /^latest(?:\s*-\s*(\d+))?$/i.exec(text);
	if (relative) {
		const newest = quarters.at(-1);
		if (newest !== undefined) quarter = quarterFromOrdinal(quarterOrdinal(newest) - Number(relative[1] ?? 0));
	} else quarter = writtenQuarter(text);

	if (quarter !== undefined && quarters.includes(quarter)) return quarter;
	const what = quarter === undefined ? 'is not a quarter' : `(${quarter}) is not in the store`;
	throw new UsageError(`${argument} "${input}" ${what}; expected ${expectedQuarters(quarters, quarter)}, or latest, latest-N`);
}

/** Up to this many quarters, an error names them all; a store of 200 would make a line of 2 KB. */
const namedQuarters = 12;

/**
 * What a quarter must be: one of `quarters` (in order), each named, or past {@link namedQuarters}
 * their count and span, and the two either side of `asked` when it falls between them.
 */
function expectedQuarters(quarters: readonly string[], asked: string | undefined): string {
	if (quarters.length === 0) return 'one of none: the store has no quarters';
	if (quarters.length <= namedQuarters) return `one of ${quarters.join(', ')}`;
	const after = asked === undefined ? -1 : quarters.findIndex(quarter => quarterOrdinal(quarter) > quarterOrdinal(asked));
	const nearest = after > 0 ? `nearest: ${quarters[after - 1]}, ${quarters[after]}; ` : '';
	return `one of the store's ${quarters.length} quarters from ${quarters[0]} to ${quarters.at(-1)} (${nearest}all: quarterdeck quarters)`;
}
