/**
 * Contents that hold a copy of the bytes they were made from, before their own data: the copy's
 * length (4 bytes, little-endian), the copy, then the data. What was made for some bytes is then
 * taken only for those very bytes; comparing them costs far less than loading a hash. A bundle's
 * code cache (code-cache.ts) and a small store's cache entry (check-cache.ts) are kept so. The
 * length's 4 bytes hold a copy of less than 4 GiB (a bundle is a few MiB, a small store under 1 MiB);
 * a larger one is refused with a RangeError.
 */
const lengthBytes = 4;

/** `data`, after a copy of `bytes`. */
export function withCopyOf(bytes: Uint8Array, data: Uint8Array): Buffer {
	if (bytes.length >= 2 ** 32) throw new RangeError(`a copy of ${bytes.length} bytes cannot be held (at most ${2 ** 32 - 1})`);
	const length = Buffer.alloc(lengthBytes);
	length.writeUInt32LE(bytes.length);
	return Buffer.concat([length, bytes, data]);
}

/** The data in `contents` if they hold a copy of these very `bytes`; undefined otherwise. */
export function dataAfterCopyOf(contents: Buffer, bytes: Buffer): Buffer | undefined {
	if (contents.length < lengthBytes || contents.readUInt32LE(0) !== bytes.length) return undefined;
	const dataStart = lengthBytes + bytes.length;
	return contents.length >= dataStart && bytes.equals(contents.subarray(lengthBytes, dataStart)) ? contents.subarray(dataStart) : undefined;
}
