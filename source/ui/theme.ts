import {createContext, useContext} from 'react';
import type {TextProps} from 'ink';
import type {Tone} from '../output/table.js';

/** Whether this session draws in colour; set once per render by run(). */
export const ColorContext = createContext(true);

const palette: Record<Tone, TextProps> = {
	up: {color: 'green'},
	down: {color: 'red'},
	warn: {color: 'yellow'},
	muted: {dimColor: true},
	strong: {bold: true},
};

/** Text props for a tone: colour only where the session has it; the words carry the meaning. */
export function useTone(): (tone: Tone | undefined) => TextProps {
	const color = useContext(ColorContext);
	return tone => (color && tone ? palette[tone] : {});
}
