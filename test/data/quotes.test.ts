import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadStore} from '../../source/data/store.js';
import {quoteStatesValue} from '../../source/model/quote-numbers.js';
import {normalizeWhitespace} from '../../source/model/text.js';
import {bundledStore, seedsDirectory} from '../helpers.js';

const store = await loadStore(bundledStore);
const filings = new Map(
	store.sources.flatMap(source => {
		const file = source.file ? path.join(seedsDirectory, source.file) : undefined;
		return file && existsSync(file) ? [[source.id, normalizeWhitespace(readFileSync(file, 'utf8'))] as const] : [];
	}),
);
const haveFilings = filings.size === store.sources.length;
if (!haveFilings) {
	console.warn(`quote verification skipped: the filings are not in ${seedsDirectory} (clone the repository beside shared/ to run it)`);
}

const stated = store.figures.filter(figure => figure.kind === 'stated');
const events = store.sites.flatMap(site => site.events.map((event, index) => ({site: site.id, index, event})));

describe.skipIf(!haveFilings)('every quote in the bundled store is the filing\'s own words', () => {
	it.each(stated.map(figure => [figure.id, figure] as const))('figure %s is verbatim', (_, figure) => {
		expect(filings.get(figure.source!), `source ${figure.source}`).toContain(normalizeWhitespace(figure.quote!));
	});

	it.each(stated.map(figure => [figure.id, figure] as const))('figure %s states its value in its quote', (_, figure) => {
		expect(quoteStatesValue(figure.quote!, figure.value), `${figure.value} in "${figure.quote}"`).toBe(true);
	});

	it.each(stated.filter(figure => figure.qualifier).map(figure => [figure.id, figure] as const))('figure %s hedges as its quote does', (_, figure) => {
		expect(figure.quote!.toLowerCase()).toContain(figure.qualifier!.toLowerCase());
	});

	it.each(events.map(item => [`${item.site}#${item.index}`, item.event] as const))('site event %s is verbatim', (_, event) => {
		expect(filings.get(event.source)).toContain(normalizeWhitespace(event.quote));
	});

	it('the check itself catches a quote that is not verbatim', () => {
		const text = filings.get(stated[0]!.source!)!;
		expect(text).not.toContain(normalizeWhitespace(`${stated[0]!.quote!} (edited)`));
		expect(quoteStatesValue(stated[0]!.quote!, stated[0]!.value + 1)).toBe(false);
	});
});

describe('the bundled store', () => {
	it('covers every quarter from 2002Q3 to 2004Q2 and every source', () => {
		const periods = new Set(store.figures.map(figure => figure.period));
		for (const quarter of ['2002Q3', '2002Q4', '2003Q1', '2003Q2', '2003Q3', '2003Q4', '2004Q1', '2004Q2']) expect(periods).toContain(quarter);
		expect(periods).toContain('2004Q1-Q2');
		expect(new Set(stated.map(figure => figure.source))).toEqual(new Set(store.sources.map(source => source.id)));
	});

	it('keeps both of two filings that disagree', () => {
		const netIncome2004Q1 = store.figures.filter(figure => figure.metric === 'net-income' && figure.period === '2004Q1' && figure.measure === 'value');
		expect(new Set(netIncome2004Q1.map(figure => figure.value))).toEqual(new Set([246000, 264000]));
	});
});
