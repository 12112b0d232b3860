import {Box, Text} from 'ink';
import {Table} from 'ink-table';
import {describeContexts, keymap} from '../keymap.js';
import {scrollOffset} from '../layout.js';

type Props = {selected: number; height: number};

/** Every key of the keymap, a page at a time. */
export default function HelpPane({selected, height}: Props) {
	// The table draws a rule above every row: two lines a row, plus its top, heading and bottom.
	const perPage = Math.max(1, Math.floor((height - 4) / 2));
	const offset = scrollOffset(selected, keymap.length, perPage);
	const data = keymap.slice(offset, offset + perPage).map(binding => ({
		Keys: binding.label,
		Does: binding.description,
		Where: describeContexts(binding),
	}));
	return (
		<Box flexDirection="column" height={height}>
			<Text bold>
				Keys {offset + 1}–{offset + data.length} of {keymap.length} (↑↓ scroll, Esc or ? closes)
			</Text>
			<Table data={data} />
		</Box>
	);
}
