import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {generateStore, largeStoreSize, writeGeneratedStore} from '../../source/bench/generate-store.js';
import {parseStore} from '../../source/data/parse-store.js';
import {checkStore} from '../../source/model/check.js';
import {createDataset, readValue} from '../../source/model/dataset.js';
import {readJson, runCli, tempDirectory} from '../helpers.js';

const small = {quarters: 12, segments: 10, sites: 40, seed: 7};

describe('generateStore', () => {
	it('makes a store that passes the schema, its references and its formulas', () => {
		const store = parseStore(generateStore(small), 'generated.json');
		const dataset = createDataset(store);
		expect(dataset.quarters).toHaveLength(small.quarters);
		expect(store.segments).toHaveLength(small.segments);
		expect(store.sites).toHaveLength(small.sites);
		expect(store.figures.some(figure => figure.kind === 'derived')).toBe(true);
	});

	it('fills every metric in every quarter, and revenue for every segment', () => {
		const dataset = createDataset(parseStore(generateStore(small), 'generated.json'));
		for (const quarter of dataset.quarters) {
			for (const metric of dataset.store.metrics) expect(readValue(dataset, {metric: metric.id}, quarter), `${metric.id} ${quarter}`).not.toBeNull();
			for (const segment of dataset.store.segments) expect(readValue(dataset, {metric: 'revenue', segment: segment.id}, quarter), `${segment.id} ${quarter}`).not.toBeNull();
		}
	});

	it('ties out: its figures contradict each other nowhere', () => {
		const report = checkStore(createDataset(parseStore(generateStore(small), 'generated.json')));
		expect(report.summary.error).toBe(0);
		expect(report.findings.every(finding => finding.rule === 'membership-change')).toBe(true);
	});

	it('gives the same store for the same seed, and another for another', () => {
		expect(JSON.stringify(generateStore(small))).toBe(JSON.stringify(generateStore(small)));
		expect(JSON.stringify(generateStore({...small, seed: 8}))).not.toBe(JSON.stringify(generateStore(small)));
	});

	it('is as large as the benchmark needs by default', () => {
		const dataset = createDataset(parseStore(generateStore(), 'large.json'));
		expect(dataset.quarters).toHaveLength(largeStoreSize.quarters);
		expect(dataset.store.segments).toHaveLength(largeStoreSize.segments);
		expect(dataset.store.sites).toHaveLength(largeStoreSize.sites);
		expect(dataset.store.figures.length).toBeGreaterThan(16_000);
	});
});

describe('writeGeneratedStore', () => {
	it('writes a store that quarterdeck --db opens', async () => {
		const file = path.join(tempDirectory(), 'nested', 'store.json');
		await writeGeneratedStore(file, generateStore(small));
		expect(readJson(file).schemaVersion).toBe(1);
		const run = runCli(['quarters', '--json', '--db', file]);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const report = JSON.parse(run.stdout);
		expect(report.company.name).toBe('Benchmark Holdings Inc.');
		expect(report.quarters).toHaveLength(small.quarters);
		const check = runCli(['check', '--json', '--fail-on', 'error', '--db', file]);
		expect(check.code).toBe(0);
	});
});
