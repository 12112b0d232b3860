import {Box, Text} from 'ink';
import type {PaneId} from '../keymap.js';
import {paneOrder} from '../state.js';

const titles: Record<PaneId, string> = {segments: 'Segments', centers: 'Centers', balance: 'Balance', diff: 'Diff'};

type Props = {company: string; pane: PaneId; quarter: string; width: number};

/** Pane tabs (the current one in brackets, so it reads without colour) and the selected quarter. */
export default function Header({company, pane, quarter, width}: Props) {
	const tabs = paneOrder.map((id, index) => (id === pane ? `[${index + 1} ${titles[id]}]` : ` ${index + 1} ${titles[id]} `)).join('');
	const right = pane === 'diff' ? '' : `◂ ${quarter} ▸`;
	const room = Math.max(0, width - tabs.length - right.length - 2);
	const name = company.length > room ? `${company.slice(0, Math.max(0, room - 1))}…` : company;
	return (
		<Box width={width} justifyContent="space-between">
			<Text wrap="truncate">
				<Text bold>{tabs}</Text>
				{room > 0 ? ` ${name}` : ''}
			</Text>
			<Text bold>{right}</Text>
		</Box>
	);
}
