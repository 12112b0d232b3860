import {describe, expect, it} from 'vitest';
import {loadStore} from '../../source/data/store.js';
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
});
