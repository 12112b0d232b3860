import ssh2, {type ParsedKey} from 'ssh2';

/**
 * Parses one key (OpenSSH private or public format, or a public key in wire format) with ssh2;
 * an Error says why it could not. A file holding several keys gives the first.
 */
export function parseKey(data: string | Buffer): ParsedKey | Error {
	let parsed: ParsedKey | ParsedKey[] | Error;
	try {
		parsed = ssh2.utils.parseKey(data) as ParsedKey | ParsedKey[] | Error;
	} catch (error) {
		return error instanceof Error ? error : new Error(String(error));
	}
	if (Array.isArray(parsed)) return parsed[0] ?? new Error('no key found');
	return parsed;
}
