import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../../source/commands.js';
import {makeClientKey, makeTempDir, repoRoot, runSsh, sshArgs, startTestServer, storeFile, type TestServer} from './helpers.js';

/** What the local CLI prints for argv, piped: the reference the SSH output must equal. */
async function local(argv: string[]): Promise<string> {
	let stdout = '';
	await runCli([...argv, '--db', storeFile], {
		stdout: {write: (text: string) => (stdout += text)},
		stderr: {write: () => {}},
		stdoutIsTTY: false,
		columns: 100,
		env: {},
		cwd: repoRoot,
	});
	return stdout;
}

describe('exec over ssh', () => {
	let dir: string;
	let key: string;
	let stranger: string;
	let server: TestServer;
	let openServer: TestServer;

	beforeAll(async () => {
		dir = await makeTempDir();
		[key, stranger] = await Promise.all([makeClientKey(dir, 'visitor'), makeClientKey(dir, 'stranger')]);
		server = await startTestServer({dir, authorized: [`${key}.pub`]});
		openServer = await startTestServer({dir, authorized: 'open'});
	});

	afterAll(async () => {
		await Promise.all([server?.close(), openServer?.close()]);
		await fs.rm(dir, {recursive: true, force: true});
	});

	it('runs quarters --json: the same JSON as the local CLI, exit status 0', async () => {
		const result = await runSsh([...sshArgs(server.port, key), 'quarters', '--json']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const parsed = JSON.parse(result.stdout) as {command: string; quarters: Array<{quarter: string}>};
		expect(parsed.command).toBe('quarters');
		expect(parsed.quarters.map(row => row.quarter)).toContain('2004Q2');
		expect(parsed).toEqual(JSON.parse(await local(['quarters', '--json'])));
		expect(server.logs.some(line => / session-start .*kind=exec command="quarters --json" pty=false/.test(line))).toBe(true);
		expect(server.logs.some(line => / session-end .*reason=done status=0 seconds=/.test(line))).toBe(true);
	});

	it('answers from the store the server loaded, without reading the file again', async () => {
		// The server names a store file that is gone: a command that read it again would fail with exit 3.
		const gone = await startTestServer({dir, authorized: [`${key}.pub`], db: path.join(dir, 'removed-after-load.json')});
		try {
			const result = await runSsh([...sshArgs(gone.port, key), 'diff', '2003Q3', '2004Q2', '--json']);
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
			expect(result.stdout).toBe(await local(['diff', '2003Q3', '2004Q2', '--json']));
		} finally {
			await gone.close();
		}
	});

	it('runs diff 2003Q3 2004Q2 --csv with quoting handled and no shell', async () => {
		const result = await runSsh([...sshArgs(server.port, key), 'diff', "'2003Q3'", '"2004Q2"', '--csv']);
		expect(result.code).toBe(0);
		expect(result.stdout.split(/\r?\n/)[0]).toBe('Metric,Segment,2003Q3,2004Q2,Change,Change %');
		expect(result.stdout).toBe(await local(['diff', '2003Q3', '2004Q2', '--csv']));
	});

	it('passes a command error through with its exit status', async () => {
		const result = await runSsh([...sshArgs(server.port, key), 'show', '1999Q1']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^quarterdeck: .*1999Q1/);
	});

	it.each([
		['an unknown command', ['rm', '-rf', '/'], /"rm" is not available here; commands: quarters, segments/],
		['serve', ['serve'], /"serve" is not available here/],
		['a --db flag', ['quarters', '--db', '/etc/passwd'], /"--db" cannot be used over SSH/],
		['a --db= flag', ['quarters', '--db=/etc/passwd'], /"--db" cannot be used over SSH/],
		['a shell pipeline', ['quarters', '|', 'cat', '/etc/passwd'], /no shell here/],
		['nothing at all', [' '], /name a command/],
	])('refuses %s with one line and status 2', async (_what, words, message) => {
		const result = await runSsh([...sshArgs(server.port, key), ...words]);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(message);
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
	});

	it('refuses a shell without a terminal, with a hint', async () => {
		const result = await runSsh(['-T', ...sshArgs(server.port, key)]);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/the explorer needs a terminal; connect with ssh -t/);
	});

	it('ignores environment it does not honour (QUARTERDECK_DB) and honours NO_COLOR', async () => {
		const args = sshArgs(server.port, key, {tty: true, extra: ['-o', 'SetEnv=QUARTERDECK_DB=/nonexistent']});
		const coloured = await runSsh([...args, 'quarters'], {env: {TERM: 'xterm-256color'}});
		expect(coloured.code).toBe(0);
		expect(coloured.stdout).toMatch(/\u001B\[[\d;]*m/);
		// A pty has no line discipline here; the server sends CR LF itself.
		expect(coloured.stdout).toMatch(/\r\n/);
		const plain = await runSsh([...sshArgs(server.port, key, {tty: true, extra: ['-o', 'SetEnv=NO_COLOR=1']}), 'quarters'], {
			env: {TERM: 'xterm-256color'},
		});
		expect(plain.code).toBe(0);
		expect(plain.stdout).toContain('2004Q2');
		expect(plain.stdout).not.toMatch(/\u001B\[[\d;]*m/);
	});

	it('refuses a key that is not authorized', async () => {
		const result = await runSsh([...sshArgs(server.port, stranger), 'quarters']);
		expect(result.code).toBe(255);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/Permission denied \(publickey\)/);
		expect(server.logs.some(line => / auth .*result=refused reason=unknown-key key=SHA256:/.test(line))).toBe(true);
	});

	it('offers public-key authentication only', async () => {
		const result = await runSsh([
			...sshArgs(server.port, stranger, {extra: ['-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive']}),
			'quarters',
		]);
		expect(result.code).toBe(255);
		expect(result.stderr).toMatch(/Permission denied \(publickey\)/);
	});

	it('refuses sftp, port forwarding and agent forwarding', async () => {
		const sftp = await runSsh(['-s', ...sshArgs(server.port, key), 'sftp']);
		expect(sftp.code).not.toBe(0);
		const remote = await runSsh([...sshArgs(server.port, key, {extra: ['-o', 'ExitOnForwardFailure=yes', '-R', '0:127.0.0.1:22']}), 'quarters']);
		expect(remote.code).toBe(255);
		expect(remote.stdout).toBe('');
		const direct = await runSsh(['-W', '127.0.0.1:22', ...sshArgs(server.port, key)]);
		expect(direct.code).toBe(255);
		expect(direct.stderr).toMatch(/forwarding failed|open failed/);
		// ssh asks to forward an agent only when there is one to reach.
		const agentSocket = path.join(dir, 'agent.sock');
		const fakeAgent = net.createServer(connection => connection.destroy());
		await new Promise<void>(resolve => fakeAgent.listen(agentSocket, resolve));
		try {
			const agent = await runSsh([...sshArgs(server.port, key, {extra: ['-A']}), 'quarters', '--json'], {env: {SSH_AUTH_SOCK: agentSocket}});
			expect(agent.code).toBe(0);
		} finally {
			fakeAgent.close();
		}
		for (const request of ['sftp', 'remote-forwarding', 'port-forwarding', 'agent-forwarding']) {
			expect(server.logs.some(line => line.includes(` refused `) && line.includes(`request=${request}`))).toBe(true);
		}
	});

	it('lets an unknown key in with --open, and logs the key', async () => {
		const result = await runSsh([...sshArgs(openServer.port, stranger), 'quarters', '--json']);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toHaveProperty('command', 'quarters');
		expect(openServer.logs.some(line => / auth .*result=accepted mode=open key=SHA256:/.test(line))).toBe(true);
	});
});
