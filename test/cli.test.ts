import {spawnSync} from 'node:child_process';
import {closeSync, existsSync, openSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {generateStore} from '../source/bench/generate-store.js';
import {shellQuote} from '../source/bench/pty.js';
import {bundledStore, cli, copyStore, digest, otherStore, readJson, root, runCli, runRecordingBuiltins, tempDirectory, writeStoreText} from './helpers.js';

const store = readJson(bundledStore);

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
			else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') row.push(field), (field = '');
		else if (c === '\r' && text[i + 1] === '\n') {
			row.push(field), rows.push(row), (row = []), (field = ''), i++;
		} else field += c;
	}
	if (field || row.length > 0) row.push(field), rows.push(row);
	return rows;
}

describe('quarterdeck --json', () => {
	it('diff 2003Q3 2004Q2: cash and equivalents from 1,057,000 to 1,399,000', () => {
		const run = runCli(['diff', '2003Q3', '2004Q2', '--json']);
		expect(run.code).toBe(0);
		expect(run.stderr).toBe('');
		const report = JSON.parse(run.stdout);
		expect(report).toMatchObject({format: 1, command: 'diff', a: '2003Q3', b: '2004Q2'});
		const cash = report.rows.find((row: any) => row.metric === 'cash-and-equivalents');
		expect(cash).toMatchObject({a: {value: 1057000}, b: {value: 1399000}, change: 342000, presence: 'both'});
		expect(run.stdout.trim().split('\n')).toHaveLength(1);
	});

	it.each(['2002Q3', '2002Q4', '2003Q1', '2003Q2', '2003Q3', '2003Q4', '2004Q1', '2004Q2'])('show %s carries every figure the store has for it', quarter => {
		const run = runCli(['show', quarter, '--json']);
		expect(run.code).toBe(0);
		const report = JSON.parse(run.stdout);
		const expected = store.figures.filter((figure: any) => figure.period === quarter).map((figure: any) => figure.id).sort();
		expect(report.figures.map((figure: any) => figure.id).sort()).toEqual(expected);
		for (const figure of report.figures) {
			expect(figure).toHaveProperty('quote');
			if (figure.kind === 'stated') expect(figure.quote.length).toBeGreaterThan(5);
			else expect(figure.formula).toBeTruthy();
		}
	});

	it('show accepts a six-month period', () => {
		const report = JSON.parse(runCli(['show', '2004H1', '--json']).stdout);
		expect(report.period).toBe('2004Q1-Q2');
		expect(report.figures.some((figure: any) => figure.metric === 'net-income')).toBe(true);
	});

	it.each([
		[['quarters'], 'quarters'],
		[['segments', '-q', '2004Q1'], 'segments'],
		[['centers', '--quarter', 'Q3 2003'], 'centers'],
		[['balance', '--from', '2003Q1'], 'balance'],
		[['schema'], undefined],
	])('%j prints parseable JSON', (args, command) => {
		const run = runCli([...args, '--json']);
		expect(run.code).toBe(0);
		const value = JSON.parse(run.stdout);
		if (command) expect(value.command).toBe(command);
	});
});

describe('quarterdeck --csv and piped text', () => {
	it('diff --csv has a header row and one row per metric, numbers in base units', () => {
		const json = JSON.parse(runCli(['diff', '2003Q3', '2004Q2', '--json']).stdout);
		const run = runCli(['diff', '2003Q3', '2004Q2', '--csv']);
		expect(run.code).toBe(0);
		const rows = parseCsv(run.stdout);
		expect(rows[0]).toEqual(['Metric', 'Segment', '2003Q3', '2004Q2', 'Change', 'Change %']);
		expect(rows).toHaveLength(json.rows.length + 1);
		const cash = rows.find(row => row[0] === 'Cash and cash equivalents');
		expect(cash?.slice(2, 5)).toEqual(['1057000', '1399000', '342000']);
	});

	it('centers --csv quotes fields with commas', () => {
		const rows = parseCsv(runCli(['centers', '-q', '2003Q3', '--csv']).stdout);
		const albany = rows.find(row => row[0]?.startsWith('Albany'));
		expect(albany?.[2]).toBe('Albany, New York');
		expect(albany?.[3]).toBe('[Named for closure]');
	});

	it('piped output is tab-separated, uncoloured and uncut', () => {
		const run = runCli(['show', '2003Q3']);
		expect(run.code).toBe(0);
		expect(run.stdout).not.toContain('\u001B');
		expect(run.stdout).not.toContain('…');
		const lines = run.stdout.trimEnd().split('\n');
		const width = lines[0]!.split('\t').length;
		expect(lines.every(line => line.split('\t').length === width)).toBe(true);
		const longest = Math.max(...store.figures.filter((f: any) => f.period === '2003Q3' && f.quote).map((f: any) => f.quote.length));
		expect(lines.some(line => line.length > longest)).toBe(true);
	});

	it('no command, piped, prints the quarters', () => {
		const run = runCli([]);
		expect(run.code).toBe(0);
		expect(run.stdout.split('\n')[0]).toMatch(/^Quarter\tLabel/);
		expect(run.stdout).toContain('2004Q2\tQ2 2004\t6921000');
	});
});

