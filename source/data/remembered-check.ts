import {compareFindings, ruleList, rules, ruleSeverity, severities, type CheckReport, type Finding, type RuleId} from '../model/check.js';
import type {Dataset} from '../model/dataset.js';
import {isQuarter, parsePeriod, writtenQuarter} from '../model/period.js';
import {OUTPUT_FORMAT, type FigureView} from '../model/reports.js';
import {jsonTextIsPlain} from '../model/text.js';
import {recallBeside, rememberBeside, storeTextOf, type StoreText} from './check-cache.js';
import {holds, isNumber, isNumberOrNull, isRecord, isText, isTextList, isTextOrNull, type Check} from './field-checks.js';

/** Under what name a store's whole check report is kept beside its remembered checks. */
const kind = 'findings';

/** A figure as a finding names it (see viewFigure), field by field. */
const figureFields: Record<keyof FigureView, Check> = {
	id: isText,
	period: isText,
	metric: isText,
	metricName: isText,
	segment: isTextOrNull,
	sites: isTextList,
	measure: isText,
	compareTo: isTextOrNull,
	value: isNumber,
	unit: isText,
	kind: value => value === 'stated' || value === 'derived',
	qualifier: isTextOrNull,
	source: isTextOrNull,
	quote: isTextOrNull,
	formula: isTextOrNull,
	inputs: value => value === null || (isRecord(value) && Object.values(value).every(isText)),
	note: isTextOrNull,
};
const figureCount = Object.keys(figureFields).length;

/** A finding, its severity its rule's and its period one a store can hold. */
const findingFields: Record<keyof Finding, Check> = {
	rule: value => isText(value) && Object.hasOwn(rules, value as string),
	severity: isText,
	period: value => isText(value) && parsePeriod(value as string) !== undefined,
	message: isText,
	figures: value => Array.isArray(value) && value.every(figure => holds(figure, figureFields, figureCount)),
	sites: isTextList,
	arithmetic: isTextOrNull,
	expected: isNumberOrNull,
	actual: isNumberOrNull,
	gap: isNumberOrNull,
	tolerance: isNumberOrNull,
};
const findingCount = Object.keys(findingFields).length;

const isFinding = (value: unknown): value is Finding => holds(value, findingFields, findingCount) && value.severity === ruleSeverity[value.rule as RuleId];

const reportKeys: ReadonlyArray<keyof CheckReport> = ['format', 'command', 'quarter', 'summary', 'rules', 'findings'];

/**
 * Whether a parsed value is, key for key, a check report of this build's rules: of the whole store
 * (`quarter` null) or of the quarter `quarter` names as a user wrote it (any one, for `latest`),
 * its findings all of it and in check's order, its summary the count of its findings by severity.
 * check's exit code is worked out from its findings, a table shows its summary, and its text draws
 * every finding's figures.
 */
export function isCheckReport(value: unknown, quarter: string | null): value is CheckReport {
	if (!isRecord(value) || Object.keys(value).length !== reportKeys.length || !reportKeys.every(key => Object.hasOwn(value, key))) return false;
	if (value.format !== OUTPUT_FORMAT || value.command !== 'check') return false;
	if (quarter === null ? value.quarter !== null : !isText(value.quarter) || !isQuarter(value.quarter as string)) return false;
	const written = quarter === null ? undefined : writtenQuarter(quarter);
	if (written !== undefined && value.quarter !== written) return false;
	const findings = value.findings;
	if (!Array.isArray(findings) || !findings.every(isFinding)) return false;
	if (value.quarter !== null && !findings.every(finding => finding.period === value.quarter)) return false;
	if (!findings.every((finding, index) => index === 0 || compareFindings(findings[index - 1]!, finding) <= 0)) return false;
	const summary = value.summary;
	return (
		isRecord(summary) &&
		Object.keys(summary).length === severities.length &&
		severities.every(severity => summary[severity] === findings.filter(finding => finding.severity === severity).length) &&
		JSON.stringify(value.rules) === JSON.stringify(ruleList())
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
	return isCheckReport(report, null) ? report : undefined;
}

/**
 * `value` as JSON that parses back to a value every output writes the same; undefined when JSON
 * would not give it back as it is: a number −0, NaN or ±Infinity, or a hole in an array (null
 * once read back).
 */
export function exactJson(value: unknown): string | undefined {
	// A walk, then JSON.stringify: a replacer called for every value costs twice as much.
	try {
		return comesBack(value) ? JSON.stringify(value) : undefined;
	} catch {
		// A cycle, a BigInt, or nesting too deep to walk: not kept.
		return undefined;
	}
}

/** Whether JSON gives `value`, plain data, back as it is (see {@link exactJson}). */
function comesBack(value: unknown): boolean {
	if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
	if (typeof value === 'bigint') return false;
	if (typeof value !== 'object' || value === null) return true;
	if (typeof (value as {toJSON?: unknown}).toJSON === 'function') return comesBack((value as {toJSON: () => unknown}).toJSON());
	if (Array.isArray(value)) {
		for (let index = 0; index < value.length; index++) if (value[index] === undefined || !comesBack(value[index])) return false;
		return true;
	}
	for (const key of Object.keys(value)) if (!comesBack((value as Record<string, unknown>)[key])) return false;
	return true;
}

/**
 * Keeps the whole store's check `report`, worked out from `store`, for the next command that reads
 * the same text (see {@link rememberedCheck}). A report whose text could hold a control character
 * (from a store's names or quotes) is not kept: the explorer checks its safe copy of such a store itself.
 */
export function rememberCheck(store: object, report: CheckReport): void {
	const text = storeTextOf(store);
	if (!text) return;
	const body = exactJson(report);
	if (body !== undefined && jsonTextIsPlain(body)) rememberBeside(text, kind, body);
}
