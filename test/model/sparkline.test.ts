import v8 from 'node:v8';
import {describe, expect, it} from 'vitest';
import {random} from '../../source/bench/generate-store.js';
import {sparkline} from '../../source/model/sparkline.js';
import {collectGarbage} from '../helpers.js';

const bars = [...'▁▂▃▄▅▆▇█'];

describe('sparkline', () => {
	it.each([
		[[0, 7], '▁█'],
		[[0, 1, 2], '▁▅█'],
		[[-5, 0, 5, 2.5], '▁▅█▆'],
		[[null, 3, 1, null], '·█▁·'],
		[[10, 20, 30, 40, 50, 60, 70, 80], '▁▂▃▄▅▆▇█'],
		[[1e9, 1e9 + 1, 1e9 + 0.5], '▁█▅'],
	])('draws %j as %s', (values, line) => {
		expect(sparkline(values)).toBe(line);
	});

	it('draws one bar per value, scaled from the smallest to the largest, and a dot for each gap', () => {
		const next = random(9);
		for (let round = 0; round < 200; round++) {
			const values = Array.from({length: 1 + Math.floor(next() * 40)}, () => (next() < 0.15 ? null : Math.round((next() - 0.3) * 1e6) / 100));
			const line = [...sparkline(values)];
			expect(line).toHaveLength(values.length);
			const known = values.filter((value): value is number => value !== null);
			const low = Math.min(...known);
			const high = Math.max(...known);
			values.forEach((value, at) => {
				if (value === null) expect(line[at]).toBe('·');
				else if (high === low) expect(line[at]).toBe('▄');
				else expect(line[at]).toBe(bars[Math.round(((value - low) / (high - low)) * 7)]);
			});
			// A larger value never draws a lower bar.
			const drawn = values.map((value, at) => [value, bars.indexOf(line[at]!)] as const).filter(([value]) => value !== null);
			drawn.sort((a, b) => a[0]! - b[0]!);
			for (let at = 1; at < drawn.length; at++) expect(drawn[at]![1]).toBeGreaterThanOrEqual(drawn[at - 1]![1]);
			if (known.length > 0 && high !== low) {
				expect(line[values.indexOf(low)]).toBe('▁');
				expect(line[values.indexOf(high)]).toBe('█');
			}
		}
	});

	it('draws only dots when no value is known, a middle bar when all are equal, and nothing for no values', () => {
		expect(sparkline([null, null])).toBe('··');
		expect(sparkline([5, null, 5])).toBe('▄·▄');
		expect(sparkline([-0, 0])).toBe('▄▄');
		expect(sparkline([])).toBe('');
	});
});

describe('a trend kept', () => {
	it('takes about what its characters take: one string, not a chain of pieces', () => {
		const next = random(4);
		const series = Array.from({length: 200}, () => (next() < 0.1 ? null : next() * 1000));
		const lines = 2000;
		collectGarbage();
		const before = v8.getHeapStatistics().used_heap_size;
		// Each a new text of 200 bars, kept as a pane keeps its rows' trends.
		const kept = Array.from({length: lines}, (_, at) => sparkline(series.map(value => (value === null ? null : value + at))));
		collectGarbage();
		const perLine = (v8.getHeapStatistics().used_heap_size - before) / lines;
		expect(kept.every(line => line.length === 200)).toBe(true);
		// 200 two-byte characters are 400 bytes.
		expect(perLine).toBeLessThan(1500);
	});
});
