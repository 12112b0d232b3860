import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import ssh2, {type ClientChannel} from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {collectGarbage} from '../helpers.js';
import {makeClientKey, makeTempDir, openSsh, runSsh, sshArgs, startTestServer, waitUntil, type TestServer} from './helpers.js';

function count(resources: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const resource of resources) counts[resource] = (counts[resource] ?? 0) + 1;
	return counts;
}

/** A raw TCP client: sends bytes, resolves when the server closes the connection. */
function rawConnection(port: number, send: Buffer | string | undefined): Promise<number> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const socket = net.connect(port, '127.0.0.1', () => {
			if (send !== undefined) socket.write(send);
		});
		socket.on('data', () => {});
		socket.on('error', () => {});
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error('the server left a garbage connection open'));
		}, 5000);
		socket.on('close', () => {
			clearTimeout(timer);
			resolve(Date.now() - started);
		});
	});
}

describe('robustness', () => {
	let dir: string;
	let key: string;
	let server: TestServer;

	const quartersStillWork = async () => {
		const result = await runSsh([...sshArgs(server.port, key), 'quarters', '--json']);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toHaveProperty('command', 'quarters');
	};

	beforeAll(async () => {
		dir = await makeTempDir();
		key = await makeClientKey(dir, 'visitor');
		server = await startTestServer({dir, authorized: [`${key}.pub`], loginGraceTime: 800});
	});

	afterAll(async () => {
		await server?.close();
		await fs.rm(dir, {recursive: true, force: true});
	});

	it('survives a client killed mid-session, and the other sessions carry on', async () => {
		const [doomed, survivor] = [openSsh(sshArgs(server.port, key, {tty: true})), openSsh(sshArgs(server.port, key, {tty: true}))];
		await Promise.all([doomed.waitForOutput('[1 Segments]'), survivor.waitForOutput('[1 Segments]')]);
		await waitUntil(() => server.server.stats().sessions === 2, 'two sessions');
		doomed.child.kill('SIGKILL');
		await waitUntil(() => server.server.stats().sessions === 1, 'the dropped session to be released');
		await server.waitForLog(/ session-end .*kind=shell reason=disconnected/);
		survivor.write('2');
		await survivor.waitForOutput('[2 Centers]');
		survivor.write('q');
		expect(await survivor.exited).toBe(0);
		await quartersStillWork();
	});

	it('closes connections that send garbage before or after the handshake, or nothing at all', async () => {
		const closedAfter = await Promise.all([
			rawConnection(server.port, randomBytes(4096)),
			rawConnection(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
			rawConnection(server.port, Buffer.concat([Buffer.from('SSH-2.0-Garbage\r\n'), randomBytes(2048)])),
			rawConnection(server.port, undefined),
		]);
		// The silent one waits out the login grace time; the others are cut off.
		expect(closedAfter[3]).toBeGreaterThanOrEqual(700);
		await waitUntil(() => server.server.stats().connections === 0, 'the garbage connections to be gone');
		await quartersStillWork();
	});

	it('clamps wild window sizes and keeps drawing', async () => {
		const privateKey = await fs.readFile(key);
		const client = new ssh2.Client();
		const output: Buffer[] = [];
		const ready = new Promise<ClientChannel>((resolve, reject) => {
			client.on('error', reject);
			client.on('ready', () =>
				client.shell({term: 'xterm-256color', cols: 0, rows: 0, height: 0, width: 0}, (error, stream) => (error ? reject(error) : resolve(stream))),
			);
		});
		client.connect({host: '127.0.0.1', port: server.port, username: 'demo', privateKey});
		const stream = await ready;
		stream.on('data', (data: Buffer) => output.push(data));
		const text = () => Buffer.concat(output).toString();
		await waitUntil(() => text().includes('[1 Segments]'), 'the explorer');
		await server.waitForLog(/ session-start .*kind=shell pty=true term=xterm-256color size=80x24/);

		const sizes = [
			[10_000, 10_000],
			[0, 0],
			[1, 1],
			[-1, 65_535],
			[200, 2],
		];
		for (let i = 0; i < 300; i++) {
			const [rows, columns] = sizes[i % sizes.length]!;
			stream.setWindow(rows!, columns!, 0, 0);
		}
		stream.setWindow(10_000, 10_000, 0, 0);
		await new Promise(resolve => setTimeout(resolve, 300));
		const before = output.length;
		stream.write('2');
		await waitUntil(() => Buffer.concat(output.slice(before)).toString().includes('[2 Centers]'), 'a frame after the storm');
		// Clamped to 500 columns: no drawn line is wider.
		const frame = Buffer.concat(output.slice(before)).toString();
		const widest = Math.max(...frame.split(/\r\n|\u001B\[\d*[A-Za-z]/).map(line => line.replace(/\u001B\[[\d;?]*[A-Za-z]/g, '').length));
		expect(widest).toBeLessThanOrEqual(500);
		expect(Buffer.concat(output).length).toBeLessThan(8 * 1024 * 1024);

		const exit = new Promise<number>(resolve => stream.on('exit', (code: number) => resolve(code)));
		stream.write('q');
		expect(await exit).toBe(0);
		client.end();
		await waitUntil(() => server.server.stats().connections === 0, 'the client to leave');
	});

	it('releases every handle, timer and render: handles and heap return to baseline after many sessions', async () => {
		const session = async (drop: 'kill' | 'quit') => {
			const client = openSsh(sshArgs(server.port, key, {tty: true}));
			await client.waitForOutput('[1 Segments]');
			client.write('2');
			await client.waitForOutput('[2 Centers]');
			if (drop === 'kill') client.child.kill('SIGKILL');
			else client.write('q');
			await client.exited;
		};
		const settle = async () => {
			await waitUntil(() => server.server.stats().connections === 0 && server.server.stats().channels === 0, 'every connection to close');
			await new Promise(resolve => setTimeout(resolve, 250));
			collectGarbage();
		};
		// Warm up: the first explorer loads its modules and caches.
		await Promise.all([session('quit'), session('kill')]);
		await settle();
		const handlesBefore = count(process.getActiveResourcesInfo());
		const heapBefore = process.memoryUsage().heapUsed;
		const listenersBefore = process.listenerCount('SIGTERM') + process.listenerCount('exit');

		for (let round = 0; round < 3; round++) {
			await Promise.all([session('kill'), session('quit'), session('kill'), session('quit')]);
		}
		await settle();
		const handlesAfter = count(process.getActiveResourcesInfo());
		const heapAfter = process.memoryUsage().heapUsed;

		expect(server.server.stats()).toEqual({connections: 0, sessions: 0, channels: 0});
		expect(process.listenerCount('SIGTERM') + process.listenerCount('exit')).toBe(listenersBefore);
		for (const type of Object.keys(handlesAfter)) {
			expect({type, count: handlesAfter[type]}).toEqual({type, count: Math.min(handlesAfter[type]!, handlesBefore[type] ?? 0)});
		}
		expect(heapAfter - heapBefore).toBeLessThan(4 * 1024 * 1024);
		console.info(
			`12 sessions: handles ${JSON.stringify(handlesBefore)} → ${JSON.stringify(handlesAfter)}; heap ${(heapBefore / 1e6).toFixed(1)} MB → ${(heapAfter / 1e6).toFixed(1)} MB`,
		);
	});
});
