/** Where a key works: one pane, any pane, or one of the overlays. */
export type Context = 'segments' | 'centers' | 'balance' | 'diff' | 'source' | 'help' | 'filter';
export type PaneId = 'segments' | 'centers' | 'balance' | 'diff';

export type Command =
	| 'quit'
	| 'help'
	| 'next-pane'
	| 'previous-pane'
	| 'pane-segments'
	| 'pane-centers'
	| 'pane-balance'
	| 'pane-diff'
	| 'up'
	| 'down'
	| 'page-up'
	| 'page-down'
	| 'top'
	| 'bottom'
	| 'previous-quarter'
	| 'next-quarter'
	| 'choose-a'
	| 'choose-b'
	| 'next-change'
	| 'previous-change'
	| 'filter'
	| 'open'
	| 'back'
	| 'filter-accept'
	| 'filter-cancel'
	| 'filter-delete';

/** The parts of Ink's key object the table reads; kept here so this file needs no React or Ink. */
export type KeyState = {
	upArrow?: boolean;
	downArrow?: boolean;
	leftArrow?: boolean;
	rightArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	home?: boolean;
	end?: boolean;
	return?: boolean;
	escape?: boolean;
	tab?: boolean;
	shift?: boolean;
	ctrl?: boolean;
	backspace?: boolean;
	delete?: boolean;
};

/** One key: a character typed, or a named key with modifiers. */
export type KeySpec = {input?: string; key?: keyof KeyState; shift?: boolean; ctrl?: boolean};

export type Binding = {
	command: Command;
	keys: KeySpec[];
	/** How the keys are written in help, footer and README. */
	label: string;
	description: string;
	/** The word or two the footer shows. */
	hint?: string;
	/** The keys as the footer writes them, where the first key alone would mislead. */
	short?: string;
	/** The contexts where it works. */
	contexts: readonly Context[];
	/** Shown in the footer of these contexts (a short list; help shows everything). */
	footer?: readonly Context[];
};

const panes: readonly PaneId[] = ['segments', 'centers', 'balance', 'diff'];
const browsing: readonly Context[] = [...panes, 'source'];
const everywhere: readonly Context[] = [...browsing, 'help'];

/**
 * Every key the explorer knows. Input handling, the `?` overlay, the footer and the README's key
 * table are all read from this list: a key that is not here does nothing.
 */
export const keymap: readonly Binding[] = [
	{command: 'pane-segments', keys: [{input: '1'}], label: '1', description: 'Segments pane', contexts: everywhere},
	{command: 'pane-centers', keys: [{input: '2'}], label: '2', description: 'Centers pane', contexts: everywhere},
	{command: 'pane-balance', keys: [{input: '3'}], label: '3', description: 'Balance pane', contexts: everywhere},
	{command: 'pane-diff', keys: [{input: '4'}], label: '4', description: 'Diff pane', contexts: everywhere},
	{
		command: 'next-pane', hint: 'pane',
		keys: [{key: 'tab', shift: false}],
		label: 'Tab',
		description: 'Next pane',
		contexts: panes,
		footer: panes,
	},
	{command: 'previous-pane', keys: [{key: 'tab', shift: true}], label: 'Shift-Tab', description: 'Previous pane', contexts: panes},
	{
		command: 'up',
		keys: [{key: 'upArrow'}, {input: 'k'}],
		label: '↑ k',
		description: 'Move up',
		contexts: [...browsing, 'help'],
	},
	{
		command: 'down', hint: 'move', short: '↑↓',
		keys: [{key: 'downArrow'}, {input: 'j'}],
		label: '↓ j',
		description: 'Move down',
		contexts: [...browsing, 'help'],
		footer: panes,
	},
	{command: 'page-up', keys: [{key: 'pageUp'}, {input: 'u', ctrl: true}], label: 'PgUp Ctrl-U', description: 'Page up', contexts: [...browsing, 'help']},
	{command: 'page-down', keys: [{key: 'pageDown'}, {input: 'd', ctrl: true}], label: 'PgDn Ctrl-D', description: 'Page down', contexts: [...browsing, 'help']},
	{command: 'top', keys: [{key: 'home'}, {input: 'g'}], label: 'Home g', description: 'First row', contexts: browsing},
	{command: 'bottom', keys: [{key: 'end'}, {input: 'G'}], label: 'End G', description: 'Last row', contexts: browsing},
	{
		command: 'previous-quarter', hint: 'quarter', short: '[ ]',
		keys: [{input: '['}, {key: 'leftArrow'}, {input: 'h'}],
		label: '[ ← h',
		description: 'Earlier quarter (diff: the chosen side)',
		contexts: panes,
		footer: panes,
	},
	{
		command: 'next-quarter',
		keys: [{input: ']'}, {key: 'rightArrow'}, {input: 'l'}],
		label: '] → l',
		description: 'Later quarter (diff: the chosen side)',
		contexts: panes,
	},
	{command: 'choose-a', hint: 'side', short: 'a b', keys: [{input: 'a'}], label: 'a', description: 'Let [ and ] move quarter A', contexts: ['diff'], footer: ['diff']},
	{command: 'choose-b', keys: [{input: 'b'}], label: 'b', description: 'Let [ and ] move quarter B', contexts: ['diff']},
	{
		command: 'next-change', hint: 'changes', short: 'n N',
		keys: [{input: 'n'}],
		label: 'n',
		description: 'Next metric that changed',
		contexts: ['diff'],
		footer: ['diff'],
	},
	{command: 'previous-change', keys: [{input: 'N'}, {input: 'p'}], label: 'N p', description: 'Previous metric that changed', contexts: ['diff']},
	{command: 'filter', hint: 'filter', keys: [{input: '/'}], label: '/', description: 'Filter rows by name', contexts: panes, footer: panes},
	{
		command: 'open', hint: 'source',
		keys: [{key: 'return'}],
		label: 'Enter',
		description: 'Source of a figure; inputs of a derived one',
		contexts: browsing,
		footer: browsing,
	},
	{command: 'back', hint: 'back', keys: [{key: 'escape'}, {key: 'backspace'}, {key: 'delete'}], label: 'Esc', description: 'Back, close', contexts: ['source', 'help'], footer: ['source', 'help']},
	{command: 'filter-accept', hint: 'keep', keys: [{key: 'return'}], label: 'Enter', description: 'Keep the filter', contexts: ['filter'], footer: ['filter']},
	{command: 'filter-cancel', hint: 'clear', keys: [{key: 'escape'}], label: 'Esc', description: 'Clear the filter', contexts: ['filter'], footer: ['filter']},
	{command: 'filter-delete', keys: [{key: 'backspace'}, {key: 'delete'}], label: 'Backspace', description: 'Delete a character', contexts: ['filter']},
	{command: 'help', hint: 'keys', keys: [{input: '?'}], label: '?', description: 'All keys', contexts: everywhere, footer: [...browsing, 'help']},
	{command: 'quit', hint: 'quit', keys: [{input: 'q'}, {input: 'c', ctrl: true}], label: 'q Ctrl-C', description: 'Quit', contexts: [...everywhere, 'filter'], footer: everywhere},
];

