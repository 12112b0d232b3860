import type {Unit} from '../data/schema.js';

const smallNumbers: Record<string, number> = {
	one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};
const scales: Record<string, number> = {thousand: 1e3, million: 1e6, billion: 1e9};

/** A number as a sentence writes it: its value in base units and the size of its last written unit. */
export type WrittenNumber = {value: number; unitSize: number; digits: string};

/**
 * Every number a sentence states, in base units: "$4,679,000" is 4679000, "$3.16 million" is
 * 3160000, "$.60" is 0.6, "17.6%" is 17.6, "one million dollars" is 1000000. Signs are not read:
 * filings write losses as words.
 */
export function writtenNumbers(text: string): WrittenNumber[] {
	const found: WrittenNumber[] = [];
	const pattern = /(\d[\d,]*(?:\.\d+)?|\.\d+|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b)(?:\s+(thousand|million|billion)\b)?/gi;
	for (const match of text.matchAll(pattern)) {
		const word = match[1]!.toLowerCase();
		const digits = word.replaceAll(',', '');
		const base = smallNumbers[word] ?? Number(digits);
		if (!Number.isFinite(base)) continue;
		const scale = match[2] ? scales[match[2].toLowerCase()]! : 1;
		// A bare word number ("one of", "two quarters") counts only with a scale after it.
		if (word in smallNumbers && scale === 1) continue;
		const decimals = digits.includes('.') ? digits.length - digits.indexOf('.') - 1 : 0;
		found.push({value: Math.round(base * scale * 1e6) / 1e6, unitSize: 10 ** -decimals * scale, digits});
	}
	return found;
}

/** Every number a sentence states, in base units. */
export function numbersInText(text: string): number[] {
	return writtenNumbers(text).map(number => number.value);
}

const matches = (number: WrittenNumber, value: number) => Math.abs(number.value - Math.abs(value)) <= 1e-9 * Math.max(1, Math.abs(value));

/** Whether a figure's value (ignoring its sign) is one of the numbers its quote states. */
export function quoteStatesValue(quote: string, value: number): boolean {
	return writtenNumbers(quote).some(number => matches(number, value));
}

/**
 * The size of the last unit in which a quote writes a value: 10,000 for "$3.16 million", 0.1 for
 * "2.8%", 1,000 for "$6,921,000" (an amount written in whole thousands), 1 for "$55" or "45 days".
 * 0 when the quote does not state the value.
 */
export function writtenPrecision(quote: string, value: number, unit: Unit): number {
	const number = writtenNumbers(quote).find(item => matches(item, value));
	if (!number) return 0;
	// Filings give dollar amounts in thousands: "$6,921,000" may stand for anything that rounds to it.
	if (unit === 'USD' && number.unitSize === 1 && number.value >= 1000 && number.digits.endsWith('000')) return 1000;
	return number.unitSize;
}
