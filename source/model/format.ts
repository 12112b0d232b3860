import type {Unit} from '../data/schema.js';

/**
 * A number format made on first use: the first Intl.NumberFormat of a process loads ICU's locale
 * data (about 20 ms here), which output that prints no formatted value should not pay for.
 */
export function lazyNumberFormat(options: Intl.NumberFormatOptions): (value: number) => string {
	let format: Intl.NumberFormat | undefined;
	return value => (format ??= new Intl.NumberFormat('en-US', options)).format(value);
}

const grouped = lazyNumberFormat({maximumFractionDigits: 0});
const twoPlaces = lazyNumberFormat({minimumFractionDigits: 2, maximumFractionDigits: 2});
const upToTwo = lazyNumberFormat({maximumFractionDigits: 2});
const onePlace = lazyNumberFormat({minimumFractionDigits: 1, maximumFractionDigits: 1});

function magnitude(value: number, unit: Unit): string {
	const size = Math.abs(value);
	switch (unit) {
		case 'USD':
			return `$${Number.isInteger(size) ? grouped(size) : upToTwo(size)}`;
		case 'USD/share':
			return `$${twoPlaces(size)}`;
		case 'percent':
			return `${upToTwo(size)}%`;
		case 'days':
			return `${upToTwo(size)} days`;
		case 'shares':
		case 'count':
			return Number.isInteger(size) ? grouped(size) : upToTwo(size);
	}
}

/** A value as a reader expects it: `$1,057,000`, `-$176,000`, `$0.03`, `2.8%`, `45 days`, `1,489`. */
export function formatValue(value: number, unit: Unit): string {
	return `${value < 0 ? '-' : ''}${magnitude(value, unit)}`;
}

/** A change, always signed: `+$342,000`, `-$81,000`, `0`. */
export function formatChange(value: number, unit: Unit): string {
	if (value === 0) return unit === 'USD' ? '$0' : formatValue(0, unit);
	return `${value > 0 ? '+' : '-'}${magnitude(value, unit)}`;
}

/** A percentage change to one place, signed: `+32.4%`. */
export function formatPercentChange(value: number): string {
	if (Math.abs(value) < 0.05) return '0.0%';
	return `${value > 0 ? '+' : '-'}${onePlace(Math.abs(value))}%`;
}

/** ▲ up, ▼ down, = unchanged: direction that reads without colour. */
export function directionMark(value: number | null): string {
	if (value === null) return ' ';
	return value > 0 ? '▲' : value < 0 ? '▼' : '=';
}
