import {describe, expect, it} from 'vitest';
import {generateStore} from '../../source/bench/generate-store.js';
import {getStoreJsonSchema, storeSchema} from '../../source/data/schema.js';
import {compileShape, declaredDefaults, defaultKey} from '../../source/data/shape.js';
import {storeJsonSchema} from '../../source/data/store.js';
import {bundledStore, otherStore, readJson} from '../helpers.js';

describe('store-schema.json', () => {
	it('is the JSON Schema of the zod store schema (update with: npx vitest run test/data/shape.test.ts -u)', async () => {
		await expect(`${JSON.stringify(getStoreJsonSchema(), null, 2)}\n`).toMatchFileSnapshot('../../source/data/store-schema.json');
		expect(storeJsonSchema).toEqual(getStoreJsonSchema());
	});
});

describe('declaredDefaults', () => {
	it('finds every default the schema declares, wherever it is', () => {
		// Every schema node with a default, found without knowing the keywords that lead to it.
		const nodes: unknown[] = [];
		const walk = (value: unknown): void => {
			if (typeof value !== 'object' || value === null) return;
			if (!Array.isArray(value) && 'default' in value) nodes.push(value);
			for (const inner of Object.values(value)) walk(inner);
		};
		walk(storeJsonSchema);
		expect(nodes.length).toBeGreaterThan(0);
		expect(declaredDefaults(storeJsonSchema).size).toBe(nodes.length);
		// Each in its place, as the schema (held by the snapshot above) declares it.
		expect(declaredDefaults(storeJsonSchema)).toEqual(
			new Set([
				defaultKey('', 'relations', []),
				defaultKey('relations.*.parts.*', 'sign', 1),
				defaultKey('relations.*', 'periodScale', false),
				defaultKey('figures.*', 'measure', 'value'),
			]),
		);
	});
});

describe('compileShape', () => {
	it.each([
		[{type: 'string'}, 'a', 1],
		[{type: 'number'}, 1.5, '1'],
		[{type: 'integer'}, 2, 2.5],
		[{type: 'boolean'}, false, 0],
		[{type: 'null'}, null, undefined],
		[{type: 'array'}, [], {}],
		[{type: 'object'}, {}, []],
		[{const: 1}, 1, 2],
		[{enum: ['a', 'b']}, 'b', 'c'],
		[{pattern: '^[a-z]+$'}, 'abc', 'ab1'],
		[{minLength: 2}, 'ab', 'a'],
		[{maxLength: 2}, 'ab', 'abc'],
		[{exclusiveMinimum: 0}, 0.1, 0],
		[{minimum: 0}, 0, -1],
		[{maximum: 1}, 1, 1.1],
		[{exclusiveMaximum: 1}, 0.9, 1],
		[{minItems: 1}, [1], []],
		[{items: {type: 'number'}}, [1, 2], [1, 'x']],
		[{anyOf: [{type: 'string'}, {type: 'number'}]}, 1, true],
		[{oneOf: [{minimum: 0}, {maximum: 10}]}, -1, 5],
		// A union is one keyword among others: those after it are checked too.
		[{anyOf: [{type: 'string'}, {type: 'number'}], minimum: 5}, 6, 1],
		[{oneOf: [{type: 'string'}, {type: 'number'}], maximum: 5}, 4, 6],
		[{properties: {a: {type: 'number'}}, additionalProperties: false}, {a: 1}, {b: 1}],
		[{properties: {a: {type: 'number'}}, required: ['a']}, {a: 1}, {}],
		[{propertyNames: {pattern: '^x'}, additionalProperties: {type: 'string'}}, {xa: 'v'}, {ya: 'v'}],
		[{additionalProperties: {type: 'string'}}, {any: 'v'}, {any: 1}],
		// A name every object inherits is looked for among the object's own keys only.
		[{properties: {toString: {}}, required: ['toString']}, {toString: 1}, {}],
		[{properties: {a: {type: 'number'}}, required: ['b']}, {a: 1, b: null}, {a: 1}],
		[{properties: {a: {type: 'number'}}, additionalProperties: false}, {a: 1}, JSON.parse('{"a": 1, "__proto__": 2}')],
	])('%j passes %j and refuses %j', (schema, good, bad) => {
		const check = compileShape(schema);
		expect(check(good)).toBe(true);
		expect(check(bad)).toBe(false);
	});

	it('fills a default for a property left out, not for one given', () => {
		const check = compileShape({type: 'object', properties: {a: {type: 'string', default: 'x'}, b: {type: 'number'}}, required: ['b'], additionalProperties: false});
		const left = {b: 1};
		const given = {a: 'y', b: 1};
		expect([check(left), check(given), check({a: 'y'})]).toEqual([true, true, false]);
		expect([left, given]).toEqual([{b: 1, a: 'x'}, {a: 'y', b: 1}]);
	});

	it('refuses NaN and Infinity as numbers, as JSON cannot hold them', () => {
		const check = compileShape({type: 'number'});
		expect([Number.NaN, Number.POSITIVE_INFINITY].map(value => check(value))).toEqual([false, false]);
	});

	it('refuses to compile a keyword it does not understand, wherever it is', () => {
		expect(() => compileShape({type: 'object', properties: {a: {type: 'string', format: 'email'}}})).toThrow(
			'(schema).properties.a: unsupported keyword "format"',
		);
		expect(() => compileShape({type: ['string', 'null']})).toThrow(/unsupported type/);
	});

	it('fills defaults in place only when the whole value passes, each with its own copy', () => {
		const check = compileShape({
			type: 'array',
			items: {type: 'object', properties: {list: {type: 'array', default: []}, n: {type: 'number'}}},
		});
		const good: Array<Record<string, unknown>> = [{n: 1}, {n: 2, list: [3]}, {n: 3}];
		expect(check(good)).toBe(true);
		expect(good).toEqual([{n: 1, list: []}, {n: 2, list: [3]}, {n: 3, list: []}]);
		expect(good[0]!.list).not.toBe(good[2]!.list);
		const bad: Array<Record<string, unknown>> = [{n: 1}, {n: 'two'}];
		expect(check(bad)).toBe(false);
		expect(bad).toEqual([{n: 1}, {n: 'two'}]);
	});

	it('takes the defaults of the union branch that passes, and none of one that fails', () => {
		const branch = (kind: string, field: string) => ({
			type: 'object',
			properties: {kind: {const: kind}, [field]: {type: 'number', default: 0}},
			required: ['kind'],
			additionalProperties: false,
		});
		const check = compileShape({oneOf: [branch('a', 'x'), branch('b', 'y')]});
		const value = {kind: 'b'};
		expect(check(value)).toBe(true);
		expect(value).toEqual({kind: 'b', y: 0});
	});
});

