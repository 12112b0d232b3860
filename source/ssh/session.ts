import type {PseudoTtyInfo, ServerChannel, Session, SetEnvInfo, WindowChangeInfo} from 'ssh2';
import {runCli, type CommandIo, type ExploreRequest} from '../commands.js';
import {exitCodes} from '../errors.js';
import type {Dataset} from '../model/dataset.js';
import {yearEarlier} from '../model/period.js';
import {sanitize} from '../model/text.js';
import {runExplorer, type Explorer} from '../ui/run.js';
import {checkExecCommand} from './exec-command.js';
import type {LimitSettings, Refusal, SessionTicket} from './limits.js';
import type {Logger} from './log.js';
import {clampSize, createTtyStreams, type TerminalSize, type TtyStreams} from './tty-streams.js';

/** The only environment a visitor may set. */
export const honouredEnv = ['TERM', 'COLORTERM', 'NO_COLOR', 'LANG'] as const;

/** Exit status of a session the server ended: a limit, an idle timeout, a shutdown. */
export const endedByServer = 1;

/** What a session needs from its server; nothing here is read from the process. */
export type SessionContext = {
	connection: number;
	session: number;
	address: string;
	dataset: Dataset;
	db: string;
	cwd: string;
	settings: LimitSettings;
	/** Asks the limits for a place; called once, when a shell or command starts. */
	openSession: () => SessionTicket | Refusal;
	log: Logger;
	/** Called when a shell or command starts on the session. */
	onStarted?: () => void;
	/** Called once, when the session is over and everything it held is released. */
	onFinished: (session: SessionHandle) => void;
	now?: () => number;
};

export type EndOptions = {
	/** One line for the visitor, shown after the terminal is restored. */
	message?: string;
	status?: number;
	/** The connection is gone: write nothing more. */
	silent?: boolean;
};

/** A session as its server sees it: something it can end. */
export type SessionHandle = {
	end: (reason: string, options?: EndOptions) => void;
	readonly started: boolean;
};

/** Output a session may leave unsent for a client that does not read it before it is dropped. */
const maxBufferedOutput = 1024 * 1024;
/** Window changes closer together than this are drawn once, at the last size. */
const resizeInterval = 40;

/** Colour for a visitor: on unless they sent NO_COLOR or have no (or a dumb) terminal type. */
function wantsColor(env: Readonly<Record<string, string | undefined>>): boolean {
	return !env.NO_COLOR && Boolean(env.TERM) && env.TERM !== 'dumb';
}

/** Where the explorer opens for a plain `ssh host`: segments, the newest quarter against a year earlier. */
function defaultView(dataset: Dataset): Pick<ExploreRequest, 'pane' | 'quarter' | 'a' | 'b'> {
	const quarter = dataset.quarters.at(-1)!;
	const yearBefore = yearEarlier(quarter);
	return {pane: 'segments', quarter, a: dataset.quarters.includes(yearBefore) ? yearBefore : dataset.quarters[0]!, b: quarter};
}

/**
 * Runs one SSH session channel: takes the pty, window and environment requests, then either the
 * explorer on a per-session terminal (shell, or `explore` with a pty) or one read-only command
 * (exec). Refuses everything else. Every timer, listener and render it starts is released in `end`.
 */
