import {render} from 'ink-testing-library';
import {describe, expect, it, vi} from 'vitest';
import {loadStore} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import App from '../../source/ui/app.js';
import {unboundKey} from '../../source/ui/keymap.js';
import * as paneRows from '../../source/ui/pane-rows.js';
import {bundledStore} from '../helpers.js';

// The grids each pane is drawn from, counted as the explorer builds them.
vi.mock('../../source/ui/pane-rows.js', async importOriginal => {
	const actual = await importOriginal<typeof import('../../source/ui/pane-rows.js')>();
	return {
		...actual,
		segmentsGrid: vi.fn(actual.segmentsGrid),
		centersGrid: vi.fn(actual.centersGrid),
		balanceGrid: vi.fn(actual.balanceGrid),
		diffGrid: vi.fn(actual.diffGrid),
	};
});

const built = () => ({
	segments: vi.mocked(paneRows.segmentsGrid).mock.calls.length,
	centers: vi.mocked(paneRows.centersGrid).mock.calls.length,
	balance: vi.mocked(paneRows.balanceGrid).mock.calls.length,
	diff: vi.mocked(paneRows.diffGrid).mock.calls.length,
});

describe('after the first frame', () => {
	it('makes the other panes ready without a key, and a key then finds them built', async () => {
		const dataset = createDataset(await loadStore(bundledStore));
		const quarters = dataset.quarters;
		const instance = render(<App dataset={dataset} pane="segments" quarter={quarters.at(-1)!} a={quarters.at(-5)!} b={quarters.at(-1)!} />);
		try {
			expect(instance.lastFrame()).toContain('[1 Segments]');
			await vi.waitFor(() => expect(built()).toEqual({segments: 1, centers: 1, balance: 1, diff: 1}), {timeout: 2000, interval: 10});
			instance.stdin.write('3');
			await vi.waitFor(() => expect(instance.lastFrame()).toContain('[3 Balance]'));
			instance.stdin.write('2');
			await vi.waitFor(() => expect(instance.lastFrame()).toContain('[2 Centers]'));
			expect(built()).toEqual({segments: 1, centers: 1, balance: 1, diff: 1});
		} finally {
			instance.unmount();
		}
	});

	it('reads keys once with one no binding uses, which changes nothing wherever the explorer is', async () => {
		const dataset = createDataset(await loadStore(bundledStore));
		const quarters = dataset.quarters;
		const instance = render(<App dataset={dataset} pane="segments" quarter={quarters.at(-1)!} a={quarters.at(-5)!} b={quarters.at(-1)!} />);
		const settle = () => new Promise(resolve => setTimeout(resolve, 40));
		try {
			await vi.waitFor(() => expect(built().diff).toBeGreaterThan(0), {timeout: 2000, interval: 10});
			// Browsing, in the help, typing a filter, in a figure's sources.
			for (const keys of [[], ['?'], ['\u001B', '/', 'a'], ['\r', '\u001B', '\u001B', '\r']]) {
				for (const key of keys) {
					instance.stdin.write(key);
					await settle();
				}
				const before = instance.lastFrame();
				const drawn = instance.frames.length;
				instance.stdin.write(unboundKey);
				await settle();
				expect(instance.lastFrame()).toBe(before);
				expect(instance.frames.length).toBe(drawn);
			}
		} finally {
			instance.unmount();
		}
	});
});