/** An independent copy of a JSON value. */
function clone<T>(value: T): T {
	return structuredClone(value);
}

type Path = Array<string | number>;

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The store cut down to two elements of each kind per array (the same fields, the same kind and
 * measure; two, as some lists need at least two), so that every form the schema allows is still
 * there and changing each leaf in turn stays quick.
 */
function prune(value: unknown): unknown {
	if (Array.isArray(value)) {
		const seen = new Map<string, number>();
		return value
			.filter(entry => {
				const signature = isObject(entry) ? `${Object.keys(entry).sort().join()}|${String(entry.kind)}|${String(entry.measure)}` : typeof entry;
				const count = seen.get(signature) ?? 0;
				seen.set(signature, count + 1);
				return count < 2;
			})
			.map(entry => prune(entry));
	}
	if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, prune(entry)]));
	return value;
}

function* walk(value: unknown, path: Path = []): Generator<{path: Path; value: unknown}> {
	yield {path, value};
	if (Array.isArray(value)) for (const [index, entry] of value.entries()) yield* walk(entry, [...path, index]);
	else if (isObject(value)) for (const [key, entry] of Object.entries(value)) yield* walk(entry, [...path, key]);
}

function edit(root: unknown, path: Path, change: (parent: any, key: string | number) => void): unknown {
	const copy = clone(root);
	let parent: any = copy;
	for (const key of path.slice(0, -1)) parent = parent[key];
	change(parent, path.at(-1)!);
	return copy;
}

const replacements: unknown[] = [null, 0, -1, 1.5, '', 'x', 'Not An Id', 'USD', 'EUR', '2004Q2', '2004-01', true, [], {}];

/** Every store one small step away from `store`: a field removed, a field added, a value swapped for another. */
function* mutations(store: unknown): Generator<{what: string; data: unknown}> {
	for (const {path, value} of walk(store)) {
		const where = path.join('.') || '(top level)';
		if (isObject(value)) {
			for (const key of Object.keys(value)) yield {what: `${where}: without ${key}`, data: edit(store, [...path, key], (parent, at) => delete parent[at])};
			yield {what: `${where}: with an extra field`, data: edit(store, [...path, 'extra'], (parent, at) => (parent[at] = 1))};
		}
		if (Array.isArray(value)) {
			yield {what: `${where}: emptied`, data: edit(store, path, (parent, at) => (parent[at] = []))};
			yield {what: `${where}: with a stray entry`, data: edit(store, [...path, value.length], (parent, at) => (parent[at] = 0))};
		}
		if (path.length === 0) continue;
		for (const replacement of replacements) {
			yield {what: `${where} = ${JSON.stringify(replacement)}`, data: edit(store, path, (parent, at) => (parent[at] = clone(replacement)))};
		}
	}
}

describe('the shape check agrees with the zod schema', () => {
	const isStoreShape = compileShape(storeJsonSchema);
	const stores: Array<[string, () => unknown]> = [
		['the bundled store', () => readJson(bundledStore)],
		['another company', () => readJson(otherStore)],
		['a generated store', () => generateStore({quarters: 9, segments: 4, sites: 6, seed: 5})],
	];

	it.each(stores)('on %s as it is, with the same defaults filled in', (_, read) => {
		const data = read();
		const parsed = storeSchema.safeParse(clone(data));
		expect(parsed.success).toBe(true);
		expect(isStoreShape(data)).toBe(true);
		expect(data).toEqual(parsed.data);
	});

	it.each(stores)('on every one-step change of %s', (_, read) => {
		const base = prune(read());
		expect(storeSchema.safeParse(clone(base)).success).toBe(true);
		let refused = 0;
		let checked = 0;
		for (const {what, data} of mutations(base)) {
			const zod = storeSchema.safeParse(clone(data));
			const fast = isStoreShape(data);
			expect({what, passes: fast}).toEqual({what, passes: zod.success});
			if (zod.success) expect(data, what).toEqual(zod.data);
			else refused++;
			checked++;
		}
		// The changes reach far enough to matter: most break the schema, some do not.
		expect(refused).toBeGreaterThan(checked / 2);
		expect(refused).toBeLessThan(checked);
	});
});