function matches(spec: KeySpec, input: string, key: KeyState): boolean {
	if (spec.ctrl !== undefined && Boolean(key.ctrl) !== spec.ctrl) return false;
	if (spec.ctrl === undefined && key.ctrl) return false;
	if (spec.key) {
		if (!key[spec.key]) return false;
		return spec.shift === undefined || Boolean(key.shift) === spec.shift;
	}
	return spec.input === input;
}

/**
 * F12, a key no binding uses in any context: the explorer passes it through Ink's reading of keys
 * once before anyone types, so that the first real key does not pay for compiling Ink's key patterns.
 */
export const unboundKey = '\u001B[24~';

/** The command a key means in a context, or undefined when the table has none. */
export function resolveKey(input: string, key: KeyState, context: Context): Command | undefined {
	// In the filter line every plain character is text, so only named keys and Ctrl-C act.
	if (context === 'filter' && !key.ctrl && input.length > 0 && !key.return && !key.escape && !key.backspace && !key.delete) {
		return undefined;
	}
	// Ctrl-C quits from anywhere; Ink delivers it as input "c" with ctrl.
	for (const binding of keymap) {
		if (!binding.contexts.includes(context)) continue;
		if (binding.keys.some(spec => matches(spec, input, key))) return binding.command;
	}
	return undefined;
}

/** The bindings to show in the footer of a context: how to leave and get help first, then table order. */
export function footerBindings(context: Context): Binding[] {
	const shown = keymap.filter(binding => binding.footer?.includes(context));
	const first = (binding: Binding) => (binding.command === 'quit' ? 0 : binding.command === 'help' ? 1 : 2);
	return shown.sort((a, b) => first(a) - first(b));
}

const contextNames: Record<Context, string> = {
	segments: 'Segments',
	centers: 'Centers',
	balance: 'Balance',
	diff: 'Diff',
	source: 'Source',
	help: 'Help',
	filter: 'Filter',
};

/** Where a binding works, in words: "all panes", "Diff", "Source, Help". */
export function describeContexts(binding: Binding): string {
	if (panes.every(pane => binding.contexts.includes(pane)) && binding.contexts.includes('source')) return 'everywhere';
	if (panes.every(pane => binding.contexts.includes(pane))) return 'all panes';
	return binding.contexts.map(context => contextNames[context]).join(', ');
}

/** The key table as Markdown, for the README. */
export function formatKeyTableMarkdown(): string {
	const rows = keymap.map(binding => `| ${binding.label.replaceAll('|', '\\|')} | ${binding.description} | ${describeContexts(binding)} |`);
	return ['| Keys | Does | Where |', '| --- | --- | --- |', ...rows].join('\n');
}
