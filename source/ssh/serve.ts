import process from 'node:process';
import type {Flags} from '../commands.js';
import {exitCodes, reportError} from '../errors.js';
import type {TextWriter} from '../output/stdio.js';
import type {Dataset} from '../model/dataset.js';
import {sanitize} from '../model/text.js';
import {readAuthorizedKeys, type AuthorizedKeys} from './authorized-keys.js';
import {loadHostKey, type HostKey} from './host-key.js';
import {createLogger} from './log.js';
import {createDemoServer} from './server.js';
import {parseServeOptions, type ServeOptions} from './serve-options.js';

export type ServeRequest = {flags: Flags; db: string; dataset: Dataset};
export type ServeIo = {
	stderr: TextWriter;
	env: Readonly<Record<string, string | undefined>>;
	cwd: string;
};

/**
 * `quarterdeck serve`: checks the flags, loads (or makes) the host key and the authorized keys,
 * serves until SIGINT or SIGTERM, then says goodbye to every visitor and resolves with the exit code.
 */
export async function serve(request: ServeRequest, io: ServeIo): Promise<number> {
	const fail = (error: unknown): number => {
		const {text, exitCode} = reportError(error, Boolean(request.flags.debug));
		io.stderr.write(text);
		return exitCode;
	};

	let options: ServeOptions;
	let hostKey: HostKey;
	let authorized: AuthorizedKeys | 'open';
	try {
		options = parseServeOptions(request.flags, io);
		hostKey = await loadHostKey(options.hostKeyFile);
		authorized = options.authorizedKeysFile ? await readAuthorizedKeys(options.authorizedKeysFile) : 'open';
	} catch (error) {
		return fail(error);
	}

	const log = createLogger({stream: io.stderr, json: options.jsonLog});
	if (request.flags.open && request.flags.authorizedKeys) log('warning', {message: '--authorized-keys is ignored with --open'});
	if (authorized === 'open') {
		log('warning', {message: '--open: any SSH key is let in; everything served is readable by anyone who can reach the port'});
	} else {
		for (const {line, reason} of authorized.skipped) {
			log('warning', {message: `${options.authorizedKeysFile} line ${line} skipped: ${reason}`});
		}
	}

	const server = createDemoServer({
		host: options.host,
		port: options.port,
		hostKey: hostKey.text,
		authorized,
		limits: options.limits,
		dataset: request.dataset,
		db: request.db,
		cwd: io.cwd,
		log,
	});

	let address: {host: string; port: number};
	try {
		address = await server.listen();
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const where = `${options.host} port ${options.port}`;
		const message =
			code === 'EADDRINUSE'
				? `${where} is in use; choose another with --port`
				: code === 'EACCES'
					? `${where} needs privileges this user lacks; choose a port above 1023 with --port`
					: `cannot listen on ${where}: ${(error as Error).message}`;
		io.stderr.write(`quarterdeck: ${sanitize(message)}\n`);
		return exitCodes.usage;
	}

	const hostForSsh = address.host.includes(':') ? `[${address.host}]` : address.host;
	log('listening', {
		address: address.host,
		port: address.port,
		hostKey: hostKey.fingerprint,
		hostKeyFile: options.hostKeyFile,
		hostKeyCreated: hostKey.created,
		access: authorized === 'open' ? 'open' : `${authorized.keys.length} authorized key(s)`,
		connect: `ssh -p ${address.port} demo@${hostForSsh}`,
	});

	// Kept registered until shutdown is over, so a second signal meanwhile is absorbed, not fatal.
	let stopping: ((signal: NodeJS.Signals) => void) | undefined;
	const onSignal = (received: NodeJS.Signals) => {
		stopping?.(received);
		stopping = undefined;
	};
	const signal = await new Promise<NodeJS.Signals>(resolve => {
		stopping = resolve;
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
	});
	log('stopping', {signal});
	try {
		await server.close();
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
	log('stopped', {});
	keepLogClean(io.stderr);
	return exitCodes.ok;
}

/**
 * The terminal library restores the cursor at process exit by writing to the process's own stderr,
 * which for a server is its log: after the last log line, that one sequence is dropped.
 */
function keepLogClean(stderr: ServeIo['stderr']): void {
	if (stderr !== process.stderr || process.stderr.isTTY) return;
	const write = process.stderr.write.bind(process.stderr) as (...args: unknown[]) => boolean;
	process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
		chunk === '\u001B[?25h' ? true : write(chunk, ...rest)) as typeof process.stderr.write;
}
