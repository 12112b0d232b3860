import type {Dataset, Reading} from '../model/dataset.js';
import {diffSide, joinSides, type DiffSide, type SideSeries} from '../model/diff.js';
import type {DiffReport} from '../model/reports.js';
import {largestText, recallSlices, rememberSlices, storeTextOf, type StoreText} from './check-cache.js';
import {holds, isNumber, isText, isTextList, isTextOrNull, listOf, type Check} from './field-checks.js';
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
	for (const quarter of dataset.quarters) {
		const body = exactJson(diffSide(dataset, quarter)) ?? 'null';
		room -= body.length;
		if (room < 0) return rememberSlices(text, kind, dataset.quarters.map(each => [each, 'null'] as const), 'sides');
		slices.push([quarter, body]);
	}
	rememberSlices(text, kind, slices, 'sides');
}

/** A reading as readingOf gives it, field by field, and each of its alternatives. */
const alternativeFields: Record<keyof Reading['alternatives'][number], Check> = {figure: isText, value: isNumber, source: isTextOrNull};
const readingFields: Record<keyof Reading, Check> = {
	value: isNumber,
	unit: isText,
	kind: value => value === 'stated' || value === 'derived',
	qualifier: isTextOrNull,
	figure: isText,
	source: isTextOrNull,
	figures: isTextList,
	conflict: value => typeof value === 'boolean',
	alternatives: listOf(value => holds(value, alternativeFields, 3)),
};
const readingCount = Object.keys(readingFields).length;

/** A series of a side, field by field: its rank three whole numbers, its reading a reading. */
const seriesFields: Record<keyof SideSeries, Check> = {
	at: Number.isSafeInteger,
	rank: value => Array.isArray(value) && value.length === 3 && value.every(Number.isSafeInteger),
	metric: isText,
	name: isText,
	statement: isText,
	segment: isTextOrNull,
	sites: isTextList,
	unit: isText,
	reading: value => holds(value, readingFields, readingCount),
};
const seriesCount = Object.keys(seriesFields).length;

/** Whether `value`, read back, is a side of `quarter` that {@link joinSides} joins as it joins a side it was given. */
const isSide = (value: unknown, quarter: string): value is DiffSide =>
	holds(value, {quarter: side => side === quarter, series: listOf(series => holds(series, seriesFields, seriesCount))}, 2);

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
