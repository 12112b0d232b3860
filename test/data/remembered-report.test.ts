import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {type BigIntStats, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {StringDecoder} from 'node:string_decoder';
import path from 'node:path';
import {beforeAll, describe, expect, it, vi} from 'vitest';
import {generateStore, writeGeneratedStore} from '../../source/bench/generate-store.js';
import {shellQuote} from '../../source/bench/pty.js';
import {runCli as runCommand} from '../../source/commands.js';
import {digestSeen, keepsTrueCtime, noteSeen, rememberedFrom, settledAfterMs, storeTextOf} from '../../source/data/check-cache.js';
import {exactJson} from '../../source/data/remembered-check.js';
import {rememberReport} from '../../source/data/remembered-report.js';
import {loadStore, loadStoreOrRecall, readPieces, recallByDigest} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import {listQuarters} from '../../source/model/queries.js';
import {bundledStore, checksIn, cli, copyStore, digest, entriesIn, freshCache, runInProcess, reportsIn, runCli, runRecordingBuiltins, runWith, sealed, sidesIn, smallEntry, smallEntryParts, stamp, tempDirectory, writeOlderEntries, writeStoreText, type Run, type SmallEntry} from '../helpers.js';

let file: string;
let text: string;

beforeAll(async () => {
	file = path.join(tempDirectory(), 'large.json');
	await writeGeneratedStore(file, generateStore({quarters: 56, segments: 12, sites: 150, seed: 5}));
	text = readFileSync(file, 'utf8');
});

const noCache = (args: string[]) => runCli(args, {env: {QUARTERDECK_NO_CACHE: '1'}});
/** What a run gives, as the tests compare it. */
const outcome = (run: Run) => [run.code, run.stderr, run.stdout];
/** The one report entry (or other entry `listed`) a run added to `dir`. */
const addedBy = (dir: string, run: () => Run, listed = reportsIn): {run: Run; entry: string} => {
	const before = new Set(listed(dir));
	const result = run();
	const added = listed(dir).filter(name => !before.has(name));
	expect(added).toHaveLength(1);
	return {run: result, entry: path.join(dir, added[0]!)};
};

/** Requests of every printing command, the explorer's panes printed among them. */
const requests = [
	['quarters'],
	['segments'],
	['segments', '-q', 'latest-1'],
	['centers', '-q', 'latest-4'],
	['balance', '--from', 'latest-8', '--to', 'latest-2'],
	['balance', '--from', 'latest-8', '--to', 'latest-3'],
	['show', 'latest'],
	['diff', 'latest-4', 'latest'],
	['check', '--quarter', 'latest', '--fail-on', 'error'],
	['explore', 'diff', '-q', 'latest-1'],
	['explore', 'diff', '-q', 'latest-2'],
	['explore', 'diff', 'latest-2'],
	['explore', 'balance', '-q', 'latest-1'],
];

describe('remembered reports, in the built command line', () => {
	it('give a command run again on the same text the output a full read gives, from an entry of its own', () => {
		expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(rememberedFrom);
		const dir = freshCache();
		const before = digest(file);
		const outputs = new Set<string>();
		let fromSides = 0;
		for (const args of requests) {
			const json = [...args, '--json', '--db', file];
			const full = noCache(json);
			expect(full.stderr).toBe('');
			outputs.add(full.stdout);
			// A diff after the first on the text is joined from the quarters' sides, and keeps no report (remembered-sides.test.ts).
			if (args.includes('diff') && sidesIn(dir).length > 0) {
				const reports = reportsIn(dir);
				expect(outcome(runWith(dir, json))).toEqual(outcome(full));
				expect(reportsIn(dir)).toEqual(reports);
				fromSides++;
				continue;
			}
			const {run: first, entry} = addedBy(dir, () => runWith(dir, json));
			const written = stamp(entry);
			expect(outcome(first)).toEqual(outcome(full));
			expect(outcome(runWith(dir, json))).toEqual(outcome(full));
			// Read back as it is: no second entry, and this one not written again.
			expect(stamp(entry)).toEqual(written);
			expect(statSync(entry).mode & 0o777).toBe(0o600);
		}
		// Each request its own report: as many outputs as entries, none the same as another.
		expect(fromSides).toBe(3);
		expect(reportsIn(dir)).toHaveLength(requests.length - fromSides);
		expect(outputs.size).toBe(requests.length);
		expect(checksIn(dir)).toHaveLength(1);
		expect(digest(file)).toBe(before);
	});

	it('write one report in every format from the same entry', () => {
		const dir = freshCache();
		for (const args of [['quarters'], ['diff', 'latest-4', 'latest'], ['check', '--quarter', 'latest-1']]) {
			const {entry} = addedBy(dir, () => runWith(dir, [...args, '--json', '--db', file]));
			const written = stamp(entry);
			for (const format of [['--csv'], []]) {
				const argv = [...args, ...format, '--db', file];
				expect(outcome(runWith(dir, argv))).toEqual(outcome(noCache(argv)));
			}
			expect(stamp(entry)).toEqual(written);
		}
	});

	it('print what the entry holds, without working the report out', () => {
		const dir = freshCache();
		const args = ['quarters', '--json', '--db', file];
		const {entry} = addedBy(dir, () => runWith(dir, args));
		const report = JSON.parse(readFileSync(entry, 'utf8').split('\n')[1]!);
		report.company.name = 'As remembered';
		writeFileSync(entry, sealed(path.basename(entry), JSON.stringify(report)));
		expect(JSON.parse(runWith(dir, args).stdout).company.name).toBe('As remembered');
		// In a table, too, and made safe for a terminal there as any report is.
		report.company.name = 'Bell \u0007 and clear \u001B[2J';
		writeFileSync(entry, sealed(path.basename(entry), JSON.stringify(report)));
		const tsv = runWith(dir, ['quarters', '--db', file]);
		expect(tsv.code).toBe(0);
		expect(tsv.stdout).not.toMatch(/[\u0007\u001B]/);
	});

	const damages: Array<[string, (report: any) => unknown]> = [
		['a body changed after it was sealed', (report: any) => JSON.stringify({...report, quarters: report.quarters.slice(1)})],
		['not JSON', () => '{"quarters":'],
		['another command\'s report', (report: any) => ({...report, command: 'diff'})],
		['another format', (report: any) => ({...report, format: report.format + 1})],
		['no report at all', () => 'null'],
		['its command\'s report without a list it holds', (report: any) => ({...report, quarters: undefined})],
		['its command\'s report with a list that is not one', (report: any) => ({...report, spans: {}})],
	];
	it.each(damages)('work the report out again when its entry holds %s, and write the entry anew', (name, damage) => {
		const dir = freshCache();
		const args = ['quarters', '--json', '--db', file];
		const {run: first, entry} = addedBy(dir, () => runWith(dir, args));
		const good = readFileSync(entry, 'utf8');
		const damaged = damage(JSON.parse(good.split('\n')[1]!));
		writeFileSync(entry, name.startsWith('a body changed') ? `${good.split('\n')[0]}\n${damaged}` : sealed(path.basename(entry), typeof damaged === 'string' ? damaged : JSON.stringify(damaged)));
		expect(outcome(runWith(dir, args))).toEqual(outcome(first));
		expect(readFileSync(entry, 'utf8')).toBe(good);
	});

	it('read a text that changed anew, however small the change', () => {
		const dir = freshCache();
		const copy = writeStoreText(text, 'large.json');
		const args = ['quarters', '--json', '--db', copy];
		runWith(dir, args);
		const name = JSON.parse(text).company.name as string;
		// One letter of the company's name, in place: the same length.
		writeFileSync(copy, text.replace(JSON.stringify(name), JSON.stringify(`X${name.slice(1)}`)));
		expect(readFileSync(copy, 'utf8').length).toBe(text.length);
		expect(JSON.parse(runWith(dir, args).stdout).company.name).toBe(`X${name.slice(1)}`);
		expect(reportsIn(dir)).toHaveLength(2);
	});

	it('remember no command that failed, and check what needs no store before reading it', () => {
		const dir = freshCache();
		const unknown = runWith(dir, ['segments', '-q', '1999Q1', '--db', file]);
		expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('1999Q1')]);
		expect(reportsIn(dir)).toEqual([]);
		// Findings remembered, then a level that is none: refused all the same.
		expect(runWith(dir, ['check', '--db', file]).code).toBe(4);
		const level = runWith(dir, ['check', '--fail-on', 'fatal', '--db', file]);
		expect([level.code, level.stderr]).toEqual([2, expect.stringContaining('--fail-on "fatal" is not a level')]);
		// An argument too many is named before a store that is not there.
		const extra = runWith(dir, ['quarters', 'extra', '--db', path.join(tempDirectory(), 'missing.json')]);
		expect([extra.code, extra.stderr]).toEqual([2, expect.stringContaining('quarters takes 0 argument(s)')]);
	});

	it('exit with check\'s code from remembered findings', () => {
		const dir = freshCache();
		// The code the findings call for at each level, from what a full check prints.
		const {findings} = JSON.parse(noCache(['check', '--json', '--db', file]).stdout) as {findings: Array<{severity: string}>};
		const codeAt = (levels: string[]) => (findings.some(finding => levels.includes(finding.severity)) ? 4 : 0);
		expect(codeAt(['info', 'warning', 'error'])).toBe(4);
		for (const [level, code] of [['info', 4], ['error', codeAt(['error'])]] as const) {
			const args = ['check', '--fail-on', level, '--db', file];
			expect(runWith(dir, args).code).toBe(code);
			expect(runWith(dir, args).code).toBe(code);
		}
	});

	it('decode a text whose bytes are not all UTF-8 as a full read does, a character cut between two pieces read included', () => {
		const store = JSON.parse(text);
		const latest = store.figures.at(-1);
		latest.quote = 'MARK€ and BAD';
		const bytes = Buffer.from(JSON.stringify(store, null, '\t'));
		// The euro sign's three bytes across the end of a 512 KiB piece read, and a byte no UTF-8 holds.
		const piece = 512 * 1024;
		const euro = bytes.indexOf('MARK€') + 4;
		const cut = Math.ceil(euro / piece) * piece - 1;
		const padded = Buffer.from(JSON.stringify({...store, company: {...store.company, name: `${store.company.name}${'.'.repeat(cut - euro)}`}}, null, '\t'));
		expect(padded.indexOf('MARK€') + 4).toBe(cut);
		padded[padded.indexOf('BAD')] = 0xff;
		const copy = writeStoreText('', 'large.json');
		writeFileSync(copy, padded);
		const dir = freshCache();
		const args = ['show', latest.period, '--json', '--db', copy];
		const full = noCache(args);
		expect(full.stdout).toContain('MARK€ and \uFFFDAD');
		expect(outcome(runWith(dir, args))).toEqual(outcome(full));
		expect(outcome(runWith(dir, args))).toEqual(outcome(full));
	});

	it('keep the newest 256 reports, apart from the checks', () => {
		const dir = freshCache();
		const {entry} = addedBy(dir, () => runWith(dir, ['quarters', '--db', file]));
		const [checks] = checksIn(dir);
		const old = writeOlderEntries(dir, path.basename(entry), 260, readFileSync(entry));
		// The next report written prunes the reports, and only them.
		expect(runWith(dir, ['segments', '--db', file]).code).toBe(0);
		const left = reportsIn(dir);
		expect(left).toHaveLength(256);
		expect(left).toContain(path.basename(entry));
		for (const name of old.slice(0, 6)) expect(left).not.toContain(name);
		expect(left).toEqual(expect.arrayContaining(old.slice(6)));
		expect(checksIn(dir)).toEqual([checks]);
	});
});

