import {createHash} from 'node:crypto';

/** The OpenSSH fingerprint of a public key in wire format, as `ssh-keygen -l` prints it: `SHA256:…`. */
export function fingerprint(publicKey: Buffer): string {
	return `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`;
}
