import net from 'node:net';
import ssh2, {type AuthContext, type ClientInfo, type Connection, type Session} from 'ssh2';
import type {Dataset} from '../model/dataset.js';
import type {AuthorizedKeys} from './authorized-keys.js';
import {fingerprint} from './fingerprint.js';
import {Limits, type LimitSettings} from './limits.js';
import type {Logger} from './log.js';
import {parseKey} from './parse-key.js';
import {endedByServer, handleSession, type SessionHandle} from './session.js';

export type DemoServerOptions = {
	host: string;
	/** 0 picks a free port; `listen` says which. */
	port: number;
	/** The host key file's text (an OpenSSH private key). */
	hostKey: string;
	/** Keys let in, or 'open' to let in any key. */
	authorized: AuthorizedKeys | 'open';
	limits: LimitSettings;
	dataset: Dataset;
	/** The store exec commands read; visitors cannot choose another. */
	db: string;
	cwd: string;
	log: Logger;
	/** How long a connection may take to authenticate, in ms (default 30 s). */
	loginGraceTime?: number;
	/** How long shutdown waits for visitors to leave before cutting them off, in ms (default 2 s). */
	shutdownGraceTime?: number;
	now?: () => number;
};

export type DemoServer = {
	/** Starts listening; resolves with the address and port. */
	listen: () => Promise<{host: string; port: number}>;
	/** Ends every session with `message`, waits briefly for visitors to leave, and stops listening. */
	close: (message?: string) => Promise<void>;
	/** Open connections and sessions, for logs and tests. */
	stats: () => {connections: number; sessions: number; channels: number};
};

type ConnectionState = {
	id: number;
	address: string;
	port: number;
	socket: net.Socket;
	client?: Connection;
	opened: number;
	sessions: Set<SessionHandle>;
	timer?: NodeJS.Timeout;
	authFailures: number;
	key?: string;
};

