import type {GridColumn, GridRow} from './pane-rows.js';

/** The gap between columns, and the room the selection marker takes at the start of a row. */
export const columnGap = 2;
export const markerWidth = 2;

/**
 * Widths for a grid's columns within `width`: each column's natural width, then the lowest-priority
 * columns drop (width 0) and flexible ones shrink toward their minimum until the row fits.
 */
export function layoutColumns(columns: readonly GridColumn[], rows: readonly GridRow[], width: number): number[] {
	const natural = columns.map((column, index) =>
		Math.max(column.header.length, ...rows.map(row => row.cells[index]?.text.length ?? 0)),
	);
	const widths = [...natural];
	const used = () => {
		const shown = widths.filter(w => w > 0);
		return markerWidth + shown.reduce((sum, w) => sum + w, 0) + columnGap * Math.max(0, shown.length - 1);
	};
	// Flexible columns give up width in proportion to how far each is above its minimum.
	const shrinkFlex = () => {
		const over = used() - width;
		if (over <= 0) return;
		const flexible = columns.flatMap((column, index) =>
			column.flex && widths[index]! > 0 ? [{index, slack: widths[index]! - Math.min(widths[index]!, column.min ?? 8)}] : [],
		);
		const slack = flexible.reduce((sum, item) => sum + item.slack, 0);
		if (slack === 0) return;
		let left = Math.min(over, slack);
		for (const item of flexible) {
			const cut = Math.min(item.slack, Math.ceil((over * item.slack) / slack), left);
			widths[item.index] = widths[item.index]! - cut;
			left -= cut;
		}
	};
	shrinkFlex();
	const byPriority = columns.map((column, index) => ({column, index})).sort((a, b) => a.column.priority - b.column.priority);
	for (const {index} of byPriority) {
		if (used() <= width) break;
		if (columns[index]!.priority >= 10) continue;
		widths[index] = 0;
		for (const [flexIndex, column] of columns.entries()) if (column.flex && widths[flexIndex]! > 0) widths[flexIndex] = natural[flexIndex]!;
		shrinkFlex();
	}
	// Still too wide (a very narrow window): the flexible columns give up everything above 4.
	for (const [index, column] of columns.entries()) {
		const over = used() - width;
		if (over <= 0) break;
		if (column.flex && widths[index]! > 0) widths[index] = Math.max(4, widths[index]! - over);
	}
	return widths;
}

/** Cuts text to a width, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
	if (text.length <= width) return text;
	return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/** The first row to show so that `selected` stays inside a window of `height` rows. */
export function scrollOffset(selected: number, count: number, height: number): number {
	if (count <= height) return 0;
	const half = Math.floor(height / 2);
	return Math.max(0, Math.min(selected - half, count - height));
}

/** Breaks text into lines of at most `width` characters at spaces. */
export function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line && line.length + 1 + word.length > width) {
			lines.push(line);
			line = '';
		}
		let rest = word;
		while (rest.length > width) {
			if (line) {
				lines.push(line);
				line = '';
			}
			lines.push(rest.slice(0, width));
			rest = rest.slice(width);
		}
		line = line ? `${line} ${rest}` : rest;
	}
	if (line) lines.push(line);
	return lines;
}

/** Key bindings the help table shows at once: it draws a rule above every row, plus its frame. */
export function helpPageSize(bodyHeight: number): number {
	return Math.max(1, Math.floor((bodyHeight - 4) / 2));
}