describe('remembered reports, kept to a size', () => {
	it('keep the newest reports to 64 MiB in all, apart from the checks', () => {
		const dir = freshCache();
		const {entry} = addedBy(dir, () => runWith(dir, ['quarters', '--db', file]));
		const [checks] = checksIn(dir);
		// 70 older reports of 1 MiB each, the first the oldest: the bytes, not the count, are over.
		const old = writeOlderEntries(dir, path.basename(entry), 70, Buffer.alloc(1 << 20, 'x'));
		expect(runWith(dir, ['segments', '--db', file]).code).toBe(0);
		const left = reportsIn(dir);
		const bytes = left.reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
		expect(bytes).toBeLessThanOrEqual(64 << 20);
		// The two reports just written and the newest 1 MiB ones that fit beside them.
		expect(left).toContain(path.basename(entry));
		expect(left).toHaveLength(2 + 63);
		expect(left).toEqual(expect.arrayContaining(old.slice(7)));
		expect(checksIn(dir)).toEqual([checks]);
	});
});

describe('remembered reports of a small store, kept with a copy of its bytes', () => {
	/** Requests the shipped store answers, the whole store's check among them (kept with the checks). */
	const small = [['quarters'], ['segments', '-q', 'latest-1'], ['diff', 'latest-4', 'latest'], ['check', '--quarter', 'latest'], ['explore', 'centers', '-q', 'latest-2'], ['check']];
	const entriesOf = (dir: string) => [...reportsIn(dir), ...checksIn(dir)];
	const added = (dir: string, run: () => Run) => addedBy(dir, run, entriesOf);

	it('give a command run again on the same bytes the output a full read gives, hashing nothing', () => {
		const store = copyStore();
		const bytes = readFileSync(store);
		expect(bytes.length).toBeLessThan(rememberedFrom);
		const dir = freshCache();
		for (const args of small) {
			const json = [...args, '--json', '--db', store];
			const full = noCache(json);
			const {run: first, entry} = added(dir, () => runWith(dir, json));
			expect(outcome(first)).toEqual(outcome(full));
			expect(smallEntryParts(readFileSync(entry)).bytes.equals(bytes)).toBe(true);
			expect(statSync(entry).mode & 0o777).toBe(0o600);
			const written = stamp(entry);
			const again = runRecordingBuiltins(json, {env: {QUARTERDECK_CACHE_DIR: dir}});
			expect(outcome(again)).toEqual(outcome(full));
			expect(again.builtins).not.toContain('crypto');
			expect(stamp(entry)).toEqual(written);
		}
		// The checks themselves are not kept: only the whole store's findings, beside them.
		expect(checksIn(dir)).toEqual([expect.stringMatching(/-findings\.json$/)]);
		expect(reportsIn(dir)).toHaveLength(small.length - 1);
	});

	it('name an entry anew when the store\'s last byte changed at the same size', () => {
		const store = copyStore();
		const original = readFileSync(store);
		expect(original.length).toBeGreaterThan(2 * 512);
		const dir = freshCache();
		const args = ['quarters', '--json', '--db', store];
		const {run: first, entry} = added(dir, () => runWith(dir, args));
		const changed = Buffer.from(original);
		changed[changed.length - 1] = original.at(-1) === 0x0a ? 0x20 : 0x0a;
		writeFileSync(store, changed);
		const {run: again, entry: renamed} = added(dir, () => runWith(dir, args));
		expect(outcome(again)).toEqual(outcome(first));
		expect(renamed).not.toBe(entry);
		expect(reportsIn(dir)).toHaveLength(2);
	});

	it('read the store anew when it changed in place at the same size, a byte its entry\'s name is not made from included', () => {
		const store = copyStore();
		const original = readFileSync(store);
		const dir = freshCache();
		const args = ['quarters', '--json', '--db', store];
		const {entry} = added(dir, () => runWith(dir, args));
		// A letter of the company's name that the name's key leaves out (it is made from 512 bytes spread evenly over the file, first to last).
		const sampled = new Set(Array.from({length: 512}, (_, index) => Math.floor((index * (original.length - 1)) / 511)));
		const name = JSON.parse(original.toString()).company.name as string;
		const at = original.indexOf(JSON.stringify(name)) + 1;
		const letter = Array.from(name, (_char, index) => at + index).find(index => !sampled.has(index) && /[a-z]/.test(String.fromCharCode(original[index]!)))!;
		const changed = Buffer.from(original);
		changed[letter] = original[letter] === 0x78 ? 0x79 : 0x78;
		writeFileSync(store, changed);
		const renamed = JSON.parse(changed.toString()).company.name as string;
		expect(renamed).not.toBe(name);
		// The same entry's name, so its copy of the store is what tells them apart.
		const rewritten = runWith(dir, args);
		expect(outcome(rewritten)).toEqual(outcome(noCache(args)));
		expect(JSON.parse(rewritten.stdout).company.name).toBe(renamed);
		expect(reportsIn(dir)).toEqual([path.basename(entry)]);
		expect(smallEntryParts(readFileSync(entry)).bytes.equals(changed)).toBe(true);
		writeFileSync(store, original);
		expect(JSON.parse(runWith(dir, args).stdout).company.name).toBe(name);
	});

	it('print what the entry holds, without working the report out', () => {
		const store = copyStore();
		const dir = freshCache();
		const args = ['quarters', '--json', '--db', store];
		const {entry} = added(dir, () => runWith(dir, args));
		const parts = smallEntryParts(readFileSync(entry));
		const report = JSON.parse(parts.body.toString());
		report.company.name = 'As remembered';
		writeFileSync(entry, smallEntry({...parts, body: Buffer.from(JSON.stringify(report))}));
		expect(JSON.parse(runWith(dir, args).stdout).company.name).toBe('As remembered');
	});

	it('print a quarter\'s check as its entry holds it, every text of it made safe on a terminal', () => {
		const store = copyStore();
		const dir = freshCache();
		const args = ['check', '--quarter', 'latest', '--db', store];
		const {entry} = added(dir, () => runWith(dir, args));
		const parts = smallEntryParts(readFileSync(entry));
		const report = JSON.parse(parts.body.toString());
		expect(report.findings.length).toBeGreaterThan(0);
		const planted = (text: string) => `${text}\u001B]0;title\u0007\u001B[2J`;
		// A quarter's check is held to its quarter, rules and severities; its words and figures are free text.
		const withFigure = report.findings.find((finding: {figures: unknown[]}) => finding.figures.length > 0);
		Object.assign(report.findings[0], {message: planted('message-as-kept'), arithmetic: planted('arithmetic-as-kept')});
		Object.assign(withFigure.figures[0], {id: planted('figure-as-kept'), source: planted('source-as-kept'), quote: planted('quote-as-kept')});
		writeFileSync(entry, smallEntry({...parts, body: Buffer.from(JSON.stringify(report))}));
		const drawn = runRecordingBuiltins(args, {env: {QUARTERDECK_CACHE_DIR: dir}, terminal: true});
		expect(drawn.code).toBe(4);
		for (const text of ['message-as-kept', 'arithmetic-as-kept', 'figure-as-kept', 'source-as-kept', 'quote-as-kept']) expect(drawn.stdout).toContain(text);
		expect(drawn.stdout).not.toMatch(/\u0007|\u001B\]|\u001B\[2J/);
	});

	const damages: Array<[string, (parts: SmallEntry) => Buffer]> = [
		['a copy of the store with one byte changed', parts => smallEntry({...parts, bytes: Buffer.from(parts.bytes.toString().replace('Corporation', 'Corporatioz'))})],
		['a copy of the store a byte short', parts => smallEntry({...parts, bytes: parts.bytes.subarray(0, -1)})],
		['a body changed after it was written', parts => Buffer.concat([smallEntry(parts).subarray(0, -parts.body.length), Buffer.from(parts.body.toString().replace('HemaCare', 'HemaCarf'))])],
		['a body cut short', parts => smallEntry(parts).subarray(0, -1)],
		['a header that is not JSON', parts => smallEntry(parts, '{"kind":')],
		...['null', '5', '"text"'].map((header): [string, (parts: SmallEntry) => Buffer] => [`a header of ${header}`, parts => smallEntry(parts, header)]),
		['another request', parts => smallEntry({...parts, header: {...parts.header, kind: JSON.stringify({command: 'segments', quarter: null})}})],
		['a body that is not JSON', parts => smallEntry({...parts, body: Buffer.from('{"quarters":')})],
		['another command\'s report', parts => smallEntry({...parts, body: Buffer.from(JSON.stringify({...JSON.parse(parts.body.toString()), command: 'diff'}))})],
		['its command\'s report without a list it holds', parts => smallEntry({...parts, body: Buffer.from(JSON.stringify({...JSON.parse(parts.body.toString()), spans: undefined}))})],
	];
	it.each(damages)('work the report out again when its entry holds %s, and write the entry anew', (_name, damage) => {
		const store = copyStore();
		const dir = freshCache();
		const args = ['quarters', '--json', '--db', store];
		const {run: first, entry} = added(dir, () => runWith(dir, args));
		const good = readFileSync(entry);
		const damaged = damage(smallEntryParts(good));
		expect(damaged.equals(good)).toBe(false);
		writeFileSync(entry, damaged);
		expect(outcome(runWith(dir, args))).toEqual(outcome(first));
		expect(readFileSync(entry).equals(good)).toBe(true);
	});

	const quarterCheck = ['check', '--quarter', 'latest', '--json'];
	/** The findings of `report`, the first figure any of them names changed by `change`. */
	const withFirstFigure = (report: any, change: (figure: object) => object) => {
		const index = report.findings.findIndex((finding: {figures: unknown[]}) => finding.figures.length > 0);
		expect(index).toBeGreaterThanOrEqual(0);
		return report.findings.map((finding: {figures: object[]}, at: number) => (at === index ? {...finding, figures: [change(finding.figures[0]!), ...finding.figures.slice(1)]} : finding));
	};
	const findingsAt = (report: any, severity: string) => report.findings.filter((finding: {severity: string}) => finding.severity === severity).length;
	it('use a quarter\'s check kept for a quarter written out only when it is that quarter\'s', () => {
		const store = copyStore();
		const dir = freshCache();
		const {quarter: newest} = JSON.parse(runWith(dir, ['check', '--quarter', 'latest', '--json', '--db', store]).stdout) as {quarter: string};
		const [year, q] = newest.split('Q');
		const args = ['check', '--quarter', `q${q} ${year}`, '--json', '--db', store];
		const {run: first, entry} = added(dir, () => runWith(dir, args));
		expect(JSON.parse(first.stdout).quarter).toBe(newest);
		const good = readFileSync(entry);
		const parts = smallEntryParts(good);
		const report = JSON.parse(parts.body.toString());
		const other = `${Number(year) - 1}Q${q}`;
		const moved = {...report, quarter: other, findings: report.findings.map((finding: object) => ({...finding, period: other}))};
		writeFileSync(entry, smallEntry({...parts, body: Buffer.from(JSON.stringify(moved))}));
		expect(outcome(runWith(dir, args))).toEqual(outcome(first));
		expect(readFileSync(entry).equals(good)).toBe(true);
	});

	it.each([
		['quarters', ['quarters'], 0, (report: any) => ({...report, quarters: [null]})],
		['a quarter\'s check with a finding of null', quarterCheck, 4, (report: any) => ({...report, findings: [null, ...report.findings]})],
		['a quarter\'s check with an empty finding', quarterCheck, 4, (report: any) => ({...report, findings: [{}, ...report.findings]})],
		['a quarter\'s check with a severity it does not know', quarterCheck, 4, (report: any) => ({...report, findings: report.findings.map((finding: object) => ({...finding, severity: 'bogus'}))})],
		['a quarter\'s check with its findings gone', quarterCheck, 4, (report: any) => ({...report, findings: []})],
		['a quarter\'s check of a rule it does not know', quarterCheck, 4, (report: any) => ({...report, findings: report.findings.map((finding: object) => ({...finding, rule: 'no-such-rule'}))})],
		['a quarter\'s check with a finding of another quarter', quarterCheck, 4, (report: any) => ({...report, findings: report.findings.map((finding: object, index: number) => (index === 0 ? {...finding, period: '1999-Q1'} : finding))})],
		['a quarter\'s check its summary does not count', quarterCheck, 4, (report: any) => ({...report, summary: {...report.summary, error: findingsAt(report, 'error') + 1}})],
		['a quarter\'s check of another build\'s rules', quarterCheck, 4, (report: any) => ({...report, rules: report.rules.slice(1)})],
		['a quarter\'s check with every finding an info, its summary recounted', quarterCheck, 4, (report: any) => ({...report, findings: report.findings.map((finding: object) => ({...finding, severity: 'info'})), summary: {info: report.findings.length, warning: 0, error: 0}})],
		['a quarter\'s check with its findings out of order', quarterCheck, 4, (report: any) => ({...report, findings: report.findings.toReversed()})],
		['a quarter\'s check with a key more', quarterCheck, 4, (report: any) => ({...report, note: 'more'})],
		['a quarter\'s check with a count more in its summary', quarterCheck, 4, (report: any) => ({...report, summary: {...report.summary, fatal: 0}})],
		['a quarter\'s check with a finding of a key more', quarterCheck, 4, (report: any) => ({...report, findings: report.findings.map((finding: object, index: number) => (index === 0 ? {...finding, hint: 'more'} : finding))})],
		['a quarter\'s check with a figure of a key more', quarterCheck, 4, (report: any) => ({...report, findings: withFirstFigure(report, figure => ({...figure, more: 1}))})],
		['a quarter\'s check with a figure\'s quote that is not text', quarterCheck, 4, (report: any) => ({...report, findings: withFirstFigure(report, figure => ({...figure, quote: {toString: 1}}))})],
		['a quarter\'s check with a figure\'s source that is not text', quarterCheck, 4, (report: any) => ({...report, findings: withFirstFigure(report, figure => ({...figure, source: 5}))})],
		['a quarter\'s check with its last finding an info, its summary recounted', quarterCheck, 4, (report: any) => {
			const last = report.findings.at(-1);
			expect(last.severity).not.toBe('info');
			const findings = [...report.findings.slice(0, -1), {...last, severity: 'info'}];
			return {...report, findings, summary: Object.fromEntries(['info', 'warning', 'error'].map(severity => [severity, findings.filter(finding => finding.severity === severity).length]))};
		}],
		['a quarter\'s check of no findings and a quarter no store can hold', quarterCheck, 4, (report: any) => ({...report, quarter: 'latest', findings: [], summary: {info: 0, warning: 0, error: 0}})],
		['the whole store\'s check with a finding of a period no store can hold', ['check', '--json'], 4, (report: any) => ({...report, findings: [...report.findings.slice(0, -1), {...report.findings.at(-1), period: 'later'}]})],
		['a quarter\'s check of a quarter no store can hold', quarterCheck, 4, (report: any) => ({...report, quarter: 'latest', findings: report.findings.map((finding: object) => ({...finding, period: 'latest'}))})],
		['the whole store\'s check', ['check', '--json'], 4, (report: any) => ({...report, findings: []})],
		['the whole store\'s check with every finding an info, its summary recounted', ['check', '--json'], 4, (report: any) => ({...report, findings: report.findings.map((finding: object) => ({...finding, severity: 'info'})), summary: {info: report.findings.length, warning: 0, error: 0}})],
		['the whole store\'s check with its findings out of order', ['check', '--json'], 4, (report: any) => ({...report, findings: report.findings.toReversed()})],
		['the whole store\'s check with a figure\'s quote that is not text', ['check', '--json'], 4, (report: any) => ({...report, findings: withFirstFigure(report, figure => ({...figure, quote: {toString: 1}}))})],
	])('work %s out again when what its entry holds cannot be drawn or give an exit code, and write the entry anew', (_name, request, code, damage) => {
		const store = copyStore();
		const dir = freshCache();
		const args = [...request, '--db', store];
		const {run: first, entry} = added(dir, () => runWith(dir, args));
		expect(first.code).toBe(code);
		const good = readFileSync(entry);
		const parts = smallEntryParts(good);
		writeFileSync(entry, smallEntry({...parts, body: Buffer.from(JSON.stringify(damage(JSON.parse(parts.body.toString()))))}));
		expect(outcome(runWith(dir, args))).toEqual(outcome(first));
		expect(readFileSync(entry).equals(good)).toBe(true);
	});
});

