import type {Figure} from '../data/schema.js';
import {parseFormula, type Formula} from './formula.js';

/** A figure whose value is known: stated in the store, or computed from its inputs. */
export type ResolvedFigure = Figure & {value: number};

/**
 * Computes every derived figure from its inputs, in dependency order, and returns all figures with
 * values. Throws an Error whose message starts with the figure's path (`figures[12]`) when a formula
 * cannot be evaluated, names an input it is not given, depends on itself, or disagrees with a value
 * already written in the store.
 */
export function resolveFigures(figures: readonly Figure[]): ResolvedFigure[] {
	const indexById = new Map<string, number>();
	for (let index = 0; index < figures.length; index++) indexById.set(figures[index]!.id, index);
	// By position in `figures`; a large store has tens of thousands.
	const values: Array<number | undefined> = new Array(figures.length);
	const visiting = new Uint8Array(figures.length);
	// Stores repeat a handful of formulas across every period: each is parsed once.
	const formulas = new Map<string, Formula>();

	const valueOf = (index: number): number => {
		const known = values[index];
		if (known !== undefined) return known;
		const figure = figures[index]!;
		const where = () => `figures[${index}]`;
		if (figure.kind === 'stated') {
			if (figure.value === undefined) throw new Error(`${where()}.value: a stated figure needs a number`);
			values[index] = figure.value;
			return figure.value;
		}

		if (visiting[index]) throw new Error(`${where()}.inputs: "${figure.id}" depends on itself`);
		visiting[index] = 1;
		const text = figure.formula ?? '';
		let formula = formulas.get(text);
		if (formula === undefined) {
			try {
				formula = parseFormula(text);
			} catch (error) {
				throw new Error(`${where()}.formula: ${(error as Error).message}`);
			}
			formulas.set(text, formula);
		}
		const inputs = figure.inputs ?? {};
		const scope: Record<string, number> = {};
		for (const name of formula.names) {
			const inputId = inputs[name];
			if (inputId === undefined) throw new Error(`${where()}.formula: "${name}" is not one of its inputs`);
			const inputIndex = indexById.get(inputId);
			if (inputIndex === undefined) throw new Error(`${where()}.inputs.${name}: no figure "${inputId}"`);
			scope[name] = valueOf(inputIndex);
		}
		const value = formula.evaluate(scope);
		if (!Number.isFinite(value)) throw new Error(`${where()}.formula: "${figure.formula}" gives ${value}`);
		if (figure.value !== undefined && !nearlyEqual(figure.value, value)) {
			throw new Error(`${where()}.value: the store says ${figure.value} but "${figure.formula}" gives ${value}`);
		}
		visiting[index] = 0;
		values[index] = value;
		return value;
	};

	// A figure that already holds its value is returned as it is: a large store is not copied for nothing.
	return figures.map((figure, index) => {
		const value = valueOf(index);
		return Object.is(figure.value, value) ? (figure as ResolvedFigure) : {...figure, value};
	});
}

/** Whether two values of a figure agree, to rounding. */
export function nearlyEqual(a: number, b: number): boolean {
	return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
