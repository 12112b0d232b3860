import {Readable, Writable} from 'node:stream';

export type TerminalSize = {columns: number; rows: number};

/** Sizes a client may report are kept within these, so a bogus one cannot make a frame enormous. */
export const sizeBounds = {minColumns: 10, maxColumns: 500, minRows: 3, maxRows: 200} as const;

function bounded(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : 0;
	// Zero means "not known" in a pty request.
	if (number <= 0) return fallback;
	return Math.min(max, Math.max(min, number));
}

/** A size from a pty-req or window-change, clamped; zero or nonsense becomes 80×24. */
export function clampSize(columns: unknown, rows: unknown): TerminalSize {
	return {
		columns: bounded(columns, 80, sizeBounds.minColumns, sizeBounds.maxColumns),
		rows: bounded(rows, 24, sizeBounds.minRows, sizeBounds.maxRows),
	};
}

/** Colour depth in bits, as Node's tty.WriteStream#getColorDepth reports it, from the client's TERM and COLORTERM. */
export function colorDepth(env: Readonly<Record<string, string | undefined>>): 1 | 4 | 8 | 24 {
	const term = env.TERM ?? '';
	if (env.NO_COLOR || term === '' || term === 'dumb') return 1;
	const colorterm = (env.COLORTERM ?? '').toLowerCase();
	if (colorterm === 'truecolor' || colorterm === '24bit' || /-direct$|truecolor/.test(term)) return 24;
	if (/256/.test(term)) return 8;
	return 4;
}

/** Keys a session keeps while the explorer is busy; beyond this, input is dropped, not buffered. */
const maxPendingInput = 64 * 1024;

/** The keyboard side of a session's terminal: what Ink reads keys from. */
export class TtyInput extends Readable {
	readonly isTTY = true;
	isRaw = false;

	constructor() {
		super({highWaterMark: maxPendingInput});
	}

	override _read(): void {
		// Data is pushed as the client sends it.
	}

	/** Raw mode is the client's business (ssh puts its own terminal in raw mode); kept for Ink. */
	setRawMode(mode: boolean): this {
		this.isRaw = mode;
		return this;
	}

	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}

	/** Bytes from the client; dropped once too many wait unread. */
	receive(data: Buffer): void {
		if (this.destroyed || this.readableEnded) return;
		if (this.readableLength > maxPendingInput) return;
		this.push(data);
	}
}

/** The screen side of a session's terminal: what Ink draws on, sized from the client's pty. */
export class TtyOutput extends Writable {
	readonly isTTY = true;
	columns: number;
	rows: number;
	private readonly depth: 1 | 4 | 8 | 24;
	private readonly sink: (text: string) => void;
	/** A `\r` at the end of the last chunk, so a `\n` that starts the next is not doubled. */
	private pendingReturn = false;

	constructor(options: {size: TerminalSize; env: Readonly<Record<string, string | undefined>>; sink: (text: string) => void}) {
		super({decodeStrings: false});
		this.columns = options.size.columns;
		this.rows = options.size.rows;
		this.depth = colorDepth(options.env);
		this.sink = options.sink;
	}

	override _write(chunk: Buffer | string, _encoding: BufferEncoding | 'buffer', callback: (error?: Error | null) => void): void {
		const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
		// There is no line discipline between us and the client's raw terminal: do what ONLCR would.
		const translated = text.replace(/\r?\n/g, (_match, offset: number) => (offset === 0 && this.pendingReturn ? '\n' : '\r\n'));
		this.pendingReturn = text.endsWith('\r');
		try {
			this.sink(translated);
			callback();
		} catch (error) {
			callback(error as Error);
		}
	}

	getColorDepth(): number {
		return this.depth;
	}

	hasColors(count = 16): boolean {
		return 2 ** this.depth >= count;
	}

	getWindowSize(): [number, number] {
		return [this.columns, this.rows];
	}

	/** A new size from the client; emits `resize` only when it changed. */
	resize(size: TerminalSize): void {
		if (size.columns === this.columns && size.rows === this.rows) return;
		this.columns = size.columns;
		this.rows = size.rows;
		this.emit('resize');
	}
}

/** One session's terminal: keys in, frames out, size and colour depth from the client. */
export type TtyStreams = {stdin: TtyInput; stdout: TtyOutput; destroy: () => void};

/**
 * A pair of streams that look like a terminal to Ink, for one SSH session. Nothing is read from the
 * process: size, colour depth and the place output goes are all given here.
 */
export function createTtyStreams(options: {
	size: TerminalSize;
	env: Readonly<Record<string, string | undefined>>;
	sink: (text: string) => void;
}): TtyStreams {
	const stdin = new TtyInput();
	const stdout = new TtyOutput(options);
	// A stream destroyed under a late write reports it here rather than as an unhandled 'error'.
	stdin.on('error', () => {});
	stdout.on('error', () => {});
	return {
		stdin,
		stdout,
		destroy() {
			stdin.destroy();
			stdout.destroy();
			stdout.removeAllListeners('resize');
		},
	};
}
