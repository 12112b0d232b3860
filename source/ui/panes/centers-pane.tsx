import {Box, Text} from 'ink';
import type {CentersReport} from '../../model/reports.js';
import GridView from '../components/grid-view.js';
import type {Grid} from '../pane-rows.js';

type Props = {report: CentersReport; grid: Grid; selected: number; width: number; height: number};

/** Every site with its status as of the selected quarter. */
export default function CentersPane({report, grid, selected, width, height}: Props) {
	const counts = new Map<string, number>();
	for (const site of report.sites) {
		const state = site.status?.state ?? 'unreported';
		counts.set(state, (counts.get(state) ?? 0) + 1);
	}
	const summary = [...counts].map(([state, count]) => `${count} ${state}`).join(', ');
	return (
		<Box flexDirection="column" height={height}>
			<Text wrap="truncate">
				<Text bold>Sites as of {report.quarter}</Text>
				{` · ${summary}`}
			</Text>
			<GridView grid={grid} selected={selected} width={width} height={height - 1} empty="No site matches the filter" />
		</Box>
	);
}