describe('any store through --db and QUARTERDECK_DB', () => {
	it('reads another company with its own segments and sites', () => {
		const segments = JSON.parse(runCli(['segments', '--db', otherStore, '--json']).stdout);
		expect(segments.rows.map((row: any) => row.name)).toEqual(['Total net sales', 'Hardware', 'Software', 'Cloud']);
		const centers = JSON.parse(runCli(['centers', '--json'], {env: {QUARTERDECK_DB: otherStore}}).stdout);
		expect(centers.sites.map((site: any) => site.name)).toEqual(['Plant A', 'Shop One']);
	});

	it('--db wins over QUARTERDECK_DB', () => {
		const run = runCli(['quarters', '--json', '--db', otherStore], {env: {QUARTERDECK_DB: '/nonexistent.json'}});
		expect(JSON.parse(run.stdout).company.name).toBe('Northwind Widgets');
	});
});

describe('errors: one line, the thing named, a distinct exit code, nothing written', () => {
	const damaged = (text: string) => writeStoreText(text);
	it.each([
		['unknown command', ['frobnicate'], 2, /^quarterdeck: unknown command "frobnicate"; expected one of quarters/],
		['unknown flag', ['quarters', '--colour'], 2, /^quarterdeck: unknown flag --colour; see quarterdeck --help/],
		['unknown quarter', ['show', '2009Q1'], 2, /^quarterdeck: quarter "2009Q1" \(2009Q1\) is not in the store; expected one of 2000Q4, 2002Q3/],
		['not a quarter', ['segments', '--quarter', 'soon'], 2, /^quarterdeck: --quarter "soon" is not a quarter/],
		['missing argument', ['diff', '2003Q3'], 2, /^quarterdeck: diff needs <A> <B>/],
		['extra argument', ['quarters', 'now'], 2, /^quarterdeck: quarters takes 0 argument/],
		['--db without a value', ['quarters', '--db'], 2, /^quarterdeck: --db needs a value/],
		['json and csv', ['quarters', '--json', '--csv'], 2, /cannot be used together/],
		['missing store', ['quarters', '--db', '/nonexistent/store.json'], 3, /^quarterdeck: \/nonexistent\/store\.json: no such store/],
	])('%s', (_, args, code, message) => {
		const run = runCli(args as string[]);
		expect(run.code).toBe(code);
		expect(run.stdout).toBe('');
		expect(run.stderr).toMatch(message);
		expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(run.stderr).not.toMatch(/\n\s+at /);
	});

	it.each([
		['truncated JSON', () => damaged(readFileSync(bundledStore, 'utf8').slice(0, 1000)), /store\.json: not valid JSON/],
		['wrong shape', () => {
			const copy = structuredClone(store);
			copy.figures[7].value = 'many';
			return damaged(JSON.stringify(copy, null, 2));
		}, /store\.json: figures\[7\]\.value: expected number, received string/],
		['a missing section', () => {
			const copy = structuredClone(store);
			delete copy.sites;
			return damaged(JSON.stringify(copy));
		}, /store\.json: sites: expected array, received undefined/],
	])('data error: %s, store byte-identical', (_, make, message) => {
		const file = make();
		const before = digest(file);
		for (const args of [['quarters'], ['diff', '2003Q3', '2004Q2', '--json'], ['show', 'latest', '--csv']]) {
			const run = runCli([...args, '--db', file]);
			expect(run.code).toBe(3);
			expect(run.stderr).toMatch(message);
			expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
		}
		expect(digest(file)).toBe(before);
	});

	it('--debug adds the stack trace', () => {
		const run = runCli(['show', '2009Q1', '--debug']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/\n\s+at /);
	});

	it('every read command leaves a good store byte-identical', () => {
		const file = copyStore();
		const before = digest(file);
		for (const args of [['quarters'], ['segments'], ['centers'], ['balance'], ['show', '2003Q3'], ['diff', 'latest-4', 'latest'], ['explore', 'diff']]) {
			for (const mode of [[], ['--json'], ['--csv']]) expect(runCli([...args, ...mode, '--db', file]).code).toBe(0);
		}
		expect(digest(file)).toBe(before);
	});
});

