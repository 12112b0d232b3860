import {Box, Text} from 'ink';
import {Table} from 'ink-table';
import {describeContexts, keymap} from '../keymap.js';
import {helpPageSize} from '../layout.js';

/** `selected` is the first binding shown: help scrolls, it has no cursor. */
type Props = {selected: number; width: number; height: number};

/** Every key of the keymap, a page at a time. */
export default function HelpPane({selected, width, height}: Props) {
	const perPage = helpPageSize(height);
	const offset = Math.max(0, Math.min(selected, keymap.length - perPage));
	// The Where column goes first when the window is too narrow for all three.
	const wide = width >= 80;
	const data = keymap.slice(offset, offset + perPage).map(binding => ({
		Keys: binding.label,
		Does: binding.description,
		...(wide ? {Where: describeContexts(binding)} : {}),
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
