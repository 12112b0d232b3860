const bars = '▁▂▃▄▅▆▇█';

/**
 * A one-line trend: one bar per value, scaled between the smallest and largest, `·` for a gap
 * (a period with no figure), so missing data never reads as a low value.
 */
export function sparkline(values: ReadonlyArray<number | null>): string {
	// Plain loops: a large store's Segments pane draws a trend of hundreds of quarters per row.
	let low = Number.POSITIVE_INFINITY;
	let high = Number.NEGATIVE_INFINITY;
	for (const value of values) {
		if (value === null) continue;
		if (value < low) low = value;
		if (value > high) high = value;
	}
	const top = bars.length - 1;
	// Joined, not added up: a string added to bar by bar is a chain of hundreds of pieces until
	// something reads it, and a pane keeps its rows' trends whether the column fits or not.
	const line = new Array<string>(values.length);
	for (let at = 0; at < values.length; at++) {
		const value = values[at]!;
		line[at] = value === null ? '·' : high === low ? bars[3]! : bars[Math.round(((value - low) / (high - low)) * top)]!;
	}
	return line.join('');
}
