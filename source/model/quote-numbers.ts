const smallNumbers: Record<string, number> = {
	one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};
const scales: Record<string, number> = {thousand: 1e3, million: 1e6, billion: 1e9};

/**
 * Every number a sentence states, in base units: "$4,679,000" is 4679000, "$3.16 million" is
 * 3160000, "$.60" is 0.6, "17.6%" is 17.6, "one million dollars" is 1000000. Signs are not read:
 * filings write losses as words.
 */
export function numbersInText(text: string): number[] {
	const found: number[] = [];
	const pattern = /(\d[\d,]*(?:\.\d+)?|\.\d+|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b)(?:\s+(thousand|million|billion)\b)?/gi;
	for (const match of text.matchAll(pattern)) {
		const word = match[1]!.toLowerCase();
		const base = smallNumbers[word] ?? Number(word.replaceAll(',', ''));
		if (!Number.isFinite(base)) continue;
		const scale = match[2] ? scales[match[2].toLowerCase()]! : 1;
		// A bare word number ("one of", "two quarters") counts only with a scale after it.
		if (word in smallNumbers && scale === 1) continue;
		found.push(Math.round(base * scale * 1e6) / 1e6);
	}
	return found;
}

/** Whether a figure's value (ignoring its sign) is one of the numbers its quote states. */
export function quoteStatesValue(quote: string, value: number): boolean {
	const target = Math.abs(value);
	return numbersInText(quote).some(number => Math.abs(number - target) <= 1e-9 * Math.max(1, target));
}
