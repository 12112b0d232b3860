/**
 * A checker compiled from a JSON Schema document: the store's schema, as `quarterdeck schema`
 * prints it, answers "is this a well-formed store?" without loading the schema library, checking
 * the data where it lies instead of copying it. Only the keywords that schema uses are understood;
 * any other keyword is refused when the checker is made, so a schema that grows a new rule cannot
 * be half-checked.
 */

type JsonSchema = {readonly [keyword: string]: unknown};

/** A default to put in place once the whole value has passed: `target[key] = value`. */
export type ShapeFill = {target: Record<string, unknown>; key: string; value: unknown};

/** True when `value` passes; defaults it would get are added to `fills`. */
type Check = (value: unknown, fills: ShapeFill[]) => boolean;

const annotations = new Set(['$schema', 'title', 'description', 'default']);

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const typeChecks: Record<string, (value: unknown) => boolean> = {
	string: value => typeof value === 'string',
	number: value => typeof value === 'number' && Number.isFinite(value),
	integer: value => Number.isSafeInteger(value),
	boolean: value => typeof value === 'boolean',
	null: value => value === null,
	array: value => Array.isArray(value),
	object: isObject,
};

function asSchema(value: unknown, where: string): JsonSchema {
	if (!isObject(value)) throw new TypeError(`${where}: expected a schema object`);
	return value;
}

function asNumber(value: unknown, where: string): number {
	if (typeof value !== 'number') throw new TypeError(`${where}: expected a number`);
	return value;
}

function compileObject(schema: JsonSchema, where: string): Check | undefined {
	if (!('properties' in schema || 'required' in schema || 'additionalProperties' in schema || 'propertyNames' in schema)) return undefined;
	const properties = new Map<string, Check>();
	const defaults: Array<{key: string; value: unknown}> = [];
	for (const [key, property] of Object.entries(asSchema(schema.properties ?? {}, `${where}.properties`))) {
		const propertySchema = asSchema(property, `${where}.properties.${key}`);
		properties.set(key, compile(propertySchema, `${where}.properties.${key}`));
		if ('default' in propertySchema) defaults.push({key, value: propertySchema.default});
	}
	const required = (schema.required ?? []) as string[];
	const extra = schema.additionalProperties;
	const other: Check | false =
		extra === false ? false : extra === undefined || extra === true ? () => true : compile(asSchema(extra, `${where}.additionalProperties`), `${where}.additionalProperties`);
	const names = schema.propertyNames === undefined ? undefined : compile(asSchema(schema.propertyNames, `${where}.propertyNames`), `${where}.propertyNames`);
	return (value, fills) => {
		if (!isObject(value)) return true;
		const keys = Object.keys(value);
		for (let index = 0; index < keys.length; index++) {
			const key = keys[index]!;
			if (names && !names(key, fills)) return false;
			const check = properties.get(key) ?? other;
			if (check === false || !check(value[key], fills)) return false;
		}
		for (let index = 0; index < required.length; index++) if (!Object.hasOwn(value, required[index]!)) return false;
		for (let index = 0; index < defaults.length; index++) {
			const {key, value: fallback} = defaults[index]!;
			if (!Object.hasOwn(value, key)) fills.push({target: value, key, value: fallback});
		}
		return true;
	};
}

function compileUnion(branches: Check[], exactlyOne: boolean): Check {
	return (value, fills) => {
		let chosen: ShapeFill[] | undefined;
		for (const branch of branches) {
			const own: ShapeFill[] = [];
			if (!branch(value, own)) continue;
			// anyOf takes the first branch that passes, as the schema library does.
			if (!exactlyOne) {
				fills.push(...own);
				return true;
			}
			if (chosen) return false;
			chosen = own;
		}
		if (!chosen) return false;
		fills.push(...chosen);
		return true;
	};
}