describe('remembered reports, in runCli', () => {
	/** Runs a command in this process with a cache, as the built command line does; its output. */
	const run = (args: string[], dir: string, db = file) => runInProcess([...args, '--db', db], {dir, cwd: path.dirname(file)});

	it.each([['a large store', () => file], ['a small store', () => bundledStore]])('answer a request asked again of %s without decoding or parsing it, whole-store check included', async (_name, db) => {
		const dir = freshCache();
		const storeText = readFileSync(db(), 'utf8');
		const parsedStore = (parse: {mock: {calls: unknown[][]}}) => parse.mock.calls.some(([parsed]) => parsed === storeText);
		for (const args of [['quarters', '--json'], ['diff', 'latest-4', 'latest'], ['check', '--json'], ['explore', 'centers', '--csv']]) {
			const parse = vi.spyOn(JSON, 'parse');
			const decode = vi.spyOn(StringDecoder.prototype, 'write');
			try {
				const first = await run(args, dir, db());
				expect(parsedStore(parse)).toBe(true);
				expect(decode).toHaveBeenCalled();
				parse.mockClear();
				decode.mockClear();
				expect(await run(args, dir, db())).toEqual(first);
				expect(parsedStore(parse)).toBe(false);
				expect(decode).not.toHaveBeenCalled();
			} finally {
				parse.mockRestore();
				decode.mockRestore();
			}
		}
	});

	it('keep no report its command could not answer from', async () => {
		const dir = freshCache();
		const io = {
			stdout: {write: () => {}},
			stderr: {write: () => {}},
			stdoutIsTTY: false,
			get columns(): number {
				throw new Error('no width');
			},
			env: {},
			cwd: path.dirname(file),
			checkCache: {dir, build: 'test'},
		};
		for (const args of [['quarters'], ['check']]) {
			const {exitCode} = (await runCommand([...args, '--db', bundledStore], io)) as {exitCode: number};
			expect(exitCode).not.toBe(0);
			expect(exitCode).not.toBe(4);
		}
		expect(entriesIn(dir)).toEqual([]);
		expect((await run(['quarters'], dir, bundledStore)).exitCode).toBe(0);
		expect((await run(['check'], dir, bundledStore)).exitCode).toBe(4);
		expect(entriesIn(dir)).toHaveLength(2);
	});

	it('print the quarters asked for, in the explorer\'s diff printed', async () => {
		const {quarters} = JSON.parse((await run(['quarters', '--json'], freshCache())).stdout) as {quarters: Array<{quarter: string}>};
		const names = quarters.map(row => row.quarter);
		const printed = JSON.parse((await run(['explore', 'diff', 'latest-6', 'latest-2', '--json'], freshCache())).stdout) as {a: string; b: string};
		expect([printed.a, printed.b]).toEqual([names.at(-7), names.at(-3)]);
		const fallback = JSON.parse((await run(['explore', 'diff', '-q', 'latest-1', '--json'], freshCache())).stdout) as {a: string; b: string};
		expect([fallback.a, fallback.b]).toEqual([names.at(-6), names.at(-2)]);
	});
});

