import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {CommandIo} from '../commands.js';
import {DataError, exitCodes, isQuarterdeckError} from '../errors.js';
import {resolveFigures} from '../model/derive.js';
import {sanitize} from '../model/text.js';
import type {OutputMode} from '../output/write.js';
import {formatRowError, readImportFile, RowError, showValue, type ImportInput} from './import-input.js';
import {buildImportReport, countChanges, formatImportReport, summarize, type ImportReport} from '../output/import-report.js';
import {withStoreLock} from './lock.js';
import {mergeImport, traceOrigin, type MergeResult} from './merge-import.js';
import {parseStore} from './parse-store.js';
import {saveStore} from './save-store.js';
import {describeReadError, type LoadedStore} from './store.js';
import {findReferenceError} from './validate.js';

/** What `quarterdeck import` was asked to do. */
export type ImportOptions = {
	/** The import file, JSON or CSV, as an absolute path. */
	file: string;
	/** The store to merge into. */
	db: string;
	dryRun: boolean;
	/** Write without asking, even on a terminal. */
	yes: boolean;
	/** Let the import's version win where it conflicts with the store. */
	replace: boolean;
	/** Keep a timestamped copy of the previous store next to it. */
	backup: boolean;
	mode: OutputMode;
};

/** A merge checked against the store's rules, with every figure's worked-out value. */
/** A checked import: the merge, every figure's value, and the merged store ready to save. */
export type ImportPlan = {merge: MergeResult; values: Map<string, number>; store: LoadedStore};

/** The store's bytes and what they hold; the bytes become the backup, so it equals what was merged into. */
type StoreSnapshot = {bytes: Buffer; store: LoadedStore};

async function readSnapshot(db: string): Promise<StoreSnapshot> {
	let bytes: Buffer;
	let data: unknown;
	try {
		bytes = await readFile(db);
		data = JSON.parse(bytes.toString('utf8'));
	} catch (error) {
		throw new DataError(`${db}: ${describeReadError(error)}`);
	}
	return {bytes, store: parseStore(data, db)};
}

/**
 * Merges an import into a store and holds the result to the store's own rules, naming the import's
 * row or path for any problem. Throws a DataError for bad input; conflicts are left in
 * `merge.replaced` for the caller to refuse or accept.
 */
export function planImport(store: LoadedStore, input: ImportInput, shownAs: string): ImportPlan {
	let merge: MergeResult;
	/** Names the import's row for a problem the store rules found at a path of the merged store. */
	const fail = (problem: string): never => {
		const split = problem.indexOf(': ');
		const traced = split > 0 ? traceOrigin(merge.origins, problem.slice(0, split)) : undefined;
		if (traced) throw new DataError(formatRowError(shownAs, new RowError(traced.at, traced.field, problem.slice(split + 2))));
		throw new DataError(`${shownAs}: the store would not be valid after this import: ${problem}`);
	};
	try {
		merge = mergeImport(store, input);
	} catch (error) {
		if (error instanceof RowError) throw new DataError(formatRowError(shownAs, error));
		throw error;
	}
	const problem = findReferenceError(merge.store);
	if (problem) fail(problem);
	// The store was checked when it was read and each row as it was read: what is left to check is
	// how they fit together, and the merged store is then saved as it is, not checked a second time.
	let resolved: LoadedStore['figures'] = [];
	try {
		resolved = resolveFigures(merge.store.figures);
	} catch (error) {
		fail((error as Error).message);
	}
	const values = new Map(resolved.map(figure => [figure.id, figure.value]));
	// A derived figure's value is worked out; one the import gives must agree with it.
	for (const [index, {at, item}] of input.figures.entries()) {
		const worked = values.get(merge.figureIds[index]!);
		if (item.kind !== 'derived' || item.value === undefined || worked === undefined) continue;
		if (Math.abs(item.value - worked) > 1e-9 * Math.max(1, Math.abs(worked))) {
			throw new DataError(formatRowError(shownAs, new RowError(at, 'value', `a derived figure is worked out from its inputs: ${showValue(item.formula)} gives ${worked}, the import has ${item.value}`)));
		}
	}
	return {merge, values, store: {...merge.store, figures: resolved}};
}

/** `<name>.<YYYYMMDDTHHMMSSmmmZ>.bak` next to the store, never overwriting an earlier one. */
async function writeBackup(db: string, bytes: Buffer): Promise<string> {
	const stamp = new Date().toISOString().replace(/[-:.]/g, '');
	for (let n = 1; ; n++) {
		const file = `${db}.${stamp}${n === 1 ? '' : `-${n}`}.bak`;
		try {
			await writeFile(file, bytes, {flag: 'wx'});
			return file;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw new DataError(`${file}: cannot write the backup (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing written; --no-backup skips it`);
			}
		}
	}
}

