import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {generateStore} from '../../source/bench/generate-store.js';
import {parseStore} from '../../source/data/parse-store.js';
import {checkStore} from '../../source/model/check.js';
import {createDataset, type Dataset} from '../../source/model/dataset.js';
import App from '../../source/ui/app.js';
import {ColorContext} from '../../source/ui/theme.js';

// Large enough that the explorer checks it after the first frame rather than before.
const dataset = createDataset(parseStore(generateStore({quarters: 24, segments: 10, sites: 80, seed: 3}), 'generated.json'));
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

let instance: ReturnType<typeof render> | undefined;
afterEach(() => {
	instance?.unmount();
	instance = undefined;
});

async function until(test: (frame: string) => boolean, timeout = 5000): Promise<string> {
	const end = Date.now() + timeout;
	let frame = instance!.lastFrame() ?? '';
	while (!test(frame) && Date.now() < end) {
		await wait(20);
		frame = instance!.lastFrame() ?? '';
	}
	return frame;
}

/**
 * Opens the explorer on the Centers pane of `shown` and filters it to the name of a site with a
 * finding; the name. The first frame is drawn before the checks have run.
 */
async function openOnFlaggedSite(shown: Dataset): Promise<string> {
	const site = checkStore(shown).findings.flatMap(finding => finding.sites)[0]!;
	const name = shown.sites.get(site)!.name;
	const quarters = shown.quarters;
	instance = render(
		<ColorContext.Provider value={false}>
			<App dataset={shown} pane="centers" quarter={quarters.at(-1)!} a={quarters.at(-5)!} b={quarters.at(-1)!} />
		</ColorContext.Provider>,
	);
	expect(instance.lastFrame()).toContain('[2 Centers]');
	expect(instance.lastFrame()).not.toContain('⚑');
	for (const key of ['/', ...name, '\r']) {
		instance.stdin.write(key);
		await wait(5);
	}
	return name;
}

describe('the explorer on a store checked after its first frame', () => {
	it('draws the panes at once and marks the findings when the checks are done', async () => {
		expect(dataset.store.figures.length).toBeGreaterThan(1000);
		const name = await openOnFlaggedSite(dataset);
		const frame = await until(text => text.includes(`⚑ ${name}`));
		expect(frame).toContain(`⚑ ${name}`);
		expect(frame).toMatch(/filter “.+”: 1 of 80 rows/);
	});

	it('holds the checks back while keys come in, and marks the findings once they stop', async () => {
		// A store whose checks take many slices, and one of its own for each run: a store is checked once per process.
		const larger = () => createDataset(parseStore(generateStore({quarters: 60, segments: 20, sites: 80, seed: 3}), 'generated.json'));
		const unhurried = larger();
		let started = performance.now();
		const name = await openOnFlaggedSite(unhurried);
		await until(text => text.includes(`⚑ ${name}`));
		const alone = performance.now() - started;
		expect(instance!.lastFrame()).toContain(`⚑ ${name}`);
		instance!.unmount();

		await openOnFlaggedSite(larger());
		// Keys (down and up a list of one row) for three times as long as the checks took without them.
		started = performance.now();
		let keys = 0;
		while (performance.now() - started < Math.max(600, 3 * alone)) {
			instance!.stdin.write(keys++ % 2 === 0 ? 'j' : 'k');
			await wait(10);
			expect(instance!.lastFrame()).not.toContain('⚑');
		}
		expect(instance!.lastFrame()).toMatch(/filter “.+”: 1 of 80 rows/);
		const frame = await until(text => text.includes(`⚑ ${name}`));
		expect(frame).toContain(`⚑ ${name}`);
	}, 20_000);
});
