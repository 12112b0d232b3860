import {afterEach, describe, expect, it} from 'vitest';
import {endOfFrame, PtySession} from '../../source/bench/pty.js';
import {loadStore} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import {yearEarlier} from '../../source/model/period.js';
import {createTtyStreams} from '../../source/ssh/tty-streams.js';
import {runExplorer, type Explorer} from '../../source/ui/run.js';
import {bundledStore, cli, otherStore} from '../helpers.js';

// The bundle patches Ink and its tokenizer for speed (source/build.mjs). Whatever they change, the
// bytes of every frame must stay those of the unpatched code, which is what the tests import.
const size = {columns: 100, rows: 30};
const keys = ['j', 'j', '[', ']', '2', 'j', 'G', '3', 'j', '4', '[', '\t', '[', '2', '\r', 'j', '\u001B', '?', '\u001B', '2', '/', 'a', '\r'];
const startOfFrame = '\u001B[?2026h';

/** The last frame written in `output` after `from`, with line ends as the terminal got them. */
function lastFrameAfter(output: string, from: number): string {
	const end = output.lastIndexOf(endOfFrame);
	const start = output.lastIndexOf(startOfFrame, end);
	if (end < from || start === -1) return '';
	return output.slice(start, end).replaceAll('\r\n', '\n');
}

const frameCount = (text: string) => text.split(endOfFrame).length - 1;

/**
 * Waits until `output()` holds more frames than `count`, then until no other frame has followed for
 * 100 ms; false if none came within `timeout` (a key that changes nothing draws nothing).
 */
async function nextFrames(output: () => string, count: number, timeout: number): Promise<boolean> {
	const sleep = () => new Promise(resolve => setTimeout(resolve, 5));
	const deadline = Date.now() + timeout;
	while (frameCount(output()) <= count) {
		if (Date.now() > deadline) return false;
		await sleep();
	}
	let seen = frameCount(output());
	let quietSince = Date.now();
	while (Date.now() - quietSince < 100) {
		await sleep();
		const now = frameCount(output());
		if (now !== seen) {
			seen = now;
			quietSince = Date.now();
		}
	}
	return true;
}

/**
 * The frame on screen after each key. Without `drew`, each key gets a second to draw (this process's
 * own explorer); with it, a key that drew nothing there gets a short wait and any other a long one:
 * a machine under load can take a while to draw in another process.
 */
async function framesOf(drive: {output: () => string; press: (key: string) => void}, drew?: boolean[]): Promise<string[]> {
	if (!(await nextFrames(drive.output, 0, 10_000))) throw new Error('no first frame');
	const frames = [lastFrameAfter(drive.output(), 0)];
	for (const [index, key] of keys.entries()) {
		const from = drive.output().length;
		const count = frameCount(drive.output());
		drive.press(key);
		const timeout = drew === undefined ? 1000 : drew[index] ? 5000 : 300;
		frames.push((await nextFrames(drive.output, count, timeout)) ? lastFrameAfter(drive.output(), from) : 'no frame');
	}
	return frames;
}

let session: PtySession | undefined;
let explorer: Explorer | undefined;
afterEach(async () => {
	explorer?.close();
	explorer = undefined;
	await session?.close('q', 2000);
	session = undefined;
});

describe('the built explorer draws what the unpatched code draws', () => {
	for (const [name, store] of [
		['bundled store', bundledStore],
		['other company', otherStore],
	] as const) {
		it(`${name}: every frame, byte for byte, in colour`, async () => {
			// The unpatched code first, in this process: which keys draw a frame, and what.
			const dataset = createDataset(await loadStore(store, {forTerminal: true}));
			let written = '';
			const streams = createTtyStreams({size, env: {TERM: 'xterm-256color'}, sink: text => (written += text)});
			// As the CLI opens: the latest quarter, against a year before it when the store has that one.
			const quarters = dataset.quarters;
			const latest = quarters.at(-1)!;
			explorer = runExplorer({
				dataset,
				pane: 'segments',
				quarter: latest,
				a: quarters.includes(yearEarlier(latest)) ? yearEarlier(latest) : quarters[0]!,
				b: latest,
				stdin: streams.stdin as unknown as NodeJS.ReadStream,
				stdout: streams.stdout as unknown as NodeJS.WriteStream,
				color: true,
			});
			const direct = await framesOf({output: () => written, press: key => streams.stdin.receive(Buffer.from(key))});

			session = new PtySession([process.execPath, cli, '--db', store], {
				...size,
				env: {...process.env, TERM: 'xterm-256color', NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined},
			});
			const drew = direct.slice(1).map(frame => frame !== 'no frame');
			const built = await framesOf({output: () => session!.output, press: key => session!.press(key)}, drew);

			expect(built.length).toBe(keys.length + 1);
			expect(built.join('')).toContain('\u001B[3');
			for (const [index, frame] of built.entries()) expect(frame, `after key ${index} (${JSON.stringify(keys[index - 1])})`).toBe(direct[index]);
		}, 60_000);
	}
});
