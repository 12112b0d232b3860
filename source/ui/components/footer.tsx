import {Text} from 'ink';
import {footerBindings, type Context} from '../keymap.js';
import {fit} from '../layout.js';

/** The keys of the current context, read from the keymap. */
export default function Footer({context, width}: {context: Context; width: number}) {
	const hints = footerBindings(context)
		.map(binding => `${binding.short ?? binding.label.split(' ')[0]} ${binding.hint ?? binding.description}`)
		.join(' · ');
	return (
		<Text dimColor wrap="truncate">
			{fit(hints, width)}
		</Text>
	);
}
