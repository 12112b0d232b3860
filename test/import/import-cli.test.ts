import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {CommandIo} from '../../source/commands.js';
import {runImport, type ImportOptions} from '../../source/data/import.js';
import {loadStore} from '../../source/data/store.js';
import {bundledStore, copyStore, digest, readJson, root, runCli} from '../helpers.js';

const fixture = (name: string) => path.join(root, 'test', 'fixtures', name);

/** Writes an import file beside the store, so a test's files stay together. */
function importFile(store: string, name: string, text: string): string {
	const file = path.join(path.dirname(store), name);
	writeFileSync(file, text);
	return file;
}

const backupsOf = (store: string) =>
	readdirSync(path.dirname(store)).filter(name => name.startsWith(`${path.basename(store)}.`) && name.endsWith('.bak'));

function show(store: string, period: string) {
	const run = runCli(['show', period, '--json', '--db', store]);
	expect(run.stderr).toBe('');
	expect(run.code).toBe(0);
	return JSON.parse(run.stdout);
}

describe('quarterdeck import: adding a quarter', () => {
	it('JSON: a 2004Q3 quarter with its new source, a derived figure and a site event', () => {
		const store = copyStore();
		const run = runCli(['import', fixture('import-2004q3.json'), '--db', store, '--json']);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const report = JSON.parse(run.stdout);
		expect(report).toMatchObject({format: 1, command: 'import', store, dryRun: false, written: true, replaced: [], unchanged: 0});
		expect(report.added.map((line: any) => `${line.type}:${line.id}`)).toEqual([
			'source:2004q3-call',
			'figure:2004q3-revenue-q3call',
			'figure:2004q3-revenue-blood-services-q3call',
			'figure:2004q3-revenue-blood-products',
			'event:sherman-oaks@2004Q3',
		]);
		// The derived figure is worked out at once.
		expect(report.added.find((line: any) => line.id === '2004q3-revenue-blood-products').value).toBe(4_095_000);

		const quarter = show(store, '2004Q3');
		expect(quarter.figures.find((figure: any) => figure.id === '2004q3-revenue-q3call')).toMatchObject({
			period: '2004Q3', metric: 'revenue', value: 7_105_000, source: '2004q3-call', quote: 'Revenue for the third quarter was $7,105,000.',
		});
		expect(quarter.figures.find((figure: any) => figure.id === '2004q3-revenue-blood-products')).toMatchObject({kind: 'derived', value: 4_095_000});
		expect(quarter.events.map((event: any) => event.site)).toEqual(['sherman-oaks']);
		const quarters = JSON.parse(runCli(['quarters', '--json', '--db', store]).stdout);
		expect(quarters.quarters.at(-1)).toMatchObject({quarter: '2004Q3', revenue: {value: 7_105_000}});
	});

	it('CSV: rows without ids, after the new source arrives in JSON', () => {
		const store = copyStore();
		expect(runCli(['import', fixture('import-2004q3-source.json'), '--db', store]).code).toBe(0);
		const run = runCli(['import', fixture('import-2004q3.csv'), '--db', store]);
		expect(run.code).toBe(0);
		// Piped: the changes as tab-separated rows, the summary on stderr.
		const lines = run.stdout.trim().split('\n').map(line => line.split('\t'));
		expect(lines[0]).toEqual(['change', 'type', 'id', 'period', 'what', 'value', 'before', 'source']);
		expect(lines.slice(1)).toEqual([
			['added', 'figure', '2004q3-revenue-2004q3-call', '2004Q3', 'revenue', '7105000', '', '2004q3-call'],
			['added', 'figure', '2004q3-net-income-2004q3-call', '2004Q3', 'net-income', '212000', '', '2004q3-call'],
		]);
		expect(run.stderr).toMatch(/import-2004q3\.csv into .*: 2 added, 0 replaced, 0 unchanged/);
		const quarter = show(store, '2004Q3');
		expect(quarter.figures.map((figure: any) => [figure.id, figure.value, figure.source, figure.qualifier])).toEqual([
			['2004q3-revenue-2004q3-call', 7_105_000, '2004q3-call', null],
			['2004q3-net-income-2004q3-call', 212_000, '2004q3-call', 'approximately'],
		]);
	});

	it('importing the same file again changes nothing and writes nothing', () => {
		const store = copyStore();
		expect(runCli(['import', fixture('import-2004q3.json'), '--db', store]).code).toBe(0);
		const before = digest(store);
		const backups = backupsOf(store).length;
		const run = runCli(['import', fixture('import-2004q3.json'), '--db', store, '--json']);
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({written: false, added: [], replaced: [], unchanged: 5, backup: null});
		expect(digest(store)).toBe(before);
		expect(backupsOf(store)).toHaveLength(backups);
	});
});

