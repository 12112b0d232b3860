import {execFile} from 'node:child_process';
import {generateKeyPairSync, type KeyObject} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UsageError} from '../../source/errors.js';
import {parseAuthorizedKeys, readAuthorizedKeys} from '../../source/ssh/authorized-keys.js';
import {openSshPrivateKey} from '../../source/ssh/ed25519-key.js';
import {checkExecCommand, splitCommandLine} from '../../source/ssh/exec-command.js';
import {parseKey} from '../../source/ssh/parse-key.js';
import {loadHostKey} from '../../source/ssh/host-key.js';
import {Limits} from '../../source/ssh/limits.js';
import {createLogger} from '../../source/ssh/log.js';
import {parseServeOptions} from '../../source/ssh/serve-options.js';
import {clampSize, colorDepth, createTtyStreams} from '../../source/ssh/tty-streams.js';
import {makeClientKey, makeTempDir} from './helpers.js';

const run = promisify(execFile);

describe('splitCommandLine', () => {
	it.each([
		['quarters --json', ['quarters', '--json']],
		['  diff   2003Q3\t2004Q2 ', ['diff', '2003Q3', '2004Q2']],
		[`show 'a b' "c d" e\\ f`, ['show', 'a b', 'c d', 'e f']],
		[`x "say \\"hi\\"" 'it''s'`, ['x', 'say "hi"', 'its']],
		[`x "" ''`, ['x', '', '']],
		['x $HOME *', ['x', '$HOME', '*']],
		['', []],
	])('%j → %j', (line, words) => {
		expect(splitCommandLine(line)).toEqual(words);
	});

	it.each(['quarters | cat', 'quarters; rm -rf /', 'quarters > /tmp/x', 'quarters && ls', 'echo `id`', 'echo $(id)', "x 'open", 'x "open'])(
		'refuses %j',
		line => {
			expect(splitCommandLine(line)).toBeInstanceOf(Error);
		},
	);
});

describe('checkExecCommand', () => {
	it.each([
		['quarters --json', ['quarters', '--json']],
		['quarterdeck diff 2003Q3 2004Q2 --csv', ['diff', '2003Q3', '2004Q2', '--csv']],
		['--quarter 2004Q1 segments', ['--quarter', '2004Q1', 'segments']],
		['balance --from=2003Q1 --to latest -- ', ['balance', '--from=2003Q1', '--to', 'latest', '--']],
		['show -q latest-4 -h', ['show', '-q', 'latest-4', '-h']],
		['explore diff 2003Q3 2004Q2', ['explore', 'diff', '2003Q3', '2004Q2']],
		['check --fail-on error --json', ['check', '--fail-on', 'error', '--json']],
		['--help', ['--help']],
		['--version', ['--version']],
	])('lets %j run against the server store', (line, words) => {
		expect(checkExecCommand(line, '/srv/store.json')).toEqual({ok: true, words, argv: ['--db', '/srv/store.json', ...words]});
	});

	it.each([
		['serve', /"serve" is not available here/],
		['serve --port 2223', /"serve" is not available here/],
		['quarters --port 2223', /"--port" cannot be used over SSH; flags here: --quarter, --from, --to, --fail-on, --json, --csv, --help, --version/],
		['import rows.csv', /"import" is not available here/],
		['quarters --debug', /"--debug" cannot be used over SSH/],
		['quarters -x', /"-x" cannot be used over SSH/],
		['bash', /"bash" is not available here/],
		['rm -rf /', /"rm" is not available here/],
		['quarters --db /etc/passwd', /"--db" cannot be used over SSH/],
		['quarters --db=/etc/passwd', /"--db" cannot be used over SSH/],
		['quarters --no-db', /"--no-db" cannot be used over SSH; the server chooses the store/],
		['quarters -- --db x', /"--db" cannot be used over SSH/],
		['quarters --host-key /etc/shadow', /"--host-key" cannot be used over SSH/],
		['--json', /name a command/],
		['', /name a command/],
		['quarters | cat', /no shell here/],
		[`"\u001B]0;pwned\u0007evil"`, /"evil" is not available/],
		['x'.repeat(5000), /longer than 4096/],
	])('refuses %j', (line, message) => {
		const decision = checkExecCommand(line, '/srv/store.json');
		expect(decision.ok).toBe(false);
		if (!decision.ok) {
			expect(decision.message).toMatch(message);
			expect(decision.message).not.toMatch(/[\u0000-\u001F]/);
		}
	});
});

