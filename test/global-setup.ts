import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

/**
 * Every directory tempDirectory (helpers.ts) makes lives in a directory of this run, removed at
 * the end (`QUARTERDECK_TEST_TMP`); the SSH tests make and remove their own (test/ssh/helpers.ts).
 * Every quarterdeck the tests start remembers a large store's checks in a directory inside it,
 * never in the user's own cache, and with the checks remembered whatever the user's environment
 * says.
 */
export default function setup(): () => void {
	const root = mkdtempSync(path.join(tmpdir(), 'quarterdeck-test-'));
	process.env.QUARTERDECK_TEST_TMP = root;
	process.env.QUARTERDECK_CACHE_DIR = path.join(root, 'cache');
	mkdirSync(process.env.QUARTERDECK_CACHE_DIR, {mode: 0o700});
	delete process.env.QUARTERDECK_NO_CACHE;
	return () => {
		try {
			rmSync(root, {recursive: true, force: true});
		} catch {
			// A directory a test left unwritable stays behind; nothing else depends on it.
		}
	};
}
