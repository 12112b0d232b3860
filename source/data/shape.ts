/**
 * A checker compiled from a JSON Schema document: the store's schema, as `quarterdeck schema`
 * prints it, answers "is this a well-formed store?" without loading the schema library, checking
 * the data where it lies instead of copying it. The schema is turned into JavaScript once, a
 * function per node. Only the keywords that schema uses are understood; any other keyword is
 * refused when the checker is made, so a schema that grows a new rule cannot be half-checked.
 */

type JsonSchema = {readonly [keyword: string]: unknown};

/** A default to put in place once the whole value has passed: `target[key] = value`. */
type Fill = {target: Record<string, unknown>; key: string; value: unknown};

/** True when `value` passes; defaults it would get are added to `fills`. */
type Check = (value: unknown, fills: Fill[]) => boolean;

const annotations = new Set(['$schema', 'title', 'description', 'default']);

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The test of each JSON Schema type, as code on `v`. */
const typeTests: Record<string, string> = {
	string: 'typeof v === "string"',
	number: 'typeof v === "number" && Number.isFinite(v)',
	integer: 'Number.isSafeInteger(v)',
	boolean: 'typeof v === "boolean"',
	null: 'v === null',
	array: 'Array.isArray(v)',
	object: 'typeof v === "object" && v !== null && !Array.isArray(v)',
};

function asSchema(value: unknown, where: string): JsonSchema {
	if (!isObject(value)) throw new TypeError(`${where}: expected a schema object`);
	return value;
}

