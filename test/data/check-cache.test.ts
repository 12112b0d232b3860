import {chmodSync, chownSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {generateStore, writeGeneratedStore} from '../../source/bench/generate-store.js';
import {rememberedFrom, type CheckCache} from '../../source/data/check-cache.js';
import type {Store} from '../../source/data/schema.js';
import {rememberCheck, rememberedCheck} from '../../source/data/remembered-check.js';
import {acceptStore, checkOrRecall, loadStore} from '../../source/data/store.js';
import {checkStore} from '../../source/model/check.js';
import {createDataset} from '../../source/model/dataset.js';
import {findingsLater, findingsNow, safeDataset} from '../../source/ui/shared-data.js';
import {bundledStore, checksIn, digest, entriesIn, freshCache, otherStore, readJson, reportsIn, runCli, runRecordingBuiltins, runWith, sealed, stamp, tempDirectory, writeOlderEntries, writeStoreText} from '../helpers.js';

/**
 * A store over the size whose checks are remembered, with defaults left out (a figure's measure, a
 * part's sign) so the checks fill them in, derived figures whose values the store leaves out, and
 * one derived figure that states the value its formula gives.
 */
async function largeStore(): Promise<string> {
	const store = generateStore({quarters: 56, segments: 12, sites: 150, seed: 9});
	const stated = store.figures.findIndex(figure => figure.kind === 'derived');
	store.figures[stated]!.value = (await acceptStore(structuredClone(store), 'large.json')).figures[stated]!.value;
	for (const figure of store.figures) if (figure.measure === 'value') delete (figure as Partial<typeof figure>).measure;
	for (const relation of store.relations) if (relation.kind === 'sum') for (const part of relation.parts) if (part.sign === 1) delete (part as {sign?: number}).sign;
	const file = path.join(tempDirectory(), 'large.json');
	await writeGeneratedStore(file, store);
	return file;
}

/** {@link runWith}, with every report remembered in `dir` removed first: the command reads the store, and recalls or does its checks. */
const runChecking = (dir: string, args: string[]) => {
	for (const name of reportsIn(dir)) rmSync(path.join(dir, name));
	return runWith(dir, args);
};
/** A directory anyone may write to. */
const openDirectory = () => {
	const dir = path.join(tempDirectory(), 'open');
	mkdirSync(dir, {mode: 0o777});
	chmodSync(dir, 0o777);
	return dir;
};

const commands = [['quarters'], ['show', 'latest'], ['diff', 'latest-4', 'latest'], ['segments'], ['centers'], ['balance'], ['check', '--fail-on', 'error']];

let file: string;
let text: string;
/** Where in the store's figures a derived figure is that states its value, and one that does not. */
const derivedAt = {with: -1, without: -1};
/** Where a figure is whose measure the store states (one other than the default). */
const measuredAt = {at: -1};

beforeAll(async () => {
	file = await largeStore();
	text = readFileSync(file, 'utf8');
	const {figures} = JSON.parse(text) as Store;
	derivedAt.with = figures.findIndex(figure => figure.kind === 'derived' && figure.value !== undefined);
	derivedAt.without = figures.findIndex(figure => figure.kind === 'derived' && figure.value === undefined);
	measuredAt.at = figures.findIndex(figure => figure.measure !== undefined);
});

describe('remembered checks, in the built command line', () => {
	it('remember a large store once, and give every command the output a full check gives', () => {
		expect(text.length).toBeGreaterThanOrEqual(rememberedFrom);
		const dir = freshCache();
		const before = digest(file);
		for (const args of commands) {
			const checked = runCli([...args, '--json', '--db', file], {env: {QUARTERDECK_NO_CACHE: '1', QUARTERDECK_CACHE_DIR: dir}});
			expect(checked.stderr).toBe('');
			if (args === commands[0]) expect(entriesIn(dir)).toEqual([]);
			const first = runWith(dir, [...args, '--json', '--db', file]);
			const again = runWith(dir, [...args, '--json', '--db', file]);
			expect([first.code, first.stderr, first.stdout]).toEqual([checked.code, '', checked.stdout]);
			expect([again.code, again.stderr, again.stdout]).toEqual([checked.code, '', checked.stdout]);
		}
		// One entry for the one text, and beside it check's findings, private to the user; the store itself is never written.
		expect(checksIn(dir).map(name => name.replace(/^checked-[0-9a-f]{16}-[0-9a-f]{64}/, 'checked')).sort()).toEqual(['checked-findings.json', 'checked.json']);
		// And the report of each other command.
		expect(reportsIn(dir)).toHaveLength(commands.length - 1);
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		for (const name of entriesIn(dir)) expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
		expect(digest(file)).toBe(before);
	});

	it('use an entry as it is once the text is remembered, without writing it again', () => {
		const dir = freshCache();
		const args = ['show', 'latest', '--json', '--db', file];
		const first = runWith(dir, args);
		const entry = path.join(dir, checksIn(dir)[0]!);
		const written = stamp(entry);
		expect(readFileSync(entry, 'utf8').split('\n')[1]).toContain('[["figures",0],"measure","value"]');
		expect(runChecking(dir, args)).toEqual(first);
		// A miss would have written a new file in its place.
		expect(stamp(entry)).toEqual(written);
	});

	it('check a store again when one byte of its text changes, and remember only a store that passes', () => {
		const dir = freshCache();
		const copy = writeStoreText(text, 'large.json');
		expect(runWith(dir, ['quarters', '--db', copy]).code).toBe(0);
		// The derived figure that states its value now states another: one digit of it changed, in place.
		const {figures} = JSON.parse(text) as Store;
		const figure = figures[derivedAt.with]!;
		const at = text.indexOf(`"value": ${figure.value}`, text.indexOf(`"id": ${JSON.stringify(figure.id)}`)) + `"value": ${figure.value}`.length - 1;
		const digit = text[at]!;
		expect(digit).toMatch(/\d/);
		writeFileSync(copy, `${text.slice(0, at)}${digit === '1' ? '2' : '1'}${text.slice(at + 1)}`);
		expect(readFileSync(copy, 'utf8').length).toBe(text.length);
		const run = runWith(dir, ['quarters', '--db', copy]);
		expect(run.code).toBe(3);
		expect(run.stderr).toMatch(new RegExp(`large\\.json: figures\\[${derivedAt.with}\\]\\.value: the store says .* but`));
		expect(checksIn(dir)).toHaveLength(1);
	});

	it.each([
		// Only the seal can tell: the changed value is one no figure of the store states.
		['a body changed after it was sealed', (entry: any) => JSON.stringify({...entry, derived: entry.derived.map(([index, value]: [number, number], at: number) => [index, at === 0 ? value + 1 : value])})],
		['not JSON', () => '{"fills":'],
		['a position past the figures', (entry: any) => ({...entry, derived: [...entry.derived, [1e9, 5]]})],
		['a stated figure given a value', (entry: any) => ({...entry, derived: [...entry.derived, [0, 5]]})],
		['a derived figure left without its value', (entry: any) => ({...entry, derived: entry.derived.filter(([index]: [number]) => index !== derivedAt.without)})],
		['a value against the one the store gives', (entry: any) => ({...entry, derived: [...entry.derived, [derivedAt.with, 1]]})],
		['a value that is not a default', (entry: any) => ({...entry, fills: [[entry.fills[0][0], 'measure', 'value\u001B[2J']]})],
		['a default over a field the store sets', (entry: any) => ({...entry, fills: [[['figures', measuredAt.at], 'measure', 'value'], ...entry.fills]})],
		['a field that is not defaulted', (entry: any) => ({...entry, fills: [[entry.fills[0][0], 'note', 'value']]})],
		['a default of another place', (entry: any) => ({...entry, fills: [[entry.fills[0][0], 'relations', []], ...entry.fills]})],
		['a path to nowhere', (entry: any) => ({...entry, fills: [[['figures', 1e9], 'measure', 'value'], ...entry.fills]})],
	])('check the store when an entry holds %s, and write the entry anew', (name, damage) => {
		// The store has both kinds of derived figure the cases name.
		expect(Math.min(derivedAt.with, derivedAt.without, measuredAt.at)).toBeGreaterThanOrEqual(0);
		const dir = freshCache();
		const args = ['show', 'latest', '--json', '--db', file];
		const checked = runWith(dir, args);
		const entryName = checksIn(dir)[0]!;
		const entryFile = path.join(dir, entryName);
		const good = readFileSync(entryFile, 'utf8');
		const damaged = damage(JSON.parse(good.split('\n')[1]!));
		writeFileSync(entryFile, name.startsWith('a body changed') ? `${good.split('\n')[0]}\n${damaged}` : sealed(entryName, typeof damaged === 'string' ? damaged : JSON.stringify(damaged)));
		expect(runChecking(dir, args)).toEqual(checked);
		expect(readFileSync(entryFile, 'utf8')).toBe(good);
	});

	it('use a resealed entry that fits, which shows the seal is what the other cases trip on', () => {
		const dir = freshCache();
		const args = ['show', 'latest', '--json', '--db', file];
		runWith(dir, args);
		const entryName = checksIn(dir)[0]!;
		const entryFile = path.join(dir, entryName);
		const body = readFileSync(entryFile, 'utf8').split('\n')[1]!;
		writeFileSync(entryFile, sealed(entryName, body));
		const before = stamp(entryFile);
		runChecking(dir, args);
		expect(stamp(entryFile)).toEqual(before);
	});

	it('use no directory that others can write to, or that is another user\'s', () => {
		const args = ['quarters', '--json', '--db', file];
		const open = openDirectory();
		const run = runWith(open, args);
		expect(run).toEqual(runCli(args, {env: {QUARTERDECK_NO_CACHE: '1'}}));
		expect(entriesIn(open)).toEqual([]);
		if (process.getuid?.() === 0) {
			const theirs = path.join(tempDirectory(), 'theirs');
			mkdirSync(theirs, {mode: 0o700});
			chownSync(theirs, 65_534, 65_534);
			expect(runWith(theirs, args)).toEqual(run);
			expect(entriesIn(theirs)).toEqual([]);
		}
	});

	it('hash nothing when the directory cannot be used', () => {
		const builtinsWith = (dir: string) => {
			const run = runRecordingBuiltins(['quarters', '--json', '--db', file], {env: {QUARTERDECK_CACHE_DIR: dir}});
			expect(run.code).toBe(0);
			return run.builtins;
		};
		const open = openDirectory();
		expect(builtinsWith(open)).not.toContain('crypto');
		// A directory that can be used: the text is hashed, with node:crypto.
		expect(builtinsWith(freshCache())).toContain('crypto');
	});

	it('go on without a cache that cannot be written', () => {
		const args = ['quarters', '--json', '--db', file];
		const checked = runCli(args, {env: {QUARTERDECK_NO_CACHE: '1'}});
		expect(checked.code).toBe(0);
		// A file where the directory would be.
		const notDirectory = freshCache();
		writeFileSync(notDirectory, 'not a directory');
		expect(runWith(notDirectory, args)).toEqual(checked);
		// A directory that can be used, with a directory where the entry would go: the rename fails.
		const entryName = (() => {
			const first = freshCache();
			runWith(first, args);
			return checksIn(first)[0]!;
		})();
		const dir = freshCache();
		mkdirSync(path.join(dir, entryName), {recursive: true, mode: 0o700});
		chmodSync(dir, 0o700);
		writeFileSync(path.join(dir, entryName, 'inside'), '');
		expect(runWith(dir, args)).toEqual(checked);
	});

	it('leave a small store to be checked every time, and hash nothing for it', () => {
		const dir = freshCache();
		expect(readFileSync(bundledStore, 'utf8').length).toBeLessThan(rememberedFrom);
		const run = runRecordingBuiltins(['quarters', '--db', bundledStore], {env: {QUARTERDECK_CACHE_DIR: dir}});
		expect(run.code).toBe(0);
		expect(run.builtins).not.toContain('crypto');
		// Its report is kept (see remembered-report.test.ts); its checks are not.
		expect(reportsIn(dir)).toHaveLength(1);
		expect(checksIn(dir)).toEqual([]);
	});

	it('keep the newest 64 entries', () => {
		const dir = freshCache();
		runWith(dir, ['quarters', '--db', file]);
		const [entry] = checksIn(dir);
		const content = readFileSync(path.join(dir, entry!));
		// 70 older entries of other texts, the first the oldest.
		const old = writeOlderEntries(dir, entry!, 70, content);
		// The next entry written prunes the directory.
		const store = JSON.parse(text) as Store;
		store.company.name += ' (restated)';
		const other = writeStoreText(JSON.stringify(store, null, '\t'), 'other.json');
		expect(runWith(dir, ['quarters', '--db', other]).code).toBe(0);
		const left = checksIn(dir);
		expect(left).toHaveLength(64);
		expect(left).toContain(entry);
		for (const name of old.slice(0, 8)) expect(left).not.toContain(name);
		expect(left).toEqual(expect.arrayContaining(old.slice(8)));
	});
});

describe('remembered findings of check', () => {
	const findingsIn = (dir: string) => entriesIn(dir).filter(name => name.endsWith('-findings.json'));
	const noCache = (args: string[]) => runCli(args, {env: {QUARTERDECK_NO_CACHE: '1'}});

	it('keep what check found in the whole store, and give the output a full check gives', () => {
		const dir = freshCache();
		const json = ['check', '--json', '--db', file];
		const checked = noCache(json);
		expect(JSON.parse(checked.stdout).findings.length).toBeGreaterThan(0);
		expect(runWith(dir, json)).toEqual(checked);
		const [name] = findingsIn(dir);
		expect(name).toBeDefined();
		const entry = path.join(dir, name!);
		const written = stamp(entry);
		expect(runWith(dir, json)).toEqual(checked);
		expect(runWith(dir, ['check', '--db', file])).toEqual(noCache(['check', '--db', file]));
		// A quarter's check is a report of its own, and leaves the whole store's findings as they are.
		const quarter = ['check', '--quarter', 'latest', '--json', '--db', file];
		expect(runWith(dir, quarter)).toEqual(noCache(quarter));
		expect(findingsIn(dir)).toEqual([name]);
		expect(stamp(entry)).toEqual(written);
	});

	it('use findings that fit their seal as they are', () => {
		const dir = freshCache();
		const json = ['check', '--json', '--db', file];
		runWith(dir, json);
		const entry = path.join(dir, findingsIn(dir)[0]!);
		const report = JSON.parse(readFileSync(entry, 'utf8').split('\n')[1]!);
		report.findings[0].message = 'as remembered';
		writeFileSync(entry, sealed(path.basename(entry), JSON.stringify(report)));
		const before = stamp(entry);
		expect(JSON.parse(runWith(dir, json).stdout).findings[0].message).toBe('as remembered');
		expect(stamp(entry)).toEqual(before);
	});

	const findingsDamage: Array<[string, (report: any) => unknown]> = [
		['a body changed after it was sealed', (report: any) => JSON.stringify({...report, findings: report.findings.slice(1)})],
		['not JSON', () => '{"findings":'],
		['a rule this build does not have', (report: any) => ({...report, findings: [{...report.findings[0], rule: 'made-up'}, ...report.findings.slice(1)]})],
		['a rule that is not text', (report: any) => ({...report, findings: [{...report.findings[0], rule: {toString: 1}}, ...report.findings.slice(1)]})],
		['a severity this build does not have', (report: any) => ({...report, findings: [{...report.findings[0], severity: 'fatal'}, ...report.findings.slice(1)]})],
		['another list of rules', (report: any) => ({...report, rules: report.rules.slice(1)})],
		['one quarter\'s findings', (report: any) => ({...report, quarter: report.findings[0].period})],
		['a number where text goes', (report: any) => ({...report, findings: [{...report.findings[0], message: 5}, ...report.findings.slice(1)]})],
		['findings that are not a list', (report: any) => ({...report, findings: {}})],
		['another format', (report: any) => ({...report, format: report.format + 1})],
		['another command\'s report', (report: any) => ({...report, command: 'diff'})],
		['a count that is not a number', (report: any) => ({...report, summary: {...report.summary, warning: '1'}})],
		...(['period', 'arithmetic'] as const).map((field): [string, (report: any) => unknown] => [`a ${field} that is a number`, (report: any) => ({...report, findings: [{...report.findings[0], [field]: 5}, ...report.findings.slice(1)]})]),
		...(['expected', 'actual', 'gap', 'tolerance'] as const).map((field): [string, (report: any) => unknown] => [`${field} as text`, (report: any) => ({...report, findings: [{...report.findings[0], [field]: '5'}, ...report.findings.slice(1)]})]),
		['a figure without an id', (report: any) => ({...report, findings: [{...report.findings[0], figures: [{}]}, ...report.findings.slice(1)]})],
		['a site that is not text', (report: any) => ({...report, findings: [{...report.findings[0], sites: [5]}, ...report.findings.slice(1)]})],
		['a control character', (report: any) => ({...report, findings: [{...report.findings[0], message: '\u001B[2J'}, ...report.findings.slice(1)]})],
	];
	it.each(findingsDamage)('check the store again when its findings entry holds %s, and write the entry anew', (name, damage) => {
		const dir = freshCache();
		const json = ['check', '--json', '--db', file];
		const checked = runWith(dir, json);
		const entry = path.join(dir, findingsIn(dir)[0]!);
		const good = readFileSync(entry, 'utf8');
		const damaged = damage(JSON.parse(good.split('\n')[1]!));
		writeFileSync(entry, name.startsWith('a body changed') ? `${good.split('\n')[0]}\n${damaged}` : sealed(path.basename(entry), typeof damaged === 'string' ? damaged : JSON.stringify(damaged)));
		expect(runWith(dir, json)).toEqual(checked);
		expect(readFileSync(entry, 'utf8')).toBe(good);
	});

	it('keep nothing that JSON would not give back as it is or that holds a control character, nor for a store read without a cache', async () => {
		const dir = freshCache();
		const dataset = createDataset(await loadStore(file, {cache: {dir, build: 'test'}}));
		const report = checkStore(dataset);
		const [first, ...rest] = report.findings;
		for (const finding of [{...first!, gap: -0}, {...first!, gap: Number.NaN}, {...first!, gap: Number.POSITIVE_INFINITY}, {...first!, message: 'bell \u0007'}]) {
			rememberCheck(dataset.store, {...report, findings: [finding, ...rest]});
			expect(findingsIn(dir)).toEqual([]);
		}
		rememberCheck(createDataset(await loadStore(file)).store, report);
		expect(findingsIn(dir)).toEqual([]);
		rememberCheck(dataset.store, report);
		expect(findingsIn(dir)).toHaveLength(1);
		expect(rememberedCheck(dataset)).toEqual(report);
	});

	it('give the explorer its marks before the first frame once the background checks have run', async () => {
		const dir = freshCache();
		const cache: CheckCache = {dir, build: 'test'};
		const first = createDataset(await loadStore(file, {cache, forTerminal: true}));
		// Large enough that its checks wait until after the first frame.
		expect(findingsNow(first)).toBeUndefined();
		const found = await findingsLater(first);
		expect(findingsIn(dir)).toHaveLength(1);
		const next = createDataset(await loadStore(file, {cache, forTerminal: true}));
		expect(safeDataset(next)).toBe(next);
		const now = findingsNow(next);
		expect(now).toBeDefined();
		expect(now).toEqual(found);
		expect(found.bySite.size + found.byFigure.size).toBeGreaterThan(0);
	});

	it('are looked for once per store by the explorer, and found by the next load of the text', async () => {
		const cache: CheckCache = {dir: freshCache(), build: 'test'};
		const dataset = createDataset(await loadStore(file, {cache, forTerminal: true}));
		expect(findingsNow(dataset)).toBeUndefined();
		rememberCheck(dataset.store, checkStore(dataset));
		expect(findingsNow(dataset)).toBeUndefined();
		expect(findingsNow(createDataset(await loadStore(file, {cache, forTerminal: true})))).toBeDefined();
	});
});

describe('remembered checks, in loadStore', () => {
	it('give the very store a full check gives, and are kept apart by build', async () => {
		const dir = freshCache();
		const cache: CheckCache = {dir, build: 'first'};
		const checked = await acceptStore(JSON.parse(text), file);
		expect(await loadStore(file, {cache})).toEqual(checked);
		expect(entriesIn(dir)).toHaveLength(1);
		const entry = path.join(dir, entriesIn(dir)[0]!);
		const written = stamp(entry);
		expect(await loadStore(file, {cache})).toEqual(checked);
		// Recalled: a store checked again would have written its entry anew.
		expect(stamp(entry)).toEqual(written);
		// Another build checks the store itself, and remembers it apart.
		expect(await loadStore(file, {cache: {dir, build: 'second'}})).toEqual(checked);
		expect(entriesIn(dir)).toHaveLength(2);
	});
});

describe('remembered checks, of a value of −0', () => {
	it('give back −0, not 0', async () => {
		const store = readJson(otherStore);
		const figure = store.figures.find((item: {id: string}) => item.id === '21q1-sales-sw');
		figure.formula = '-(total - total)';
		const dir = freshCache();
		// A digest is taken only of a store in a directory fit for entries (remembersStore); this text is too small for one, so the digest is made up and the directory made here.
		mkdirSync(dir, {mode: 0o700});
		const cache: CheckCache = {dir, build: 'test'};
		const text = JSON.stringify(store);
		const checked = await checkOrRecall(JSON.parse(text), 'a'.repeat(64), 'other.json', cache);
		expect(Object.is(checked.figures.find(item => item.id === '21q1-sales-sw')!.value, -0)).toBe(true);
		expect(entriesIn(dir)).toHaveLength(1);
		const entry = path.join(dir, entriesIn(dir)[0]!);
		const written = stamp(entry);
		const recalled = await checkOrRecall(JSON.parse(text), 'a'.repeat(64), 'other.json', cache);
		expect(stamp(entry)).toEqual(written);
		expect(Object.is(recalled.figures.find(item => item.id === '21q1-sales-sw')!.value, -0)).toBe(true);
		expect(recalled).toEqual(checked);
	});
});
