import type {Unit} from '../data/schema.js';

type DecimalOptions = {minimumFractionDigits?: number; maximumFractionDigits: number};

/**
 * Formats a number as `Intl.NumberFormat('en-US', options)` does: grouped thousands, the shortest
 * decimal form of the value rounded half away from zero to `maximumFractionDigits`, trailing zeros
 * kept down to `minimumFractionDigits`. Written out because the first Intl.NumberFormat of a process
 * loads ICU's locale data (20–30 ms here, before the explorer's first frame); Intl itself formats
 * what this does not cover (exponent forms, NaN, Infinity).
 */
export function numberFormat(options: DecimalOptions): (value: number) => string {
	const {minimumFractionDigits = 0, maximumFractionDigits} = options;
	let intl: Intl.NumberFormat | undefined;
	return value => {
		// The shortest text that reads back as this double, as ICU starts from too.
		const text = String(Math.abs(value));
		if (!/^\d+(?:\.\d+)?$/.test(text) || Object.is(value, -0)) return (intl ??= new Intl.NumberFormat('en-US', options)).format(value);
		const point = text.indexOf('.');
		let whole = point === -1 ? text : text.slice(0, point);
		let fraction = point === -1 ? '' : text.slice(point + 1);
		if (fraction.length > maximumFractionDigits) {
			const roundUp = fraction[maximumFractionDigits]! >= '5';
			fraction = fraction.slice(0, maximumFractionDigits);
			if (roundUp) [whole, fraction] = carry(whole, fraction);
		}
		let end = fraction.length;
		while (end > minimumFractionDigits && fraction[end - 1] === '0') end--;
		fraction = fraction.slice(0, end).padEnd(minimumFractionDigits, '0');
		const grouped = whole.replace(/\B(?=(?:\d{3})+$)/g, ',');
		return `${value < 0 ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
	};
}

/** Adds one in the last place of `whole.fraction` (digits only), keeping the fraction's length. */
function carry(whole: string, fraction: string): [string, string] {
	const digits = [...whole, ...fraction];
	let at = digits.length - 1;
	while (at >= 0 && digits[at] === '9') digits[at--] = '0';
	if (at < 0) digits.unshift('1');
	else digits[at] = String(Number(digits[at]) + 1);
	const split = digits.length - fraction.length;
	return [digits.slice(0, split).join(''), digits.slice(split).join('')];
}

const grouped = numberFormat({maximumFractionDigits: 0});
const twoPlaces = numberFormat({minimumFractionDigits: 2, maximumFractionDigits: 2});
const upToTwo = numberFormat({maximumFractionDigits: 2});
const onePlace = numberFormat({minimumFractionDigits: 1, maximumFractionDigits: 1});

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
