import {mkdir} from 'node:fs/promises';
import path from 'node:path';
import type {Figure, Metric, Relation, Segment, Site, SiteEvent, Source, Store} from '../data/schema.js';
import {SCHEMA_VERSION} from '../data/version.js';
import {replaceFile} from '../replace-file.js';
import {formatValue} from '../model/format.js';
import {daysInPeriod, quarterFromOrdinal, quarterOrdinal} from '../model/period.js';

/** How large a generated store is; the defaults are the size the benchmark measures. */
export type StoreSize = {quarters: number; segments: number; sites: number; seed: number};

export const largeStoreSize: StoreSize = {quarters: 200, segments: 30, sites: 500, seed: 20_040_630};

/** A small, repeatable random source (mulberry32), so one seed always gives the same store. */
export function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const metricList: Array<Omit<Metric, 'description'>> = [
	{id: 'revenue', name: 'Revenue', unit: 'USD', type: 'flow', statement: 'income', role: 'revenue'},
	{id: 'cost-of-revenue', name: 'Cost of revenue', unit: 'USD', type: 'flow', statement: 'income'},
	{id: 'gross-profit', name: 'Gross profit', unit: 'USD', type: 'flow', statement: 'income', role: 'gross-profit'},
	{id: 'gross-margin', name: 'Gross margin', unit: 'percent', type: 'ratio', statement: 'income'},
	{id: 'selling-general-admin', name: 'Selling, general and administrative expenses', unit: 'USD', type: 'flow', statement: 'income'},
	{id: 'research-development', name: 'Research and development', unit: 'USD', type: 'flow', statement: 'income'},
	{id: 'operating-income', name: 'Operating income', unit: 'USD', type: 'flow', statement: 'income'},
	{id: 'interest-expense', name: 'Interest expense', unit: 'USD', type: 'flow', statement: 'income'},
	{id: 'pretax-income', name: 'Income before income taxes', unit: 'USD', type: 'flow', statement: 'income'},
	{id: 'income-tax', name: 'Provision for income taxes', unit: 'USD', type: 'flow', statement: 'income'},
	{id: 'net-income', name: 'Net income', unit: 'USD', type: 'flow', statement: 'income', role: 'net-income'},
	{id: 'eps-basic', name: 'Earnings per share, basic', unit: 'USD/share', type: 'ratio', statement: 'income'},
	{id: 'eps-diluted', name: 'Earnings per share, diluted', unit: 'USD/share', type: 'ratio', statement: 'income'},
	{id: 'shares-basic', name: 'Weighted average shares, basic', unit: 'shares', type: 'ratio', statement: 'income'},
	{id: 'shares-diluted', name: 'Weighted average shares, diluted', unit: 'shares', type: 'ratio', statement: 'income'},
	{id: 'cash-and-equivalents', name: 'Cash and cash equivalents', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'accounts-receivable', name: 'Accounts receivable, net', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'inventory', name: 'Inventory', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'current-assets', name: 'Total current assets', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'noncurrent-assets', name: 'Non-current assets', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'total-assets', name: 'Total assets', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'current-liabilities', name: 'Total current liabilities', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'long-term-liabilities', name: 'Long-term liabilities', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'total-liabilities', name: 'Total liabilities', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'shareholders-equity', name: "Shareholders' equity", unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'total-liabilities-and-equity', name: "Total liabilities and shareholders' equity", unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'working-capital', name: 'Working capital', unit: 'USD', type: 'stock', statement: 'balance'},
	{id: 'days-sales-outstanding', name: 'Days sales outstanding', unit: 'days', type: 'ratio', statement: 'balance'},
	{id: 'operating-cash-flow', name: 'Cash from operating activities', unit: 'USD', type: 'flow', statement: 'cash-flow'},
	{id: 'capital-expenditures', name: 'Capital expenditures', unit: 'USD', type: 'flow', statement: 'cash-flow'},
	{id: 'employees', name: 'Employees at quarter end', unit: 'count', type: 'stock', statement: 'operations'},
	{id: 'sites-operating', name: 'Sites operating at quarter end', unit: 'count', type: 'stock', statement: 'operations'},
];