describe('the digest a store is remembered by', () => {
	it('is the SHA-256 of the file\'s bytes, every piece of them, however the store is read', async () => {
		const copy = writeStoreText(text, 'large.json');
		const cache = {dir: freshCache(), build: 'test'};
		// The explorer's read, and a command's read that first looks for a report.
		expect(storeTextOf(await loadStore(copy, {cache}))?.digest).toBe(digest(copy));
		const asked: string[] = [];
		const loaded = await loadStoreOrRecall(copy, {cache, recall: ({digest: found}) => void asked.push(found!)});
		expect(asked).toEqual([digest(copy)]);
		expect(storeTextOf(loaded.store!)?.digest).toBe(digest(copy));
		// The built command line's entries are named by it; a byte added at the end makes new ones.
		const dir = freshCache();
		for (const change of ['', ' ']) {
			writeFileSync(copy, `${text}${change}`);
			expect(runWith(dir, ['quarters', '--json', '--db', copy]).code).toBe(0);
			expect(checksIn(dir).filter(name => name.includes(digest(copy)))).toHaveLength(1);
			expect(reportsIn(dir).filter(name => name.includes(digest(copy)))).toHaveLength(1);
		}
	});

	/** Runs the built command line reading `store` from a shell's pipe (a child's stdin that Node makes is a socket, which /dev/stdin cannot open). */
	const throughPipe = (store: string, dir: string) => {
		const command = `cat ${shellQuote(store)} | ${[process.execPath, cli, 'quarters', '--json', '--db', '/dev/stdin'].map(word => shellQuote(word)).join(' ')}`;
		const env = {...process.env, QUARTERDECK_CACHE_DIR: dir, QUARTERDECK_NO_CACHE: '', QUARTERDECK_DB: '', NO_COLOR: '', FORCE_COLOR: ''};
		const piped = spawnSync('sh', ['-c', command], {encoding: 'utf8', env});
		return [piped.status, piped.stderr, piped.stdout];
	};

	it('is taken of a store read from a pipe, whose size is known only once it is read, and finds its report', () => {
		const dir = freshCache();
		const full = outcome(noCache(['quarters', '--json', '--db', file]));
		expect(throughPipe(file, dir)).toEqual(full);
		expect(checksIn(dir)).toEqual([expect.stringContaining(digest(file))]);
		const [report] = reportsIn(dir);
		expect(report).toContain(digest(file));
		const written = stamp(path.join(dir, report!));
		expect(throughPipe(file, dir)).toEqual(full);
		expect(stamp(path.join(dir, report!))).toEqual(written);
		// A pipe's stat stands for nothing.
		expect(entriesIn(dir).filter(name => name.startsWith('seen-'))).toEqual([]);
	});

	it('is not taken of a small store read from a pipe, whose cache is then not even looked at', () => {
		const dir = freshCache();
		expect(throughPipe(bundledStore, dir)).toEqual(outcome(noCache(['quarters', '--json', '--db', bundledStore])));
		expect(existsSync(dir)).toBe(false);
	});
});

