import {describe, expect, it} from 'vitest';
import {createState, currentContext, reduce, type Frame, type State} from '../../source/ui/state.js';
import type {Command} from '../../source/ui/keymap.js';

const frame: Frame = {quarterCount: 9, rowCount: 5, pageSize: 3, helpCount: 20, changedRows: [1, 3]};
const start = createState({pane: 'segments', quarter: 8, diffA: 4, diffB: 8});
const run = (commands: Command[], state: State = start, f: Frame = frame) =>
	commands.reduce((current, command) => reduce(current, {type: 'command', command, frame: f}), state);

describe('reduce', () => {
	it.each<[Command[], Partial<State>]>([
		[['next-pane'], {pane: 'centers'}],
		[['previous-pane'], {pane: 'diff'}],
		[['next-pane', 'next-pane', 'next-pane', 'next-pane'], {pane: 'segments'}],
		[['pane-balance'], {pane: 'balance'}],
		[['previous-quarter', 'previous-quarter'], {quarter: 6}],
		[['next-quarter'], {quarter: 8}],
		[['quit'], {quit: true}],
		[['help'], {help: true}],
		[['help', 'back'], {help: false}],
		[['filter'], {filtering: true}],
	])('%j', (commands, expected) => {
		expect(run(commands)).toMatchObject(expected);
	});

	it('clamps rows and quarters to what there is', () => {
		expect(run(['down', 'down', 'down', 'down', 'down', 'down', 'down']).row.segments).toBe(4);
		expect(run(['up']).row.segments).toBe(0);
		expect(run(['page-down']).row.segments).toBe(3);
		expect(run(['bottom']).row.segments).toBe(4);
		expect(run(['bottom', 'top']).row.segments).toBe(0);
		const early = run(Array.from({length: 20}, () => 'previous-quarter' as const));
		expect(early.quarter).toBe(0);
	});

	it('keeps a row per pane', () => {
		const state = run(['down', 'down', 'next-pane', 'down']);
		expect(state.row).toMatchObject({segments: 2, centers: 1});
	});

	it('in the diff, [ and ] move the chosen side', () => {
		const diff = run(['pane-diff']);
		expect(run(['previous-quarter'], diff)).toMatchObject({diffA: 4, diffB: 7});
		expect(run(['choose-a', 'previous-quarter', 'previous-quarter'], diff)).toMatchObject({diffA: 2, diffB: 8, side: 'a'});
		expect(run(['choose-a', 'choose-b', 'next-quarter'], diff)).toMatchObject({diffA: 4, diffB: 8, side: 'b'});
	});

	it('jumps between changed rows and stops at the ends', () => {
		const diff = run(['pane-diff']);
		expect(run(['next-change'], diff).row.diff).toBe(1);
		expect(run(['next-change', 'next-change'], diff).row.diff).toBe(3);
		expect(run(['next-change', 'next-change', 'next-change'], diff).row.diff).toBe(3);
		expect(run(['bottom', 'previous-change'], diff).row.diff).toBe(3);
		expect(run(['next-change', 'previous-change'], diff).row.diff).toBe(1);
	});

	it('opens sources as a stack; Esc pops one; a pane key closes all', () => {
		const open = {title: 'Revenue', items: [{kind: 'figure' as const, id: 'a'}, {kind: 'figure' as const, id: 'b'}], selected: 0};
		const once = run(['open'], start, {...frame, open});
		expect(currentContext(once)).toBe('source');
		const twice = run(['down', 'open'], once, {...frame, open: {title: 'Inputs', items: [{kind: 'figure', id: 'c'}], selected: 0}});
		expect(twice.sources.map(source => source.title)).toEqual(['Revenue', 'Inputs']);
		expect(twice.sources[0]!.selected).toBe(1);
		expect(run(['back'], twice).sources).toHaveLength(1);
		expect(run(['pane-centers'], twice)).toMatchObject({sources: [], pane: 'centers'});
		expect(run(['open'], start)).toBe(start);
	});

	it('types into the filter only while filtering, and Esc there clears it', () => {
		const typed = ['c', 'l', 'o'].reduce((state, text) => reduce(state, {type: 'type', text}), run(['filter']));
		expect(typed.filter.segments).toBe('clo');
		expect(run(['filter-delete'], typed).filter.segments).toBe('cl');
		expect(run(['filter-accept'], typed)).toMatchObject({filtering: false, filter: {segments: 'clo'}});
		expect(run(['filter-cancel'], typed)).toMatchObject({filtering: false, filter: {segments: ''}});
		expect(reduce(start, {type: 'type', text: 'x'})).toBe(start);
	});
});
