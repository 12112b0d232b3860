const bars = '▁▂▃▄▅▆▇█';

/**
 * A one-line trend: one bar per value, scaled between the smallest and largest, `·` for a gap
 * (a period with no figure), so missing data never reads as a low value.
 */
export function sparkline(values: ReadonlyArray<number | null>): string {
	const known = values.filter((value): value is number => value !== null);
	if (known.length === 0) return values.map(() => '·').join('');
	const low = Math.min(...known);
	const high = Math.max(...known);
	return values
		.map(value => {
			if (value === null) return '·';
			if (high === low) return bars[3];
			return bars[Math.round(((value - low) / (high - low)) * (bars.length - 1))];
		})
		.join('');
}
