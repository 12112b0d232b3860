import {describe, expect, it} from 'vitest';
import {loadStore} from '../../source/data/store.js';
import {createDataset} from '../../source/model/dataset.js';
import {formatValue} from '../../source/model/format.js';
import {getSegmentRevenue} from '../../source/model/queries.js';
import {segmentsGrid} from '../../source/ui/pane-rows.js';
import {bundledStore} from '../helpers.js';

const dataset = createDataset(await loadStore(bundledStore));

describe('segmentsGrid', () => {
	it('shows each row at the quarters before and after the one selected, from its series', () => {
		const {quarters} = dataset;
		let shown = 0;
		for (let at = 0; at < quarters.length; at++) {
			const report = getSegmentRevenue(dataset, quarters[at]!);
			const grid = segmentsGrid(report);
			expect(grid.columns.map(column => column.header).slice(1, 4)).toEqual([quarters[at - 1] ?? '', quarters[at], quarters[at + 1] ?? '']);
			report.rows.forEach((row, index) => {
				// What the grid reads by place: each row's series runs over the report's quarters.
				expect(row.series.map(point => point.quarter)).toEqual(report.quarters);
				for (const [column, quarter] of [[1, quarters[at - 1]], [3, quarters[at + 1]]] as const) {
					const value = quarter === undefined ? undefined : (row.series.find(point => point.quarter === quarter)?.value ?? null);
					const cell = grid.rows[index]!.cells[column]!;
					expect(cell.value).toBe(value ?? null);
					// No column where there is no such quarter; n/r where the row has no value for it.
					expect(cell.text).toBe(value === undefined ? '' : value === null ? 'n/r' : formatValue(value, report.metric!.unit));
					if (typeof value === 'number') shown++;
				}
			});
		}
		expect(shown).toBeGreaterThan(20);
	});
});
