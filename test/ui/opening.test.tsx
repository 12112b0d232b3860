import {execFileSync, spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {generateStore, writeGeneratedStore} from '../../source/bench/generate-store.js';
import {endOfFrame, PtySession, stripAnsi} from '../../source/bench/pty.js';
import {rememberedFrom} from '../../source/data/check-cache.js';
import type {Opening} from '../../source/data/opening.js';
import {loadStore} from '../../source/data/store.js';
import {checkStore} from '../../source/model/check.js';
import {createDataset} from '../../source/model/dataset.js';
import {getSegmentRevenue} from '../../source/model/queries.js';
import App from '../../source/ui/app.js';
import {openingView, safeDataset} from '../../source/ui/shared-data.js';
import {stateAt} from '../../source/ui/state.js';
import {ColorContext} from '../../source/ui/theme.js';
import {checksIn, cli, digest, freshCache, paneReportsIn, quartersEntry, reportsIn, runCli, runWith, sealed, stamp, tempDirectory} from '../helpers.js';

let file: string;
let company: string;

beforeAll(async () => {
	// Large enough to be remembered by its digest, as an opening is.
	file = path.join(tempDirectory(), 'large.json');
	await writeGeneratedStore(file, generateStore({quarters: 56, segments: 12, sites: 150, seed: 5}));
	company = (JSON.parse(readFileSync(file, 'utf8')) as {company: {name: string}}).company.name;
});

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Waits until `test` passes, or fails naming `what`. */
async function until(test: () => boolean, what: string): Promise<void> {
	for (const end = Date.now() + 8000; !test(); await wait(20)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

const sessions: PtySession[] = [];
afterEach(async () => {
	for (const session of sessions.splice(0)) await session.close('q', 2000);
});

/** The built explorer on `args` in a pseudo-terminal of 100×30, with the cache in `dir` (none without); once its first frame is out. */
async function explore(args: string[], dir?: string, db = file): Promise<PtySession> {
	const env = {...process.env, TERM: 'xterm-256color', NO_COLOR: undefined, QUARTERDECK_CACHE_DIR: dir, QUARTERDECK_NO_CACHE: dir ? undefined : '1'};
	const session = new PtySession([process.execPath, cli, 'explore', ...args, '--db', db], {columns: 100, rows: 30, env});
	sessions.push(session);
	await session.waitForFrame(0, frame => frame.includes('q quit'), 10_000, 'the first frame');
	return session;
}

/** The text of the first frame a session drew. */
const firstFrame = (session: PtySession) => stripAnsi(session.output.slice(0, session.output.indexOf(endOfFrame)));

/** Presses each key, waiting for the frame it draws; the last frame. */
async function pressEach(session: PtySession, keys: string[]): Promise<string> {
	for (const key of keys) await session.waitForFrame(session.press(key), () => true, 5000, `the frame after ${JSON.stringify(key)}`);
	return session.lastFrame();
}

/** The entry of the report `request` asks for among `dir`'s. */
const reportEntry = (dir: string, request: object) => {
	const end = `-${createHash('sha256').update(JSON.stringify(request)).digest('hex')}.json`;
	return path.join(dir, reportsIn(dir).find(name => name.endsWith(end))!);
};

/** The body of an entry kept beside a large store's checks, parsed. */
const bodyOf = (entry: string) => JSON.parse(readFileSync(entry, 'utf8').split('\n')[1]!) as Record<string, unknown>;

/** Writes `body` into the entry at `entry`, sealed as quarterdeck seals it. */
const reseal = (entry: string, body: unknown) => writeFileSync(entry, sealed(path.basename(entry), JSON.stringify(body)));

/** A fresh cache holding the store's findings only: an explorer of it reads the store, and draws the ⚑ marks in its first frame. */
function checked(): string {
	const dir = freshCache();
	runWith(dir, ['check', '--db', file]);
	return dir;
}

/**
 * A cache in which an explorer of `pane` has been: the store's findings, the pane's report and the
 * quarters report kept.
 */
async function visited(pane: string): Promise<string> {
	const dir = checked();
	const session = await explore([pane], dir);
	await until(() => paneReportsIn(dir).length === 1 && reportsIn(dir).some(name => name.endsWith(quartersEntry)), "the pane's report and the quarters report kept");
	await session.close('q');
	return dir;
}

describe("the explorer on a large store it was opened on before: the first frame from what was kept for the store's text", () => {
	it.each(['segments', 'centers', 'balance'])('draws the %s pane before the store is read, the frame a store read draws, and goes on with the store once it is', async pane => {
		const dir = await visited(pane);
		// The kept company's name in capitals, the same length: only a frame drawn from what was kept shows it.
		const kept = company.toUpperCase();
		const quarters = reportEntry(dir, {command: 'quarters'});
		reseal(quarters, {...bodyOf(quarters), company: {...(bodyOf(quarters).company as object), name: kept}});

		const opened = await explore([pane], dir);
		const first = firstFrame(opened);
		expect(first).toContain(kept);
		expect(first).not.toContain(company);
		// Once read, the store's own name, with no key pressed.
		await opened.waitForFrame(0, frame => frame.includes(company), 8000, "the store's own company name");
		const read = await explore([pane], checked());
		expect(first.replace(kept, company)).toBe(firstFrame(read));

		const keys = ['[', '[', ']', 'j', '4', '1', 'G'];
		expect(await pressEach(opened, keys)).toBe(await pressEach(read, keys));
	});

	it("starts afresh on the store when the quarters kept are not the store's", async () => {
		const dir = await visited('segments');
		const quarters = reportEntry(dir, {command: 'quarters'});
		const body = bodyOf(quarters) as {quarters: Array<{quarter: string}>};
		const dropped = body.quarters.at(-3)!.quarter;
		reseal(quarters, {...body, quarters: body.quarters.filter(row => row.quarter !== dropped)});

		const opened = await explore(['segments'], dir);
		const read = await explore(['segments'], checked());
		// The quarter the store gives at each step back, the dropped one among them.
		const keys = ['[', '[', '[', '['];
		const frames = await pressEach(read, keys);
		expect(frames).toContain(`◂ ${body.quarters.at(-5)!.quarter} ▸`);
		expect(await pressEach(opened, keys)).toBe(frames);
	});

	it('reads the store first when the kept report cannot be laid out, works the report out and keeps it anew', async () => {
		const dir = await visited('segments');
		const [entry] = paneReportsIn(dir).map(name => path.join(dir, name));
		const good = readFileSync(entry!, 'utf8');
		const report = bodyOf(entry!) as {rows: unknown[]};
		reseal(entry!, {...report, rows: [null, ...report.rows]});
		const written = stamp(entry!);

		const opened = await explore(['segments'], dir);
		expect(firstFrame(opened)).toBe(firstFrame(await explore(['segments'], checked())));
		await until(() => JSON.stringify(stamp(entry!)) !== JSON.stringify(written), 'the entry written anew');
		expect(readFileSync(entry!, 'utf8')).toBe(good);
	});

	it("ends with the store's one-line error and exit code when the store fails its checks once the opening is drawn", async () => {
		const dir = await visited('segments');
		// The same store with one figure's value not a number; the kept entries copied to its digest, as by hand.
		const broken = path.join(tempDirectory(), 'broken.json');
		writeFileSync(broken, readFileSync(file, 'utf8').replace(/"value": *-?[\d.]+/, '"value": "not a number"'));
		expect(statSync(broken).size).toBeGreaterThan(rememberedFrom);
		const [was, now] = [digest(file), digest(broken)];
		for (const name of reportsIn(dir)) {
			const body = readFileSync(path.join(dir, name), 'utf8').split('\n')[1]!;
			writeFileSync(path.join(dir, name.replace(was, now)), sealed(name.replace(was, now), body));
		}
		expect(checksIn(dir).some(name => name.includes(now))).toBe(false);

		const opened = await explore(['segments'], dir, broken);
		expect(firstFrame(opened)).toContain(company);
		const code = await opened.exited;
		const said = runCli(['quarters', '--db', broken], {env: {QUARTERDECK_NO_CACHE: '1'}});
		expect(said.code).toBe(3);
		expect(code).toBe(said.code);
		const error = said.stderr.trim();
		expect(error).toMatch(/^quarterdeck: .*broken\.json: /);
		expect(stripAnsi(opened.output).split(/\r?\n/).filter(line => line.startsWith('quarterdeck:'))).toEqual([error]);
	});
});

describe('the explorer on a store that cannot open before it is read', () => {
	it('reads a store from a pipe once, with a cache, and draws it', async () => {
		const fifo = path.join(tempDirectory(), 'store.fifo');
		execFileSync('mkfifo', [fifo]);
		// The writer blocks until the explorer opens the pipe, and ends when it has read it all.
		const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', file, fifo], {stdio: 'ignore'});
		try {
			const opened = await explore(['segments'], freshCache(), fifo);
			expect(firstFrame(opened)).toContain(company);
		} finally {
			writer.kill();
		}
	});
});

describe('the explorer on an opening', () => {
	it('takes the keys pressed before the store is read once it is, each on the state the one before left', async () => {
		const dataset = safeDataset(createDataset(await loadStore(file)));
		const latest = dataset.quarters.at(-1)!;
		const opening: Opening = {
			company: dataset.store.company.name,
			quarters: dataset.quarters,
			findings: checkStore(dataset),
			request: {command: 'segments', quarter: latest},
			report: getSegmentRevenue(dataset, latest),
		};
		const where = {pane: 'segments', quarter: latest, a: dataset.quarters.at(-5)!, b: latest} as const;
		const view = openingView(opening, stateAt(dataset.quarters, where))!;
		const app = (store: {dataset: typeof dataset} | {opening: typeof view}) => (
			<ColorContext.Provider value={false}>
				<App {...store} {...where} />
			</ColorContext.Provider>
		);
		const opened = render(app({opening: view}));
		const read = render(app({dataset}));
		await wait(50);
		expect(opened.lastFrame()).toBe(read.lastFrame());

		for (const key of ['[', '[', '3', '[']) {
			opened.stdin.write(key);
			read.stdin.write(key);
			await wait(30);
		}
		// Nothing moves until the store is there.
		expect(opened.lastFrame()).toContain(`◂ ${latest} ▸`);
		expect(read.lastFrame()).toContain(`◂ ${dataset.quarters.at(-4)!} ▸`);
		opened.rerender(app({dataset}));
		await wait(50);
		expect(opened.lastFrame()).toBe(read.lastFrame());
		opened.unmount();
		read.unmount();
	});
});