function asNumber(value: unknown, where: string): string {
	if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${where}: expected a number`);
	return String(value);
}

/**
 * The code being written: one function per schema node, `c0` … `cN`, each `(v, f) => boolean` (`f`
 * collects the defaults to fill); the branches of each anyOf or oneOf, as lists `u0` … `uN`; and the
 * values the functions need (regular expressions, sets, defaults), reached as `k[i]`.
 */
type Program = {functions: string[]; unions: string[][]; constants: unknown[]};

function constant(program: Program, value: unknown): string {
	program.constants.push(value);
	return `k[${program.constants.length - 1}]`;
}

const comparisons = {minimum: '>=', exclusiveMinimum: '>', maximum: '<=', exclusiveMaximum: '<'} as const;

/**
 * The object keywords of `schema` as code. Each property the schema names is read and checked, a
 * required one that is missing fails, and a default is noted for one left out; when no other key is
 * allowed, the object's own keys are then counted against those read. A schema that checks other
 * keys, or names a property that every object inherits (`toString`), goes through the object's own
 * keys instead.
 */
function emitObject(schema: JsonSchema, where: string, program: Program): string | undefined {
	if (!('properties' in schema || 'required' in schema || 'additionalProperties' in schema || 'propertyNames' in schema)) return undefined;
	const required = new Set((schema.required ?? []) as string[]);
	const properties = Object.entries(asSchema(schema.properties ?? {}, `${where}.properties`)).map(([key, property]) => {
		const propertySchema = asSchema(property, `${where}.properties.${key}`);
		const name = JSON.stringify(key);
		return {
			key,
			name,
			check: emit(propertySchema, `${where}.properties.${key}`, program),
			fill: 'default' in propertySchema ? `f.push({target: v, key: ${name}, value: ${constant(program, propertySchema.default)}});` : undefined,
		};
	});
	const extra = schema.additionalProperties;
	const names = schema.propertyNames === undefined ? undefined : emit(asSchema(schema.propertyNames, `${where}.propertyNames`), `${where}.propertyNames`, program);
	const other = extra === false || extra === undefined || extra === true ? undefined : emit(asSchema(extra, `${where}.additionalProperties`), `${where}.additionalProperties`, program);
	const described = new Set(properties.map(({key}) => key));
	// A required key the schema does not describe only has to be there.
	const present = [...required].filter(key => !described.has(key)).map(key => `if (!Object.hasOwn(v, ${JSON.stringify(key)})) return false;`);

	if (!names && !other && [...described, ...required].every(key => !(key in Object.prototype))) {
		const reads = properties.map(({key, name, check, fill}) => {
			const missing = required.has(key) ? 'return false;' : fill;
			return `x = v[${name}]; if (x !== undefined) { seen++; if (!${check}(x, f)) return false; }${missing ? ` else ${missing}` : ''}`;
		});
		const count = extra === false ? ['let keys = 0; for (const key in v) keys++; if (keys !== seen) return false;'] : [];
		return `if (${typeTests.object}) {
	let seen = 0, x;
	${[...reads, ...present, ...count].join('\n\t')}
}`;
	}
	const cases = properties.map(({name, check}) => `case ${name}: if (!${check}(v[key], f)) return false; break;`);
	const otherwise = extra === false ? 'return false;' : other ? `if (!${other}(v[key], f)) return false; break;` : 'break;';
	const missing = properties.flatMap(({key, name, fill}) => {
		if (required.has(key)) return [`if (!Object.hasOwn(v, ${name})) return false;`];
		return fill ? [`if (!Object.hasOwn(v, ${name})) ${fill}`] : [];
	});
	return `if (${typeTests.object}) {
	const keys = Object.keys(v);
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		${names ? `if (!${names}(key, f)) return false;` : ''}
		switch (key) {
			${cases.join('\n\t\t\t')}
			default: ${otherwise}
		}
	}
	${[...missing, ...present].join('\n\t')}
}`;
}

/** anyOf takes the defaults of the first branch that passes, as the schema library does; oneOf needs exactly one to pass. */
function emitUnion(branches: string[], exactlyOne: boolean, program: Program): string {
	const list = `u${program.unions.push(branches) - 1}`;
	const each = `for (let i = 0; i < ${branches.length}; i++) { const own = []; if (!${list}[i](v, own)) continue;`;
	return exactlyOne
		? `{ let chosen; ${each} if (chosen) return false; chosen = own; } if (!chosen) return false; for (const fill of chosen) f.push(fill); }`
		: `{ let passed = false; ${each} for (const fill of own) f.push(fill); passed = true; break; } if (!passed) return false; }`;
}

/** Writes the function that checks `schema`, and returns its name. */
function emit(schema: JsonSchema, where: string, program: Program): string {
	const name = `c${program.functions.length}`;
	program.functions.push('');
	const lines: string[] = [];
	for (const keyword of Object.keys(schema)) {
		const argument = schema[keyword];
		switch (keyword) {
			case 'type': {
				const test = typeTests[String(argument)];
				if (!test) throw new TypeError(`${where}.type: unsupported type ${JSON.stringify(argument)}`);
				lines.push(`if (!(${test})) return false;`);
				break;
			}
			case 'const':
				if (typeof argument === 'object' && argument !== null) throw new TypeError(`${where}.const: only a plain value is supported`);
				lines.push(`if (v !== ${constant(program, argument)}) return false;`);
				break;
			case 'enum':
				lines.push(`if (!${constant(program, new Set(argument as unknown[]))}.has(v)) return false;`);
				break;
			case 'pattern':
				lines.push(`if (typeof v === "string" && !${constant(program, new RegExp(String(argument)))}.test(v)) return false;`);
				break;
			case 'minLength':
				lines.push(`if (typeof v === "string" && v.length < ${asNumber(argument, `${where}.minLength`)}) return false;`);
				break;
			case 'maxLength':
				lines.push(`if (typeof v === "string" && v.length > ${asNumber(argument, `${where}.maxLength`)}) return false;`);
				break;
			case 'minimum':
			case 'exclusiveMinimum':
			case 'maximum':
			case 'exclusiveMaximum':
				lines.push(`if (typeof v === "number" && !(v ${comparisons[keyword]} ${asNumber(argument, `${where}.${keyword}`)})) return false;`);
				break;
			case 'minItems':
				lines.push(`if (Array.isArray(v) && v.length < ${asNumber(argument, `${where}.minItems`)}) return false;`);
				break;
			case 'items': {
				const item = emit(asSchema(argument, `${where}.items`), `${where}.items`, program);
				lines.push(`if (Array.isArray(v)) for (let i = 0; i < v.length; i++) if (!${item}(v[i], f)) return false;`);
				break;
			}
			case 'anyOf':
			case 'oneOf': {
				const branches = (argument as unknown[]).map((branch, index) => emit(asSchema(branch, `${where}.${keyword}[${index}]`), `${where}.${keyword}[${index}]`, program));
				lines.push(emitUnion(branches, keyword === 'oneOf', program));
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
	const object = emitObject(schema, where, program);
	if (object) lines.push(object);
	program.functions[Number(name.slice(1))] = `function ${name}(v, f) {\n\t${lines.join('\n\t')}\n\treturn true;\n}`;
	return name;
}

/**
 * Compiles `schema` to a function that says whether a value passes it. A value that passes gets
 * the defaults the schema declares for fields it leaves out, in place; one that fails is left as
 * it was.
 */
export function compileShape(schema: unknown): (value: unknown) => boolean {
	const program: Program = {functions: [], unions: [], constants: []};
	const root = emit(asSchema(schema, '(schema)'), '(schema)', program);
	// Straight code for this one schema: checking a large store is a loop over plain tests that V8
	// optimises, where a tree of closures made every call site megamorphic. The code holds only
	// what the schema says; the values it tests arrive as arguments.
	const unions = program.unions.map((branches, index) => `const u${index} = [${branches.join(', ')}];`);
	const source = [...program.functions, ...unions, `return ${root};`].join('\n');
	const check = new Function('k', source)(program.constants) as Check;
	return value => {
		const fills: Fill[] = [];
		if (!check(value, fills)) return false;
		for (const {target, key, value: fallback} of fills) target[key] = structuredClone(fallback);
		return true;
	};
}
