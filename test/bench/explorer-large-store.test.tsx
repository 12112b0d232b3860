import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {generateStore} from '../../source/bench/generate-store.js';
import {parseStore} from '../../source/data/parse-store.js';
import {checkStore} from '../../source/model/check.js';
import {createDataset} from '../../source/model/dataset.js';
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

describe('the explorer on a store checked after its first frame', () => {
	it('draws the panes at once and marks the findings when the checks are done', async () => {
		expect(dataset.store.figures.length).toBeGreaterThan(1000);
		const site = checkStore(dataset).findings.flatMap(finding => finding.sites)[0]!;
		const name = dataset.sites.get(site)!.name;
		const quarters = dataset.quarters;
		instance = render(
			<ColorContext.Provider value={false}>
				<App dataset={dataset} pane="centers" quarter={quarters.at(-1)!} a={quarters.at(-5)!} b={quarters.at(-1)!} />
			</ColorContext.Provider>,
		);
		// The first frame is drawn before the checks have run.
		expect(instance.lastFrame()).toContain('[2 Centers]');
		expect(instance.lastFrame()).not.toContain('⚑');
		for (const key of ['/', ...name, '\r']) {
			instance.stdin.write(key);
			await wait(5);
		}
		const frame = await until(text => text.includes(`⚑ ${name}`));
		expect(frame).toContain(`⚑ ${name}`);
		expect(frame).toMatch(/filter “.+”: 1 of 80 rows/);
	});
});
