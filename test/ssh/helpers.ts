import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {loadStore} from '../../source/data/store.js';
import {createDataset, type Dataset} from '../../source/model/dataset.js';
import {parseAuthorizedKeys} from '../../source/ssh/authorized-keys.js';
import {loadHostKey} from '../../source/ssh/host-key.js';
import type {LimitSettings} from '../../source/ssh/limits.js';
import {createLogger} from '../../source/ssh/log.js';
import {createDemoServer, type DemoServer} from '../../source/ssh/server.js';

const run = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const storeFile = path.join(repoRoot, 'data', 'hemacare.json');

export async function makeTempDir(): Promise<string> {
	return fs.mkdtemp(path.join(os.tmpdir(), 'qd-ssh-'));
}

/** A fresh ed25519 key pair made by ssh-keygen; returns the private key's path (the public one is `.pub`). */
export async function makeClientKey(dir: string, name: string): Promise<string> {
	const file = path.join(dir, name);
	await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
	return file;
}

let dataset: Promise<Dataset> | undefined;
export function loadDataset(): Promise<Dataset> {
	dataset ??= loadStore(storeFile).then(store => createDataset(store));
	return dataset;
}

export const defaultLimits: LimitSettings = {
	maxSessions: 16,
	maxPerAddress: 16,
	idleTimeout: 60_000,
	maxSessionTime: 120_000,
	connectRate: 1000,
};

export type TestServer = {
	port: number;
	server: DemoServer;
	logs: string[];
	close: () => Promise<void>;
	/** Waits until a log line matches. */
	waitForLog: (pattern: RegExp, timeout?: number) => Promise<string>;
};

/** A real server on 127.0.0.1 and a free port, with a temporary host key, logging into an array. */
export async function startTestServer(options: {
	dir: string;
	/** Public key files let in, or 'open'. */
	authorized: string[] | 'open';
	limits?: Partial<LimitSettings>;
	loginGraceTime?: number;
	/** The path the server names as its store (the data is always the bundled store, loaded here). */
	db?: string;
}): Promise<TestServer> {
	const hostKey = await loadHostKey(path.join(options.dir, 'host_key'));
	const authorized =
		options.authorized === 'open'
			? ('open' as const)
			: parseAuthorizedKeys((await Promise.all(options.authorized.map(file => fs.readFile(file, 'utf8')))).join('\n'));
	const logs: string[] = [];
	const log = createLogger({stream: {write: (line: string) => logs.push(line.trimEnd())}, json: false});
	const server = createDemoServer({
		host: '127.0.0.1',
		port: 0,
		hostKey: hostKey.text,
		authorized,
		limits: {...defaultLimits, ...options.limits},
		dataset: await loadDataset(),
		db: options.db ?? storeFile,
		cwd: repoRoot,
		log,
		loginGraceTime: options.loginGraceTime,
		shutdownGraceTime: 500,
	});
	const {port} = await server.listen();
	return {
		port,
		server,
		logs,
		close: () => server.close(),
		waitForLog: async (pattern, timeout = 5000) => {
			await waitUntil(() => logs.some(line => pattern.test(line)), `a log line matching ${pattern}\n${logs.join('\n')}`, timeout);
			return logs.find(line => pattern.test(line))!;
		},
	};
}

/** Arguments for the real OpenSSH client: no config, no known-hosts file, only the given key. */
export function sshArgs(port: number, key: string, options: {tty?: boolean; bind?: string; extra?: string[]; logLevel?: string} = {}): string[] {
	return [
		'-F',
		'/dev/null',
		'-o',
		'StrictHostKeyChecking=no',
		'-o',
		'UserKnownHostsFile=/dev/null',
		'-o',
		'BatchMode=yes',
		'-o',
		'IdentitiesOnly=yes',
		'-o',
		`LogLevel=${options.logLevel ?? 'ERROR'}`,
		'-o',
		'ConnectTimeout=5',
		'-i',
		key,
		'-p',
		String(port),
		...(options.bind ? ['-b', options.bind] : []),
		...(options.tty ? ['-tt'] : []),
		...(options.extra ?? []),
		'demo@127.0.0.1',
	];
}

