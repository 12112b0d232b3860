import process from 'node:process';

/**
 * Ink decides once, when it loads, whether it runs under CI (from CI or CONTINUOUS_INTEGRATION), and
 * then draws nothing but a final frame. The explorer is only ever drawn on a terminal, the user's own
 * or an SSH visitor's, so that setting is dropped before the interactive code, and Ink with it, loads.
 */
export function prepareInteractive(): void {
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
}
