import {checkStore, ruleList, rules, severities, type CheckReport, type Finding} from '../model/check.js';
import type {Dataset} from '../model/dataset.js';
import {OUTPUT_FORMAT} from '../model/reports.js';
import {jsonTextIsPlain} from '../model/text.js';
import {recallBeside, rememberBeside, storeTextOf, type StoreText} from './check-cache.js';

/** Under what name a store's whole check report is kept beside its remembered checks. */
const kind = 'findings';

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNull = (value: unknown) => value === null || typeof value === 'string';
const isNumberOrNull = (value: unknown) => value === null || (typeof value === 'number' && Number.isFinite(value));

function isFinding(value: unknown): value is Finding {
	if (typeof value !== 'object' || value === null) return false;
	const finding = value as Record<string, unknown>;
	return (
		Object.hasOwn(rules, finding.rule as string) &&
		(severities as readonly unknown[]).includes(finding.severity) &&
		isText(finding.period) &&
		isText(finding.message) &&
		Array.isArray(finding.figures) &&
		finding.figures.every(figure => typeof figure === 'object' && figure !== null && isText((figure as {id?: unknown}).id)) &&
		Array.isArray(finding.sites) &&
		finding.sites.every(isText) &&
		isTextOrNull(finding.arithmetic) &&
		['expected', 'actual', 'gap', 'tolerance'].every(key => isNumberOrNull(finding[key]))
	);
}

/**
 * Whether a parsed value is a check report of this build's rules, for the whole store or for one
 * quarter (whichever it is, its findings all of it), its summary the count of its findings by
 * severity: check's exit code is worked out from its findings, and a table shows its summary.
 */
export function isCheckReport(value: unknown, quarter: 'whole' | 'quarter'): value is CheckReport {
	if (typeof value !== 'object' || value === null) return false;
	const report = value as Record<string, unknown>;
	if (report.format !== OUTPUT_FORMAT || report.command !== 'check') return false;
	if (quarter === 'whole' ? report.quarter !== null : !isText(report.quarter)) return false;
	if (!Array.isArray(report.findings) || !report.findings.every(isFinding)) return false;
	if (quarter === 'quarter' && !report.findings.every(finding => finding.period === report.quarter)) return false;
	if (typeof report.summary !== 'object' || report.summary === null) return false;
	const summary = report.summary as Record<string, unknown>;
	const findings = report.findings;
	return (
		severities.every(severity => summary[severity] === findings.filter(finding => finding.severity === severity).length) &&
		JSON.stringify(report.rules) === JSON.stringify(ruleList())
	);
}

/**
 * What `check` found in the whole store, as found before in the same text under the same build; undefined
 * when nothing is remembered (a text not read through a cache, a small store read by the explorer,
 * the first check of a text) or what is kept does not fit.
 */
export function rememberedCheck(dataset: Dataset): CheckReport | undefined {
	const text = storeTextOf(dataset.store);
	return text && recallFindings(text);
}

/** {@link rememberedCheck} for the text itself, before it is parsed (see remembered-report.ts). */
export function recallFindings(text: StoreText): CheckReport | undefined {
	const body = recallBeside(text, kind);
	if (body === undefined) return undefined;
	// Only a report no terminal could be sent a control character from (see rememberCheck).
	if (!jsonTextIsPlain(body)) return undefined;
	let report: unknown;
	try {
		report = JSON.parse(body);
	} catch {
		return undefined;
	}
	return isCheckReport(report, 'whole') ? report : undefined;
}

/**
 * `value` as JSON that parses back to a value every output writes the same; undefined when JSON
 * would not give it back as it is: a number −0, NaN or ±Infinity, or a hole in an array (null
 * once read back).
 */
export function exactJson(value: unknown): string | undefined {
	try {
		return JSON.stringify(value, function (this: unknown, _key: string, item: unknown) {
			if (typeof item === 'number' && (!Number.isFinite(item) || Object.is(item, -0))) throw new RangeError('not kept');
			if (item === undefined && Array.isArray(this)) throw new RangeError('not kept');
			return item;
		});
	} catch {
		return undefined;
	}
}

/**
 * Keeps the whole store's check `report` for the next command that reads the same text (see
 * {@link rememberedCheck}). A report whose text could hold a control character (from a store's
 * names or quotes) is not kept: the explorer checks its safe copy of such a store itself.
 */
export function rememberCheck(dataset: Dataset, report: CheckReport): void {
	const text = storeTextOf(dataset.store);
	if (!text) return;
	const body = exactJson(report);
	if (body !== undefined && jsonTextIsPlain(body)) rememberBeside(text, kind, body);
}

/** The whole store's check report: remembered for a large store's text, else worked out (and remembered). */
export function checkWholeStore(dataset: Dataset): CheckReport {
	const remembered = rememberedCheck(dataset);
	if (remembered) return remembered;
	const report = checkStore(dataset);
	rememberCheck(dataset, report);
	return report;
}
