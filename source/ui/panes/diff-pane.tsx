import {Box, Text} from 'ink';
import type {DiffReport} from '../../model/reports.js';
import GridView from '../components/grid-view.js';
import type {Grid} from '../pane-rows.js';

type Props = {report: DiffReport; grid: Grid; selected: number; side: 'a' | 'b'; width: number; height: number};

/** Two quarters side by side; the side that [ and ] move is marked. */
export default function DiffPane({report, grid, selected, side, width, height}: Props) {
	const changed = grid.rows.filter(row => row.changed).length;
	const mark = (which: 'a' | 'b', quarter: string) => (side === which ? `«${which.toUpperCase()} ${quarter}»` : `${which.toUpperCase()} ${quarter}`);
	return (
		<Box flexDirection="column" height={height}>
			<Text wrap="truncate">
				<Text bold>
					{mark('a', report.a)} → {mark('b', report.b)}
				</Text>
				{` · ${grid.rows.length} metrics, ${changed} changed or one-sided · ▲ up ▼ down`}
			</Text>
			<GridView grid={grid} selected={selected} width={width} height={height - 1} empty="No metric matches the filter" />
		</Box>
	);
}
