import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		// Tests that load the explorer in their own process load Ink as the CLI does, with CI set
		// aside (see source/terminal-env.ts); tests of the built CLI set CI themselves where it matters.
		env: {CI: 'false', CONTINUOUS_INTEGRATION: 'false'},
		hookTimeout: 30_000,
		globalSetup: ['test/global-setup.ts'],
		// End-to-end tests share one tmux server and build; run files one at a time on 2 cores.
		fileParallelism: false,
	},
});
