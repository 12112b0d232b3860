// Bundles the CLI into dist/: one file for the scriptable path, the explorer in chunks loaded on demand.
import {existsSync} from 'node:fs';
import {chmod, rm} from 'node:fs/promises';
import {build} from 'esbuild';

const outdir = new URL('../dist/', import.meta.url).pathname;
await rm(outdir, {recursive: true, force: true});
await build({
	entryPoints: Object.fromEntries(
		Object.entries({cli: 'source/cli.ts', bench: 'source/bench/bench.ts'}).filter(([, file]) => existsSync(file)),
	),
	outdir,
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	// Every file at one depth, so paths relative to a module (the bundled store) hold in any chunk.
	chunkNames: '[name]-[hash]',
	define: {'process.env.NODE_ENV': '"production"'},
	// ssh2 loads optional native addons at run time; it stays a runtime dependency.
	external: ['react-devtools-core', 'ssh2'],
	banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
	legalComments: 'none',
	logLevel: 'warning',
});
await chmod(new URL('cli.js', `file://${outdir}`), 0o755);
