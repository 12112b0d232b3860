import {open, readFile, stat, unlink} from 'node:fs/promises';
import {hostname} from 'node:os';
import {DataError, exitCodes, QuarterdeckError} from '../errors.js';

/** What a lock file holds: who took it, and when. */
export type LockOwner = {pid: number; host: string; time: string};

export type LockOptions = {
	/** How long to wait for another holder before giving up, in milliseconds. */
	timeout?: number;
	/** Called with the current holder each time the lock is found taken; for tests and messages. */
	onWait?: (owner: LockOwner | undefined) => void;
};

/** The lock file that guards a store: `<store>.lock`, next to it. */
export function lockPathFor(store: string): string {
	return `${store}.lock`;
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

function parseOwner(text: string): LockOwner | undefined {
	try {
		const value = JSON.parse(text) as Partial<LockOwner>;
		if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.time === 'string') {
			return {pid: value.pid, host: value.host, time: value.time};
		}
	} catch {}
	return undefined;
}

/** Whether a process on this machine is still running; a holder on another machine is assumed alive. */
function isAlive(owner: LockOwner): boolean {
	if (owner.host !== hostname()) return true;
	if (owner.pid === process.pid) return true;
	try {
		process.kill(owner.pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

async function readText(file: string): Promise<string | undefined> {
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

async function ageOf(file: string): Promise<number | undefined> {
	try {
		return Date.now() - (await stat(file)).mtimeMs;
	} catch {
		return undefined;
	}
}

/** Creates `file` only if it does not exist; false when another process has it. */
async function createExclusive(file: string, content: string): Promise<boolean> {
	let handle;
	try {
		handle = await open(file, 'wx');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
	try {
		await handle.writeFile(content);
	} finally {
		await handle.close();
	}
	return true;
}

/**
 * Removes a lock left by a process that is gone. A second, short-lived lock (`.break`) makes sure
 * two processes that both found the same stale lock do not each remove the other's fresh one: the
 * lock is removed only if it still holds exactly what was found stale.
 */
async function breakStaleLock(lock: string, seen: string): Promise<void> {
	const breaker = `${lock}.break`;
	if (!(await createExclusive(breaker, String(process.pid)))) {
		// A breaker killed in its few milliseconds of work would leave this behind.
		const age = await ageOf(breaker);
		if (age !== undefined && age > 5000) await unlink(breaker).catch(() => undefined);
		return;
	}
	try {
		if ((await readText(lock)) === seen) await unlink(lock).catch(() => undefined);
	} finally {
		await unlink(breaker).catch(() => undefined);
	}
}

/**
 * Runs `work` while holding an exclusive lock on `store`: a file `<store>.lock` created with `wx`
 * that holds this process's id and the time. A lock held by another live process is waited for, with
 * growing pauses, for up to `timeout` (10 s); a lock whose process is gone is taken over. The lock is
 * released when `work` settles, whether it succeeds or throws.
 */
export async function withStoreLock<T>(store: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
	const lock = lockPathFor(store);
	const timeout = options.timeout ?? 10_000;
	const deadline = Date.now() + timeout;
	const content = JSON.stringify({pid: process.pid, host: hostname(), time: new Date().toISOString()} satisfies LockOwner);
	let pause = 10;
	for (;;) {
		let created: boolean;
		try {
			created = await createExclusive(lock, content);
		} catch (error) {
			throw new DataError(`${lock}: cannot create the store's lock file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
		}
		if (created) break;
		const seen = await readText(lock);
		if (seen === undefined) continue;
		const owner = parseOwner(seen);
		options.onWait?.(owner);
		// An unreadable lock is one whose writer was stopped between creating and filling it.
		const stale = owner ? !isAlive(owner) : ((await ageOf(lock)) ?? 0) > 2000;
		if (stale) {
			await breakStaleLock(lock, seen);
			continue;
		}
		if (Date.now() >= deadline) {
			const holder = owner ? `process ${owner.pid} since ${owner.time}` : 'another process';
			throw new QuarterdeckError(
				`${store}: the store is locked by ${holder} (${lock}); nothing written; try again when that import ends, or remove the lock if no import is running`,
				exitCodes.conflict,
			);
		}
		await sleep(Math.min(pause + Math.random() * pause, Math.max(1, deadline - Date.now())));
		pause = Math.min(pause * 2, 400);
	}
	try {
		return await work();
	} finally {
		// Only our own lock is removed, never one another process took over.
		if ((await readText(lock).catch(() => undefined)) === content) await unlink(lock).catch(() => undefined);
	}
}
