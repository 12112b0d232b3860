import {describe, expect, it} from 'vitest';
import {otherStore, readJson, runCli, writeStoreText} from './helpers.js';

describe('quarterdeck check', () => {
	it('--json: a stable shape with rule, severity, figures, arithmetic and gap', () => {
		const run = runCli(['check', '--json']);
		expect(run.code).toBe(4);
		const report = JSON.parse(run.stdout);
		expect(report).toMatchObject({format: 1, command: 'check', quarter: null});
		expect(report.summary.error).toBeGreaterThan(0);
		for (const finding of report.findings) {
			expect(Object.keys(finding).sort()).toEqual(['actual', 'arithmetic', 'expected', 'figures', 'gap', 'message', 'period', 'rule', 'severity', 'sites', 'tolerance'].sort());
			expect(report.rules.map((rule: any) => rule.id)).toContain(finding.rule);
		}
		const sum = report.findings.find((finding: any) => finding.rule === 'sum');
		expect(sum.figures[0]).toMatchObject({source: '2004q1-release', value: 264000});
		expect(sum.gap).toBe(18000);
	});

	it.each([
		[['check'], 4],
		[['check', '--fail-on', 'error'], 4],
		[['check', '--fail-on', 'error', '--quarter', '2003Q3'], 0],
		[['check', '--fail-on', 'info', '--quarter', '2003Q3'], 4],
		[['check', '--quarter', '2002Q3'], 0],
		[['check', '--fail-on', 'loud'], 2],
	])('%j exits %d', (args, code) => {
		const run = runCli(args);
		expect(run.code).toBe(code);
		if (code === 2) expect(run.stderr).toMatch(/--fail-on "loud" is not a level; expected one of info, warning, error/);
	});

	it('a consistent store passes', () => {
		const store = readJson(otherStore);
		store.figures = store.figures.filter((figure: any) => figure.id !== '21q2-profit-restated');
		const file = writeStoreText(JSON.stringify(store));
		const run = runCli(['check', '--db', file, '--json']);
		expect(JSON.parse(run.stdout).summary).toEqual({info: 0, warning: 0, error: 0});
		expect(run.code).toBe(0);
		expect(runCli(['check', '--db', otherStore, '--json']).code).toBe(4);
	});

	it('text output groups findings by quarter', () => {
		const run = runCli(['check', '--csv']);
		const periods = run.stdout.trim().split('\r\n').slice(1).map(line => line.split(',')[0]);
		expect(periods).toEqual([...periods].sort());
		const tsv = runCli(['check']);
		expect(tsv.stdout.split('\n')[0]).toBe('Period\tSeverity\tRule\tFinding\tArithmetic\tGap\tTolerance\tFigures');
	});
});
