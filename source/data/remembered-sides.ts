import type {Dataset} from '../model/dataset.js';
import {diffSide, joinSides, type DiffSide} from '../model/diff.js';
import type {DiffReport} from '../model/reports.js';
import {largestText, recallSlices, rememberSlices, storeTextOf, type StoreText} from './check-cache.js';
import {exactJson} from './remembered-check.js';

/**
 * Every quarter's side of a diff (model/diff.ts), kept beside a large store's text in one entry of
 * slices, one a quarter (check-cache.ts): a diff of a pair not asked before reads its two quarters'
 * sides, not the store. A side JSON would not give back as it is (a −0) is kept as `null`, and a
 * pair with that quarter is worked out from the store; so is every side when all of them would make
 * an entry too large to be read back, so that they are not worked out again for each diff.
 */
const kind = 'sides';

/**
 * Keeps the diff side of each quarter of `dataset`'s store, when it was read through a cache by its
 * digest; each `null` once their text comes to more than `room` characters.
 */
export function rememberSides(dataset: Dataset, room = largestText): void {
	const text = storeTextOf(dataset.store);
	if (text?.digest === undefined) return;
	const slices: Array<readonly [string, string]> = [];
	let length = 0;
	for (const quarter of dataset.quarters) {
		const body = exactJson(diffSide(dataset, quarter)) ?? 'null';
		length += body.length;
		if (length > room) {
			slices.length = 0;
			break;
		}
		slices.push([quarter, body]);
	}
	rememberSlices(text, kind, slices.length > 0 ? slices : dataset.quarters.map(quarter => [quarter, 'null'] as const), 'sides');
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string';

/** Whether `value`, read back, is a side of `quarter` that {@link joinSides} can join as it joins a side it was given. */
function isSide(value: unknown, quarter: string): value is DiffSide {
	if (!isRecord(value) || value.quarter !== quarter || !Array.isArray(value.series)) return false;
	return value.series.every(
		(series: unknown) =>
			isRecord(series) &&
			isText(series.key) &&
			Number.isSafeInteger(series.at) &&
			Array.isArray(series.rank) &&
			series.rank.length === 3 &&
			series.rank.every(Number.isSafeInteger) &&
			[series.metric, series.name, series.statement, series.unit].every(isText) &&
			(series.segment === null || isText(series.segment)) &&
			Array.isArray(series.sites) &&
			series.sites.every(isText) &&
			isReading(series.reading),
	);
}

/** Whether `value` is a reading of the types {@link readingOf} gives. */
function isReading(value: unknown): boolean {
	if (!isRecord(value) || !Number.isFinite(value.value) || !isText(value.unit) || !isText(value.figure) || typeof value.conflict !== 'boolean') return false;
	const textOrNull = (field: unknown) => field === null || isText(field);
	return (
		(value.kind === 'stated' || value.kind === 'derived') &&
		textOrNull(value.qualifier) &&
		textOrNull(value.source) &&
		Array.isArray(value.figures) &&
		value.figures.every(isText) &&
		Array.isArray(value.alternatives) &&
		value.alternatives.every((item: unknown) => isRecord(item) && isText(item.figure) && Number.isFinite(item.value) && textOrNull(item.source))
	);
}

/**
 * What the sides kept for `text` give for the pair `pair` resolves among the store's quarters: the
 * diff report; `unkept` when a side of the pair could not be kept; undefined when there is no entry,
 * or it is not as it was written, or `pair` throws (the store is read, and its error given).
 */
export function recallDiff(text: StoreText, pair: (quarters: readonly string[]) => readonly [string, string]): DiffReport | 'unkept' | undefined {
	let quarters: readonly [string, string] | undefined;
	const bodies = recallSlices(text, kind, 'sides', names => {
		try {
			return (quarters = pair(names));
		} catch {
			return undefined;
		}
	});
	if (!bodies || !quarters) return undefined;
	if (bodies.includes('null')) return 'unkept';
	try {
		const sides = bodies.map(body => JSON.parse(body) as unknown);
		return isSide(sides[0], quarters[0]) && isSide(sides[1], quarters[1]) ? joinSides(sides[0], sides[1]) : undefined;
	} catch {
		return undefined;
	}
}
