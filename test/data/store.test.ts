import {chmodSync, existsSync, mkdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {DataError} from '../../source/errors.js';
import {getStoreJsonSchema, type Store} from '../../source/data/schema.js';
import {writeStore} from '../../source/data/parse-store.js';
import {loadStore, readStoreText} from '../../source/data/store.js';
import {sanitizeDeep} from '../../source/model/text.js';
import {bundledStore, copyStore, digest, otherStore, readJson, tempDirectory, writeStoreText} from '../helpers.js';

const good = readJson<Store>(bundledStore);
const mutate = (change: (store: any) => void): string => {
	const store = structuredClone(good) as any;
	change(store);
	return writeStoreText(JSON.stringify(store));
};

describe('loadStore', () => {
	it('reads the bundled store and leaves it byte-identical', async () => {
		const file = copyStore();
		const before = digest(file);
		const store = await loadStore(file);
		expect(store.figures.length).toBeGreaterThan(100);
		expect(store.figures.every(figure => Number.isFinite(figure.value))).toBe(true);
		expect(digest(file)).toBe(before);
	});

	it('marks a store for a terminal safe as it is only when its text can hold no control character', async () => {
		const clean = await loadStore(copyStore(), {forTerminal: true});
		// Marked: sanitizing returns the very store, even when something is written into it later.
		clean.company.name = 'Hema\u001B[2JCare';
		expect(sanitizeDeep(clean)).toBe(clean);
		const dirty = await loadStore(mutate(store => (store.company.name = 'Hema\u001B[2JCare')), {forTerminal: true});
		expect(sanitizeDeep(dirty).company.name).toBe('HemaCare');
		// A store not bound for a terminal is not looked at, so not marked.
		const unmarked = await loadStore(copyStore());
		unmarked.company.name = 'Hema\u001B[2JCare';
		expect(sanitizeDeep(unmarked).company.name).toBe('HemaCare');
	});

	it('reads text whose characters fall across the pieces it is read in', async () => {
		// 2-, 3- and 4-byte characters, repeated past several of the 512 KiB pieces the store is read in.
		const name = '\u00e9\u2014\u{1F600}\u00df\u4e2d'.repeat(160_000);
		const file = mutate(store => {
			store.company.name = name;
		});
		const bytes = readFileSync(file);
		const piece = 512 * 1024;
		// Pieces that end inside a character (a continuation byte starts the next): what the test is about.
		const cut = [1, 2, 3, 4].filter(at => (bytes[at * piece]! & 0xc0) === 0x80);
		expect(cut.length).toBeGreaterThanOrEqual(2);
		const store = await loadStore(file);
		expect(store.company.name).toBe(name);
	});

	it('refuses text longer than a store may be, from a file or a device that never ends', async () => {
		const file = writeStoreText(`"${'x'.repeat(2 << 20)}"`);
		expect(() => readStoreText(file, 1 << 20)).toThrow(expect.objectContaining({code: 'ERR_FS_FILE_TOO_LARGE'}));
		expect(readStoreText(file, 3 << 20)).toHaveLength((2 << 20) + 2);
		if (existsSync('/dev/zero')) expect(() => readStoreText('/dev/zero', 1 << 20)).toThrow(expect.objectContaining({code: 'ERR_FS_FILE_TOO_LARGE'}));
	});

	it('reads a store of another company', async () => {
		const store = await loadStore(otherStore);
		expect(store.company.name).toBe('Northwind Widgets');
		expect(store.figures.find(figure => figure.id === '21q1-sales-sw')?.value).toBe(300);
	});

	it.each([
		['a missing file', () => path.join(tempDirectory(), 'absent.json'), /absent\.json: no such store/],
		['a directory', () => {
			const directory = path.join(tempDirectory(), 'dir.json');
			mkdirSync(directory);
			return directory;
		}, /dir\.json: is a directory/],
		['truncated JSON', () => writeStoreText(readFileSync(bundledStore, 'utf8').slice(0, 500)), /store\.json: not valid JSON/],
		['an empty file', () => writeStoreText(''), /store\.json: not valid JSON/],
		['a JSON array', () => writeStoreText('[]'), /store\.json: \(top level\): expected object, received array/],
		['another schema version', () => mutate(store => (store.schemaVersion = 9)), /schemaVersion is 9; this quarterdeck reads version 1/],
		['a value that is not a number', () => mutate(store => (store.figures[3].value = '1,000')), /store\.json: figures\[3\]\.value: expected number, received string/],
		['a bad period', () => mutate(store => (store.figures[0].period = '2004-06-30')), /figures\[0\]\.period: a period such as 2004Q2/],
		['an unknown unit', () => mutate(store => (store.figures[2].unit = 'EUR')), /figures\[2\]\.unit: expected one of/],
		['an extra field', () => mutate(store => (store.figures[1].colour = 'red')), /figures\[1\]: unexpected field "colour"/],
		['an unknown metric', () => mutate(store => (store.figures[5].metric = 'ebitda')), /figures\[5\]\.metric: unknown metric "ebitda"/],
		['an unknown source', () => mutate(store => (store.figures[5].source = 'nowhere')), /figures\[5\]\.source: unknown source "nowhere"/],
		['a duplicate id', () => mutate(store => (store.figures[1].id = store.figures[0].id)), /figures\[1\]\.id: ".*" is used twice/],
		['a stated figure without words', () => mutate(store => delete store.figures[0].quote), /figures\[0\]\.quote: a stated figure needs the filing's words/],
		['an unknown site status', () => mutate(store => (store.sites[0].events[0].status = 'sold')), /sites\[0\]\.events\[0\]\.status: unknown status "sold"/],
		['a segment with an unknown parent', () => mutate(store => (store.segments[1].parent = 'plasma')), /segments\[1\]\.parent: unknown segment "plasma" \(expected one of /],
		['an unknown site type', () => mutate(store => (store.sites[2].type = 'kiosk')), /sites\[2\]\.type: unknown site type "kiosk"/],
		['a duplicate site id', () => mutate(store => (store.sites[3].id = store.sites[1].id)), /sites\[3\]\.id: ".*" is used twice/],
		['a derived figure without a formula', () => mutate(store => delete store.figures.find((item: any) => item.kind === 'derived').formula), /figures\[\d+\]\.formula: a derived figure needs a formula/],
		['a derived figure without inputs', () => mutate(store => delete store.figures.find((item: any) => item.kind === 'derived').inputs), /figures\[\d+\]\.inputs: a derived figure needs its inputs/],
		['a derived figure with an unknown input', () => mutate(store => {
			const figure = store.figures.find((item: any) => item.kind === 'derived');
			const name = Object.keys(figure.inputs)[0]!;
			figure.inputs[name] = 'no-such-figure';
		}), /figures\[\d+\]\.inputs\.\w+: unknown figure "no-such-figure"/],
		['a level measured against another period', () => mutate(store => (store.figures.find((item: any) => (item.measure ?? 'value') === 'value').compareTo = '2003Q2')), /\.compareTo: only a change or percent-of is measured against another period/],
		['a change without its other period', () => mutate(store => delete store.figures.find((item: any) => item.measure === 'change').compareTo), /\.compareTo: a change figure needs the period it is measured against/],
		['a unit other than its metric\'s', () => mutate(store => (store.figures.find((item: any) => item.unit === 'USD' && (item.measure ?? 'value') === 'value').unit = 'days')), /\.unit: expected "USD" for a value of [\w-]+, got "days"/],
		['the first of two problems, in the order the fields are read', () => mutate(store => {
			store.figures[4].segment = 'nowhere';
			store.figures[4].metric = 'ebitda';
			store.figures[2].source = 'elsewhere';
		}), /figures\[2\]\.source: unknown source "elsewhere"/],
		['a derived value typed in wrong', () => mutate(store => {
			const figure = store.figures.find((item: any) => item.kind === 'derived');
			figure.value = 1;
		}), /\.value: the store says 1 but/],
	])('refuses %s with the file and the field', async (_, make, message) => {
		const file = make();
		let before: string | undefined;
		try {
			before = digest(file);
		} catch {}
		const error = await loadStore(file).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DataError);
		expect((error as Error).message).toMatch(message);
		expect((error as Error).message).not.toContain('\n');
		if (before) expect(digest(file)).toBe(before);
	});

	it('reports a file it may not read', async () => {
		if (process.getuid?.() === 0) return; // root reads anything; the message is covered by the code path's tests above
		const file = copyStore();
		chmodSync(file, 0o000);
		await expect(loadStore(file)).rejects.toThrow(/cannot be read \(permission denied\)/);
	});
});

describe('writeStore', () => {
	it('writes atomically, recomputing derived values, and reads back equal', async () => {
		const file = copyStore(otherStore);
		const store = readJson<Store>(file);
		await writeStore(file, store);
		const written = readJson<Store>(file);
		expect(written.figures.find(figure => figure.id === '21q1-sales-sw')?.value).toBe(300);
		expect(await loadStore(file)).toEqual(await loadStore(otherStore));
	});

	it('refuses to write a store that fails the schema, leaving the old one', async () => {
		const file = copyStore(otherStore);
		const before = digest(file);
		const store = readJson<any>(file);
		store.figures[0].value = 'x';
		await expect(writeStore(file, store)).rejects.toThrow(/figures\[0\]\.value/);
		expect(digest(file)).toBe(before);
	});
});

describe('the JSON Schema', () => {
	it('describes the store and its figures', () => {
		const schema = getStoreJsonSchema() as any;
		expect(schema.title).toContain('schema version 1');
		expect(schema.properties.figures.items.properties.kind.enum).toEqual(['stated', 'derived']);
		expect(schema.required).toContain('schemaVersion');
	});
});
