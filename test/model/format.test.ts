import {describe, expect, it} from 'vitest';
import {random} from '../../source/bench/generate-store.js';
import {formatChange, formatPercentChange, formatValue, numberFormat} from '../../source/model/format.js';

// Halfway cases whose binary value lies below the half (1.005, 2.675), carries through nines,
// exponent forms, and zeros of either sign.
const edges = [
	0, -0, 1.005, 2.675, 0.125, 1.45, 0.05, 0.95, 9.995, 99.995, 999_999.995, 0.045, 8.325, 1234.5, 1.5, 2.5, 0.5, 0.000_000_1, 5e-7,
	0.000_05, 1e21, 123_456_789_012_345_680_000, 9_007_199_254_740_993, 0.1 + 0.2, -0.0004, -1.005, Number.NaN, Number.POSITIVE_INFINITY,
];

/** The edge cases, then `count` values of a seeded draw, so a failure names values that reproduce. */
function values(seed: number, count: number): number[] {
	const next = random(seed);
	const out = [...edges];
	for (let index = 0; index < count; index++) {
		const kind = next();
		const sign = next() < 0.2 ? -1 : 1;
		if (kind < 0.25) out.push(sign * Math.round(next() * 1e10));
		else if (kind < 0.5) out.push(sign * (Math.round(next() * 1e7) / 1000));
		else if (kind < 0.7) out.push(sign * (Math.round(next() * 1e6) / 100 + 0.005));
		else if (kind < 0.85) out.push(sign * next() * 10 ** (next() * 26 - 9));
		else out.push(sign * (Math.round(next() * 4000) / 40));
	}
	return out;
}

describe('numberFormat', () => {
	for (const options of [
		{maximumFractionDigits: 0},
		{minimumFractionDigits: 2, maximumFractionDigits: 2},
		{maximumFractionDigits: 2},
		{minimumFractionDigits: 1, maximumFractionDigits: 1},
		{maximumFractionDigits: 6},
	]) {
		it(`writes what Intl.NumberFormat('en-US', ${JSON.stringify(options)}) writes`, () => {
			const ours = numberFormat(options);
			const intl = new Intl.NumberFormat('en-US', options);
			const differ = values(options.maximumFractionDigits * 7 + (options.minimumFractionDigits ?? 0), 20_000)
				.map(value => [value, ours(value), intl.format(value)] as const)
				.filter(([, mine, theirs]) => mine !== theirs);
			expect(differ.slice(0, 5)).toEqual([]);
		});
	}

	it('reads as the panes show figures', () => {
		expect(formatValue(1_057_000, 'USD')).toBe('$1,057,000');
		expect(formatValue(-176_000, 'USD')).toBe('-$176,000');
		expect(formatValue(0.03, 'USD/share')).toBe('$0.03');
		expect(formatValue(2.805, 'percent')).toBe('2.81%');
		expect(formatChange(342_000, 'USD')).toBe('+$342,000');
		expect(formatPercentChange(32.449)).toBe('+32.4%');
		expect(formatPercentChange(-0.96)).toBe('-1.0%');
	});
});