function compile(schema: JsonSchema, where: string): Check {
	const checks: Check[] = [];
	// A test that needs no defaults is a check that ignores them.
	const plain = (test: (value: unknown) => boolean): void => {
		checks.push(test);
	};
	for (const keyword of Object.keys(schema)) {
		const argument = schema[keyword];
		switch (keyword) {
			case 'type': {
				const test = typeChecks[String(argument)];
				if (!test) throw new TypeError(`${where}.type: unsupported type ${JSON.stringify(argument)}`);
				plain(test);
				break;
			}
			case 'const':
				if (typeof argument === 'object' && argument !== null) throw new TypeError(`${where}.const: only a plain value is supported`);
				plain(value => value === argument);
				break;
			case 'enum': {
				const allowed = new Set(argument as unknown[]);
				plain(value => allowed.has(value));
				break;
			}
			case 'pattern': {
				const pattern = new RegExp(String(argument));
				plain(value => typeof value !== 'string' || pattern.test(value));
				break;
			}
			case 'minLength': {
				const least = asNumber(argument, `${where}.minLength`);
				plain(value => typeof value !== 'string' || value.length >= least);
				break;
			}
			case 'maxLength': {
				const most = asNumber(argument, `${where}.maxLength`);
				plain(value => typeof value !== 'string' || value.length <= most);
				break;
			}
			case 'minimum':
			case 'exclusiveMinimum':
			case 'maximum':
			case 'exclusiveMaximum': {
				const bound = asNumber(argument, `${where}.${keyword}`);
				const inside = {
					minimum: (value: number) => value >= bound,
					exclusiveMinimum: (value: number) => value > bound,
					maximum: (value: number) => value <= bound,
					exclusiveMaximum: (value: number) => value < bound,
				}[keyword];
				plain(value => typeof value !== 'number' || inside(value));
				break;
			}
			case 'minItems': {
				const least = asNumber(argument, `${where}.minItems`);
				plain(value => !Array.isArray(value) || value.length >= least);
				break;
			}
			case 'items': {
				const item = compile(asSchema(argument, `${where}.items`), `${where}.items`);
				checks.push((value, fills) => {
					if (!Array.isArray(value)) return true;
					for (let index = 0; index < value.length; index++) if (!item(value[index], fills)) return false;
					return true;
				});
				break;
			}
			case 'anyOf':
			case 'oneOf': {
				const branches = (argument as unknown[]).map((branch, index) => compile(asSchema(branch, `${where}.${keyword}[${index}]`), `${where}.${keyword}[${index}]`));
				checks.push(compileUnion(branches, keyword === 'oneOf'));
				break;
			}
			case 'properties':
			case 'required':
			case 'additionalProperties':
			case 'propertyNames':
				break;
			default:
				if (!annotations.has(keyword)) throw new TypeError(`${where}: unsupported keyword "${keyword}"`);
		}
	}
	const object = compileObject(schema, where);
	if (object) checks.push(object);
	if (checks.length === 1) return checks[0]!;
	return (value, fills) => {
		for (let index = 0; index < checks.length; index++) if (!checks[index]!(value, fills)) return false;
		return true;
	};
}

/**
 * Compiles `schema` to a function that says whether a value passes it. A value that passes gets
 * the defaults the schema declares for fields it leaves out, in place, each listed in `filled` when
 * given; one that fails is left as it was.
 */
export function compileShape(schema: unknown): (value: unknown, filled?: ShapeFill[]) => boolean {
	const check = compile(asSchema(schema, '(schema)'), '(schema)');
	return (value, filled) => {
		const fills: ShapeFill[] = [];
		if (!check(value, fills)) return false;
		for (const {target, key, value: fallback} of fills) target[key] = structuredClone(fallback);
		if (filled) for (const fill of fills) filled.push(fill);
		return true;
	};
}

/** Names a default: where it goes (a path with `*` for any index), the field, and the value's JSON. */
export function defaultKey(where: string, key: string, value: unknown): string {
	return `${where}\u0000${key}\u0000${JSON.stringify(value)}`;
}

/**
 * Every default `schema` declares, as {@link defaultKey}s: what a default filled in elsewhere may
 * be, and where.
 */
export function declaredDefaults(schema: unknown): Set<string> {
	const found = new Set<string>();
	const visit = (node: unknown, where: string): void => {
		if (!isObject(node)) return;
		const {properties, items, anyOf, oneOf} = node;
		if (isObject(properties)) {
			for (const [key, property] of Object.entries(properties)) {
				if (isObject(property) && 'default' in property) found.add(defaultKey(where, key, property.default));
				visit(property, where ? `${where}.${key}` : key);
			}
		}
		visit(items, where ? `${where}.*` : '*');
		for (const branch of [anyOf, oneOf]) if (Array.isArray(branch)) for (const item of branch) visit(item, where);
	};
	visit(schema, '');
	return found;
}