/** Failed key attempts one connection may make before it is dropped. */
const maxAuthFailures = 10;
/** Session channels one connection may have open at once. */
const maxChannelsPerConnection = 8;

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
function normalizeAddress(address: string | undefined): string {
	if (!address) return 'unknown';
	return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The SSH demo server: accepts public-key logins (or anyone, when open), gives each session its own
 * explorer or read-only command, and enforces the limits. Plain TCP connections are accepted here
 * and handed to ssh2, so a connection over the rate limit costs no handshake.
 */
export function createDemoServer(options: DemoServerOptions): DemoServer {
	const now = options.now ?? Date.now;
	const {log} = options;
	const limits = new Limits(options.limits);
	const connections = new Map<net.Socket, ConnectionState>();
	const byPeer = new Map<string, ConnectionState>();
	let nextConnection = 0;
	let nextSession = 0;
	let channels = 0;
	let closing = false;
	const loginGraceTime = options.loginGraceTime ?? 30_000;

	const sshServer = new ssh2.Server({hostKeys: [options.hostKey], ident: 'quarterdeck'});
	sshServer.on('error', (error: Error) => log('error', {message: error.message}));

	/** Closes a connection that has gone the idle time without a shell or command running. */
	const armIdle = (state: ConnectionState) => {
		clearTimeout(state.timer);
		if (!state.client || [...state.sessions].some(session => session.started)) return;
		state.timer = setTimeout(() => {
			log('idle', {connection: state.id, address: state.address});
			state.client?.end();
			state.socket.destroy();
		}, options.limits.idleTimeout);
	};

	const authenticate = (state: ConnectionState, context: AuthContext, client: Connection) => {
		if (context.method !== 'publickey') {
			if (context.method !== 'none') log('auth', {connection: state.id, address: state.address, result: 'refused', method: context.method});
			context.reject(['publickey']);
			return;
		}
		const blob = context.key.data;
		const refuse = (why: string) => {
			state.authFailures += 1;
			log('auth', {connection: state.id, address: state.address, result: 'refused', reason: why, key: fingerprint(blob), user: context.username});
			context.reject(['publickey']);
			if (state.authFailures >= maxAuthFailures) client.end();
		};
		const allowed = options.authorized === 'open' || options.authorized.includes(blob);
		if (!allowed) return refuse('unknown-key');
		// No signature yet: the client asks whether this key would do; it proves it holds it next.
		if (!context.signature) return context.accept();
		const key = parseKey(blob);
		if (key instanceof Error) return refuse('bad-key');
		let verified: boolean | Error;
		try {
			verified = key.verify(context.blob!, context.signature, context.hashAlgo);
		} catch (error) {
			verified = error as Error;
		}
		if (verified !== true) return refuse('bad-signature');
		state.key = fingerprint(blob);
		log('auth', {
			connection: state.id,
			address: state.address,
			result: 'accepted',
			mode: options.authorized === 'open' ? 'open' : 'key',
			key: state.key,
			user: context.username,
		});
		context.accept();
	};

	const onSession = (state: ConnectionState, accept: () => Session, reject: () => void) => {
		if (closing || state.sessions.size >= maxChannelsPerConnection) return reject();
		const session = accept();
		if (!session) return;
		channels += 1;
		nextSession += 1;
		const handle = handleSession(session, {
			connection: state.id,
			session: nextSession,
			address: state.address,
			dataset: options.dataset,
			db: options.db,
			cwd: options.cwd,
			settings: options.limits,
			openSession: () => limits.openSession(state.address),
			log,
			now,
			onStarted: () => clearTimeout(state.timer),
			onFinished(finished) {
				channels -= 1;
				state.sessions.delete(finished);
				if (connections.has(state.socket)) armIdle(state);
			},
		});
		state.sessions.add(handle);
	};

	sshServer.on('connection', (client: Connection, info: ClientInfo) => {
		const state = byPeer.get(`${normalizeAddress(info.ip)}|${info.port}`);
		if (!state || closing) {
			client.on('error', () => {});
			client.end();
			return;
		}
		state.client = client;
		client.on('error', (error: Error & {level?: string}) => {
			log('client-error', {connection: state.id, address: state.address, message: error.message});
		});
		client.on('authentication', context => authenticate(state, context, client));
		client.on('ready', () => {
			clearTimeout(state.timer);
			armIdle(state);
		});
		client.on('session', (accept, reject) => onSession(state, accept, reject));
		const refuse = (what: string) => (_accept: unknown, reject?: () => void) => {
			log('refused', {connection: state.id, address: state.address, request: what});
			reject?.();
		};
		client.on('tcpip', refuse('port-forwarding'));
		client.on('openssh.streamlocal', refuse('socket-forwarding'));
		client.on('request', refuse('remote-forwarding'));
	});

	const netServer = net.createServer(socket => {
		socket.on('error', () => {});
		const address = normalizeAddress(socket.remoteAddress);
		const port = socket.remotePort ?? 0;
		if (closing) {
			socket.destroy();
			return;
		}
		const verdict = limits.admitConnection(address, now(), connections.size);
		if (!verdict.ok) {
			log('refused', {address, reason: verdict.reason});
			// No channel to speak on yet: a line a plain TCP client can read, then the connection closes.
			socket.end(`${verdict.message}\r\n`);
			setTimeout(() => socket.destroy(), 1000).unref();
			return;
		}
		nextConnection += 1;
		const state: ConnectionState = {id: nextConnection, address, port, socket, opened: now(), sessions: new Set(), authFailures: 0};
		connections.set(socket, state);
		byPeer.set(`${address}|${port}`, state);
		log('connect', {connection: state.id, address, port});
		state.timer = setTimeout(() => {
			log('login-timeout', {connection: state.id, address});
			socket.destroy();
		}, loginGraceTime);
		socket.once('close', () => {
			clearTimeout(state.timer);
			connections.delete(socket);
			byPeer.delete(`${address}|${port}`);
			for (const session of [...state.sessions]) session.end('disconnected', {silent: true});
			log('disconnect', {connection: state.id, address, seconds: Math.round(now() - state.opened) / 1000});
			if (closing && connections.size === 0) allGone?.();
		});
		sshServer.injectSocket(socket);
	});
	netServer.on('error', (error: Error) => log('error', {message: error.message}));

	let allGone: (() => void) | undefined;

	return {
		listen: () =>
			new Promise((resolve, reject) => {
				const onError = (error: Error) => reject(error);
				netServer.once('error', onError);
				netServer.listen(options.port, options.host, () => {
					netServer.off('error', onError);
					const bound = netServer.address() as net.AddressInfo;
					resolve({host: bound.address, port: bound.port});
				});
			}),
		async close(message = 'quarterdeck: the server is shutting down; goodbye') {
			closing = true;
			const stopped = new Promise<void>(resolve => {
				if (!netServer.listening) return resolve();
				netServer.close(() => resolve());
			});
			const gone = new Promise<void>(resolve => {
				allGone = resolve;
				if (connections.size === 0) resolve();
			});
			for (const state of connections.values()) {
				const sessions = [...state.sessions];
				for (const session of sessions) session.end('shutdown', {message, status: endedByServer});
				// A connection with no session has nobody to say goodbye to.
				if (sessions.length === 0) {
					state.client?.end();
					if (!state.client) state.socket.destroy();
				}
			}
			let deadline: NodeJS.Timeout | undefined;
			await Promise.race([gone, new Promise<void>(resolve => (deadline = setTimeout(resolve, options.shutdownGraceTime ?? 2000)))]);
			clearTimeout(deadline);
			for (const state of connections.values()) {
				state.client?.end();
				state.socket.destroy();
			}
			await stopped;
		},
		stats: () => ({connections: connections.size, sessions: limits.sessions, channels}),
	};
}
