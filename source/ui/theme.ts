import type {ForegroundColorName} from 'chalk';
import {createContext, useContext} from 'react';
import {paint, type Tone} from '../output/table.js';

/** Whether this session draws in colour; set once per render by run(). */
export const ColorContext = createContext(true);

type ToneStyle = {color?: ForegroundColorName; dimColor?: boolean; bold?: boolean};

const palette: Record<Tone, ToneStyle> = {
	up: {color: 'green'},
	down: {color: 'red'},
	warn: {color: 'yellow'},
	muted: {dimColor: true},
	strong: {bold: true},
};

/** Text props for a tone: colour only where the session has it; the words carry the meaning. */
export function useTone(): (tone: Tone | undefined) => ToneStyle {
	const color = useContext(ColorContext);
	return tone => (color && tone ? palette[tone] : {});
}

/**
 * A tone applied to a string, for a line drawn as one text: the same characters and escapes as a
 * nested <Text> with the tone's props, without a text node per piece.
 */
export function usePaint(): (text: string, tone: Tone | undefined) => string {
	const color = useContext(ColorContext);
	return (text, tone) => paint(text, tone, color);
}
