import {storeTextOf} from '../data/check-cache.js';
import type {Opening} from '../data/opening.js';
import {rememberCheck, rememberedCheck} from '../data/remembered-check.js';
import {recallReport, rememberReport} from '../data/remembered-report.js';
import {checkSteps, checkStore, indexFindings, type FindingIndex} from '../model/check.js';
import {createDataset, type Dataset} from '../model/dataset.js';
import {listQuarters} from '../model/queries.js';
import {sanitizeDeep} from '../model/text.js';
import type {PaneId} from './keymap.js';
import {reportKey} from '../model/reports.js';
import {createReports, createScreens, type PaneReports, type ReportShelf, type Screen} from './screen.js';
import type {State} from './state.js';

// Computed once per store and shared by every explorer that shows it (one process may serve many SSH sessions).
const safeDatasets = new WeakMap<Dataset, Dataset>();
const findingIndexes = new WeakMap<Dataset, FindingIndex>();
const findingTasks = new WeakMap<Dataset, Promise<FindingIndex>>();
/** Stores whose remembered findings were looked for once: each explorer of the store after that waits for the checks. */
const recallTried = new WeakSet<Dataset>();
const screenSets = new WeakMap<Dataset, {reports: PaneReports; screens: Map<FindingIndex | undefined, (state: State) => Screen>}>();

/** The dataset with every string of the store made safe for a terminal: the same one when nothing needed it. */
export function safeDataset(dataset: Dataset): Dataset {
	let safe = safeDatasets.get(dataset);
	if (!safe) {
		const store = sanitizeDeep(dataset.store);
		safe = store === dataset.store ? dataset : createDataset(store);
		safeDatasets.set(dataset, safe);
	}
	return safe;
}

/**
 * The tie-out findings by figure and site, from the checks `quarterdeck check` runs. They run a few
 * milliseconds at a time so that keys are read in between, and once per store however many
 * explorers wait for them.
 */
export function findingsLater(dataset: Dataset): Promise<FindingIndex> {
	let task = findingTasks.get(dataset);
	if (!task) {
		task = runInSlices(checkSteps(dataset)).then(report => {
			rememberCheck(dataset.store, report);
			const findings = indexFindings(report);
			findingIndexes.set(dataset, findings);
			return findings;
		});
		findingTasks.set(dataset, task);
	}
	return task;
}

/** When a key last came in, to any explorer of this process. */
let lastInput = Number.NEGATIVE_INFINITY;

/** Background work waits this long after a key, so that keys pressed in a row each find the process idle. */
const quietAfterInput = 60;

/** Tells the background work that a key came in. */
export function noteInput(): void {
	lastInput = performance.now();
}

/**
 * Runs a generator to its end, `budget` ms of it at a time, letting the event loop run between,
 * and not while keys are coming in.
 */
function runInSlices<T>(steps: Generator<void, T, void>, budget = 4): Promise<T> {
	return new Promise((resolve, reject) => {
		const slice = () => {
			const sinceInput = performance.now() - lastInput;
			if (sinceInput < quietAfterInput) {
				setTimeout(slice, quietAfterInput - sinceInput);
				return;
			}
			const end = performance.now() + budget;
			try {
				for (;;) {
					const step = steps.next();
					if (step.done) {
						resolve(step.value);
						return;
					}
					if (performance.now() >= end) break;
				}
			} catch (error) {
				reject(error);
				return;
			}
			setImmediate(slice);
		};
		setImmediate(slice);
	});
}

/** Stores with up to this many figures are checked before the first frame, which costs a few ms. */
const checkBeforeFirstFrame = 1000;

/**
 * The findings if they are known already, remembered from an earlier check of the same text (see
 * remembered-check.ts), or cheap to work out now (a small store); undefined when the store is large
 * enough that they are left to {@link findingsLater}, after the first frame.
 */
export function findingsNow(dataset: Dataset): FindingIndex | undefined {
	let findings = findingIndexes.get(dataset);
	if (findings) return findings;
	const small = dataset.store.figures.length <= checkBeforeFirstFrame;
	if (!small) {
		if (recallTried.has(dataset)) return undefined;
		recallTried.add(dataset);
	}
	const report = small ? checkStore(dataset) : rememberedCheck(dataset);
	if (!report) return undefined;
	findings = indexFindings(report);
	findingIndexes.set(dataset, findings);
	return findings;
}

/**
 * Where a store's pane reports are kept between explorers: beside the store's text, as the reports
 * of the commands that print them (a store read through a cache; only a report whose text holds no
 * control character is read back; see remembered-report.ts). None for a store read without one.
 */
function shelfOf(dataset: Dataset): ReportShelf | undefined {
	const text = storeTextOf(dataset.store);
	return text && {recall: request => recallReport(text, request, {forTerminal: true}), remember: (request, report) => rememberReport(dataset.store, request, report)};
}

/**
 * Keeps the report `pane` shows on `screen` for the next explorer of the same text (and the command
 * that prints it), unless it was read from what was kept or is kept already.
 */
export function keepShown(dataset: Dataset, pane: PaneId, screen: Screen): void {
	screenSets.get(dataset)?.reports.keep(pane, reportKey(pane, screen.quarter, screen.a, screen.b));
}

/** Stores whose quarters report was kept, or found kept, by an explorer of this process. */
const quartersKept = new WeakSet<Dataset>();

/**
 * Keeps the quarters report of a store on its shelf (shelfOf) for the next explorer of its text,
 * which opens on it (see opening.ts), unless it is kept already.
 */
export function keepQuarters(dataset: Dataset): void {
	if (quartersKept.has(dataset)) return;
	quartersKept.add(dataset);
	const shelf = shelfOf(dataset);
	const request = {command: 'quarters'} as const;
	if (shelf && shelf.recall(request) === undefined) shelf.remember(request, listQuarters(dataset));
}

/** Screens of a store, with or without the ⚑ marks of its findings; each report and grid built once. */
export function screensOf(dataset: Dataset, findings: FindingIndex | undefined): (state: State) => Screen {
	let sets = screenSets.get(dataset);
	if (!sets) {
		sets = {reports: createReports(dataset, shelfOf(dataset)), screens: new Map()};
		screenSets.set(dataset, sets);
	}
	let screens = sets.screens.get(findings);
	if (!screens) {
		screens = createScreens(dataset, findings, sets.reports);
		// Once the marks are known, the screens without them are not shown again.
		if (findings) sets.screens.delete(undefined);
		sets.screens.set(findings, screens);
	}
	return screens;
}

/** What the explorer draws its first frame by before its store is read (see opening.ts). */
export type OpeningView = {company: string; quarters: readonly string[]; findings: FindingIndex | undefined; screens: (state: State) => Screen};

/**
 * The view of an `opening`: the screens of its one report, with the ⚑ marks of its findings. No
 * other report is there to draw, nor names of segments and sites, which only Diff's rows need.
 * Undefined when the report cannot be laid out on its pane in `state` (an entry written by hand).
 */
export function openingView(opening: Opening, state: State): OpeningView | undefined {
	const kind = JSON.stringify(opening.request);
	const shelf: ReportShelf = {recall: request => (JSON.stringify(request) === kind ? opening.report : undefined), remember() {}};
	const findings = opening.findings && indexFindings(opening.findings);
	const screens = createScreens({quarters: opening.quarters, segments: new Map(), sites: new Map()}, findings, createReports(undefined, shelf));
	try {
		screens(state);
	} catch {
		return undefined;
	}
	return {company: opening.company, quarters: opening.quarters, findings, screens};
}