describe('a store file known by its stat', () => {
	/** The stat of `file` as the reader takes it. */
	const statOf = (file: string) => statSync(file, {bigint: true});
	/** A time at which `file`, written just now, has stood unchanged long enough for its stat to be noted. */
	const settled = () => Date.now() + settledAfterMs + 1000;
	/** A cache whose directory is there, as a command's read makes it before it hashes a store. */
	const madeCache = () => {
		const dir = freshCache();
		mkdirSync(dir, {mode: 0o700});
		return {dir, build: 'test'};
	};
	const seenIn = (dir: string) => entriesIn(dir).filter(name => name.startsWith('seen-'));
	/** What a command's read of `store` finds: the text `recall` was given, or the store read. */
	const readFor = async (store: string, cache: {dir: string; build: string}, wanted: string) => {
		const asked: string[] = [];
		const loaded = await loadStoreOrRecall(store, {cache, recall: ({digest: found}) => (asked.push(found!), found === wanted ? 'recalled' : undefined)});
		return {recalled: loaded.recalled, read: loaded.store !== undefined, asked};
	};

	it('stands for the digest of a file that stood unchanged, which is then not read; a write of the same size reads it anew', async () => {
		const cache = madeCache();
		const store = writeStoreText(text, 'large.json');
		const other = writeStoreText(`${text} `, 'other.json');
		// Noted with the other text's digest, the file is known by that digest without a byte of it read.
		noteSeen(cache, statOf(store), settled(), digest(other));
		expect(digestSeen(cache, statOf(store))).toBe(digest(other));
		expect(await readFor(store, cache, digest(other))).toEqual({recalled: 'recalled', read: false, asked: [digest(other)]});
		// So it is for the explorer's opening, which otherwise reads the file to hash it.
		expect(recallByDigest(store, cache, ({digest: found}) => (found === digest(other) ? 'opening' : undefined))).toBe('opening');
		// Nothing kept for the digest seen: the file is read and hashed, and its own digest looked up once.
		expect(await readFor(store, cache, 'none')).toEqual({recalled: undefined, read: true, asked: [digest(other), digest(store)]});
		// One byte changed in place, at the same size: the stat is another, and the file is read.
		expect(text.endsWith('\n')).toBe(true);
		writeFileSync(store, `${text.slice(0, -1)} `);
		expect(statSync(store).size).toBe(Buffer.byteLength(text));
		expect(digestSeen(cache, statOf(store))).toBeUndefined();
		expect(await readFor(store, cache, digest(other))).toEqual({recalled: undefined, read: true, asked: [digest(store)]});
		// Its own digest seen, and nothing kept for it: looked up once, not again once read.
		noteSeen(cache, statOf(store), settled(), digest(store));
		expect(await readFor(store, cache, 'none')).toEqual({recalled: undefined, read: true, asked: [digest(store)]});
	});

	it('is noted only for a file that stood unchanged, by its device and inode, under the seal of its whole stat', async () => {
		const cache = madeCache();
		const {dir} = cache;
		const store = writeStoreText(text, 'large.json');
		// Just written: a write as it is read could leave the same stat, so nothing is noted.
		noteSeen(cache, statOf(store), Date.now(), digest(store));
		expect(seenIn(dir)).toEqual([]);
		// Its mtime set back, its ctime is still now.
		utimesSync(store, 1_000_000, 1_000_000);
		noteSeen(cache, statOf(store), Date.now(), digest(store));
		expect(seenIn(dir)).toEqual([]);
		// An mtime that has not stood long enough, whatever the ctime.
		noteSeen(cache, {...statOf(store), mtimeNs: BigInt(settled()) * 1_000_000n} as BigIntStats, settled(), digest(store));
		expect(seenIn(dir)).toEqual([]);
		noteSeen(cache, statOf(store), settled(), digest(store));
		const [name] = seenIn(dir);
		const {dev, ino} = statOf(store);
		expect(name).toBe(`seen-test-${dev}-${ino}.json`);
		// The same bytes in another file, at another inode, are not known by the first one's stat.
		const copy = path.join(path.dirname(store), 'copy.json');
		copyFileSync(store, copy);
		expect(digestSeen(cache, statOf(copy))).toBeUndefined();
		// An entry whose body or seal does not fit is not used.
		const entry = path.join(dir, name!);
		const good = readFileSync(entry, 'utf8');
		const line = ({dev, ino, size, mtimeNs, ctimeNs}: BigIntStats) => `seen ${dev} ${ino} ${size} ${mtimeNs} ${ctimeNs}`;
		const seal = (stat: string, body: string) => `${createHash('sha256').update(`${stat}\n${body}`).digest('hex')}\n${body}`;
		// Sealed as quarterdeck seals it, which shows the seal is what the damaged ones trip on.
		expect(seal(line(statOf(store)), digest(store))).toBe(good);
		const otherTime = line({...statOf(store), ctimeNs: statOf(store).ctimeNs + 1n} as BigIntStats);
		for (const damaged of [good.replace(/[\da-f]$/u, c => (c === '0' ? '1' : '0')), seal(line(statOf(store)), 'not a digest'), seal(otherTime, digest(store))]) {
			writeFileSync(entry, damaged);
			expect(digestSeen(cache, statOf(store))).toBeUndefined();
		}
		// Nor is one read through a cache of another build.
		writeFileSync(entry, good);
		expect(digestSeen({dir, build: 'other'}, statOf(store))).toBeUndefined();
		expect(digestSeen(cache, statOf(store))).toBe(digest(store));
	});

	it('lets the built command line answer from what was kept without reading the file, and read it anew once written', async () => {
		const dir = freshCache();
		const store = writeStoreText(text, 'large.json');
		// Read just after it was written: its digest is not noted.
		const first = outcome(runWith(dir, ['quarters', '--json', '--db', store]));
		expect(seenIn(dir)).toEqual([]);
		const full = outcome(noCache(['quarters', '--json', '--db', store]));
		expect(first).toEqual(full);
		/** The text with the company's name written over in `letter`, at the same size. */
		const renamed = (letter: string) => text.replace(/("name": ?")([^"]*)"/u, (_, key: string, name: string) => `${key}${name.replace(/[A-Za-z]/gu, letter)}"`);
		const other = writeStoreText(renamed('Q'), 'other.json');
		const otherReport = outcome(runWith(dir, ['quarters', '--json', '--db', other]));
		expect(otherReport[0]).toBe(0);
		expect(otherReport).not.toEqual(full);
		await new Promise(resolve => setTimeout(resolve, settledAfterMs + 200));
		// Read once it has stood unchanged: noted with its own digest.
		expect(outcome(runWith(dir, ['quarters', '--json', '--db', store]))).toEqual(full);
		expect(seenIn(dir)).toHaveLength(1);
		const cache = {dir, build: /^checked-([^-]+)-/u.exec(checksIn(dir)[0]!)![1]!};
		expect(digestSeen(cache, statOf(store))).toBe(digest(store));
		// Read and hashed again for a report not kept, to the digest noted: not noted again.
		const [noted] = seenIn(dir);
		const written = stamp(path.join(dir, noted!));
		expect(runWith(dir, ['segments', '--json', '--db', store]).code).toBe(0);
		expect(stamp(path.join(dir, noted!))).toEqual(written);
		// Noted with the other text's digest, the file is answered for as that text, unread.
		noteSeen(cache, statOf(store), settled(), digest(other));
		expect(outcome(runWith(dir, ['quarters', '--json', '--db', store]))).toEqual(otherReport);
		// Written anew at the same size: the new text's report.
		writeFileSync(store, renamed('Z'));
		expect(statSync(store).size).toBe(Buffer.byteLength(text));
		const fresh = outcome(noCache(['quarters', '--json', '--db', store]));
		expect(fresh[0]).toBe(0);
		expect(fresh).not.toEqual(full);
		expect(fresh).not.toEqual(otherReport);
		expect(outcome(runWith(dir, ['quarters', '--json', '--db', store]))).toEqual(fresh);
	}, 20_000);

	it('is trusted only on a file system whose ctime every write sets, and not for a pipe', () => {
		const descriptor = openSync(writeStoreText('{}', 'small.json'), 'r');
		const proc = openSync('/proc/self/status', 'r');
		try {
			// The tests' own directory is on one of those (ext4, tmpfs or overlayfs here); /proc is not.
			expect(keepsTrueCtime(descriptor)).toBe(process.platform === 'linux');
			expect(keepsTrueCtime(proc)).toBe(false);
		} finally {
			closeSync(descriptor);
			closeSync(proc);
		}
		// More than the 2 s a file system's timestamps may be rounded to.
		expect(settledAfterMs).toBeGreaterThan(2000);
	});

	it('is kept for the 64 files noted last', () => {
		const cache = madeCache();
		const files = Array.from({length: 65}, (_, index) => writeStoreText(`${index}`, `f${index}.json`));
		for (const [index, file] of files.entries()) {
			noteSeen(cache, statOf(file), settled(), digest(file));
			// Noted in order, a millisecond apart at least, as the directory is pruned by the time of writing.
			const entry = path.join(cache.dir, seenIn(cache.dir).find(name => name.endsWith(`-${statOf(file).ino}.json`))!);
			utimesSync(entry, 1_000_000 + index, 1_000_000 + index);
		}
		expect(seenIn(cache.dir)).toHaveLength(64);
		expect(digestSeen(cache, statOf(files[0]!))).toBeUndefined();
		expect(digestSeen(cache, statOf(files[64]!))).toBe(digest(files[64]!));
	});
});

describe('readPieces', () => {
	it('hands on pieces of 512 KiB, each filled by as many reads as a pipe needs, kept apart when asked', async () => {
		const fifo = path.join(tempDirectory(), 'fifo');
		expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
		// 300 writes of 4 KiB: a pipe gives back far less than 512 KiB a read.
		const writer = spawn('sh', ['-c', `i=0; while [ $i -lt 300 ]; do head -c 4096 /dev/zero | tr '\\0' x; i=$((i+1)); done > ${shellQuote(fifo)}`]);
		const descriptor = openSync(fifo, 'r');
		const pieces: Buffer[] = [];
		try {
			expect(readPieces(descriptor, 0, 1 << 30, piece => pieces.push(piece), true)).toBe(300 * 4096);
		} finally {
			closeSync(descriptor);
			await new Promise(resolve => writer.on('exit', resolve));
		}
		expect(pieces.map(piece => piece.length)).toEqual([512 * 1024, 512 * 1024, 300 * 4096 - 1024 * 1024]);
		expect(new Set(pieces.map(piece => piece.buffer)).size).toBe(3);
		expect(Buffer.concat(pieces).toString()).toBe('x'.repeat(300 * 4096));
	});
});

describe('rememberReport', () => {
	it('keeps nothing JSON would not give back as it is, nor for a store read without a cache', async () => {
		const dir = freshCache();
		const dataset = createDataset(await loadStore(file, {cache: {dir, build: 'test'}}));
		const report = listQuarters(dataset);
		const [first, ...rest] = report.quarters;
		for (const changed of [{...first!, figures: -0}, {...first!, figures: Number.NaN}, {...first!, figures: Number.NEGATIVE_INFINITY}, {...first!, sources: [undefined as unknown as string]}]) {
			rememberReport(dataset.store, {command: 'quarters'}, {...report, quarters: [changed, ...rest]});
			expect(reportsIn(dir)).toEqual([]);
		}
		rememberReport(createDataset(await loadStore(file)).store, {command: 'quarters'}, report);
		expect(reportsIn(dir)).toEqual([]);
		rememberReport(dataset.store, {command: 'quarters'}, report);
		expect(reportsIn(dir)).toHaveLength(1);
	});
});

describe('exactJson', () => {
	it('gives JSON only for a value that reads back the same', () => {
		expect(exactJson({a: [1, 'two', null, {b: false}], c: 0.1})).toBe('{"a":[1,"two",null,{"b":false}],"c":0.1}');
		// A field left undefined is left out, as every output leaves it.
		expect(exactJson({a: undefined, b: 1})).toBe('{"b":1}');
		for (const value of [-0, Number.NaN, Number.POSITIVE_INFINITY, [1, undefined], [1, , 3], {a: {b: [-0]}}]) expect(exactJson(value)).toBeUndefined();
		// Nor what JSON cannot write or walk, nor what a toJSON turns into one of those.
		const cycle: Record<string, unknown> = {};
		cycle.self = cycle;
		for (const value of [cycle, {a: 1n}, {toJSON: () => -0}, {a: {toJSON: () => [Number.NaN]}}]) expect(exactJson(value)).toBeUndefined();
		expect(exactJson({a: {toJSON: () => [1, 'two']}})).toBe('{"a":[1,"two"]}');
	});
});