describe('clampSize and colorDepth', () => {
	it.each([
		[100, 30, {columns: 100, rows: 30}],
		[0, 0, {columns: 80, rows: 24}],
		[10_000, 10_000, {columns: 500, rows: 200}],
		[1, 1, {columns: 10, rows: 3}],
		[-5, Number.NaN, {columns: 80, rows: 24}],
		['80', undefined, {columns: 80, rows: 24}],
	])('%j×%j → %j', (columns, rows, size) => {
		expect(clampSize(columns, rows)).toEqual(size);
	});

	it.each([
		[{TERM: 'xterm-256color'}, 8],
		[{TERM: 'xterm-256color', COLORTERM: 'truecolor'}, 24],
		[{TERM: 'xterm'}, 4],
		[{TERM: 'dumb'}, 1],
		[{}, 1],
		[{TERM: 'xterm-256color', NO_COLOR: '1'}, 1],
	])('%j → %d bits', (env, depth) => {
		expect(colorDepth(env)).toBe(depth);
	});
});

describe('createTtyStreams', () => {
	it('looks like a terminal: raw mode, size, resize events, colours, CR LF on output', () => {
		let sent = '';
		const streams = createTtyStreams({size: {columns: 90, rows: 20}, env: {TERM: 'xterm-256color'}, sink: text => (sent += text)});
		expect(streams.stdin.isTTY).toBe(true);
		expect(streams.stdin.setRawMode(true)).toBe(streams.stdin);
		expect(streams.stdout.isTTY).toBe(true);
		expect([streams.stdout.columns, streams.stdout.rows]).toEqual([90, 20]);
		expect(streams.stdout.getColorDepth()).toBe(8);
		expect(streams.stdout.hasColors(256)).toBe(true);
		expect(streams.stdout.hasColors(2 ** 24)).toBe(false);
		let resized = 0;
		streams.stdout.on('resize', () => resized++);
		streams.stdout.resize({columns: 90, rows: 20});
		streams.stdout.resize({columns: 60, rows: 20});
		expect(resized).toBe(1);
		expect(streams.stdout.columns).toBe(60);
		streams.stdout.write('a\nb\r\nc\r');
		streams.stdout.write('\nd');
		expect(sent).toBe('a\r\nb\r\nc\r\nd');
		streams.stdin.setEncoding('utf8');
		streams.stdin.receive(Buffer.from('q'));
		expect(streams.stdin.read()).toBe('q');
		streams.destroy();
		expect(streams.stdin.destroyed).toBe(true);
		expect(streams.stdout.listenerCount('resize')).toBe(0);
	});
});

describe('Limits', () => {
	const settings = {maxSessions: 3, maxPerAddress: 2, idleTimeout: 1000, maxSessionTime: 1000, connectRate: 2};

	it('holds new connections per address to the rate, over a sliding minute', () => {
		const limits = new Limits(settings);
		expect(limits.admitConnection('a', 0, 0).ok).toBe(true);
		expect(limits.admitConnection('a', 30_000, 0).ok).toBe(true);
		expect(limits.admitConnection('a', 59_999, 0)).toMatchObject({ok: false, reason: 'connect-rate'});
		expect(limits.admitConnection('b', 59_999, 0).ok).toBe(true);
		expect(limits.admitConnection('a', 60_000, 0).ok).toBe(true);
		expect(limits.admitConnection('a', 60_001, 0).ok).toBe(false);
		expect(limits.admitConnection('c', 0, limits.maxConnections)).toMatchObject({ok: false, reason: 'connections'});
	});

	it('counts sessions overall and per address, and releases each once', () => {
		const limits = new Limits(settings);
		const a1 = limits.openSession('a');
		const a2 = limits.openSession('a');
		expect(limits.openSession('a')).toMatchObject({ok: false, reason: 'max-per-address'});
		const b1 = limits.openSession('b');
		expect(limits.openSession('c')).toMatchObject({ok: false, reason: 'max-sessions'});
		expect(limits.sessions).toBe(3);
		if (!a1.ok || !a2.ok || !b1.ok) throw new Error('expected sessions');
		a1.release();
		a1.release();
		expect(limits.sessions).toBe(2);
		expect(limits.openSession('c').ok).toBe(true);
		a2.release();
		b1.release();
		expect(limits.sessions).toBe(1);
	});

	it('forgets addresses it has not seen for a minute', () => {
		const limits = new Limits({...settings, connectRate: 1000});
		for (let i = 0; i < 600; i++) limits.admitConnection(`10.0.${Math.floor(i / 250)}.${i % 250}`, i < 300 ? 0 : 61_000, 0);
		expect(limits.trackedAddresses).toBeLessThan(600);
	});
});

