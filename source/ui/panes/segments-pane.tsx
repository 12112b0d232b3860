import {Box, Text} from 'ink';
import type {SegmentsReport} from '../../model/reports.js';
import GridView from '../components/grid-view.js';
import type {Grid} from '../pane-rows.js';

type Props = {report: SegmentsReport; grid: Grid; selected: number; width: number; height: number};

/** Revenue by segment: the quarter, its neighbours, the change on a year earlier, the trend. */
export default function SegmentsPane({report, grid, selected, width, height}: Props) {
	return (
		<Box flexDirection="column" height={height}>
			<Text wrap="truncate">
				<Text bold>{report.metric?.name ?? 'Revenue'} by segment</Text>
				{` · ${report.quarter} against ${report.yearAgo} · * derived  ! filings disagree  ⚑ check finding  ~ computed`}
			</Text>
			<GridView grid={grid} selected={selected} width={width} height={height - 1} empty={report.metric ? 'No segment matches the filter' : 'The store names no revenue metric (role "revenue")'} />
		</Box>
	);
}
