import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// End-to-end tests share one tmux server and build; run files one at a time on 2 cores.
		fileParallelism: false,
	},
});
