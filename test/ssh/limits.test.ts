import fs from 'node:fs/promises';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {makeClientKey, makeTempDir, openSsh, runSsh, sshArgs, startTestServer, waitUntil, type OpenSsh, type TestServer} from './helpers.js';

describe('limits', () => {
	let dir: string;
	let key: string;
	const servers: TestServer[] = [];
	const clients: OpenSsh[] = [];

	const start = async (limits: Parameters<typeof startTestServer>[0]['limits']) => {
		const server = await startTestServer({dir, authorized: [`${key}.pub`], limits});
		servers.push(server);
		return server;
	};
	/** A visitor sitting in the explorer. */
	const explore = async (server: TestServer, bind?: string) => {
		const client = openSsh(sshArgs(server.port, key, {tty: true, bind}));
		clients.push(client);
		await client.waitForOutput('[1 Segments]');
		return client;
	};

	beforeAll(async () => {
		dir = await makeTempDir();
		key = await makeClientKey(dir, 'visitor');
	});

	afterEach(async () => {
		for (const client of clients.splice(0)) client.child.kill('SIGKILL');
		await Promise.all(servers.splice(0).map(server => server.close()));
	});

	afterAll(async () => {
		await fs.rm(dir, {recursive: true, force: true});
	});

	it('--max-sessions: one too many gets a one-line message and a clean exit; room frees up when a session ends', async () => {
		const server = await start({maxSessions: 1});
		const first = await explore(server);
		const refused = await runSsh([...sshArgs(server.port, key), 'quarters']);
		expect(refused.code).toBe(1);
		expect(refused.stdout).toBe('');
		expect(refused.stderr).toBe('quarterdeck: the server already has 1 session(s), its limit; try again later\n');
		await server.waitForLog(/ limit .*limit=max-sessions/);
		// The first visitor never noticed.
		first.write('2');
		await first.waitForOutput('[2 Centers]');
		first.write('q');
		expect(await first.exited).toBe(0);
		await waitUntil(() => server.server.stats().sessions === 0, 'the session to be released');
		expect((await runSsh([...sshArgs(server.port, key), 'quarters'])).code).toBe(0);
	});

	it('--max-per-address: counts each client address on its own', async () => {
		const server = await start({maxPerAddress: 1});
		await explore(server, '127.0.0.1');
		const sameAddress = await runSsh([...sshArgs(server.port, key, {bind: '127.0.0.1'}), 'quarters']);
		expect(sameAddress.code).toBe(1);
		expect(sameAddress.stderr).toMatch(/^quarterdeck: your address already has 1 session\(s\), the limit per address/);
		const otherAddress = await runSsh([...sshArgs(server.port, key, {bind: '127.0.0.2'}), 'quarters', '--json']);
		expect(otherAddress.code).toBe(0);
		expect(JSON.parse(otherAddress.stdout)).toHaveProperty('command', 'quarters');
	});

	it('--idle-timeout: a session without input ends with a message, the terminal restored', async () => {
		const server = await start({idleTimeout: 700});
		const started = Date.now();
		const client = await explore(server);
		expect(await client.exited).toBe(1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(600);
		const output = client.output();
		// The goodbye comes after the alternate screen is left, so the visitor can read it.
		expect(output.lastIndexOf('\u001B[?1049l')).toBeLessThan(output.indexOf('quarterdeck: no input for 0.7 s; goodbye'));
		expect(output.trimEnd().endsWith('quarterdeck: no input for 0.7 s; goodbye')).toBe(true);
		await server.waitForLog(/ session-end .*reason=idle-timeout status=1/);
	});

	it('--idle-timeout: input keeps a session alive', async () => {
		const server = await start({idleTimeout: 1500});
		const client = await explore(server);
		for (let i = 0; i < 8; i++) {
			await new Promise(resolve => setTimeout(resolve, 250));
			client.write(i % 2 ? '1' : '2');
		}
		expect(client.child.exitCode).toBeNull();
		expect(server.server.stats().sessions).toBe(1);
	});

	it('--max-session-time: a session ends on time even while the visitor types', async () => {
		const server = await start({maxSessionTime: 1200});
		const client = await explore(server);
		const typing = setInterval(() => client.write('j'), 100);
		try {
			expect(await client.exited).toBe(1);
		} finally {
			clearInterval(typing);
		}
		expect(client.output()).toContain('quarterdeck: sessions last at most 1.2 s; goodbye');
		const ended = await server.waitForLog(/ session-end .*reason=session-time status=1 seconds=/);
		expect(Number(/seconds=([\d.]+)/.exec(ended)![1])).toBeGreaterThanOrEqual(1.2);
		expect(server.server.stats()).toMatchObject({sessions: 0});
	});

	it('--connect-rate: connections past the rate are closed before any handshake; other addresses are not affected', async () => {
		const server = await start({connectRate: 3});
		for (let i = 0; i < 3; i++) expect((await runSsh([...sshArgs(server.port, key), 'quarters'])).code).toBe(0);
		const refused = await runSsh([...sshArgs(server.port, key), 'quarters']);
		expect(refused.code).toBe(255);
		expect(refused.stdout).toBe('');
		await server.waitForLog(/ refused address=127\.0\.0\.1 reason=connect-rate/);
		expect((await runSsh([...sshArgs(server.port, key, {bind: '127.0.0.2'}), 'quarters'])).code).toBe(0);
	});
});
