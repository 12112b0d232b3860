import os from 'node:os';
import path from 'node:path';
import type {Flags} from '../commands.js';
import {UsageError} from '../errors.js';
import type {LimitSettings} from './limits.js';

/** Everything `serve` was asked for, checked and in the units the server uses. */
export type ServeOptions = {
	host: string;
	port: number;
	hostKeyFile: string;
	/** Undefined with --open: every client key is accepted. */
	authorizedKeysFile: string | undefined;
	open: boolean;
	limits: LimitSettings;
	jsonLog: boolean;
};

/** setTimeout cannot wait longer than this many milliseconds. */
const longestTimer = 2_147_483_647;

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
	if (value === undefined) return fallback;
	const text = value.trim();
	const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
	if (!Number.isSafeInteger(number) || number < min || number > max) {
		throw new UsageError(`--${flag} expects a whole number from ${min} to ${max}, got "${value}"`);
	}
	return number;
}

function seconds(flag: string, value: string | undefined, fallback: number): number {
	if (value === undefined) return fallback * 1000;
	const text = value.trim();
	const number = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
	const max = Math.floor(longestTimer / 1000);
	if (!Number.isFinite(number) || number <= 0 || number > max) {
		throw new UsageError(`--${flag} expects a number of seconds above 0 and at most ${max}, got "${value}"`);
	}
	return Math.max(1, Math.round(number * 1000));
}

function expandHome(file: string, home: string): string {
	return file === '~' ? home : file.startsWith('~/') ? path.join(home, file.slice(2)) : file;
}

/**
 * Turns the serve flags (strings, as meow leaves them) into checked numbers and absolute paths. A
 * bad value is a usage error that names the flag and what it expects.
 */
export function parseServeOptions(flags: Flags, io: {env: Readonly<Record<string, string | undefined>>; cwd: string}): ServeOptions {
	const home = io.env.HOME || os.homedir();
	const resolve = (file: string) => path.resolve(io.cwd, expandHome(file, home));
	const host = (flags.host ?? '127.0.0.1').trim();
	if (host === '' || /\s/.test(host)) throw new UsageError(`--host expects an address such as 127.0.0.1 or ::, got "${flags.host}"`);
	const open = Boolean(flags.open);
	return {
		host,
		port: wholeNumber('port', flags.port, 2222, 0, 65_535),
		hostKeyFile: resolve(flags.hostKey ?? 'quarterdeck_host_key'),
		authorizedKeysFile: open ? undefined : resolve(flags.authorizedKeys ?? '~/.ssh/authorized_keys'),
		open,
		limits: {
			maxSessions: wholeNumber('max-sessions', flags.maxSessions, 16, 1, 10_000),
			maxPerAddress: wholeNumber('max-per-address', flags.maxPerAddress, 4, 1, 10_000),
			idleTimeout: seconds('idle-timeout', flags.idleTimeout, 600),
			maxSessionTime: seconds('max-session-time', flags.maxSessionTime, 3600),
			connectRate: wholeNumber('connect-rate', flags.connectRate, 20, 1, 100_000),
		},
		jsonLog: Boolean(flags.jsonLog),
	};
}
