import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {canonical} from '../../source/data/merge-import.js';
import {loadStore} from '../../source/data/store.js';
import {bundledStore, copyStore, digest, readJson, runCli, tempDirectory} from '../helpers.js';

/** Every figure of a store by id, as comparable text (derived figures with their worked-out values). */
async function figuresOf(store: string): Promise<Map<string, string>> {
	return new Map((await loadStore(store)).figures.map(figure => [figure.id, canonical(figure)]));
}

/** A copy of the shipped store without the figures of one quarter. */
function storeWithout(quarter: string): string {
	const store = readJson(bundledStore);
	const kept = store.figures.filter((figure: any) => figure.period !== quarter);
	expect(kept.length).toBeLessThan(store.figures.length);
	store.figures = kept;
	const file = path.join(tempDirectory(), 'hemacare.json');
	writeFileSync(file, `${JSON.stringify(store, null, 2)}\n`);
	return file;
}

// 2003Q3's figures are needed by no other quarter's derived figures; 2002Q3 likewise.
describe.each(['2003Q3', '2002Q3'])('an export of %s imports back to the same store', quarter => {
	it.each(['json', 'csv'])('show --%s', async format => {
		const exported = runCli(['show', quarter, `--${format}`]);
		expect(exported.code).toBe(0);
		const file = path.join(tempDirectory(), `${quarter}.${format}`);
		writeFileSync(file, exported.stdout);

		const store = storeWithout(quarter);
		const run = runCli(['import', file, '--db', store, '--json']);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const report = JSON.parse(run.stdout);
		const count = readJson(bundledStore).figures.filter((figure: any) => figure.period === quarter).length;
		expect(report.added.filter((line: any) => line.type === 'figure')).toHaveLength(count);
		expect(report.replaced).toEqual([]);

		const original = await figuresOf(bundledStore);
		const restored = await figuresOf(store);
		expect([...restored.keys()].sort()).toEqual([...original.keys()].sort());
		for (const [id, figure] of original) expect(restored.get(id), id).toBe(figure);
		expect(JSON.parse(runCli(['show', quarter, '--json', '--db', store]).stdout)).toEqual(JSON.parse(runCli(['show', quarter, '--json']).stdout));
	});
});

describe('an export imported into the store it came from changes nothing', () => {
	it.each(['json', 'csv'])('show 2004Q2 --%s, figures other quarters derive from included', format => {
		const exported = runCli(['show', '2004Q2', `--${format}`]);
		const file = path.join(tempDirectory(), `2004Q2.${format}`);
		writeFileSync(file, exported.stdout);
		const store = copyStore();
		const before = digest(store);
		const run = runCli(['import', file, '--db', store, '--json']);
		expect(run.code).toBe(0);
		const report = JSON.parse(run.stdout);
		expect(report).toMatchObject({added: [], replaced: [], written: false});
		expect(report.unchanged).toBeGreaterThan(40);
		expect(digest(store)).toBe(before);
	});
});
