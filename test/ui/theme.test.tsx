import chalk from 'chalk';
import {Box, renderToString, Text} from 'ink';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Tone} from '../../source/output/table.js';
import GridView from '../../source/ui/components/grid-view.js';
import {ColorContext, usePaint, useTone} from '../../source/ui/theme.js';

const tones: Tone[] = ['up', 'down', 'warn', 'muted', 'strong'];
const savedLevel = chalk.level;
beforeAll(() => {
	chalk.level = 3;
});
afterAll(() => {
	chalk.level = savedLevel;
});

/** The same row twice: painted into one string, and as nested <Text> elements with the tone's props. */
function BothWays({tone, selected}: {tone: Tone; selected: boolean}) {
	const paint = usePaint();
	const props = useTone();
	return (
		<Box flexDirection="column">
			<Text inverse={selected}>{`› ${paint('12.5', tone)}${paint('  n/r', undefined)}`}</Text>
			<Text inverse={selected}>
				{'› '}
				<Text {...props(tone)}>12.5</Text>
				<Text>{'  n/r'}</Text>
			</Text>
		</Box>
	);
}

function draw(element: React.ReactElement, color: boolean): string[] {
	return renderToString(<ColorContext.Provider value={color}>{element}</ColorContext.Provider>, {columns: 40}).split('\n');
}

describe('painted tones', () => {
	for (const tone of tones) {
		for (const selected of [false, true]) {
			it(`${tone}${selected ? ', selected' : ''}: the same bytes as nested <Text>`, () => {
				const [painted, nested] = draw(<BothWays tone={tone} selected={selected} />, true);
				expect(painted).toContain('\u001B[');
				expect(painted).toBe(nested);
			});
		}
	}

	it('adds nothing without colour', () => {
		const [painted, nested] = draw(<BothWays tone="up" selected={false} />, false);
		expect(painted).toBe('› 12.5  n/r');
		expect(nested).toBe(painted);
	});

	it('colours a grid cell by its tone, and only that cell', () => {
		const grid = {
			columns: [
				{header: 'Metric', align: 'left' as const, priority: 0},
				{header: 'Change', align: 'right' as const, priority: 1},
			],
			rows: [{key: 'cash', name: 'Cash', cells: [{text: 'Cash', value: null}, {text: '+12%', value: 0.12, tone: 'up' as const}]}],
		};
		const lines = draw(<GridView grid={grid} selected={-1} width={30} height={3} empty="none" />, true);
		const row = lines.find(line => line.includes('Cash'))!;
		// The cell's padding and the gap before it take its tone, as they did inside its own <Text>.
		expect(row).toMatch(/\u001B\[32m +\+12%\u001B\[39m/);
		expect(row.startsWith('  Cash')).toBe(true);
	});
});
