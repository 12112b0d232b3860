import fs from 'node:fs/promises';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {killTmuxServer, makeClientKey, makeTempDir, sshArgs, SshTerminal, startTestServer, waitUntil, type TestServer} from './helpers.js';

const longestLine = (screen: string) => Math.max(...screen.split('\n').map(line => line.trimEnd().length));

describe('the explorer over ssh, in a real terminal', () => {
	let dir: string;
	let key: string;
	let server: TestServer;
	const terminals: SshTerminal[] = [];

	const open = async (extra: string[] = [], columns = 100, rows = 30) => {
		const terminal = await SshTerminal.open([...sshArgs(server.port, key, {tty: true}), ...extra], columns, rows);
		terminals.push(terminal);
		return terminal;
	};

	beforeAll(async () => {
		dir = await makeTempDir();
		key = await makeClientKey(dir, 'visitor');
		server = await startTestServer({dir, authorized: [`${key}.pub`]});
	});

	afterEach(async () => {
		await Promise.all(terminals.splice(0).map(terminal => terminal.close()));
	});

	afterAll(async () => {
		await server?.close();
		await killTmuxServer();
		await fs.rm(dir, {recursive: true, force: true});
	});

	it('opens on segments, switches pane on a key, reflows on resize, and q gives the shell back with status 0', async () => {
		const terminal = await open();
		const first = await terminal.waitFor(screen => screen.includes('[1 Segments]'), 'the explorer');
		expect(first).toContain('Revenue by segment · 2004Q2 against 2003Q2');
		expect(longestLine(first)).toBeGreaterThan(90);

		await terminal.keys('2');
		await terminal.waitFor(screen => screen.includes('[2 Centers]') && screen.includes('Sites as of 2004Q2'), 'the Centers pane');

		await terminal.resize(60, 20);
		const narrow = await terminal.waitFor(
			screen => screen.includes('[2 Centers]') && longestLine(screen) <= 60 && screen.split('\n')[0]!.trimEnd().endsWith('▸'),
			'a 60-column frame',
		);
		// The header's right edge sits at the new width; no line of the old, wider frame is left over.
		expect(narrow.split('\n')[0]!.trimEnd().length).toBeLessThanOrEqual(60);
		expect(narrow).not.toContain('Reported in');
		await terminal.resize(100, 30);
		await terminal.waitFor(screen => screen.includes('Reported in'), 'the wide frame again');
		expect(server.logs.some(line => / session-start .*kind=shell pty=true term=xterm-256color size=100x30/.test(line))).toBe(true);

		await terminal.keys('q');
		const after = await terminal.waitFor(screen => screen.includes('SSH_EXIT='), 'ssh to exit');
		// The alternate screen is gone and nothing was left behind: only the exit status.
		expect(after.split('\n').filter(line => line.trim() !== '')).toEqual(['SSH_EXIT=0']);
		await server.waitForLog(/ session-end .*kind=shell reason=quit status=0/);
	});

	it('deep-links with exec and a pty: explore diff 2003Q3 2004Q2; Ctrl-C leaves the ssh notice on a line of its own', async () => {
		const terminal = await SshTerminal.open([...sshArgs(server.port, key, {tty: true, logLevel: 'INFO'}), 'explore', 'diff', '2003Q3', '2004Q2']);
		terminals.push(terminal);
		const screen = await terminal.waitFor(screen => screen.includes('[4 Diff]'), 'the Diff pane');
		expect(screen).toMatch(/2003Q3/);
		expect(screen).toMatch(/2004Q2/);
		await terminal.keys('C-c');
		const after = await terminal.waitFor(screen => screen.includes('SSH_EXIT='), 'ssh to exit');
		const lines = after.split('\n').filter(line => line.trim() !== '');
		expect(lines.slice(-2)).toEqual(['Connection to 127.0.0.1 closed.', 'SSH_EXIT=0']);
		expect(lines.slice(0, -2).every(line => line.startsWith('Warning: Permanently added'))).toBe(true);
	});

	it('keeps the state of concurrent sessions apart', async () => {
		const [a, b] = await Promise.all([open(), open([], 90, 25)]);
		await Promise.all([
			a.waitFor(screen => screen.includes('[1 Segments]'), 'explorer A'),
			b.waitFor(screen => screen.includes('[1 Segments]'), 'explorer B'),
		]);
		await a.keys('2');
		await b.keys('3');
		await a.waitFor(screen => screen.includes('[2 Centers]'), 'A on Centers');
		await b.waitFor(screen => screen.includes('[3 Balance]'), 'B on Balance');
		await a.resize(70, 24);
		await a.waitFor(screen => longestLine(screen) <= 70 && screen.includes('[2 Centers]'), 'A narrower');
		const bScreen = await b.screen();
		expect(bScreen).toContain('[3 Balance]');
		expect(bScreen).not.toContain('Centers]');
		expect(longestLine(bScreen)).toBeGreaterThan(70);
		await waitUntil(() => server.server.stats().sessions === 2, 'two sessions');

		await a.keys('q');
		await a.waitFor(screen => screen.includes('SSH_EXIT=0'), 'A to exit');
		// B is untouched by A leaving.
		await b.keys('1');
		await b.waitFor(screen => screen.includes('[1 Segments]'), 'B still answering keys');
		await b.keys('q');
		await b.waitFor(screen => screen.includes('SSH_EXIT=0'), 'B to exit');
		await waitUntil(() => server.server.stats().sessions === 0, 'no sessions left');
	});
});