describe('quarterdeck import: conflicts', () => {
	it('refuses a changed value with both values and sources named, then takes it with --replace', () => {
		const store = copyStore();
		const before = digest(store);
		const refused = runCli(['import', fixture('import-conflict.csv'), '--db', store]);
		expect(refused.code).toBe(5);
		expect(refused.stdout).toBe('');
		expect(refused.stderr).toContain(
			"import-conflict.csv: row 2: figure 2004q2-revenue-q2call: the store has 6,921,000 (2004q2-call), the import has 6,925,000 (2004q2-call); use --replace to take the import's",
		);
		expect(refused.stderr).toContain('1 conflict(s)');
		expect(digest(store)).toBe(before);
		expect(backupsOf(store)).toEqual([]);

		const replaced = runCli(['import', fixture('import-conflict.csv'), '--db', store, '--replace', '--json']);
		expect(replaced.stderr).toBe('');
		expect(replaced.code).toBe(0);
		const report = JSON.parse(replaced.stdout);
		expect(report.replaced).toHaveLength(1);
		expect(report.replaced[0]).toMatchObject({type: 'figure', id: '2004q2-revenue-q2call', before: {value: 6_921_000}, after: {value: 6_925_000}});
		const revenue = show(store, '2004Q2').figures.find((figure: any) => figure.id === '2004q2-revenue-q2call');
		expect(revenue.value).toBe(6_925_000);
	});

	it('keeps a figure from another source that disagrees: both are in the store', () => {
		const store = copyStore();
		const file = importFile(
			store,
			'other-source.csv',
			'id,period,metric,value,unit,source,quote\r\n2004q2-revenue-q1rel-guess,2004Q2,revenue,6925000,USD,2004q1-release,"revenue of about $6.9 million"\r\n',
		);
		const run = runCli(['import', file, '--db', store]);
		expect(run.stderr).not.toContain('conflict');
		expect(run.code).toBe(0);
		const ids = show(store, '2004Q2').figures.map((figure: any) => figure.id);
		expect(ids).toContain('2004q2-revenue-q2call');
		expect(ids).toContain('2004q2-revenue-q1rel-guess');
	});

	it('refuses a source with the same id and other content', () => {
		const store = copyStore();
		const before = digest(store);
		const file = importFile(store, 'source.json', JSON.stringify({sources: [{id: '2004q2-call', title: 'Something else', date: '2004-08', kind: 'conference-call'}]}));
		const run = runCli(['import', file, '--db', store]);
		expect(run.code).toBe(5);
		expect(run.stderr).toMatch(/source\.json: sources\[0\]: source 2004q2-call: the store has "HemaCare second-quarter 2004 results conference call script" \(2004-08, conference-call\), the import has "Something else" .*differing in title, file/);
		expect(digest(store)).toBe(before);
	});
});

const csvHeader = 'period,metric,segment,value,unit,source,quote';
const goodRow = '2004Q3,revenue,,7105000,USD,2004q2-call,"revenue of $7,105,000"';

