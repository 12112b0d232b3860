import {timingSafeEqual} from 'node:crypto';
import fs from 'node:fs/promises';
import type {ParsedKey} from 'ssh2';
import {UsageError} from '../errors.js';
import {parseKey} from './parse-key.js';

/** The keys a server lets in, and the lines of the file it could not use. */
export type AuthorizedKeys = {
	keys: ParsedKey[];
	/** Line numbers (from 1) and why each was left out. */
	skipped: Array<{line: number; reason: string}>;
	/** True when the key bytes of `publicKey` (wire format) equal one of `keys`, compared in constant time. */
	includes(publicKey: Buffer): boolean;
};

const keyType = /^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-\S+)$/;

/**
 * Reads keys in the `authorized_keys` format. Lines with options (`from=…`, `command=…`) are left
 * out and reported rather than honoured partly: this server cannot enforce them.
 */
export function parseAuthorizedKeys(text: string): AuthorizedKeys {
	const keys: ParsedKey[] = [];
	const skipped: AuthorizedKeys['skipped'] = [];
	for (const [index, raw] of text.split(/\r?\n/).entries()) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) continue;
		const first = line.split(/\s+/)[0]!;
		if (!keyType.test(first)) {
			skipped.push({line: index + 1, reason: 'has options or an unknown key type; this server cannot apply key options'});
			continue;
		}
		const key = parseKey(line);
		if (key instanceof Error) {
			skipped.push({line: index + 1, reason: key.message});
			continue;
		}
		keys.push(key);
	}
	const blobs = keys.map(key => key.getPublicSSH());
	return {
		keys,
		skipped,
		includes(publicKey) {
			let found = false;
			// Every key is compared, so the time taken does not say which key matched.
			for (const blob of blobs) {
				if (blob.length === publicKey.length && timingSafeEqual(blob, publicKey)) found = true;
			}
			return found;
		},
	};
}

/** Reads `file`; a missing file or one without a usable key is a usage error (suggesting --open). */
export async function readAuthorizedKeys(file: string): Promise<AuthorizedKeys> {
	let text: string;
	try {
		text = await fs.readFile(file, 'utf8');
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
		throw new UsageError(`authorized keys file ${file} ${reason}; pass --authorized-keys <file>, or --open to let anyone in`);
	}
	const parsed = parseAuthorizedKeys(text);
	if (parsed.keys.length === 0) {
		throw new UsageError(`authorized keys file ${file} holds no usable public key; pass --authorized-keys <file>, or --open to let anyone in`);
	}
	return parsed;
}
