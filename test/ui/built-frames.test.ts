import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {endOfFrame, PtySession} from '../../source/bench/pty.js';
import {loadStore} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import {yearEarlier} from '../../source/model/period.js';
import {createTtyStreams} from '../../source/ssh/tty-streams.js';
import {runExplorer, type Explorer} from '../../source/ui/run.js';
import {bundledStore, cli, openAndQuit, otherStore, readJson, root, tempDirectory, writeStoreText} from '../helpers.js';

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

/**
 * The other company with names only grapheme segmentation measures right: an emoji with a skin
 * tone, a keycap, wide CJK, a Devanagari spacing mark and a combining accent. The patched width
 * code counts plain lines by length and makes its Unicode expressions on first use; these take
 * the other road.
 */
function wideTextStore(): string {
	const store = readJson(otherStore);
	store.segments[0].name = 'Hardware 👍🏽 1\u20E3';
	store.sites[0].name = '東京 Plant';
	store.sites[0].location = 'किताब, Cafe\u0301';
	return writeStoreText(JSON.stringify(store), 'wide-text.json');
}

describe('the built explorer draws what the unpatched code draws', () => {
	// Each store with some of its text that the keys bring on screen.
	for (const [name, store, shown] of [
		['bundled store', () => bundledStore, ['Blood products', 'HemaCare Corporation']],
		['other company', () => otherStore, ['Northwind Widgets']],
		['names of wide and joined characters', wideTextStore, ['Hardware 👍🏽 1\u20E3', '東京 Plant', 'किताब, Cafe\u0301']],
	] as const) {
		it(`${name}: every frame, byte for byte, in colour`, async () => {
			const file = store();
			// The unpatched code first, in this process: which keys draw a frame, and what.
			const dataset = createDataset(await loadStore(file, {forTerminal: true}));
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

			session = new PtySession([process.execPath, cli, '--db', file], {
				...size,
				env: {...process.env, TERM: 'xterm-256color', NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined},
			});
			const drew = direct.slice(1).map(frame => frame !== 'no frame');
			const built = await framesOf({output: () => session!.output, press: key => session!.press(key)}, drew);

			expect(built.length).toBe(keys.length + 1);
			expect(built.join('')).toContain('\u001B[3');
			for (const text of shown) expect(direct.join('')).toContain(text);
			for (const [index, frame] of built.entries()) expect(frame, `after key ${index} (${JSON.stringify(keys[index - 1])})`).toBe(direct[index]);
		}, 60_000);
	}
});

describe('the built explorer makes its costly Unicode tables only for text that needs them', () => {
	const recorder = path.join(root, 'test', 'fixtures', 'record-unicode-tables.cjs');
	// The ones that take tens of milliseconds to make: ICU's break rules and V8's sets of
	// emoji and spacing marks. Smaller expressions (meow's, for one) are made on every start.
	const costly = /^(Intl\.Segmenter|RegExp .*\\p\{(RGI_Emoji|Spacing_Mark)\})/;

	/** The costly tables the explorer on `file` made (see the fixture) up to its first frame and a quit. */
	async function tablesMade(file: string): Promise<string[]> {
		const log = path.join(tempDirectory(), 'unicode.log');
		const argv = [process.execPath, '--require', recorder, cli, '--db', file];
		expect(await openAndQuit(argv, {...process.env, QUARTERDECK_UNICODE_LOG: log, NO_COLOR: '1', CI: undefined})).toBe(0);
		const made = readFileSync(log, 'utf8').trim().split('\n');
		// The recorder ran: meow's expressions are made on every start.
		expect(made.length).toBeGreaterThan(0);
		return made.filter(line => costly.test(line));
	}

	it('none for a store of plain text, up to its first frame', async () => {
		expect(await tablesMade(bundledStore)).toEqual([]);
	}, 30_000);

	it('a segmenter and the emoji expression once a name needs them', async () => {
		const made = await tablesMade(wideTextStore());
		expect(made).toContain('Intl.Segmenter');
		expect(made).toContain('RegExp ^\\p{RGI_Emoji}$');
	}, 30_000);
});
