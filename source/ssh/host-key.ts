import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type {ParsedKey} from 'ssh2';
import {UsageError} from '../errors.js';
import {newEd25519Key} from './ed25519-key.js';
import {fingerprint} from './fingerprint.js';
import {parseKey} from './parse-key.js';

/** The server's private key, and what it prints so visitors can check they reached the right server. */
export type HostKey = {
	key: ParsedKey;
	/** The key file's text, in the form ssh2's Server takes. */
	text: string;
	fingerprint: string;
	/** True when this run made the key. */
	created: boolean;
};

function code(error: unknown): string | undefined {
	return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function readExisting(file: string): Promise<HostKey> {
	const stat = await fs.stat(file);
	if (!stat.isFile()) throw new UsageError(`--host-key ${file} is not a file`);
	if ((stat.mode & 0o077) !== 0) {
		const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
		throw new UsageError(`host key ${file} can be read by other users (mode ${mode}); run chmod 600 on it`);
	}
	const text = await fs.readFile(file, 'utf8');
	const key = parseKey(text);
	if (key instanceof Error || !key.isPrivateKey()) {
		const why = key instanceof Error ? key.message : 'it holds a public key';
		throw new UsageError(`host key ${file} is not an unencrypted OpenSSH private key (${why})`);
	}
	return {key, text, fingerprint: fingerprint(key.getPublicSSH()), created: false};
}

/** Writes the key beside its final name, then links it into place, so no reader sees half a key. */
async function writeNew(file: string, text: string): Promise<boolean> {
	const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
	const handle = await fs.open(temporary, 'wx', 0o600);
	try {
		await handle.writeFile(text);
		await handle.sync();
	} finally {
		await handle.close();
	}
	try {
		// A hard link never replaces a file another server wrote a moment ago.
		await fs.link(temporary, file);
		return true;
	} catch (error) {
		if (code(error) === 'EEXIST') return false;
		await fs.rename(temporary, file);
		return true;
	} finally {
		await fs.rm(temporary, {force: true});
	}
}

/**
 * Reads the host key at `file`, or makes an ed25519 key there (mode 0600) when there is none.
 * A key other users can read is refused, as sshd refuses one.
 */
export async function loadHostKey(file: string): Promise<HostKey> {
	try {
		return await readExisting(file);
	} catch (error) {
		if (code(error) !== 'ENOENT') {
			if (error instanceof UsageError) throw error;
			throw new UsageError(`host key ${file} cannot be read: ${(error as Error).message}`);
		}
	}
	const text = newEd25519Key('quarterdeck host key');
	let written: boolean;
	try {
		written = await writeNew(file, text);
	} catch (error) {
		throw new UsageError(`host key ${file} cannot be written: ${(error as Error).message}`);
	}
	if (!written) return readExisting(file);
	const key = parseKey(text);
	if (key instanceof Error) throw key;
	return {key, text, fingerprint: fingerprint(key.getPublicSSH()), created: true};
}
