import * as z from 'zod/v4';
import {periodPattern} from '../model/period.js';
import {SCHEMA_VERSION} from './version.js';

export {SCHEMA_VERSION} from './version.js';

const id = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case id of letters, digits and dashes');

const period = z.string().regex(periodPattern, 'a period such as 2004Q2 or 2004Q1-Q2');

const isoDate = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'a date YYYY-MM-DD or YYYY-MM');

export const unitSchema = z.enum(['USD', 'USD/share', 'shares', 'days', 'count', 'percent']);

/** value: the level; change and change-percent: against `compareTo`; percent-of: this period as a percentage of `compareTo`. */
export const measureSchema = z.enum(['value', 'change', 'change-percent', 'percent-of']);

export const sourceSchema = z.strictObject({
	id,
	title: z.string().min(1),
	date: isoDate,
	kind: z.string().min(1).describe('conference-call, press-release, 10-Q, ...'),
	file: z.string().min(1).optional().describe('file name of the filing text, for quote verification'),
});

export const segmentSchema = z.strictObject({
	id,
	name: z.string().min(1),
	parent: id.optional().describe('the segment this one is a part of'),
	description: z.string().optional(),
});

export const metricSchema = z.strictObject({
	id,
	name: z.string().min(1),
	unit: unitSchema,
	/** flow: over a period; stock: at the period's end (balance sheet); ratio: neither adds up. */
	type: z.enum(['flow', 'stock', 'ratio']),
	statement: z.enum(['income', 'balance', 'cash-flow', 'operations']),
	/** What a view needs to find without knowing the store's names: the segments view shows `revenue`. */
	role: z.enum(['revenue', 'gross-profit', 'net-income']).optional(),
	description: z.string().optional(),
});

export const figureSchema = z.strictObject({
	id,
	period,
	metric: id,
	segment: id.optional(),
	sites: z.array(id).min(1).optional().describe('the sites a site-level figure covers'),
	measure: measureSchema.default('value'),
	compareTo: period.optional().describe('the period a change or percent-of is measured against'),
	value: z.number().finite().optional().describe('required for stated figures; written by code for derived ones'),
	unit: unitSchema,
	kind: z.enum(['stated', 'derived']),
	source: id.optional(),
	quote: z.string().min(1).optional().describe('the exact words of the filing, whitespace-normalised'),
	qualifier: z.string().min(1).optional().describe('the filing\'s hedge: approximately, nearly, over, ...'),
	formula: z.string().min(1).optional().describe('arithmetic over the names in inputs'),
	inputs: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), id).optional(),
	note: z.string().optional(),
});

export const siteTypeSchema = z.strictObject({id, name: z.string().min(1)});

export const statusSchema = z.strictObject({
	id,
	name: z.string().min(1),
	/** active: running; ending: announced to stop; ended: no longer run by the company. */
	state: z.enum(['active', 'ending', 'ended']),
});

export const siteEventSchema = z.strictObject({
	period,
	date: isoDate.optional(),
	status: id,
	category: id.optional().describe('the segment the site is reported in from this event on'),
	source: id,
	quote: z.string().min(1),
	note: z.string().optional(),
});

export const siteSchema = z.strictObject({
	id,
	name: z.string().min(1),
	location: z.string().min(1),
	type: id,
	segment: id.optional(),
	events: z.array(siteEventSchema),
});

const refSchema = z.strictObject({metric: id, segment: id.optional()});

export const relationSchema = z.discriminatedUnion('kind', [
	z.strictObject({
		id,
		kind: z.literal('sum'),
		description: z.string().optional(),
		whole: refSchema,
		parts: z.array(refSchema.extend({sign: z.union([z.literal(1), z.literal(-1)]).default(1)})).min(2),
	}),
	z.strictObject({
		id,
		kind: z.literal('ratio'),
		description: z.string().optional(),
		result: refSchema,
		numerator: refSchema,
		denominator: refSchema,
		scale: z.number().positive().describe('result = numerator / denominator * scale'),
		periodScale: z.boolean().default(false).describe('multiply by the days in the period, not by scale alone'),
	}),
	z.strictObject({
		id,
		kind: z.literal('equal'),
		description: z.string().optional(),
		left: refSchema,
		right: refSchema,
	}),
]);

export const companySchema = z.strictObject({
	name: z.string().min(1),
	ticker: z.string().optional(),
	currency: z.string().length(3),
});

export const storeSchema = z.strictObject({
	schemaVersion: z.literal(SCHEMA_VERSION),
	company: companySchema,
	sources: z.array(sourceSchema),
	segments: z.array(segmentSchema),
	metrics: z.array(metricSchema),
	siteTypes: z.array(siteTypeSchema),
	statuses: z.array(statusSchema),
	relations: z.array(relationSchema).default([]),
	figures: z.array(figureSchema),
	sites: z.array(siteSchema),
});

export type Unit = z.infer<typeof unitSchema>;
export type Measure = z.infer<typeof measureSchema>;
export type Source = z.infer<typeof sourceSchema>;
export type Segment = z.infer<typeof segmentSchema>;
export type Metric = z.infer<typeof metricSchema>;
export type Figure = z.infer<typeof figureSchema>;
export type SiteType = z.infer<typeof siteTypeSchema>;
export type Status = z.infer<typeof statusSchema>;
export type SiteEvent = z.infer<typeof siteEventSchema>;
export type Site = z.infer<typeof siteSchema>;
export type Relation = z.infer<typeof relationSchema>;
export type MetricRef = z.infer<typeof refSchema>;
export type Store = z.infer<typeof storeSchema>;

/**
 * The store as a JSON Schema document. `store-schema.json` holds it as committed text (a test keeps
 * the two the same), so that commands can print and check it without loading zod.
 */
export function getStoreJsonSchema(): unknown {
	return {
		title: `quarterdeck store, schema version ${SCHEMA_VERSION}`,
		...z.toJSONSchema(storeSchema, {io: 'input'}),
	};
}