/** The same changes: what was shown before asking is what gets written. */
function sameChanges(a: ImportReport, b: ImportReport): boolean {
	const key = (report: ImportReport) =>
		JSON.stringify([report.added.map(line => `${line.type}:${line.id}`), report.replaced.map(line => `${line.type}:${line.id}`)]);
	return key(a) === key(b);
}

/**
 * Runs `quarterdeck import <file>`: reads and checks the file, merges it into the store, shows what
 * changes, and writes it under the store's lock (re-reading the store there, so concurrent imports
 * all land), after a backup, atomically. Resolves with the exit code.
 */
export async function runImport(options: ImportOptions, io: CommandIo): Promise<number> {
	const shown = (file: string) => {
		const relative = path.relative(io.cwd, file);
		return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
	};
	const fileName = shown(options.file);
	const storeName = shown(options.db);
	const color = io.stdoutIsTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
	const say = (line: string) => io.stderr.write(`${sanitize(line)}\n`);

	const print = (report: ImportReport, notes: string[]) => {
		const changes = countChanges(report);
		const title =
			changes === 0
				? `import ${fileName} into ${storeName}: nothing to change (${report.unchanged} unchanged)`
				: `import ${fileName} into ${storeName}: ${summarize(report)}`;
		if (changes === 0 && options.mode === 'table') {
			io.stdout.write(`${sanitize(title)}\n`);
			return;
		}
		io.stdout.write(formatImportReport(report, {mode: options.mode, color, width: Math.max(40, io.columns), pretty: io.stdoutIsTTY, title, notes: options.mode === 'table' ? notes : []}));
		if (options.mode === 'tsv' || options.mode === 'csv') for (const note of [title, ...notes]) say(note);
	};
	const refuse = (plan: ImportPlan): number | undefined => {
		if (options.replace || plan.merge.replaced.length === 0) return undefined;
		for (const conflict of plan.merge.replaced) {
			const where = conflict.at.kind === 'row' ? `row ${conflict.at.row}` : conflict.at.path;
			say(`quarterdeck: ${fileName}: ${where}: ${conflict.message}`);
		}
		say(`quarterdeck: ${plan.merge.replaced.length} conflict(s) with ${storeName}; nothing written`);
		return exitCodes.conflict;
	};
	const report = (plan: ImportPlan, state: {dryRun: boolean; written: boolean; backup: string | null}) =>
		buildImportReport(plan.merge, plan.values, {file: options.file, store: options.db, ...state});

	const input = await readImportFile(options.file, fileName);

	let asked: ImportReport | undefined;
	if (options.dryRun || (io.confirm && !options.yes)) {
		// Reading needs no lock: a write replaces the store whole, by rename.
		const plan = planImport((await readSnapshot(options.db)).store, input, fileName);
		const refused = refuse(plan);
		if (refused !== undefined) return refused;
		const preview = report(plan, {dryRun: options.dryRun, written: false, backup: null});
		if (options.dryRun || countChanges(preview) === 0) {
			print(preview, options.dryRun && countChanges(preview) > 0 ? ['dry run: nothing written'] : []);
			return exitCodes.ok;
		}
		if (options.mode === 'json') say(`import ${fileName} into ${storeName}: ${summarize(preview)}`);
		else print(preview, []);
		const question = `Write ${countChanges(preview)} change(s) to ${storeName}? [y/N]`;
		if (!(await io.confirm!(question))) {
			say('quarterdeck: declined; nothing written');
			return exitCodes.conflict;
		}
		asked = preview;
	}

	return await withStoreLock(options.db, async () => {
		// Re-read inside the lock: another import may have landed since.
		const snapshot = await readSnapshot(options.db);
		const plan = planImport(snapshot.store, input, fileName);
		const refused = refuse(plan);
		if (refused !== undefined) return refused;
		const planned = report(plan, {dryRun: false, written: false, backup: null});
		if (asked && !sameChanges(asked, planned)) {
			say(`quarterdeck: ${storeName} changed while waiting for an answer; nothing written; run the import again`);
			return exitCodes.conflict;
		}
		if (countChanges(planned) === 0) {
			print(planned, []);
			return exitCodes.ok;
		}
		const backup = options.backup ? await writeBackup(options.db, snapshot.bytes) : null;
		await saveStore(options.db, plan.store);
		const done = report(plan, {dryRun: false, written: true, backup});
		const wrote = `wrote ${countChanges(done)} change(s) to ${storeName}${backup ? `; the previous store is kept as ${shown(backup)}` : ''}`;
		try {
			if (!asked || options.mode === 'json') print(done, [wrote]);
			else if (options.mode === 'table') io.stdout.write(`${sanitize(wrote)}\n`);
			else say(wrote);
		} catch (error) {
			// The store is written: a report that cannot be (a full disk) must not leave that unsaid.
			if (isQuarterdeckError(error) && error.exitCode === exitCodes.output) say(wrote);
			throw error;
		}
		return exitCodes.ok;
	});
}
