import type {CheckReport} from '../model/check.js';
import type {QuartersReport, Report, ReportRequest} from '../model/reports.js';
import type {StoreText} from './check-cache.js';
import {isRecord} from './field-checks.js';
import {recallFindings} from './remembered-check.js';
import {recallReport} from './remembered-report.js';

/**
 * What an explorer's first frame on a large store is drawn from before the store is parsed: what
 * the commands and explorers before it kept for the same text (see remembered-report.ts). The
 * store is read, parsed and checked right after that frame, and the explorer goes on with it.
 */
export type Opening = {
	company: string;
	quarters: string[];
	/** The findings of the whole store's check, when they are kept: the panes' ⚑ marks. */
	findings: CheckReport | undefined;
	/** The report of the pane the explorer opens on, as the command `request` asks prints it. */
	request: ReportRequest;
	report: Report;
};

/** The company and the quarters of a kept quarters report; undefined unless it holds them as quarters gives them. */
function companyAndQuarters(report: QuartersReport): {company: string; quarters: string[]} | undefined {
	const {company} = report as {company: unknown};
	if (!isRecord(company) || typeof company.name !== 'string') return undefined;
	const quarters: string[] = [];
	for (const row of report.quarters as unknown[]) {
		if (!isRecord(row) || typeof row.quarter !== 'string') return undefined;
		quarters.push(row.quarter);
	}
	return {company: company.name, quarters};
}

/**
 * The opening of a store remembered by its digest, from what is kept for its `text`: the quarters
 * report, then the report `requestOf` asks for given the store's quarters (undefined when they
 * give it none: a quarter asked for that the store lacks), and the findings if they are kept.
 * Undefined unless the quarters and the pane's report are kept, with text a terminal can be sent as
 * it is. Nothing here throws: whatever is not there, the store is read.
 */
export function recallOpening(text: StoreText & {digest: string}, requestOf: (quarters: readonly string[]) => ReportRequest | undefined): Opening | undefined {
	const listed = recallReport(text, {command: 'quarters'}, {forTerminal: true}) as QuartersReport | undefined;
	const found = listed && companyAndQuarters(listed);
	if (!found) return undefined;
	const request = requestOf(found.quarters);
	const report = request && recallReport(text, request, {forTerminal: true});
	if (!report) return undefined;
	return {...found, findings: recallFindings(text), request, report};
}