const statementRelations: Relation[] = [
	{id: 'gross-profit', kind: 'sum', whole: {metric: 'gross-profit'}, parts: [{metric: 'revenue', sign: 1}, {metric: 'cost-of-revenue', sign: -1}]},
	{id: 'operating-income', kind: 'sum', whole: {metric: 'operating-income'}, parts: [{metric: 'gross-profit', sign: 1}, {metric: 'selling-general-admin', sign: -1}, {metric: 'research-development', sign: -1}]},
	{id: 'pretax-income', kind: 'sum', whole: {metric: 'pretax-income'}, parts: [{metric: 'operating-income', sign: 1}, {metric: 'interest-expense', sign: -1}]},
	{id: 'net-income', kind: 'sum', whole: {metric: 'net-income'}, parts: [{metric: 'pretax-income', sign: 1}, {metric: 'income-tax', sign: -1}]},
	{id: 'current-assets', kind: 'sum', whole: {metric: 'current-assets'}, parts: [{metric: 'cash-and-equivalents', sign: 1}, {metric: 'accounts-receivable', sign: 1}, {metric: 'inventory', sign: 1}]},
	{id: 'total-assets', kind: 'sum', whole: {metric: 'total-assets'}, parts: [{metric: 'current-assets', sign: 1}, {metric: 'noncurrent-assets', sign: 1}]},
	{id: 'total-liabilities', kind: 'sum', whole: {metric: 'total-liabilities'}, parts: [{metric: 'current-liabilities', sign: 1}, {metric: 'long-term-liabilities', sign: 1}]},
	{id: 'total-liabilities-and-equity', kind: 'sum', whole: {metric: 'total-liabilities-and-equity'}, parts: [{metric: 'total-liabilities', sign: 1}, {metric: 'shareholders-equity', sign: 1}]},
	{id: 'balance-sheet-balances', kind: 'equal', left: {metric: 'total-assets'}, right: {metric: 'total-liabilities-and-equity'}},
	{id: 'gross-margin', kind: 'ratio', result: {metric: 'gross-margin'}, numerator: {metric: 'gross-profit'}, denominator: {metric: 'revenue'}, scale: 100, periodScale: false},
	{id: 'eps-basic', kind: 'ratio', result: {metric: 'eps-basic'}, numerator: {metric: 'net-income'}, denominator: {metric: 'shares-basic'}, scale: 1, periodScale: false},
	{id: 'eps-diluted', kind: 'ratio', result: {metric: 'eps-diluted'}, numerator: {metric: 'net-income'}, denominator: {metric: 'shares-diluted'}, scale: 1, periodScale: false},
	{id: 'days-sales-outstanding', kind: 'ratio', result: {metric: 'days-sales-outstanding'}, numerator: {metric: 'accounts-receivable'}, denominator: {metric: 'revenue'}, scale: 1, periodScale: true},
];

const divisions = ['Industrial', 'Consumer', 'Healthcare', 'Energy', 'Logistics', 'Software', 'Materials', 'Services'];
const regions = ['North', 'South', 'East', 'West', 'Central', 'Overseas', 'Coastal', 'Mountain'];
const towns = ['Ashford', 'Brookfield', 'Cedar Falls', 'Dunmore', 'Elkton', 'Fairview', 'Glenwood', 'Harrow', 'Ivydale', 'Jasper', 'Kingsport', 'Lakemont', 'Milford', 'Northgate', 'Oakridge', 'Pinecrest', 'Quarry Hill', 'Riverton', 'Stonebridge', 'Twin Oaks'];
const states = ['Ohio', 'Texas', 'Oregon', 'Maine', 'Iowa', 'Utah', 'Georgia', 'Nevada'];
const siteTypes = [
	{id: 'plant', name: 'Plant'},
	{id: 'warehouse', name: 'Warehouse'},
	{id: 'store', name: 'Store'},
	{id: 'office', name: 'Office'},
];
const statuses = [
	{id: 'operating', name: 'Operating', state: 'active' as const},
	{id: 'named-for-closure', name: 'Named for closure', state: 'ending' as const},
	{id: 'closed', name: 'Closed', state: 'ended' as const},
];

