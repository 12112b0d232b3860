import {describe, expect, it} from 'vitest';
import {generateStore} from '../../source/bench/generate-store.js';
import {finishStore, loadStore} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import {findingsLater, noteInput} from '../../source/ui/shared-data.js';
import {bundledStore} from '../helpers.js';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('the tie-out checks behind the explorer', () => {
	it('wait while keys come in, and finish once they stop', async () => {
		const dataset = createDataset(await loadStore(bundledStore));
		noteInput();
		let done = false;
		const task = findingsLater(dataset).then(findings => {
			done = true;
			return findings;
		});
		for (let key = 0; key < 10; key++) {
			await sleep(20);
			expect(done).toBe(false);
			noteInput();
		}
		const findings = await task;
		expect(findings.byFigure.size).toBeGreaterThan(0);
	});

	it('stop between slices when keys come in after they started', async () => {
		// Checks that take many slices: the first ones run before any key.
		const dataset = createDataset(finishStore(generateStore({quarters: 80, segments: 30, sites: 10, seed: 7}), 'generated.json'));
		let done = false;
		const task = findingsLater(dataset).then(() => {
			done = true;
		});
		await sleep(10);
		for (let key = 0; key < 30; key++) {
			noteInput();
			await sleep(20);
			expect(done).toBe(false);
		}
		await task;
		expect(done).toBe(true);
	});
});
