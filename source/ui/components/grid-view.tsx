import {Box, Text} from 'ink';
import {columnGap, fit, layoutColumns, scrollOffset} from '../layout.js';
import type {Grid} from '../pane-rows.js';
import {usePaint} from '../theme.js';

type Props = {grid: Grid; selected: number; width: number; height: number; empty: string};

/**
 * A table that shows only the rows that fit, keeps the selected one in view and marks it with ›.
 * Each row is one string, its cells' tones painted in: a frame has a text node per row, not per cell.
 */
export default function GridView({grid, selected, width, height, empty}: Props) {
	const paint = usePaint();
	const widths = layoutColumns(grid.columns, grid.rows, width);
	const bodyHeight = Math.max(1, height - 1);
	const offset = scrollOffset(selected, grid.rows.length, bodyHeight);
	const visible = grid.rows.slice(offset, offset + bodyHeight);
	const gap = ' '.repeat(columnGap);
	const pad = (text: string, index: number) => {
		const w = widths[index]!;
		const shown = fit(text, w);
		return grid.columns[index]!.align === 'right' ? shown.padStart(w) : shown.padEnd(w);
	};
	const shownColumns = grid.columns.map((_, index) => index).filter(index => widths[index]! > 0);
	const headerLine = `  ${shownColumns.map(index => pad(grid.columns[index]!.header, index)).join(gap)}`;
	const range = grid.rows.length > bodyHeight ? `  ${offset + 1}–${offset + visible.length} of ${grid.rows.length}` : '';
	const more = headerLine.trimEnd().length + range.length <= width ? range : '';

	return (
		<Box flexDirection="column" height={height}>
			<Text bold wrap="truncate">
				{more ? headerLine.trimEnd() : headerLine}
				<Text dimColor>{more}</Text>
			</Text>
			{visible.length === 0 ? <Text dimColor>{`  ${empty}`}</Text> : null}
			{visible.map((row, at) => {
				const isSelected = offset + at === selected;
				return (
					<Text key={row.key} wrap="truncate" inverse={isSelected}>
						{(isSelected ? '› ' : '  ') +
							shownColumns.map((index, position) => paint((position > 0 ? gap : '') + pad(row.cells[index]?.text ?? '', index), row.cells[index]?.tone)).join('')}
					</Text>
				);
			})}
		</Box>
	);
}
