import type {CheckReport} from '../model/check.js';
import {OUTPUT_FORMAT, type Report, type ReportRequest} from '../model/reports.js';
import {jsonTextIsPlain} from '../model/text.js';
import {recallBeside, rememberBeside, storeTextOf, type StoreText} from './check-cache.js';
import {exactJson, isCheckReport, recallFindings, rememberCheck} from './remembered-check.js';

/**
 * A command's report, remembered by the text and the request (see check-cache.ts: beside a large
 * store's checks, or with a copy of a small store file's bytes): the same command on the same text under the same build gives the same report,
 * so it is read back instead of parsing the store again. A report is kept as JSON and written out
 * as any other, so a terminal's copy is made safe when it is drawn. The whole store's check is
 * check's own findings (remembered-check.ts), which the explorer reads too.
 */

/** Under what a request's report is kept: the request as JSON. */
const kindOf = (request: ReportRequest) => JSON.stringify(request);

const isWholeCheck = (request: ReportRequest) => request.command === 'check' && request.quarter === null;

/** The lists each command's report but check's holds at its top: a kept report without them is not one. */
const listsOf: {[C in Exclude<Report['command'], 'check'>]: ReadonlyArray<keyof Extract<Report, {command: C}>>} = {
	quarters: ['quarters', 'spans'],
	segments: ['quarters', 'rows'],
	centers: ['sites'],
	balance: ['quarters', 'rows'],
	diff: ['rows'],
	show: ['figures', 'spans', 'events'],
};

/**
 * Whether `value`, read back for `request`, is a report of this build's format for its command, its
 * lists in place; a quarter's check is held, key for key, to what check gives (its exit code comes
 * from it), as the whole store's is.
 */
function fits(value: unknown, request: ReportRequest): value is Report {
	if (request.command === 'check') return isCheckReport(value, request.quarter);
	if (typeof value !== 'object' || value === null) return false;
	const report = value as Record<string, unknown>;
	return report.format === OUTPUT_FORMAT && report.command === request.command && listsOf[request.command].every(key => Array.isArray(report[key]));
}

/**
 * The report kept for `request` on `text`; undefined when none is, or what is kept does not fit, or,
 * `forTerminal`, when its text could hold a control character (one is drawn as it is kept).
 */
export function recallReport(text: StoreText, request: ReportRequest, {forTerminal = false} = {}): Report | undefined {
	if (isWholeCheck(request)) return recallFindings(text);
	const body = recallBeside(text, kindOf(request), 'report');
	if (body === undefined || (forTerminal && !jsonTextIsPlain(body))) return undefined;
	let report: unknown;
	try {
		report = JSON.parse(body);
	} catch {
		return undefined;
	}
	return fits(report, request) ? report : undefined;
}

/**
 * Keeps `report`, worked out for `request` from `store`, for the next command that asks for it of
 * the same text (the whole store's check as its findings entry); nothing for a store read without a
 * cache or from a small store's pipe, nor for a report JSON would not give back as it is.
 */
export function rememberReport(store: object, request: ReportRequest, report: Report): void {
	if (isWholeCheck(request)) return rememberCheck(store, report as CheckReport);
	const text = storeTextOf(store);
	if (!text) return;
	const body = exactJson(report);
	if (body !== undefined) rememberBeside(text, kindOf(request), body, 'report');
}