export type SshResult = {code: number | null; stdout: string; stderr: string};

/** Runs ssh to completion (asynchronously: the server may be in this process). */
export function runSsh(args: string[], options: {env?: NodeJS.ProcessEnv; timeout?: number} = {}): Promise<SshResult> {
	return new Promise((resolve, reject) => {
		const child = spawn('ssh', args, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...options.env}});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
		child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`ssh ${args.slice(-3).join(' ')} did not finish; stdout: ${stdout}; stderr: ${stderr}`));
		}, options.timeout ?? 10_000);
		child.on('error', reject);
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, stdout, stderr});
		});
	});
}

/** An ssh client left running (with -tt for a pty): write keys to it, read what it printed, kill it. */
export type OpenSsh = {
	child: ChildProcess;
	output: () => string;
	write: (keys: string) => void;
	waitForOutput: (test: string | RegExp, timeout?: number) => Promise<void>;
	exited: Promise<number | null>;
};

export function openSsh(args: string[], env: NodeJS.ProcessEnv = {}): OpenSsh {
	const child = spawn('ssh', args, {stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, TERM: 'xterm-256color', ...env}});
	let output = '';
	child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
	child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
	child.stdin!.on('error', () => {});
	const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
	return {
		child,
		output: () => output,
		write: keys => child.stdin!.write(keys),
		waitForOutput: (test, timeout = 8000) =>
			waitUntil(() => (typeof test === 'string' ? output.includes(test) : test.test(output)), `ssh output ${String(test)}:\n${output}`, timeout),
		exited,
	};
}

export async function waitUntil(test: () => boolean, what: string, timeout = 5000): Promise<void> {
	const start = Date.now();
	while (!test()) {
		if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

export function shellQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const tmuxSocket = `qd-ssh-${process.pid}`;

export async function tmux(...args: string[]): Promise<string> {
	const {stdout} = await run('tmux', ['-L', tmuxSocket, ...args]);
	return stdout;
}

/** A real terminal in tmux running one ssh command, kept open afterwards to show how it ended. */
export class SshTerminal {
	readonly name = `qd-ssh-${randomBytes(4).toString('hex')}`;

	static async open(args: string[], columns = 100, rows = 30): Promise<SshTerminal> {
		const terminal = new SshTerminal();
		const command = `ssh ${args.map(shellQuote).join(' ')}; echo SSH_EXIT=$?; sleep 600`;
		// When the last session has just been closed, the server may be exiting as this connects; try again.
		for (let attempt = 1; ; attempt++) {
			try {
				await tmux('new-session', '-d', '-s', terminal.name, '-x', String(columns), '-y', String(rows), 'env', 'TERM=xterm-256color', 'sh', '-c', command);
				break;
			} catch (error) {
				if (attempt === 5) throw error;
				await new Promise(resolve => setTimeout(resolve, 100));
			}
		}
		await tmux('set-option', '-t', terminal.name, 'status', 'off');
		return terminal;
	}

	screen(escapes = false): Promise<string> {
		return tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name);
	}

	async keys(...keys: string[]): Promise<void> {
		await tmux('send-keys', '-t', this.name, ...keys);
	}

	async resize(columns: number, rows: number): Promise<void> {
		await tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
	}

	async waitFor(test: (screen: string) => boolean, what: string, timeout = 8000): Promise<string> {
		const start = Date.now();
		let screen = '';
		while (Date.now() - start < timeout) {
			screen = await this.screen();
			if (test(screen)) return screen;
			await new Promise(resolve => setTimeout(resolve, 40));
		}
		throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
	}

	async close(): Promise<void> {
		try {
			await tmux('kill-session', '-t', this.name);
		} catch {
			// Already gone.
		}
	}
}

export async function killTmuxServer(): Promise<void> {
	try {
		await tmux('kill-server');
	} catch {
		// No server was started.
	}
}