describe('untrusted text from a store', () => {
	it('is stripped of escape sequences in text, CSV and JSON output', () => {
		const copy = readJson(otherStore);
		copy.company.name = 'Evil\u001B]0;pwned\u0007 Corp\u001B[2J\u202E';
		copy.segments[0].name = 'Hard\u009B31mware\u001B[0m\u2066';
		copy.sites[0].name = 'Plant\u0007 A\r\n\u001BPdcs\u001B\\';
		copy.sources[0].title = '\u001B]8;;http://evil\u001B\\click\u001B]8;;\u001B\\';
		const file = writeStoreText(JSON.stringify(copy));
		const outputs = [
			runCli(['quarters', '--db', file]),
			runCli(['segments', '--db', file]),
			runCli(['centers', '--db', file, '--csv']),
			runCli(['quarters', '--db', file, '--json']),
			runCli(['segments', '--db', file, '--json']),
			runCli(['show', '2021Q2', '--db', file]),
		];
		for (const run of outputs) {
			expect(run.code).toBe(0);
			expect(run.stdout.replaceAll('\r\n', '\n')).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202E\u2066]/);
		}
		expect(outputs[1]!.stdout).toContain('Hardware');
		expect(outputs[2]!.stdout).toContain('Plant A');
		// JSON keeps the data, escaped, so a script still sees exactly what the store holds.
		expect(JSON.parse(outputs[3]!.stdout).company.name).toBe(copy.company.name);
		expect(JSON.parse(outputs[4]!.stdout).rows[1].name).toBe(copy.segments[0].name);
	});

	it('an argument echoed in an error is stripped too', () => {
		const run = runCli(['show', 'x\u001B[2Jy']);
		expect(run.code).toBe(2);
		expect(run.stderr).not.toContain('\u001B');
		expect(run.stderr).toContain('quarter "xy" is not a quarter');
	});
});

describe('help and version', () => {
	it('--help lists commands, flags, exit codes and examples', () => {
		const run = runCli(['--help']);
		expect(run.code).toBe(0);
		for (const text of ['quarters', 'segments', 'centers', 'balance', 'show <Q>', 'diff <A> <B>', 'schema', '--db', 'Exit codes', '3  data error', '6  output error', 'Examples']) {
			expect(run.stdout).toContain(text);
		}
	});

	it('--version prints the package version', () => {
		expect(runCli(['--version']).stdout.trim()).toBe(readJson(path.join(root, 'package.json')).version);
	});
});

