import type {Unit} from '../data/schema.js';

const grouped = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
const twoPlaces = new Intl.NumberFormat('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2});
const upToTwo = new Intl.NumberFormat('en-US', {maximumFractionDigits: 2});
const onePlace = new Intl.NumberFormat('en-US', {minimumFractionDigits: 1, maximumFractionDigits: 1});

function magnitude(value: number, unit: Unit): string {
	const size = Math.abs(value);
	switch (unit) {
		case 'USD':
			return `$${Number.isInteger(size) ? grouped.format(size) : upToTwo.format(size)}`;
		case 'USD/share':
			return `$${twoPlaces.format(size)}`;
		case 'percent':
			return `${upToTwo.format(size)}%`;
		case 'days':
			return `${upToTwo.format(size)} days`;
		case 'shares':
		case 'count':
			return Number.isInteger(size) ? grouped.format(size) : upToTwo.format(size);
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
	return `${value > 0 ? '+' : '-'}${onePlace.format(Math.abs(value))}%`;
}

/** ▲ up, ▼ down, = unchanged: direction that reads without colour. */
export function directionMark(value: number | null): string {
	if (value === null) return ' ';
	return value > 0 ? '▲' : value < 0 ? '▼' : '=';
}
