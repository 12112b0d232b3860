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
	let line = '';
	for (const value of values) {
		line += value === null ? '·' : high === low ? bars[3] : bars[Math.round(((value - low) / (high - low)) * top)];
	}
	return line;
}