describe('parseServeOptions', () => {
	const io = {env: {HOME: '/home/demo'}, cwd: '/srv'};

	it('has the documented defaults', () => {
		expect(parseServeOptions({}, io)).toEqual({
			host: '127.0.0.1',
			port: 2222,
			hostKeyFile: '/srv/quarterdeck_host_key',
			authorizedKeysFile: '/home/demo/.ssh/authorized_keys',
			open: false,
			limits: {maxSessions: 16, maxPerAddress: 4, idleTimeout: 600_000, maxSessionTime: 3_600_000, connectRate: 20},
			jsonLog: false,
		});
	});

	it('reads every flag', () => {
		const options = parseServeOptions(
			{port: '0', hostKey: 'keys/host', open: true, maxSessions: '2', maxPerAddress: '1', idleTimeout: '0.5', maxSessionTime: '90', connectRate: '5', jsonLog: true},
			io,
		);
		expect(options).toMatchObject({port: 0, hostKeyFile: '/srv/keys/host', authorizedKeysFile: undefined, open: true, jsonLog: true});
		expect(options.limits).toEqual({maxSessions: 2, maxPerAddress: 1, idleTimeout: 500, maxSessionTime: 90_000, connectRate: 5});
	});

	it.each([
		[{port: 'abc'}, '--port expects a whole number from 0 to 65535, got "abc"'],
		[{port: '70000'}, '--port expects a whole number from 0 to 65535, got "70000"'],
		[{maxSessions: '0'}, '--max-sessions expects a whole number from 1'],
		[{maxPerAddress: '1.5'}, '--max-per-address expects a whole number'],
		[{connectRate: '-3'}, '--connect-rate expects a whole number'],
		[{idleTimeout: '0'}, '--idle-timeout expects a number of seconds above 0'],
		[{maxSessionTime: '1e3'}, '--max-session-time expects a number of seconds above 0'],
		[{maxSessionTime: '99999999'}, '--max-session-time expects a number of seconds above 0 and at most'],
	])('%j is a usage error', (flags, message) => {
		expect(() => parseServeOptions(flags, io)).toThrow(UsageError);
		expect(() => parseServeOptions(flags, io)).toThrow(message);
	});
});

