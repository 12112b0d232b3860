import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

/**
 * Every quarterdeck the tests start remembers a large store's checks in a directory of this run,
 * removed at the end, never in the user's own cache.
 */
export default function setup(): () => void {
	const dir = mkdtempSync(path.join(tmpdir(), 'quarterdeck-test-cache-'));
	process.env.QUARTERDECK_CACHE_DIR = dir;
	return () => rmSync(dir, {recursive: true, force: true});
}
