import type {CheckReport} from '../model/check.js';
import {sanitize} from '../model/text.js';

const marks = {error: 'ERROR', warning: 'WARN ', info: 'info '} as const;
const colours = {error: '\u001B[31m', warning: '\u001B[33m', info: '\u001B[2m'} as const;

function wrapTo(text: string, width: number, indent: string): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line && indent.length + line.length + 1 + word.length > width) {
			lines.push(indent + line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(indent + line);
	return lines;
}

/**
 * Findings for a person: grouped by quarter, each with its arithmetic and the filings' words. Every
 * text drawn is made safe for a terminal, as a table's cells are: a report may be one read back
 * from the cache.
 */
export function drawCheck(report: CheckReport, color: boolean, width: number): string {
	const out: string[] = [];
	const bold = (text: string) => (color ? `\u001B[1m${text}\u001B[22m` : text);
	out.push(bold(sanitize(`Tie-out checks${report.quarter ? ` for ${report.quarter}` : ''}: ${report.summary.error} error(s), ${report.summary.warning} warning(s), ${report.summary.info} info`)));
	let period: string | undefined;
	for (const finding of report.findings) {
		if (finding.period !== period) {
			period = finding.period;
			out.push('', bold(sanitize(period)));
		}
		const mark = color ? `${colours[finding.severity]}${marks[finding.severity]}\u001B[0m` : marks[finding.severity];
		out.push(`  ${mark} ${sanitize(finding.rule)}`);
		out.push(...wrapTo(sanitize(finding.message), width, '        '));
		if (finding.arithmetic) {
			const gap = finding.gap === null ? '' : ` (gap ${round(finding.gap)}; the filings' rounding allows ${round(finding.tolerance ?? 0)})`;
			out.push(...wrapTo(sanitize(`${finding.arithmetic}${gap}`), width, '        '));
		}
		// One line a figure, cut to the window; --json has every word.
		for (const figure of finding.figures.slice(0, 6)) {
			const words = figure.quote ? `“${figure.quote}”` : 'derived';
			const line = sanitize(`        · ${figure.id} (${figure.source ?? 'derived'}): ${words}`);
			out.push(line.length > width ? `${line.slice(0, width - 1)}…` : line);
		}
		if (finding.figures.length > 6) out.push(`        … and ${finding.figures.length - 6} more (see --json)`);
	}
	if (report.findings.length === 0) out.push('', 'No findings.');
	return `${out.join('\n')}\n`;
}

const round = (value: number) => String(Math.round(value * 1000) / 1000);
