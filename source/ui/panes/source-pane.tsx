import {Box, Text} from 'ink';
import type {FindingIndex} from '../../model/check.js';
import type {Dataset} from '../../model/dataset.js';
import {fit, scrollOffset, wrap} from '../layout.js';
import {describeItem, detailLines} from '../source-lines.js';
import type {SourceFrame} from '../state.js';
import {useTone} from '../theme.js';

type Props = {dataset: Dataset; frames: SourceFrame[]; findings?: FindingIndex | undefined; width: number; height: number};

/** Where a figure came from: the list of figures behind a value, and the words of the selected one. */
export default function SourcePane({dataset, frames, findings, width, height}: Props) {
	const tone = useTone();
	const frame = frames.at(-1)!;
	const listHeight = Math.min(frame.items.length, Math.max(1, Math.floor((height - 2) / 3)));
	const offset = scrollOffset(frame.selected, frame.items.length, listHeight);
	const item = frame.items[frame.selected];
	const detail = item ? detailLines(dataset, item, findings).flatMap(line => wrap(line.text, width - 2).map(text => ({text, tone: line.tone}))) : [];
	const room = Math.max(0, height - listHeight - 2);
	const trail = frames.length > 1 ? `  (${frames.length} deep: Esc goes back)` : '';

	return (
		<Box flexDirection="column" height={height}>
			<Text bold wrap="truncate">{fit(`Source · ${frame.title}${trail}`, width)}</Text>
			{frame.items.slice(offset, offset + listHeight).map((entry, at) => {
				const selected = offset + at === frame.selected;
				const line = describeItem(dataset, entry);
				return (
					<Text key={`${offset + at}`} inverse={selected} wrap="truncate" {...tone(line.tone)}>
						{`${selected ? '› ' : '  '}${fit(line.text, width - 2)}`}
					</Text>
				);
			})}
			<Text dimColor>{'─'.repeat(Math.max(0, width))}</Text>
			{detail.slice(0, room).map((line, index) => (
				<Text key={index} wrap="truncate" {...tone(line.tone)}>
					{`  ${line.text}`}
				</Text>
			))}
		</Box>
	);
}
