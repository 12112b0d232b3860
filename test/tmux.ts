import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {readdirSync, readFileSync} from 'node:fs';

/** This test process's own tmux server, so no other server's sessions or processes mix in. */
export const tmuxSocket = `quarterdeck-test-${process.pid}`;
function tmux(args: string[], options: {encoding?: 'utf8'; stdio?: 'ignore'} = {}): string | Buffer {
	return execFileSync('tmux', ['-L', tmuxSocket, ...args], options);
}

/** A real terminal: a tmux session running a plain shell, driven with send-keys and read with capture-pane. */
export class Terminal {
	readonly name = `qd-${randomBytes(4).toString('hex')}`;

	constructor(columns = 80, rows = 24, env: Record<string, string> = {}) {
		const vars = Object.entries({PS1: '$ ', TERM: 'xterm-256color', HOME: process.env.HOME ?? '/tmp', PATH: process.env.PATH ?? '', ...env}).map(
			([key, value]) => `${key}=${value}`,
		);
		const create = () => tmux(['new-session', '-d', '-s', this.name, '-x', String(columns), '-y', String(rows), 'env', '-i', ...vars, 'sh']);
		// When the last session has just been closed, the server may be exiting as this connects; try again.
		for (let attempt = 1; ; attempt++) {
			try {
				create();
				break;
			} catch (error) {
				if (attempt === 5) throw error;
				Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
			}
		}
		tmux(['set-option', '-t', this.name, 'status', 'off']);
	}

	/** Types text literally, then Enter when asked. */
	type(text: string, enter = true): void {
		tmux(['send-keys', '-t', this.name, '-l', text]);
		if (enter) this.keys('Enter');
	}

	/** Presses named keys (Enter, Escape, Tab, BTab, Left, C-c, ...). */
	keys(...keys: string[]): void {
		tmux(['send-keys', '-t', this.name, ...keys]);
	}

	/** The screen as text; with `escapes`, with its colour and style sequences. */
	screen(escapes = false): string {
		if (escapes) return tmux(['capture-pane', '-p', '-e', '-t', this.name], {encoding: 'utf8'}) as string;
		return tmux(['capture-pane', '-p', '-t', this.name], {encoding: 'utf8'}) as string;
	}

	resize(columns: number, rows: number): void {
		tmux(['resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows)]);
	}

	/** Waits until the screen satisfies a test, or fails with the last screen. */
	async waitFor(test: (screen: string) => boolean, what: string, timeout = 8000): Promise<string> {
		const start = Date.now();
		let screen = '';
		while (Date.now() - start < timeout) {
			screen = this.screen();
			if (test(screen)) return screen;
			await new Promise(resolve => setTimeout(resolve, 50));
		}
		throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
	}

	async waitForText(text: string | RegExp, timeout?: number): Promise<string> {
		return this.waitFor(screen => (typeof text === 'string' ? screen.includes(text) : text.test(screen)), String(text), timeout);
	}

	/** The pid of the program the pane's shell is running (its first child). */
	childPid(): number {
		const shell = Number((tmux(['display-message', '-p', '-t', this.name, '#{pane_pid}'], {encoding: 'utf8'}) as string).trim());
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				// Field 4 of /proc/PID/stat is the parent; the command name before it may hold spaces.
				const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
				if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === shell) return Number(entry);
			} catch {}
		}
		throw new Error(`the shell of ${this.name} runs nothing`);
	}

	close(): void {
		try {
			tmux(['kill-session', '-t', this.name], {stdio: 'ignore'});
		} catch {}
	}
}

/** Ends this process's tmux server and every session left on it. */
export function stopTmux(): void {
	try {
		tmux(['kill-server'], {stdio: 'ignore'});
	} catch {}
}
