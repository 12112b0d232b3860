import {describe, expect, it} from 'vitest';
import {loadStore} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import {formatValue} from '../../source/model/format.js';
import {getSegmentRevenue} from '../../source/model/queries.js';
import {segmentsGrid} from '../../source/ui/pane-rows.js';
import {bundledStore} from '../helpers.js';

const dataset = createDataset(await loadStore(bundledStore));

describe('segmentsGrid', () => {
	it('shows each row at the quarters before and after the one selected, from its series, and when the series leaves a quarter out', () => {
		const {quarters} = dataset;
		let shown = 0;
		let shownSparse = 0;
		for (let at = 0; at < quarters.length; at++) {
			const report = getSegmentRevenue(dataset, quarters[at]!);
			const grid = segmentsGrid(report, quarters);
			// The same report with each series' first quarter left out: every other value is a place before its quarter's.
			const sparse = {...report, rows: report.rows.map(row => ({...row, series: row.series.slice(1)}))};
			const sparseGrid = segmentsGrid(sparse, quarters);
			report.rows.forEach((row, index) => {
				for (const [column, quarter] of [[1, quarters[at - 1]], [3, quarters[at + 1]]] as const) {
					const value = quarter === undefined ? undefined : (row.series.find(point => point.quarter === quarter)?.value ?? null);
					const cell = grid.rows[index]!.cells[column]!;
					expect(cell.value).toBe(value ?? null);
					// No column where there is no such quarter; n/r where the row has no value for it.
					expect(cell.text).toBe(value === undefined ? '' : value === null ? 'n/r' : formatValue(value, report.metric!.unit));
					if (typeof value === 'number') shown++;
					const kept = sparse.rows[index]!.series.some(point => point.quarter === quarter);
					expect(sparseGrid.rows[index]!.cells[column]!.value).toBe(kept ? (value ?? null) : null);
					if (kept && typeof value === 'number') shownSparse++;
				}
			});
		}
		expect(shown).toBeGreaterThan(20);
		expect(shownSparse).toBeGreaterThan(20);
	});
});
