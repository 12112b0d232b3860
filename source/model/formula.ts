/** A parsed formula: evaluate with values for its names. */
export type Formula = {names: string[]; evaluate: (values: Record<string, number>) => number};

const token = /\s*(?:(\d+(?:\.\d+)?|\.\d+)|([a-z_][a-z0-9_]*)|([-+*/()]))/y;

/**
 * Parses arithmetic over names (`+ - * /`, parentheses, unary minus, decimal numbers). Throws a
 * one-line Error naming what was wrong and where.
 */
export function parseFormula(text: string): Formula {
	const tokens: Array<{kind: 'number' | 'name' | 'op'; text: string}> = [];
	token.lastIndex = 0;
	while (token.lastIndex < text.length) {
		const start = token.lastIndex;
		const match = token.exec(text);
		if (!match) {
			if (/^\s*$/.test(text.slice(start))) break;
			throw new Error(`unexpected "${text.slice(start).trim()[0]}" at character ${start + 1}`);
		}
		if (match[1]) tokens.push({kind: 'number', text: match[1]});
		else if (match[2]) tokens.push({kind: 'name', text: match[2]});
		else if (match[3]) tokens.push({kind: 'op', text: match[3]});
	}

	let at = 0;
	const names = new Set<string>();
	type Node = (values: Record<string, number>) => number;
	const peek = () => tokens[at];
	const expect = (what: string) => {
		const next = tokens[at++];
		if (next?.text !== what) throw new Error(`expected "${what}"${next ? ` before "${next.text}"` : ' at the end'}`);
	};

	const factor = (): Node => {
		const next = tokens[at++];
		if (!next) throw new Error('formula ends too soon');
		if (next.kind === 'number') {
			const value = Number(next.text);
			return () => value;
		}
		if (next.kind === 'name') {
			const name = next.text;
			names.add(name);
			return values => {
				const value = values[name];
				if (value === undefined) throw new Error(`no value for "${name}"`);
				return value;
			};
		}
		if (next.text === '(') {
			const inner = sum();
			expect(')');
			return inner;
		}
		if (next.text === '-') {
			const inner = factor();
			return values => -inner(values);
		}
		throw new Error(`unexpected "${next.text}"`);
	};

	const product = (): Node => {
		let left = factor();
		while (peek()?.text === '*' || peek()?.text === '/') {
			const op = tokens[at++]!.text;
			const l = left;
			const r = factor();
			left = op === '*' ? values => l(values) * r(values) : values => l(values) / r(values);
		}
		return left;
	};

	const sum = (): Node => {
		let left = product();
		while (peek()?.text === '+' || peek()?.text === '-') {
			const op = tokens[at++]!.text;
			const l = left;
			const r = product();
			left = op === '+' ? values => l(values) + r(values) : values => l(values) - r(values);
		}
		return left;
	};

	if (tokens.length === 0) throw new Error('formula is empty');
	const root = sum();
	if (at < tokens.length) throw new Error(`unexpected "${tokens[at]!.text}" after a complete formula`);
	return {names: [...names], evaluate: root};
}