describe('quarterdeck import: malformed input names the row and field, exits 3, and leaves the store alone', () => {
	it.each([
		['a value that is not a number', 'bad.csv', [csvHeader, goodRow, '2004Q3,gross-profit,,12x,USD,2004q2-call,words'], 'bad.csv: row 3, value: expected a number, got "12x"'],
		['an unknown unit', 'bad.csv', [csvHeader, '2004Q3,revenue,,1,EUR,2004q2-call,words'], 'bad.csv: row 2, unit: expected one of USD, USD/share, shares, days, count, percent, got "EUR"'],
		['a period that is not a quarter', 'bad.csv', [csvHeader, goodRow, goodRow.replace('2004Q3', '2004Q7')], 'bad.csv: row 3, period: expected a period such as 2004Q2 or 2004Q1-Q2, got "2004Q7"'],
		['a stated figure without a quote', 'bad.csv', [csvHeader, '2004Q3,revenue,,1,USD,2004q2-call,'], "bad.csv: row 2, quote: a stated figure needs the filing's words"],
		['an unterminated quote', 'bad.csv', [csvHeader, goodRow, '2004Q3,revenue,,1,USD,2004q2-call,"never closed'], 'bad.csv: row 3: malformed CSV: a quoted field opened at line 3, column 35 is never closed'],
		['an unknown metric', 'bad.csv', [csvHeader, '2004Q3,revenu,,1,USD,2004q2-call,words'], 'bad.csv: row 2, metric: unknown metric "revenu"'],
		['an unknown segment', 'bad.csv', [csvHeader, '2004Q3,revenue,plasma,1,USD,2004q2-call,words'], 'bad.csv: row 2, segment: unknown segment "plasma"'],
		['an unknown source', 'bad.csv', [csvHeader, '2004Q3,revenue,,1,USD,2004q3-call,words'], 'bad.csv: row 2, source: unknown source "2004q3-call"'],
		['a unit the metric is not in', 'bad.csv', [csvHeader, '2004Q3,revenue,,1,days,2004q2-call,words'], 'bad.csv: row 2, unit: expected "USD" for a value of revenue, got "days"'],
		['a missing required column', 'bad.csv', ['period,metric,value', '2004Q3,revenue,1'], 'bad.csv: row 1: missing column "unit"'],
		['a JSON value that is not a number', 'bad.json', [JSON.stringify({figures: [{id: 'x', period: '2004Q3', metric: 'revenue', value: '12x', unit: 'USD', kind: 'stated', source: '2004q2-call', quote: 'q'}]})], 'bad.json: figures[0].value: expected a number, got "12x"'],
		['a JSON event for an unknown site', 'bad.json', [JSON.stringify({events: [{site: 'atlantis', period: '2004Q3', status: 'operating', source: '2004q2-call', quote: 'q'}]})], 'bad.json: events[0].site: unknown site "atlantis"'],
		['a JSON figure for a source the file does not add', 'bad.json', [JSON.stringify({figures: [{id: 'x', period: '2004Q3', metric: 'revenue', value: 1, unit: 'USD', kind: 'stated', source: 'nowhere', quote: 'q'}]})], 'bad.json: figures[0].source: unknown source "nowhere"'],
		['text that is not JSON', 'bad.json', ['{"figures": [\n  {"id": "x",}\n]}'], 'bad.json: not valid JSON: unexpected "}" at line 2, column 14'],
	])('%s', (_name, fileName, lines, message) => {
		const store = copyStore();
		const before = digest(store);
		const file = importFile(store, fileName, lines.join('\r\n'));
		const run = runCli(['import', file, '--db', store]);
		expect(run.stdout).toBe('');
		expect(run.stderr).toContain(message);
		expect(run.stderr.trim().split('\n')).toHaveLength(1);
		expect(run.code).toBe(3);
		expect(digest(store)).toBe(before);
		expect(backupsOf(store)).toEqual([]);
	});

	it('a missing import file is a data error too', () => {
		const store = copyStore();
		const run = runCli(['import', path.join(path.dirname(store), 'nope.csv'), '--db', store]);
		expect(run.code).toBe(3);
		expect(run.stderr).toMatch(/nope\.csv: no such file/);
	});
});

