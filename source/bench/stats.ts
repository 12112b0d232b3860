/** A set of timings in milliseconds, summarised. */
export type Summary = {runs: number; median: number; p50: number; p95: number; min: number; max: number};

/** The value at a percentile by the nearest-rank method: p95 of 20 samples is the 19th smallest. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
	return {
		runs: values.length,
		median: round(median(values)),
		p50: round(percentile(values, 50)),
		p95: round(percentile(values, 95)),
		min: round(Math.min(...values)),
		max: round(Math.max(...values)),
	};
}

/** Two decimals: enough for milliseconds, short enough to read. */
export function round(value: number, places = 2): number {
	const scale = 10 ** places;
	return Math.round(value * scale) / scale;
}
