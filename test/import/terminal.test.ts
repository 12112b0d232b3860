import path from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {cli, copyStore, digest, readJson, root} from '../helpers.js';
import {stopTmux, Terminal} from '../tmux.js';

const fixture = path.join(root, 'test', 'fixtures', 'import-2004q3.json');
let terminal: Terminal | undefined;
afterEach(() => terminal?.close());
afterAll(stopTmux);

describe('import on a terminal', () => {
	it('shows the change and asks; no writes nothing, yes writes', async () => {
		const store = copyStore();
		const before = digest(store);
		terminal = new Terminal(120, 30);
		terminal.type(`${process.execPath} ${cli} import ${fixture} --db ${store}; echo "EXIT=$?"`);
		await terminal.waitForText(/Write \d+ change\(s\) to .*\? \[y\/N\]/);
		terminal.type('n');
		await terminal.waitForText(/^EXIT=5$/m);
		expect(digest(store)).toBe(before);

		terminal.type('clear');
		terminal.type(`${process.execPath} ${cli} import ${fixture} --db ${store}; echo "EXIT=$?"`);
		await terminal.waitForText(/\[y\/N\]/);
		terminal.type('y');
		await terminal.waitForText(/^EXIT=0$/m);
		expect(digest(store)).not.toBe(before);
		expect(readJson(store).figures.some((figure: any) => figure.period === '2004Q3')).toBe(true);
	});
});