describe('keys', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await makeTempDir();
	});
	afterAll(async () => {
		await fs.rm(dir, {recursive: true, force: true});
	});

	it('makes a host key with mode 0600 on first use, prints the fingerprint ssh-keygen gives, and reuses it', async () => {
		const file = path.join(dir, 'host_key');
		const made = await loadHostKey(file);
		expect(made.created).toBe(true);
		expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
		const {stdout} = await run('ssh-keygen', ['-l', '-f', file]);
		expect(stdout).toContain(made.fingerprint);
		expect(made.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
		const again = await loadHostKey(file);
		expect(again).toMatchObject({created: false, fingerprint: made.fingerprint});
		expect((await fs.readdir(dir)).filter(name => name.includes('.tmp'))).toEqual([]);
	});

	/** An ed25519 key whose raw public (x) or private (d) half starts with a zero byte: about one in 256 does. */
	function keyWithLeadingZero(half: 'x' | 'd'): KeyObject {
		for (;;) {
			const {privateKey} = generateKeyPairSync('ed25519');
			if (Buffer.from(privateKey.export({format: 'jwk'})[half]!, 'base64url')[0] === 0) return privateKey;
		}
	}

	it.each(['x', 'd'] as const)('writes a key whose %s half starts with a zero byte so that ssh2 and ssh-keygen both read it', async half => {
		const privateKey = keyWithLeadingZero(half);
		const text = openSshPrivateKey(privateKey, 'zero test');
		const parsed = parseKey(text);
		if (parsed instanceof Error) throw parsed;
		expect(parsed.isPrivateKey()).toBe(true);
		const data = Buffer.from('signed by the host');
		expect(parsed.verify(data, parsed.sign(data) as Buffer)).toBe(true);
		const file = path.join(dir, `zero_${half}`);
		await fs.writeFile(file, text, {mode: 0o600});
		const {stdout} = await run('ssh-keygen', ['-y', '-f', file]);
		const raw = Buffer.from(privateKey.export({format: 'jwk'}).x!, 'base64url');
		const blob = Buffer.from(stdout.trim().split(' ')[1]!, 'base64');
		expect(blob.subarray(blob.length - 32)).toEqual(raw);
		expect(parsed.getPublicSSH()).toEqual(blob);
	});

	it('refuses a host key others can read, and one that is not a private key', async () => {
		const file = path.join(dir, 'loose_key');
		await loadHostKey(file);
		await fs.chmod(file, 0o644);
		await expect(loadHostKey(file)).rejects.toThrow(/can be read by other users \(mode 0644\); run chmod 600/);
		const junk = path.join(dir, 'junk_key');
		await fs.writeFile(junk, 'not a key', {mode: 0o600});
		await expect(loadHostKey(junk)).rejects.toThrow(/is not an unencrypted OpenSSH private key/);
	});

	it('reads authorized_keys, skips lines with options, and matches keys', async () => {
		const [one, two, three] = await Promise.all(['one', 'two', 'three'].map(name => makeClientKey(dir, name)));
		const [pubOne, pubTwo, pubThree] = await Promise.all([one, two, three].map(file => fs.readFile(`${file}.pub`, 'utf8')));
		const parsed = parseAuthorizedKeys(`# visitors\n\n${pubOne}from="10.0.0.1" ${pubTwo}garbage line\n`);
		expect(parsed.keys).toHaveLength(1);
		expect(parsed.skipped.map(skip => skip.line)).toEqual([4, 5]);
		const blob = (text: string) => Buffer.from(text.split(' ')[1]!, 'base64');
		expect(parsed.includes(blob(pubOne!))).toBe(true);
		expect(parsed.includes(blob(pubTwo!))).toBe(false);
		expect(parsed.includes(blob(pubThree!))).toBe(false);
		expect(parsed.includes(Buffer.alloc(3))).toBe(false);
		await expect(readAuthorizedKeys(path.join(dir, 'missing'))).rejects.toThrow(/does not exist; pass --authorized-keys <file>, or --open/);
		await fs.writeFile(path.join(dir, 'empty'), '# nobody\n');
		await expect(readAuthorizedKeys(path.join(dir, 'empty'))).rejects.toThrow(/holds no usable public key/);
	});
});

describe('createLogger', () => {
	it('writes one safe line per event, as text or JSON', () => {
		const lines: string[] = [];
		const stream = {write: (line: string) => lines.push(line)};
		const now = () => new Date('2024-01-02T03:04:05.000Z');
		createLogger({stream, json: false, now})('session-start', {kind: 'exec', command: 'quarters\n\u001B[31mevil --json', skipped: undefined});
		createLogger({stream, json: true, now})('auth', {user: 'a\u0007b', ok: true, seconds: 1.5});
		expect(lines).toEqual([
			'2024-01-02T03:04:05.000Z session-start kind=exec command="quarters evil --json"\n',
			'{"time":"2024-01-02T03:04:05.000Z","event":"auth","user":"ab","ok":true,"seconds":1.5}\n',
		]);
	});
});
