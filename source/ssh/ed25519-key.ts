import {generateKeyPairSync, randomBytes, type KeyObject} from 'node:crypto';

/** An SSH wire-format uint32: four bytes, big-endian. */
function uint32(value: number): Buffer {
	const bytes = Buffer.alloc(4);
	bytes.writeUInt32BE(value);
	return bytes;
}

/** One SSH wire-format string: its length as a uint32, then the bytes. */
function sshString(data: Buffer | string): Buffer {
	const bytes = typeof data === 'string' ? Buffer.from(data) : data;
	return Buffer.concat([uint32(bytes.length), bytes]);
}

function rawKey(base64url: string | undefined, what: string): Buffer {
	const bytes = Buffer.from(base64url ?? '', 'base64url');
	if (bytes.length !== 32) throw new Error(`an ed25519 ${what} key is 32 bytes, not ${bytes.length}`);
	return bytes;
}

/**
 * Writes an ed25519 private key in OpenSSH's own format (openssh-key-v1, unencrypted), the form
 * `ssh-keygen` writes and ssh2's Server reads. Both 32-byte halves are kept whole, leading zero
 * bytes included.
 */
export function openSshPrivateKey(privateKey: KeyObject, comment: string): string {
	const jwk = privateKey.export({format: 'jwk'});
	if (jwk.crv !== 'Ed25519') throw new Error(`expected an Ed25519 key, got ${jwk.crv ?? privateKey.asymmetricKeyType}`);
	const seed = rawKey(jwk.d, 'private');
	const pub = rawKey(jwk.x, 'public');
	const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
	const check = randomBytes(4);
	const secret = Buffer.concat([check, check, publicBlob, sshString(Buffer.concat([seed, pub])), sshString(comment)]);
	// The private section is padded with 1, 2, 3, ... to a multiple of the cipher block size (8 for "none").
	const padding = Buffer.from(Array.from({length: (8 - (secret.length % 8)) % 8}, (_, index) => index + 1));
	const body = Buffer.concat([
		Buffer.from('openssh-key-v1\0'),
		sshString('none'),
		sshString('none'),
		sshString(''),
		uint32(1),
		sshString(publicBlob),
		sshString(Buffer.concat([secret, padding])),
	]);
	const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
	return ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n');
}

/** A new ed25519 key pair's private key, in OpenSSH's format. */
export function newEd25519Key(comment: string): string {
	return openSshPrivateKey(generateKeyPairSync('ed25519').privateKey, comment);
}