export function handleSession(session: Session, context: SessionContext): SessionHandle {
	const now = context.now ?? Date.now;
	const env: Record<string, string> = {};
	let pty: {term: string; size: TerminalSize} | undefined;
	let channel: ServerChannel | undefined;
	let kind: 'shell' | 'exec' | undefined;
	let started = 0;
	let ticket: SessionTicket | undefined;
	let streams: TtyStreams | undefined;
	let explorer: Explorer | undefined;
	let idleTimer: NodeJS.Timeout | undefined;
	let lifeTimer: NodeJS.Timeout | undefined;
	let resizeTimer: NodeJS.Timeout | undefined;
	let pendingSize: TerminalSize | undefined;
	let overflowCheck: NodeJS.Immediate | undefined;
	let ended = false;
	let gone = false;

	const sessionEnv = (): Record<string, string> => {
		const term = pty?.term || env.TERM;
		return term ? {...env, TERM: term} : {...env};
	};
	const fields = () => ({connection: context.connection, session: context.session});

	const channelOpen = () => channel !== undefined && !gone && channel.writable && !channel.destroyed;

	const writeOut = (text: string) => {
		if (ended && !explorer) return;
		if (!channelOpen()) return;
		channel!.write(text);
		if (streams && channel!.writableLength > maxBufferedOutput && !overflowCheck) {
			// Not from inside a render: end the session on the next turn of the loop.
			overflowCheck = setImmediate(() => {
				overflowCheck = undefined;
				if (channel && channel.writableLength > maxBufferedOutput) handle.end('slow-client', {silent: true});
			});
		}
	};
	/** Errors and notices: on stderr, or with a pty on the terminal itself, in order with the rest of the output. */
	const writeErr = (text: string) => {
		if (!channelOpen()) return;
		if (pty) channel!.write(text.replace(/\r?\n/g, '\r\n'));
		else channel!.stderr.write(text);
	};

	const handle: SessionHandle = {
		get started() {
			return kind !== undefined;
		},
		end(reason, options = {}) {
			if (ended) return;
			ended = true;
			if (options.silent) gone = true;
			clearTimeout(idleTimer);
			clearTimeout(lifeTimer);
			clearTimeout(resizeTimer);
			if (overflowCheck) clearImmediate(overflowCheck);
			const running = explorer;
			if (running) {
				// Restores the visitor's screen (leaves the alternate screen, shows the cursor).
				try {
					running.close();
				} catch {
					// A render that fails while closing has nothing more to restore.
				}
				explorer = undefined;
			}
			streams?.destroy();
			streams = undefined;
			if (channel && channelOpen()) {
				if (options.message) writeErr(`${options.message}\n`);
				channel.exit(options.status ?? exitCodes.ok);
				channel.end();
			} else if (channel) {
				// Nobody to tell (the client left, or stopped reading): close the channel as it is.
				try {
					channel.destroy();
				} catch {
					// Already closed with its connection.
				}
			}
			ticket?.release();
			ticket = undefined;
			if (kind) {
				context.log('session-end', {
					...fields(),
					kind,
					reason,
					status: options.silent ? undefined : (options.status ?? exitCodes.ok),
					seconds: Math.round(now() - started) / 1000,
				});
			}
			context.onFinished(handle);
		},
	};

	const resetIdle = () => idleTimer?.refresh();

	/** Takes the channel for a shell or exec request; every event on it is handled from here. */
	const take = (accepted: ServerChannel | undefined, as: 'shell' | 'exec', command?: string): ServerChannel | undefined => {
		if (!accepted) return undefined;
		channel = accepted;
		kind = as;
		started = now();
		context.onStarted?.();
		accepted.on('error', () => handle.end('channel-error', {silent: true}));
		accepted.stderr.on('error', () => {});
		accepted.on('close', () => handle.end('disconnected', {silent: true}));
		// Reading every byte keeps the channel's window open, and lets 'close' follow the client's EOF.
		accepted.on('data', (data: Buffer) => {
			resetIdle();
			streams?.stdin.receive(data);
		});
		context.log('session-start', {
			...fields(),
			address: context.address,
			kind: as,
			command,
			pty: Boolean(pty),
			term: pty?.term,
			size: pty ? `${pty.size.columns}x${pty.size.rows}` : undefined,
		});
		return accepted;
	};

	/** Counts the session against the limits and starts its timers; false when a limit said no. */
	const admit = (): boolean => {
		const result = context.openSession();
		if (!result.ok) {
			context.log('limit', {...fields(), address: context.address, limit: result.reason});
			handle.end(result.reason, {message: result.message, status: endedByServer});
			return false;
		}
		ticket = result;
		idleTimer = setTimeout(() => {
			handle.end('idle-timeout', {
				message: `quarterdeck: no input for ${context.settings.idleTimeout / 1000} s; goodbye`,
				status: endedByServer,
			});
		}, context.settings.idleTimeout);
		lifeTimer = setTimeout(() => {
			handle.end('session-time', {
				message: `quarterdeck: sessions last at most ${context.settings.maxSessionTime / 1000} s; goodbye`,
				status: endedByServer,
			});
		}, context.settings.maxSessionTime);
		return true;
	};

	const startExplorer = (view: Pick<ExploreRequest, 'pane' | 'quarter' | 'a' | 'b'>) => {
		const visitorEnv = sessionEnv();
		streams = createTtyStreams({size: pty!.size, env: visitorEnv, sink: writeOut});
		try {
			const running = runExplorer({
				dataset: context.dataset,
				...view,
				stdin: streams.stdin as unknown as NodeJS.ReadStream,
				stdout: streams.stdout as unknown as NodeJS.WriteStream,
				color: wantsColor(visitorEnv),
			});
			explorer = running;
			running.done.then(
				() => handle.end('quit'),
				(error: unknown) => {
					context.log('error', {...fields(), message: error instanceof Error ? error.message : String(error)});
					handle.end('crash', {message: 'quarterdeck: the explorer stopped after an internal error', status: exitCodes.internal});
				},
			);
		} catch (error) {
			context.log('error', {...fields(), message: error instanceof Error ? error.message : String(error)});
			handle.end('crash', {message: 'quarterdeck: the explorer could not start', status: exitCodes.internal});
		}
	};

	const applySize = () => {
		resizeTimer = undefined;
		if (pendingSize) streams?.stdout.resize(pendingSize);
		pendingSize = undefined;
	};

	session.on('error', () => handle.end('channel-error', {silent: true}));
	// Closed before a shell or command started (the client gave up after a pty or env request).
	session.on('close', () => {
		if (!channel) handle.end('closed', {silent: true});
	});

	session.on('env', (accept, reject, info: SetEnvInfo) => {
		const key = String(info.key);
		const value = String(info.val ?? '');
		if ((honouredEnv as readonly string[]).includes(key) && value.length <= 256 && !kind) {
			env[key] = sanitize(value);
			accept?.();
		} else {
			reject?.();
		}
	});

	session.on('pty', (accept, reject, info: PseudoTtyInfo) => {
		if (pty || kind) return reject?.();
		const term = sanitize(String(info.term ?? '')).slice(0, 64);
		pty = {term, size: clampSize(info.cols, info.rows)};
		accept?.();
	});

	session.on('window-change', (accept, reject, info: WindowChangeInfo) => {
		if (!pty) return reject?.();
		const size = clampSize(info.cols, info.rows);
		pty.size = size;
		accept?.();
		if (!streams) return;
		pendingSize = size;
		resizeTimer ??= setTimeout(applySize, resizeInterval);
	});

	const refuseRequest = (what: string) => (_accept: unknown, reject?: () => void) => {
		context.log('refused', {...fields(), address: context.address, request: what});
		reject?.();
	};
	session.on('x11', refuseRequest('x11'));
	session.on('auth-agent', refuseRequest('agent-forwarding'));
	session.on('signal', (_accept: unknown, reject?: () => void) => reject?.());
	session.on('sftp', refuseRequest('sftp'));
	session.on('subsystem', (_accept: unknown, reject: () => void, info: {name: string}) => {
		context.log('refused', {...fields(), address: context.address, request: `subsystem ${String(info?.name ?? '')}`});
		reject();
	});

	session.on('shell', (accept, reject) => {
		if (ended) return reject();
		if (!take(accept(), 'shell')) return;
		if (!pty) {
			handle.end('no-pty', {
				message: 'quarterdeck: the explorer needs a terminal; connect with ssh -t, or run a command such as: ssh <host> quarters',
				status: exitCodes.usage,
			});
			return;
		}
		if (!admit()) return;
		startExplorer(defaultView(context.dataset));
	});

	session.on('exec', (accept, reject, info: {command: string}) => {
		if (ended) return reject();
		const line = String(info.command ?? '');
		if (!take(accept(), 'exec', line)) return;
		const decision = checkExecCommand(line, context.db);
		if (!decision.ok) {
			handle.end('refused', {message: decision.message, status: exitCodes.usage});
			return;
		}
		if (!admit()) return;
		const visitorEnv = sessionEnv();
		const io: CommandIo = {
			stdout: {write: (text: string) => (ended ? undefined : writeOut(pty ? text.replace(/\r?\n/g, '\r\n') : text))},
			stderr: {write: (text: string) => (ended ? undefined : writeErr(text))},
			stdoutIsTTY: Boolean(pty),
			columns: pty ? pty.size.columns : 100,
			env: visitorEnv,
			cwd: context.cwd,
			// Every command reads the store the server loaded at start, as the explorer sessions do.
			loaded: {db: context.db, dataset: context.dataset},
		};
		runCli(decision.argv, io).then(
			result => {
				if (ended) return;
				if ('explore' in result && pty) {
					const {pane, quarter, a, b} = result.explore;
					startExplorer({pane, quarter, a, b});
				} else if ('exitCode' in result) {
					handle.end('done', {status: result.exitCode});
				} else {
					handle.end('refused', {message: 'quarterdeck: that command is not available here', status: exitCodes.usage});
				}
			},
			(error: unknown) => {
				context.log('error', {...fields(), message: error instanceof Error ? error.message : String(error)});
				handle.end('crash', {message: 'quarterdeck: internal error', status: exitCodes.internal});
			},
		);
	});

	return handle;
}
