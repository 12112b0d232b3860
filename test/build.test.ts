import {readdirSync, readFileSync} from 'node:fs';
import {isBuiltin} from 'node:module';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {root} from './helpers.js';

const dist = path.join(root, 'dist');
const bundles = readdirSync(dist).filter(name => name.endsWith('.js'));

describe('the bundles in dist/', () => {
	it('reach Node’s built-in modules without esbuild’s interop wrapper', () => {
		expect(bundles).toEqual(expect.arrayContaining(['cli.js', 'main.js', 'explore-local.js', 'serve.js', 'import.js', 'parse-store.js']));
		let required = 0;
		for (const name of bundles) {
			const text = readFileSync(path.join(dist, name), 'utf8');
			const wrapped = [...text.matchAll(/__toESM\(require\("([^"]+)"\)/g)].map(match => match[1]!).filter(module => isBuiltin(module));
			expect(wrapped, name).toEqual([]);
			required += [...text.matchAll(/require\("([^"]+)"\)/g)].filter(match => isBuiltin(match[1]!)).length;
		}
		// They do load built-ins: the check above looked at real requires.
		expect(required).toBeGreaterThan(20);
	});

	it('reach React and its JSX runtime, which the explorer imports from many modules, without it too', () => {
		for (const name of ['explore-local.js', 'serve.js']) {
			const text = readFileSync(path.join(dist, name), 'utf8');
			expect(text, name).toMatch(/\brequire_react\(\)/);
			expect(text, name).toMatch(/\brequire_jsx_runtime\(\)/);
			expect(text.match(/__toESM\(require_(react|jsx_runtime)\(\)/g), name).toBeNull();
		}
	});
});
