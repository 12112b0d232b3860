import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {footerBindings, formatKeyTableMarkdown, keymap, resolveKey, type Context, type KeyState} from '../../source/ui/keymap.js';
import {root} from '../helpers.js';

describe('resolveKey', () => {
	it.each<[string, KeyState, Context, string | undefined]>([
		['q', {}, 'segments', 'quit'],
		['c', {ctrl: true}, 'diff', 'quit'],
		['c', {ctrl: true}, 'filter', 'quit'],
		['q', {}, 'filter', undefined],
		['', {tab: true}, 'segments', 'next-pane'],
		['', {tab: true, shift: true}, 'centers', 'previous-pane'],
		['3', {}, 'source', 'pane-balance'],
		['j', {}, 'segments', 'down'],
		['', {downArrow: true}, 'help', 'down'],
		['k', {}, 'source', 'up'],
		['[', {}, 'centers', 'previous-quarter'],
		['', {leftArrow: true}, 'segments', 'previous-quarter'],
		['l', {}, 'balance', 'next-quarter'],
		['[', {}, 'source', undefined],
		['n', {}, 'diff', 'next-change'],
		['n', {}, 'segments', undefined],
		['N', {shift: true}, 'diff', 'previous-change'],
		['a', {}, 'diff', 'choose-a'],
		['/', {}, 'centers', 'filter'],
		['', {return: true}, 'segments', 'open'],
		['', {return: true}, 'filter', 'filter-accept'],
		['', {escape: true}, 'source', 'back'],
		['', {escape: true}, 'filter', 'filter-cancel'],
		['', {delete: true}, 'filter', 'filter-delete'],
		['?', {}, 'help', 'help'],
		['G', {shift: true}, 'segments', 'bottom'],
		['d', {ctrl: true}, 'segments', 'page-down'],
		['d', {}, 'segments', undefined],
		['x', {}, 'segments', undefined],
	])('%j %j in %s', (input, key, context, command) => {
		expect(resolveKey(input, key, context)).toBe(command);
	});

	it('never gives one key two meanings in the same place', () => {
		const contexts: Context[] = ['segments', 'centers', 'balance', 'diff', 'source', 'help', 'filter'];
		for (const context of contexts) {
			const seen = new Map<string, string>();
			for (const binding of keymap.filter(item => item.contexts.includes(context))) {
				for (const spec of binding.keys) {
					const id = JSON.stringify(spec);
					expect(seen.get(id), `${id} in ${context}`).toBeUndefined();
					seen.set(id, binding.command);
				}
			}
		}
	});

	it('every binding resolves to its own command somewhere', () => {
		for (const binding of keymap) {
			const spec = binding.keys[0]!;
			const key: KeyState = spec.key ? {[spec.key]: true, shift: spec.shift, ctrl: spec.ctrl} : {ctrl: spec.ctrl};
			expect(resolveKey(spec.input ?? '', key, binding.contexts[0]!), binding.command).toBe(binding.command);
		}
	});

	it('the footer always says how to quit and get help', () => {
		for (const context of ['segments', 'centers', 'balance', 'diff', 'source', 'help'] as const) {
			const commands = footerBindings(context).map(binding => binding.command);
			expect(commands.slice(0, 2)).toEqual(['quit', 'help']);
		}
	});
});

describe('the README key table', () => {
	it('is the one the keymap generates', () => {
		const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
		expect(readme).toContain(formatKeyTableMarkdown());
		expect(formatKeyTableMarkdown().split('\n')).toHaveLength(keymap.length + 2);
	});
});