const thousands = (value: number) => Math.round(value / 1000) * 1000;
const iso = (date: Date) => date.toISOString().slice(0, 10);
const lower = (id: string) => id.toLowerCase();

/**
 * A valid store of the shipped schema, as large as asked: every metric has a stated or derived figure
 * in every quarter, revenue and gross profit are given for every segment, top-level segments add up
 * from their parts, the statements tie out, and sites open, move and close over the years. The same
 * size and seed always give the same store.
 */
export function generateStore(size: StoreSize = largeStoreSize): Store {
	const next = random(size.seed);
	const between = (low: number, high: number) => low + (high - low) * next();
	const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

	const first = quarterOrdinal('1975Q1');
	const quarters = Array.from({length: size.quarters}, (_, index) => quarterFromOrdinal(first + index));
	const sources: Source[] = quarters.map(quarter => {
		const ordinal = quarterOrdinal(quarter);
		const end = new Date(Date.UTC(Math.floor(ordinal / 4), (ordinal % 4) * 3 + 3, 0));
		return {
			id: `results-${lower(quarter)}`,
			title: `Quarterly results for ${quarter} (press release with condensed financial statements)`,
			date: iso(new Date(end.getTime() + 40 * 86_400_000)),
			kind: 'press-release',
		};
	});
	const sourceOf = (quarter: string) => `results-${lower(quarter)}`;

	// Top-level segments, each followed by its parts, until there are size.segments of them.
	const topCount = Math.max(1, Math.round(size.segments / 5));
	const segments: Segment[] = [];
	const children = new Map<string, string[]>();
	for (let index = 0; index < topCount && segments.length < size.segments; index++) {
		const name = divisions[index % divisions.length]!;
		const id = `${lower(name)}${index >= divisions.length ? `-${index}` : ''}`;
		segments.push({id, name, description: `The ${name.toLowerCase()} division`});
		children.set(id, []);
	}
	for (let index = 0; segments.length < size.segments; index++) {
		const parent = segments[index % topCount]!;
		const region = regions[Math.floor(index / topCount) % regions.length]!;
		const id = `${parent.id}-${lower(region)}${index >= topCount * regions.length ? `-${index}` : ''}`;
		segments.push({id, name: `${parent.name}, ${region}`, parent: parent.id});
		children.get(parent.id)!.push(id);
	}
	const tops = segments.filter(segment => segment.parent === undefined);
	const leaves = segments.filter(segment => segment.parent !== undefined || children.get(segment.id)!.length === 0);
	// A sum needs two parts: a company of one division has no segment total to tie out.
	const relations: Relation[] = [
		...(tops.length < 2
			? []
			: [{id: 'revenue-by-segment', kind: 'sum' as const, whole: {metric: 'revenue'}, parts: tops.map(top => ({metric: 'revenue', segment: top.id, sign: 1 as const}))}]),
		...statementRelations,
	];
	for (const top of tops) {
		const parts = children.get(top.id)!;
		if (parts.length < 2) continue;
		relations.push({id: `revenue-${top.id}`, kind: 'sum', whole: {metric: 'revenue', segment: top.id}, parts: parts.map(part => ({metric: 'revenue', segment: part, sign: 1}))});
	}

	// Sites: each opens in some quarter in a leaf segment; some move to another part of their division, some close.
	const sites: Site[] = [];
	for (let index = 0; index < size.sites; index++) {
		const type = pick(siteTypes);
		const town = pick(towns);
		const segment = pick(leaves);
		const name = `${town} ${type.name.toLowerCase()} ${String(index + 1).padStart(3, '0')}`;
		const location = `${town}, ${pick(states)}`;
		const opened = Math.floor(between(0, Math.max(1, size.quarters * 0.75)));
		const event = (at: number, status: string, words: string, category?: string): SiteEvent => ({
			period: quarters[at]!,
			status,
			...(category ? {category} : {}),
			source: sourceOf(quarters[at]!),
			quote: `${name} ${words}.`,
		});
		const events: SiteEvent[] = [event(opened, 'operating', `opened in ${location} and reports in ${segment.name}`, segment.id)];
		const roll = next();
		const siblings = segment.parent ? children.get(segment.parent)!.filter(id => id !== segment.id) : [];
		if (roll < 0.05 && siblings.length > 0 && opened + 8 < size.quarters) {
			const to = pick(siblings);
			events.push(event(opened + 8, 'operating', `now reports in ${segments.find(item => item.id === to)!.name}`, to));
		} else if (roll < 0.2 && opened + 12 < size.quarters) {
			const ending = opened + 4 + Math.floor(between(0, Math.min(40, size.quarters - opened - 6)));
			events.push(event(ending, 'named-for-closure', 'is named for closure'));
			events.push(event(ending + 1, 'closed', 'closed during the quarter'));
		}
		sites.push({id: `site-${String(index + 1).padStart(3, '0')}`, name, location, type: type.id, segment: segment.id, events});
	}

	const figures: Figure[] = [];
	const ids = new Set<string>();
	const stated = (quarter: string, metric: string, value: number, unit: Metric['unit'], words: string, extra: Partial<Figure> = {}): string => {
		const id = `${lower(quarter)}-${metric}${extra.segment ? `-${extra.segment}` : ''}${extra.sites ? `-${extra.sites.join('-')}` : ''}${extra.measure && extra.measure !== 'value' ? `-${extra.measure}` : ''}`;
		ids.add(id);
		figures.push({
			id,
			period: quarter,
			metric,
			...(extra.segment ? {segment: extra.segment} : {}),
			...(extra.sites ? {sites: extra.sites} : {}),
			measure: extra.measure ?? 'value',
			...(extra.compareTo ? {compareTo: extra.compareTo} : {}),
			value,
			unit,
			kind: 'stated',
			source: sourceOf(quarter),
			quote: `${words} ${formatValue(Math.abs(value), unit)} for the quarter.`,
		});
		return id;
	};
	const derived = (quarter: string, metric: string, unit: Metric['unit'], formula: string, inputs: Record<string, string>, segment?: string): string => {
		const id = `${lower(quarter)}-${metric}${segment ? `-${segment}` : ''}`;
		figures.push({id, period: quarter, metric, ...(segment ? {segment} : {}), measure: 'value', unit, kind: 'derived', formula, inputs});
		return id;
	};

	const leafBase = new Map(leaves.map(leaf => [leaf.id, between(2e6, 9e6)]));
	const leafMargin = new Map(leaves.map(leaf => [leaf.id, between(0.18, 0.46)]));
	const revenueOf = new Map<string, number>();
	let shares = Math.round(between(8e6, 12e6));
	for (const [at, quarter] of quarters.entries()) {
		const growth = 1.004 ** at * (1 + 0.04 * Math.sin(at / 3));
		let revenue = 0;
		let grossProfit = 0;
		for (const top of tops) {
			const parts = children.get(top.id)!;
			const partIds = {revenue: {} as Record<string, string>, profit: {} as Record<string, string>};
			for (const [position, part] of (parts.length > 0 ? parts : [top.id]).entries()) {
				const value = thousands(leafBase.get(part)! * growth * between(0.95, 1.05));
				const profit = thousands(value * leafMargin.get(part)! * between(0.97, 1.03));
				revenue += value;
				grossProfit += profit;
				revenueOf.set(`${quarter}|${part}`, value);
				const label = segments.find(item => item.id === part)!.name;
				partIds.revenue[`p${position}`] = stated(quarter, 'revenue', value, 'USD', `Revenue of ${label} was`, {segment: part});
				partIds.profit[`p${position}`] = stated(quarter, 'gross-profit', profit, 'USD', `Gross profit of ${label} was`, {segment: part});
			}
			if (parts.length > 0) {
				const names = Object.keys(partIds.revenue);
				derived(quarter, 'revenue', 'USD', names.join(' + '), partIds.revenue, top.id);
				derived(quarter, 'gross-profit', 'USD', names.join(' + '), partIds.profit, top.id);
				revenueOf.set(`${quarter}|${top.id}`, parts.reduce((sum, part) => sum + revenueOf.get(`${quarter}|${part}`)!, 0));
			}
		}
		const cost = revenue - grossProfit;
		const sga = thousands(revenue * between(0.12, 0.16));
		const rnd = thousands(revenue * between(0.03, 0.06));
		const operating = grossProfit - sga - rnd;
		const interest = thousands(between(1e5, 6e5));
		const pretax = operating - interest;
		const tax = thousands(Math.max(0, pretax) * 0.3);
		const net = pretax - tax;
		shares = Math.round(shares * between(1, 1.004));
		const diluted = Math.round(shares * between(1.01, 1.04));
		const cash = thousands(between(4e6, 3e7));
		const receivables = thousands(revenue * between(0.45, 0.7));
		const inventory = thousands(revenue * between(0.2, 0.4));
		const current = cash + receivables + inventory;
		const noncurrent = thousands(revenue * between(1.5, 2.5));
		const currentLiabilities = thousands(current * between(0.4, 0.8));
		const longTerm = thousands(noncurrent * between(0.3, 0.6));
		const liabilities = currentLiabilities + longTerm;
		const equity = current + noncurrent - liabilities;
		const days = daysInPeriod(quarter);
		const say = (metric: string, value: number, words: string) => stated(quarter, metric, value, metricList.find(item => item.id === metric)!.unit, words);

		const revenueId = say('revenue', revenue, 'Total revenue was');
		say('cost-of-revenue', cost, 'Cost of revenue was');
		const profitId = say('gross-profit', grossProfit, 'Gross profit was');
		derived(quarter, 'gross-margin', 'percent', 'profit / revenue * 100', {profit: profitId, revenue: revenueId});
		say('selling-general-admin', sga, 'Selling, general and administrative expenses were');
		say('research-development', rnd, 'Research and development expenses were');
		say('operating-income', operating, operating < 0 ? 'The operating loss was' : 'Operating income was');
		say('interest-expense', interest, 'Interest expense was');
		say('pretax-income', pretax, pretax < 0 ? 'The loss before income taxes was' : 'Income before income taxes was');
		say('income-tax', tax, 'The provision for income taxes was');
		say('net-income', net, net < 0 ? 'The net loss was' : 'Net income was');
		say('eps-basic', Math.round((net / shares) * 100) / 100, net < 0 ? 'The basic loss per share was' : 'Basic earnings per share were');
		say('eps-diluted', Math.round((net / diluted) * 100) / 100, net < 0 ? 'The diluted loss per share was' : 'Diluted earnings per share were');
		say('shares-basic', shares, 'Weighted average basic shares outstanding were');
		say('shares-diluted', diluted, 'Weighted average diluted shares outstanding were');
		say('cash-and-equivalents', cash, 'Cash and cash equivalents were');
		say('accounts-receivable', receivables, 'Net accounts receivable were');
		say('inventory', inventory, 'Inventory was');
		const currentId = say('current-assets', current, 'Total current assets were');
		say('noncurrent-assets', noncurrent, 'Non-current assets were');
		say('total-assets', current + noncurrent, 'Total assets were');
		const currentLiabilitiesId = say('current-liabilities', currentLiabilities, 'Total current liabilities were');
		say('long-term-liabilities', longTerm, 'Long-term liabilities were');
		say('total-liabilities', liabilities, 'Total liabilities were');
		say('shareholders-equity', equity, "Shareholders' equity was");
		say('total-liabilities-and-equity', liabilities + equity, "Total liabilities and shareholders' equity were");
		derived(quarter, 'working-capital', 'USD', 'assets - liabilities', {assets: currentId, liabilities: currentLiabilitiesId});
		say('days-sales-outstanding', Math.round((receivables / revenue) * days * 10) / 10, 'Days sales outstanding were');
		say('operating-cash-flow', thousands(net * between(0.8, 1.4) + 5e5), 'Cash from operating activities was');
		say('capital-expenditures', thousands(revenue * between(0.02, 0.05)), 'Capital expenditures were');
		say('employees', Math.round(revenue / between(9000, 11000)), 'Employees at the end of the quarter numbered');
		say('sites-operating', sites.filter(site => runningAt(site, at, quarters)).length, 'Sites operating at the end of the quarter numbered');

		// The filing states each division's change on a year earlier, as an amount and a percentage.
		if (at >= 4) {
			const before = quarters[at - 4]!;
			for (const top of tops) {
				const now = revenueOf.get(`${quarter}|${top.id}`)!;
				const then = revenueOf.get(`${before}|${top.id}`)!;
				const change = now - then;
				stated(quarter, 'revenue', change, 'USD', `${top.name} revenue ${change < 0 ? 'fell' : 'grew'} by`, {segment: top.id, measure: 'change', compareTo: before});
				const percent = Math.round(((change / Math.abs(then)) * 100) * 10) / 10;
				stated(quarter, 'revenue', percent, 'percent', `${top.name} revenue changed by`, {segment: top.id, measure: 'change-percent', compareTo: before});
			}
		}

		// A few sites a quarter report their own revenue, within their segment's.
		const running = sites.filter(site => runningAt(site, at, quarters));
		for (let count = 0; count < Math.min(5, running.length); count++) {
			const site = running[(at * 5 + count) % running.length]!;
			const segment = categoryAt(site, at, quarters)!;
			const whole = revenueOf.get(`${quarter}|${segment}`);
			if (whole === undefined || ids.has(`${lower(quarter)}-revenue-${segment}-${site.id}`)) continue;
			stated(quarter, 'revenue', thousands(whole * between(0.02, 0.08)), 'USD', `${site.name} contributed revenue of`, {segment, sites: [site.id]});
		}
	}

	return {
		schemaVersion: SCHEMA_VERSION,
		company: {name: 'Benchmark Holdings Inc.', ticker: 'BNCH', currency: 'USD'},
		sources,
		segments,
		metrics: metricList.map(metric => ({...metric})),
		siteTypes,
		statuses,
		relations,
		figures,
		sites,
	};
}

function eventsUpTo(site: Site, at: number, quarters: readonly string[]): SiteEvent[] {
	const until = quarterOrdinal(quarters[at]!);
	return site.events.filter(event => quarterOrdinal(event.period) <= until);
}

function runningAt(site: Site, at: number, quarters: readonly string[]): boolean {
	return eventsUpTo(site, at, quarters).at(-1)?.status === 'operating';
}

function categoryAt(site: Site, at: number, quarters: readonly string[]): string | undefined {
	return eventsUpTo(site, at, quarters).findLast(event => event.category !== undefined)?.category;
}

/** Writes a store as JSON, whole or not at all ({@link replaceFile}), creating the folder if needed. */
export async function writeGeneratedStore(file: string, store: Store): Promise<void> {
	await mkdir(path.dirname(file), {recursive: true});
	replaceFile(file, `${JSON.stringify(store, null, '\t')}\n`);
}
