import {Box, Text} from 'ink';
import GridView from '../components/grid-view.js';
import type {Grid} from '../pane-rows.js';

type Props = {quarter: string; grid: Grid; selected: number; width: number; height: number};

/** Balance-sheet figures by quarter end; n/r where no filing reports one. */
export default function BalancePane({quarter, grid, selected, width, height}: Props) {
	return (
		<Box flexDirection="column" height={height}>
			<Text wrap="truncate">
				<Text bold>Balance sheet</Text>
				{` · quarter ends up to ${quarter} · n/r not reported · trend · is a gap`}
			</Text>
			<GridView grid={grid} selected={selected} width={width} height={height - 1} empty="No metric matches the filter" />
		</Box>
	);
}