describe('the scriptable path', () => {
	it('loads no module of react or ink', () => {
		const log = path.join(tempDirectory(), 'loads.txt');
		writeFileSync(log, '');
		for (const args of [['quarters', '--json'], ['diff', '2003Q3', '2004Q2', '--json'], ['centers', '--csv'], ['explore']]) {
			const result = spawnSync(process.execPath, ['--import', path.join(root, 'test/fixtures/record-loads.mjs'), cli, ...args], {
				encoding: 'utf8',
				env: {...process.env, QUARTERDECK_LOAD_LOG: log},
			});
			expect(result.status).toBe(0);
		}
		const loaded = readFileSync(log, 'utf8').trim().split('\n');
		expect(loaded.some(url => url.endsWith('/dist/cli.js'))).toBe(true);
		expect(loaded.some(url => url.endsWith('/dist/main.js'))).toBe(true);
		for (const url of loaded.filter(url => url.startsWith('file:'))) {
			expect(url).not.toMatch(/node_modules\/(react|ink|react-reconciler|yoga-layout)\//);
			const text = readFileSync(new URL(url), 'utf8');
			expect(text, url).not.toContain('react-reconciler');
			expect(text, url).not.toContain('useInput');
		}
	});

	it('checks a well-formed store without loading zod, and loads it to name what is wrong with a damaged one', () => {
		const loadsOf = (args: string[]) => {
			const log = path.join(tempDirectory(), 'loads.txt');
			writeFileSync(log, '');
			const result = spawnSync(process.execPath, ['--import', path.join(root, 'test/fixtures/record-loads.mjs'), cli, ...args], {
				encoding: 'utf8',
				env: {...process.env, QUARTERDECK_LOAD_LOG: log},
			});
			const zod = readFileSync(log, 'utf8')
				.trim()
				.split('\n')
				.filter(url => url.startsWith('file:') && readFileSync(new URL(url), 'utf8').includes('safeParse'));
			return {result, zod};
		};
		const good = loadsOf(['quarters', '--json']);
		expect(good.result.status).toBe(0);
		expect(good.zod).toEqual([]);
		const store = readJson(bundledStore);
		store.figures[3].value = 'many';
		const bad = loadsOf(['quarters', '--json', '--db', writeStoreText(JSON.stringify(store))]);
		expect(bad.result.stderr).toMatch(/^quarterdeck: .*store\.json: figures\[3\]\.value: expected number, received string\n$/);
		expect(bad.result.status).toBe(3);
		expect(bad.zod).toHaveLength(1);
	});

	it('reads a store without node:fs/promises, which writing one loads, and reads no lazy part of node:fs', () => {
		const builtinsOf = (args: string[]) => {
			const run = runRecordingBuiltins(args);
			expect(run.stderr).toBe('');
			expect(run.code).toBe(0);
			return run.builtins;
		};
		for (const args of [['quarters', '--json'], ['diff', '2003Q3', '2004Q2', '--json'], ['centers', '--csv'], ['explore']]) {
			const builtins = builtinsOf(args);
			// The recorder saw the command: vm compiles the bundles, and a bare Node start does not load it.
			expect(builtins).toContain('vm');
			expect(builtins, args.join(' ')).not.toContain('fs/promises');
			// Nor what a lazy getter of node:fs loads (fs.Dir), which the bundles' built-in modules do not read.
			expect(builtins, args.join(' ')).not.toContain('internal/fs/dir');
		}
		const store = copyStore();
		const imported = builtinsOf(['import', path.join(root, 'test/fixtures/import-2004q3.json'), '--db', store, '--yes', '--json']);
		expect(imported).toContain('fs/promises');
		expect(readJson(store).figures.length).toBeGreaterThan(readJson(bundledStore).figures.length);
	});

	it('the explorer bundle does hold them (so the check above can fail)', () => {
		const bundles = spawnSync('grep', ['-l', 'useInput', '-r', '--include=*.js', path.join(root, 'dist')], {encoding: 'utf8'}).stdout.trim().split('\n');
		expect(bundles.map(file => path.basename(file)).sort()).toEqual(['explore-local.js', 'serve.js']);
	});
});

const hasFull = existsSync('/dev/full');
const hasPerl = spawnSync('perl', ['-e', '1']).status === 0;

/** Runs the built CLI with stdout (1) or stderr (2) on /dev/full, a device that is always full. */
function intoFull(args: string[], into: 1 | 2) {
	const device = openSync('/dev/full', 'w');
	try {
		return spawnSync(process.execPath, [cli, ...args], {stdio: ['ignore', into === 1 ? device : 'pipe', into === 2 ? device : 'pipe'], encoding: 'utf8'});
	} finally {
		closeSync(device);
	}
}

describe('output to a pipe or a file', () => {
	/** A store of 300 sites: `centers --json` on it prints about 238 KB, more than a pipe holds. */
	const sitesStore = () => writeStoreText(JSON.stringify(generateStore({quarters: 12, segments: 4, sites: 300, seed: 3})));

	/** The command line piped into a reader that reads nothing (`| true`); `streams` `2>&1` sends messages there too. */
	const intoGoneReader = (args: string, streams = '') => spawnSync('bash', ['-c', `set -o pipefail; "$0" "$1" ${args} ${streams}| true`, process.execPath, cli], {encoding: 'utf8'});

	it('ends quietly when the reader goes away: no stack trace, and the exit code of the command', () => {
		// More output than a pipe holds (64 KiB): some of it is written after the reader is gone, whenever that is.
		const store = sitesStore();
		expect(runCli(['centers', '--json', '--db', store]).stdout.length).toBeGreaterThan(65_536);
		const run = intoGoneReader(`centers --json --db ${shellQuote(store)}`);
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
	});

	it.skipIf(!hasFull)('a full disk is an output error: one line naming stdout, exit 6; a message that cannot be written keeps its code', () => {
		const output = intoFull(['quarters', '--json'], 1);
		expect(output.stderr).toBe('quarterdeck: stdout: cannot be written (ENOSPC)\n');
		expect(output.status).toBe(6);
		const message = intoFull(['no-such-command'], 2);
		expect(message.stdout).toBe('');
		expect(message.status).toBe(2);
	});

	it.skipIf(!hasFull)('an import whose report cannot be written still says that it wrote the store', () => {
		const store = copyStore();
		const before = digest(store);
		const run = intoFull(['import', path.join(root, 'test/fixtures/import-2004q3.json'), '--db', store, '--yes'], 1);
		expect(run.status).toBe(6);
		expect(digest(store)).not.toBe(before);
		expect(run.stderr).toMatch(/^wrote \d+ change\(s\) to .*store.*\nquarterdeck: stdout: cannot be written \(ENOSPC\)\n$/);
	});

	it.skipIf(!hasFull)("the explorer's message keeps its exit code when stderr cannot be written", () => {
		// A terminal for stdout, but no keyboard: stdin is not a terminal and there is no controlling one.
		const run = spawnSync('script', ['-qfec', `setsid -w ${shellQuote(process.execPath)} ${shellQuote(cli)} explore </dev/null 2>/dev/full; echo "exit $?"`, '/dev/null'], {encoding: 'utf8'});
		expect(run.stdout.replaceAll('\r', '')).toContain('exit 2\n');
	});

	it('keeps each exit code when the reader of the messages goes away', () => {
		const exitOf = (args: string) => intoGoneReader(args, '2>&1 ').status;
		expect(exitOf('no-such-command')).toBe(2);
		expect(exitOf('quarters --db /no/such/store.json')).toBe(3);
	});

	it.skipIf(!hasPerl)('waits on a pipe another program left non-blocking, and all of the output arrives', () => {
		const store = sitesStore();
		const args = ['centers', '--json', '--db', store];
		const expected = runCli(args).stdout;
		// More than a pipe holds (64 KiB): the writes meet a full pipe while the reader sleeps.
		expect(expected.length).toBeGreaterThan(200_000);
		const nonBlocking = 'fcntl(STDOUT, F_SETFL, fcntl(STDOUT, F_GETFL, 0) | O_NONBLOCK) or die; exec @ARGV';
		const run = spawnSync('bash', ['-c', 'perl -MFcntl -e "$0" "$@" | (sleep 1; cat)', nonBlocking, process.execPath, cli, ...args], {
			encoding: 'utf8',
			maxBuffer: 16 * 1024 * 1024,
		});
		expect(run.stderr).toBe('');
		expect(run.stdout).toBe(expected);
	});

	it('is written to a pipe or /dev/null without node:tty or node:net, which a terminal is asked with', () => {
		const piped = runRecordingBuiltins(['quarters', '--json']);
		expect(piped.code).toBe(0);
		// The recorder saw this process: vm compiles the bundles, and a bare Node start does not load it.
		expect(piped.builtins).toContain('vm');
		expect(piped.builtins).not.toContain('tty');
		expect(piped.builtins).not.toContain('net');
		// Nor to /dev/null, a character device as a terminal is.
		const discarded = runRecordingBuiltins(['quarters', '--json'], {discarded: true});
		expect(discarded.code).toBe(0);
		expect(discarded.builtins).toContain('vm');
		expect(discarded.builtins).not.toContain('tty');
		expect(discarded.builtins).not.toContain('net');
		const onTerminal = runRecordingBuiltins(['quarters', '--json'], {terminal: true});
		expect(onTerminal.code).toBe(0);
		expect(onTerminal.builtins).toContain('tty');
	});
});
