import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {cli, otherStore} from '../helpers.js';
import {stopTmux, Terminal} from '../tmux.js';

let terminal: Terminal | undefined;
afterEach(() => {
	terminal?.close();
	terminal = undefined;
});
afterAll(stopTmux);

const start = (columns = 80, rows = 24, env: Record<string, string> = {}) => {
	terminal = new Terminal(columns, rows, env);
	return terminal;
};
const node = process.execPath;

describe('the explorer in a real terminal (tmux)', () => {
	it('opens full-screen at 80×24, takes keys, reflows on resize and quits to a clean shell', async () => {
		const t = start();
		t.type('clear; echo BEFORE');
		await t.waitForText('BEFORE');
		t.type(`${node} ${cli}; echo "EXIT=$?"`);
		let screen = await t.waitForText('[1 Segments]');
		expect(screen).toContain('Total revenue');
		expect(screen).not.toContain('BEFORE'); // the alternate screen
		const lines = screen.split('\n');
		expect(lines.every(line => line.length <= 80)).toBe(true);
		expect(lines[0]).toMatch(/◂ 2004Q2 ▸$/);
		expect(lines[22]).toMatch(/^q quit · \? keys/);

		t.keys('2');
		screen = await t.waitForText('[2 Centers]');
		expect(screen).toMatch(/Albany.*\[CLOSED\]/);
		t.keys('[', '[', '[');
		screen = await t.waitForText('◂ 2003Q3 ▸');
		expect(screen).toMatch(/Albany.*\[NAMED FOR CLOSURE\]/);

		t.resize(120, 30);
		screen = await t.waitFor(s => /◂ 2003Q3 ▸\s*$/m.test(s.split('\n')[0]!) && s.split('\n')[0]!.length > 100, 'the header at 120 columns');
		expect(screen.split('\n')[0]!.trimEnd().length).toBe(120);
		expect(screen).toMatch(/^q quit/m);
		expect(screen.split('\n').filter(line => line.includes('[2 Centers]'))).toHaveLength(1);

		t.resize(40, 10);
		screen = await t.waitForText('Terminal too small');
		expect(screen).toContain('40×10; needs 50×12');
		t.resize(80, 24);
		screen = await t.waitFor(s => s.includes('[2 Centers]') && !s.includes('too small'), 'the panes again');
		expect(screen.split('\n').filter(line => line.startsWith('──')).length).toBe(1);

		t.keys('?');
		await t.waitForText('Keys 1–');
		t.keys('Escape');
		await t.waitForText('Sites as of 2003Q3');
		t.keys('q');
		screen = await t.waitForText(/^EXIT=0$/m);
		expect(screen).toContain('BEFORE');
		expect(screen).not.toContain('Sites as of');
		expect(screen.trimEnd().split('\n').at(-1)).toBe('$');
	});

	it('draws every frame even where CI is set in the environment', async () => {
		const t = start(80, 24, {CI: 'true', CONTINUOUS_INTEGRATION: '1'});
		t.type(`${node} ${cli}`);
		await t.waitForText('[1 Segments]');
		t.keys('2');
		expect(await t.waitForText('[2 Centers]')).toMatch(/Albany.*\[CLOSED\]/);
		t.keys('q');
	});

	it('deep-links to a pane and quarters', async () => {
		const t = start(100, 30);
		t.type(`${node} ${cli} explore diff 2003Q3 2004Q2`);
		const screen = await t.waitForText('[4 Diff]');
		expect(screen).toContain('A 2003Q3 → «B 2004Q2»');
		t.keys('/');
		t.type('cash and', false);
		t.keys('Enter');
		expect(await t.waitForText(/Cash and cash equivalents\s+\$1,057,000\s+\$1,399,000\s+▲\+\$342,000/)).toBeTruthy();
		t.keys('Enter');
		expect(await t.waitForText('“The balance sheet as of September 30, 2003 shows cash and cash equivalents of $1,057,000')).toBeTruthy();
		t.keys('C-c');
		await t.waitForText('$ ');
	});

	it('opens centers at a quarter on another store', async () => {
		const t = start();
		t.type(`${node} ${cli} explore centers --quarter 2021Q1 --db ${otherStore}`);
		const screen = await t.waitForText('Sites as of 2021Q1');
		expect(screen).toMatch(/Plant A.*\[CLOSING\]/);
		expect(screen).toContain('Northwind Widgets');
		t.keys('q');
	});

	it('reads keys from the terminal when stdin is piped', async () => {
		const t = start();
		t.type(`echo | ${node} ${cli} explore balance; echo "EXIT=$?"`);
		await t.waitForText('[3 Balance]');
		t.keys('q');
		await t.waitForText(/^EXIT=0$/m);
	});

	it('with no terminal to read keys from, says so in one line', async () => {
		const t = start(120, 24);
		t.type(`setsid -w ${node} ${cli} explore < /dev/null; echo "EXIT=$?"`);
		const screen = await t.waitForText(/^EXIT=\d+$/m);
		expect(screen).toContain('quarterdeck: the explorer needs a terminal to read keys from');
		expect(screen).toContain('EXIT=2');
		expect(screen).not.toContain('Raw mode');
	});

	it.each(['SIGTERM', 'SIGHUP'] as const)('restores the terminal on %s', async signal => {
		const t = start();
		t.type('clear; echo BEFORE');
		await t.waitForText('BEFORE');
		t.type(`${node} ${cli}; echo "EXIT=$?"`);
		await t.waitForText('[1 Segments]');
		const pid = t.childPid();
		process.kill(pid, signal);
		const screen = await t.waitForText(/^EXIT=\d+$/m, 10_000);
		expect(screen).toContain('BEFORE');
		expect(screen).not.toContain('Total revenue');
		expect(screen).toMatch(/^EXIT=0$/m);
	});

	it('draws without colour under NO_COLOR, and with it otherwise', async () => {
		const t = start(80, 24, {NO_COLOR: '1'});
		t.type(`${node} ${cli} explore diff 2003Q3 2004Q2`);
		await t.waitForText('[4 Diff]');
		const plain = t.screen(true);
		expect(plain).not.toMatch(/\u001B\[3[12]m/);
		t.keys('q');
		const coloured = start(80, 24);
		coloured.type(`${node} ${cli} explore diff 2003Q3 2004Q2`);
		await coloured.waitForText('[4 Diff]');
		expect(coloured.screen(true)).toMatch(/\u001B\[3[12]m/);
		coloured.keys('q');
		t.close();
	});
});

