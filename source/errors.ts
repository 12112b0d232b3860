import {sanitize} from './model/text.js';

/** Exit codes, one per kind of failure; documented in `--help` and the README. */
export const exitCodes = {
	ok: 0,
	/** An unexpected failure inside quarterdeck. */
	internal: 1,
	/** Bad flag, unknown command, unknown quarter, missing argument. */
	usage: 2,
	/** Store missing, unreadable, not JSON, or failing the schema. */
	data: 3,
	/** `check` found something at or above `--fail-on`. */
	findings: 4,
	/** `import` refused: a row conflicts with the store, or the write was declined. */
	conflict: 5,
	/** The output could not be written: a full disk, a device error. */
	output: 6,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/**
 * Marks quarterdeck's own errors. The commands and the explorer are bundled apart, each with its own
 * copy of this module, so an error made by one copy is told by this mark, not by its class.
 */
const mark = Symbol.for('quarterdeck.error');

/** An error meant for the user: one line, and the exit code that goes with it. */
export class QuarterdeckError extends Error {
	readonly [mark] = true;

	constructor(
		message: string,
		readonly exitCode: ExitCode,
	) {
		super(message);
		this.name = 'QuarterdeckError';
	}
}

/** Whether `error` is a {@link QuarterdeckError}, made by any copy of this module. */
export function isQuarterdeckError(error: unknown): error is QuarterdeckError {
	return typeof error === 'object' && error !== null && (error as {[mark]?: unknown})[mark] === true;
}

export class UsageError extends QuarterdeckError {
	constructor(message: string) {
		super(message, exitCodes.usage);
	}
}

export class DataError extends QuarterdeckError {
	constructor(message: string) {
		super(message, exitCodes.data);
	}
}

export class OutputError extends QuarterdeckError {
	constructor(message: string) {
		super(message, exitCodes.output);
	}
}

/** What went wrong, as one line of printable text: an error's message, or whatever was thrown. */
export function describeError(error: unknown): string {
	return sanitize(error instanceof Error ? error.message : String(error));
}

/**
 * What a command that ends on `error` says, and the exit code it ends with: one of quarterdeck's
 * own errors as its line; anything else as an internal error. With `debug`, the stack trace follows.
 */
export function reportError(error: unknown, debug: boolean): {text: string; exitCode: ExitCode} {
	const own = isQuarterdeckError(error);
	const line = own ? `quarterdeck: ${sanitize(error.message)}` : `quarterdeck: internal error: ${describeError(error)}${debug ? '' : ' (run with --debug for details)'}`;
	const stack = debug && error instanceof Error && error.stack ? `${error.stack.split('\n').map(text => sanitize(text)).join('\n')}\n` : '';
	return {text: `${line}\n${stack}`, exitCode: own ? error.exitCode : exitCodes.internal};
}
