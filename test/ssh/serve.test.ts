import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {makeClientKey, makeTempDir, openSsh, repoRoot, runSsh, sshArgs, storeFile, waitUntil} from './helpers.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');

type Spawned = {child: ChildProcess; stderr: () => string; exited: Promise<number | null>};

/** `quarterdeck serve` as a user starts it, from the built CLI. */
function startCli(args: string[], cwd: string): Spawned {
	const child = spawn(process.execPath, [cli, 'serve', ...args], {cwd, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1', CI: 'true'}});
	let stderr = '';
	child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
	child.stdout!.resume();
	const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
	return {child, stderr: () => stderr, exited};
}

async function portOf(server: Spawned): Promise<number> {
	let port = 0;
	await waitUntil(() => {
		const match = /"port":(\d+)|port=(\d+)/.exec(server.stderr().split('\n').find(line => line.includes('listening')) ?? '');
		port = Number(match?.[1] ?? match?.[2] ?? 0);
		return port > 0 || server.child.exitCode !== null;
	}, `the server to listen; stderr: ${server.stderr()}`, 10_000);
	return port;
}

describe('quarterdeck serve, the built command', () => {
	let dir: string;
	let key: string;
	const spawned: Spawned[] = [];

	beforeAll(async () => {
		expect(existsSync(cli), 'dist/cli.js is missing: run npm run build').toBe(true);
		dir = await makeTempDir();
		key = await makeClientKey(dir, 'visitor');
	});

	afterEach(() => {
		for (const server of spawned.splice(0)) server.child.kill('SIGKILL');
	});

	afterAll(async () => {
		await fs.rm(dir, {recursive: true, force: true});
	});

	it('prints the host key fingerprint, logs JSON lines, and on SIGTERM says goodbye to visitors and exits 0', async () => {
		const server = startCli(
			['--db', storeFile, '--port', '0', '--host-key', 'host_key', '--authorized-keys', `${key}.pub`, '--json-log'],
			dir,
		);
		spawned.push(server);
		const port = await portOf(server);
		expect((await fs.stat(path.join(dir, 'host_key'))).mode & 0o777).toBe(0o600);

		const exec = await runSsh([...sshArgs(port, key), 'quarters', '--json']);
		expect(exec.code).toBe(0);
		const visitor = openSsh(sshArgs(port, key, {tty: true}));
		await visitor.waitForOutput('[1 Segments]');

		const stopped = Date.now();
		server.child.kill('SIGTERM');
		expect(await server.exited).toBe(0);
		expect(Date.now() - stopped).toBeLessThan(3000);
		expect(await visitor.exited).toBe(1);
		const output = visitor.output();
		expect(output.trimEnd().endsWith('quarterdeck: the server is shutting down; goodbye')).toBe(true);
		expect(output.lastIndexOf('\u001B[?1049l')).toBeLessThan(output.lastIndexOf('goodbye'));

		const lines = server
			.stderr()
			.split('\n')
			.filter(line => line.startsWith('{'));
		const events = lines.map(line => JSON.parse(line) as {event: string; [key: string]: unknown});
		const listening = events.find(event => event.event === 'listening')!;
		expect(listening.hostKey).toMatch(/^SHA256:/);
		expect(listening.hostKeyCreated).toBe(true);
		expect(events.map(event => event.event)).toEqual(
			expect.arrayContaining(['listening', 'connect', 'auth', 'session-start', 'session-end', 'disconnect', 'stopping', 'stopped']),
		);
		expect(events.find(event => event.event === 'session-end' && event.reason === 'shutdown')).toMatchObject({kind: 'shell', status: 1});
		// Every line of the log is JSON, to the last: nothing trails it at exit.
		expect(server.stderr().split('\n').filter(line => line !== '').every(line => JSON.parse(line) !== undefined)).toBe(true);
	});

	it('warns at start when --open lets anyone in', async () => {
		const server = startCli(['--db', storeFile, '--port', '0', '--host-key', 'host_key', '--open'], dir);
		spawned.push(server);
		await portOf(server);
		expect(server.stderr()).toMatch(/ warning message="--open: any SSH key is let in/);
		expect(server.stderr()).toMatch(/ listening address=127\.0\.0\.1 port=\d+ hostKey=SHA256:\S+ .*hostKeyCreated=false access=open/);
		server.child.kill('SIGINT');
		expect(await server.exited).toBe(0);
	});

	it.each([
		[['--port', 'x'], /^quarterdeck: --port expects a whole number from 0 to 65535, got "x"\n$/],
		[['--idle-timeout', '-1'], /^quarterdeck: --idle-timeout expects a number of seconds/],
		[['--authorized-keys', 'nowhere'], /^quarterdeck: authorized keys file .*nowhere does not exist; pass --authorized-keys <file>, or --open/],
	])('%j is a one-line usage error, exit 2', async (args, message) => {
		const server = startCli(['--db', storeFile, '--host-key', 'host_key', ...args], dir);
		spawned.push(server);
		expect(await server.exited).toBe(2);
		expect(server.stderr()).toMatch(message);
		expect(server.stderr().trimEnd().split('\n')).toHaveLength(1);
	});
});
