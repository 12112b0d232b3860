import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {StringDecoder} from 'node:string_decoder';

/** Ink ends every frame it draws on a terminal with this (the end of a synchronized update). */
export const endOfFrame = '\u001B[?2026l';

const ansi = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]/g;

/** Text as a reader sees it: every escape sequence removed. */
export function stripAnsi(text: string): string {
	return text.replace(ansi, '');
}

/** Whether util-linux `script`, which runs a command in a new pseudo-terminal, is installed. */
export function hasScript(): boolean {
	return spawnSync('script', ['--version'], {stdio: 'ignore'}).status === 0;
}

/** Quotes one word for sh. */
export function shellQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

type Waiter = {from: number; test: (text: string, from: number) => number | undefined; resolve: (at: number) => void};

/**
 * A command running in a real pseudo-terminal of a fixed size (through `script -qfec`), fed keys on
 * its input and read on its output, with the time each piece of output arrived.
 */
export class PtySession {
	readonly started: number;
	output = '';
	private readonly child: ChildProcess;
	private readonly decoder = new StringDecoder('utf8');
	private readonly waiters = new Set<Waiter>();
	readonly exited: Promise<number | null>;

	constructor(argv: readonly string[], options: {columns: number; rows: number; env: NodeJS.ProcessEnv}) {
		const command = `stty cols ${options.columns} rows ${options.rows} 2>/dev/null; exec ${argv.map(word => shellQuote(word)).join(' ')}`;
		this.started = performance.now();
		this.child = spawn('script', ['-qfec', command, '/dev/null'], {stdio: ['pipe', 'pipe', 'ignore'], env: options.env});
		this.exited = new Promise(resolve => {
			this.child.on('exit', code => resolve(code));
			this.child.on('error', () => resolve(null));
		});
		this.child.stdout!.on('data', (chunk: Buffer) => {
			const at = performance.now();
			this.output += this.decoder.write(chunk);
			for (const waiter of this.waiters) {
				const index = waiter.test(this.output, waiter.from);
				if (index !== undefined) {
					this.waiters.delete(waiter);
					waiter.resolve(at);
				}
			}
		});
	}

	/** Resolves with the arrival time of the output that passes `test`, or rejects after `timeout` ms. */
	waitUntil(test: (text: string, from: number) => number | undefined, from: number, timeout: number, what: string): Promise<number> {
		return new Promise((resolve, reject) => {
			const index = test(this.output, from);
			if (index !== undefined) {
				resolve(performance.now());
				return;
			}
			const timer = setTimeout(() => {
				this.waiters.delete(waiter);
				reject(new Error(`timed out after ${timeout} ms waiting for ${what}; the last output was: ${JSON.stringify(stripAnsi(this.output.slice(-400)))}`));
			}, timeout);
			const waiter: Waiter = {
				from,
				test,
				resolve: at => {
					clearTimeout(timer);
					resolve(at);
				},
			};
			this.waiters.add(waiter);
		});
	}

	/**
	 * Waits for the first frame, written after `from`, whose text satisfies `expect`: complete when
	 * Ink's end-of-frame sequence follows it.
	 */
	waitForFrame(from: number, expect: (frame: string) => boolean, timeout: number, what: string): Promise<number> {
		return this.waitUntil(
			(text, start) => {
				let end = text.indexOf(endOfFrame, start);
				while (end !== -1) {
					if (expect(stripAnsi(text.slice(start, end)))) return end;
					end = text.indexOf(endOfFrame, end + endOfFrame.length);
				}
				return undefined;
			},
			from,
			timeout,
			what,
		);
	}

	/** The text of the last complete frame before `upTo`. */
	lastFrame(upTo = this.output.length): string {
		const end = this.output.lastIndexOf(endOfFrame, upTo);
		if (end === -1) return '';
		const start = this.output.lastIndexOf(endOfFrame, end - 1);
		return stripAnsi(this.output.slice(start === -1 ? 0 : start + endOfFrame.length, end));
	}

	/** Types bytes into the terminal, and returns the output position from which their effect shows. */
	press(keys: string): number {
		const from = this.output.length;
		this.child.stdin!.write(keys);
		return from;
	}

	/** Asks the program to end with `keys`, and kills it when it has not after `grace` ms. */
	async close(keys: string | undefined, grace = 3000): Promise<number | null> {
		if (keys) this.child.stdin!.write(keys);
		const timer = setTimeout(() => this.child.kill('SIGKILL'), grace);
		const code = await this.exited;
		clearTimeout(timer);
		this.child.stdin!.destroy();
		return code;
	}
}
