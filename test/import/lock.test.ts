import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync, utimesSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {lockPathFor, withStoreLock} from '../../source/data/lock.js';
import {QuarterdeckError} from '../../source/errors.js';
import {tempDirectory} from '../helpers.js';

const storeFile = () => path.join(tempDirectory(), 'store.json');

/** The id of a process that has already ended. */
function deadPid(): number {
	const result = spawnSync(process.execPath, ['-e', '']);
	return result.pid!;
}

describe('withStoreLock', () => {
	it('holds <store>.lock with this process id while the work runs, and removes it after', async () => {
		const store = storeFile();
		const seen = await withStoreLock(store, async () => JSON.parse(readFileSync(lockPathFor(store), 'utf8')));
		expect(seen).toMatchObject({pid: process.pid, host: hostname()});
		expect(existsSync(lockPathFor(store))).toBe(false);
	});

	it('releases the lock when the work throws', async () => {
		const store = storeFile();
		await expect(withStoreLock(store, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		expect(existsSync(lockPathFor(store))).toBe(false);
	});

	it('runs work one at a time within one process too', async () => {
		const store = storeFile();
		const order: string[] = [];
		const job = (name: string) =>
			withStoreLock(store, async () => {
				order.push(`${name} in`);
				await new Promise(resolve => setTimeout(resolve, 30));
				order.push(`${name} out`);
			});
		await Promise.all([job('a'), job('b')]);
		// Either may take the lock first (their opens race in the thread pool); neither starts inside the other.
		expect([['a in', 'a out', 'b in', 'b out'], ['b in', 'b out', 'a in', 'a out']]).toContainEqual(order);
	});

	it('takes over a lock whose process is gone', async () => {
		const store = storeFile();
		writeFileSync(lockPathFor(store), JSON.stringify({pid: deadPid(), host: hostname(), time: '2004-08-01T00:00:00.000Z'}));
		expect(await withStoreLock(store, async () => 'ran')).toBe('ran');
		expect(existsSync(lockPathFor(store))).toBe(false);
	});

	it('takes over an empty lock file once it is old, not while it is fresh', async () => {
		const store = storeFile();
		writeFileSync(lockPathFor(store), '');
		await expect(withStoreLock(store, async () => 'ran', {timeout: 300})).rejects.toThrow(/locked by another process/);
		utimesSync(lockPathFor(store), new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
		expect(await withStoreLock(store, async () => 'ran', {timeout: 300})).toBe('ran');
	});

	it('waits for a live holder, then gives up with a conflict naming it', async () => {
		const store = storeFile();
		// The parent of this process is alive for as long as the test runs.
		writeFileSync(lockPathFor(store), JSON.stringify({pid: process.ppid, host: hostname(), time: '2004-08-01T00:00:00.000Z'}));
		const waits: unknown[] = [];
		const began = Date.now();
		const attempt = withStoreLock(store, async () => 'ran', {timeout: 400, onWait: owner => waits.push(owner)});
		await expect(attempt).rejects.toThrow(QuarterdeckError);
		await expect(attempt).rejects.toThrow(`locked by process ${process.ppid} since 2004-08-01T00:00:00.000Z`);
		expect(Date.now() - began).toBeGreaterThanOrEqual(380);
		expect(waits.length).toBeGreaterThan(2);
		// The holder's lock is left alone.
		expect(JSON.parse(readFileSync(lockPathFor(store), 'utf8')).pid).toBe(process.ppid);
	});
});