describe('quarterdeck import: --dry-run, backups', () => {
	it('--dry-run shows the change and writes nothing', () => {
		const store = copyStore();
		const before = digest(store);
		const run = runCli(['import', fixture('import-2004q3.json'), '--db', store, '--dry-run', '--json']);
		expect(run.code).toBe(0);
		const report = JSON.parse(run.stdout);
		expect(report).toMatchObject({dryRun: true, written: false, backup: null});
		expect(report.added).toHaveLength(5);
		expect(digest(store)).toBe(before);
		expect(backupsOf(store)).toEqual([]);
		expect(existsSync(`${store}.lock`)).toBe(false);
	});

	it('--dry-run with a conflict exits 5, and still writes nothing', () => {
		const store = copyStore();
		const before = digest(store);
		const run = runCli(['import', fixture('import-conflict.csv'), '--db', store, '--dry-run']);
		expect(run.code).toBe(5);
		expect(digest(store)).toBe(before);
	});

	it('keeps the previous store as a timestamped backup equal to it', () => {
		const store = copyStore();
		const previous = readFileSync(store);
		const run = runCli(['import', fixture('import-2004q3.json'), '--db', store, '--json']);
		expect(run.code).toBe(0);
		const backups = backupsOf(store);
		expect(backups).toHaveLength(1);
		expect(backups[0]).toMatch(/^hemacare\.json\.\d{8}T\d{9}Z\.bak$/);
		const backup = path.join(path.dirname(store), backups[0]!);
		expect(JSON.parse(run.stdout).backup).toBe(backup);
		expect(readFileSync(backup).equals(previous)).toBe(true);
		expect(readFileSync(store).equals(previous)).toBe(false);
		expect(existsSync(`${store}.lock`)).toBe(false);

		// A second import keeps the first result as its own backup.
		const middle = readFileSync(store);
		expect(runCli(['import', fixture('import-conflict.csv'), '--db', store, '--replace']).code).toBe(0);
		const second = backupsOf(store).filter(name => name !== backups[0]);
		expect(second).toHaveLength(1);
		expect(readFileSync(path.join(path.dirname(store), second[0]!)).equals(middle)).toBe(true);
	});

	it('--no-backup makes none', () => {
		const store = copyStore();
		const run = runCli(['import', fixture('import-2004q3.json'), '--db', store, '--no-backup', '--json']);
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({written: true, backup: null});
		expect(backupsOf(store)).toEqual([]);
	});

	it('never touches the bundled store when given --db', () => {
		const before = digest(bundledStore);
		runCli(['import', fixture('import-2004q3.json'), '--db', copyStore()]);
		expect(digest(bundledStore)).toBe(before);
	});
});

describe('quarterdeck import on a terminal', () => {
	function terminal(answer: boolean) {
		let stdout = '';
		let stderr = '';
		const questions: string[] = [];
		const io: CommandIo = {
			stdout: {write: (chunk: string) => (stdout += chunk)},
			stderr: {write: (chunk: string) => (stderr += chunk)},
			stdoutIsTTY: true,
			columns: 100,
			env: {NO_COLOR: '1'},
			cwd: root,
			confirm: async question => {
				questions.push(question);
				return answer;
			},
		};
		return {io, questions, output: () => ({stdout, stderr})};
	}
	const options = (db: string, extra: Partial<ImportOptions> = {}): ImportOptions => ({
		file: fixture('import-2004q3.json'),
		db,
		dryRun: false,
		yes: false,
		replace: false,
		backup: true,
		mode: 'table',
		...extra,
	});

	it('shows the change and asks; no is exit 5 with nothing written', async () => {
		const store = copyStore();
		const before = digest(store);
		const {io, questions, output} = terminal(false);
		expect(await runImport(options(store), io)).toBe(5);
		expect(questions).toEqual([`Write 5 change(s) to ${store}? [y/N]`]);
		expect(output().stdout).toContain('2004q3-revenue-q3call');
		expect(output().stdout).toContain('$7,105,000');
		expect(output().stderr).toContain('declined; nothing written');
		expect(digest(store)).toBe(before);
		expect(backupsOf(store)).toEqual([]);
	});

	it('yes writes', async () => {
		const store = copyStore();
		const {io, output} = terminal(true);
		expect(await runImport(options(store), io)).toBe(0);
		expect(output().stdout).toMatch(/wrote 5 change\(s\) to .*hemacare\.json; the previous store is kept as/);
		expect((await loadStore(store)).figures.some(figure => figure.id === '2004q3-revenue-q3call')).toBe(true);
	});

	it('--yes does not ask', async () => {
		const store = copyStore();
		const {io, questions} = terminal(false);
		expect(await runImport(options(store, {yes: true}), io)).toBe(0);
		expect(questions).toEqual([]);
		expect(readJson(store).figures.some((figure: any) => figure.id === '2004q3-revenue-q3call')).toBe(true);
	});

	it('nothing to change: says so without asking', async () => {
		const store = copyStore();
		const {io, questions, output} = terminal(true);
		expect(await runImport(options(store, {file: fixture('import-conflict.csv'), replace: true, yes: true}), io)).toBe(0);
		const before = digest(store);
		const again = terminal(true);
		expect(await runImport(options(store, {file: fixture('import-conflict.csv')}), again.io)).toBe(0);
		expect(again.questions).toEqual([]);
		expect(again.output().stdout).toMatch(/nothing to change \(1 unchanged\)/);
		expect(digest(store)).toBe(before);
		expect(questions).toEqual([]);
		expect(output().stdout).toContain('1 replaced');
	});
});
