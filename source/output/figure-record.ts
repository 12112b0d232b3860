import type {FigureView} from '../model/reports.js';

/**
 * The columns of a figure as a CSV record: what `show --csv` writes and `import` reads. `sites` is a
 * `;`-separated list of site ids; `inputs` is `name=figure-id` pairs separated by `;`.
 */
export const figureColumns = [
	'id',
	'period',
	'metric',
	'segment',
	'sites',
	'measure',
	'compareTo',
	'value',
	'unit',
	'kind',
	'qualifier',
	'source',
	'quote',
	'formula',
	'inputs',
	'note',
] as const;

export type FigureColumn = (typeof figureColumns)[number];

/** One figure as record fields, in {@link figureColumns} order; empty where the figure has nothing. */
export function figureRecord(figure: FigureView): Array<string | number | null> {
	const fields: Record<FigureColumn, string | number | null> = {
		id: figure.id,
		period: figure.period,
		metric: figure.metric,
		segment: figure.segment,
		sites: figure.sites.length > 0 ? figure.sites.join(';') : null,
		measure: figure.measure,
		compareTo: figure.compareTo,
		value: figure.value,
		unit: figure.unit,
		kind: figure.kind,
		qualifier: figure.qualifier,
		source: figure.source,
		quote: figure.quote,
		formula: figure.formula,
		inputs: figure.inputs ? Object.entries(figure.inputs).map(([name, id]) => `${name}=${id}`).join(';') : null,
		note: figure.note,
	};
	return figureColumns.map(column => fields[column]);
}
