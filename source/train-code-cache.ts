import path from 'node:path';
import process from 'node:process';
import {setTimeout as delay} from 'node:timers/promises';
import type {runCli} from './cli.js';
import {bundleLoader} from './code-cache.js';
import type {explorerOptions, runExplorer} from './explore-local.js';
import {createTtyStreams} from './ssh/tty-streams.js';

/**
 * Makes the code caches of the bundles in a build's directory (`node train-code-cache.js <dir>`):
 * runs the scriptable commands on the bundled store, opens the explorer on in-memory terminal
 * streams and goes through its panes, then writes what V8 compiled on the way beside each bundle.
 * What a user's commands use first is then already compiled when they start. The run checks
 * nothing: the tests do; its output goes nowhere.
 */
async function train(directory: string): Promise<void> {
	const loader = bundleLoader(directory, {makingCaches: true});
	const cli = loader.load('main.js') as {runCli: typeof runCli};
	const sink = {write: () => true};
	const io = {stdout: sink, stderr: sink, stdoutIsTTY: false, columns: 100, env: {}, cwd: directory};
	const commands = [
		['quarters', '--json'],
		['quarters'],
		['diff', 'latest-4', 'latest', '--json'],
		['diff', 'latest-4', 'latest'],
		['segments', '--json'],
		['centers', '--csv'],
		['balance'],
		['show', 'latest', '--json'],
		['check'],
		['diff', 'latest', 'no-such-quarter'],
	];
	for (const argv of commands) await cli.runCli(argv, io);
	for (const argv of [['quarters'], ['diff', 'latest-4', 'latest'], ['centers']]) await cli.runCli(argv, {...io, stdoutIsTTY: true});

	const opened = await cli.runCli(['explore'], {...io, stdoutIsTTY: true});
	if (!('explore' in opened)) throw new Error('train-code-cache: the explorer did not open on the bundled store');
	const explorer = loader.load('explore-local.js') as {runExplorer: typeof runExplorer; explorerOptions: typeof explorerOptions};
	const {stdin, stdout} = createTtyStreams({size: {columns: 100, rows: 30}, env: {TERM: 'xterm-256color'}, sink: () => {}});
	const session = explorer.runExplorer({...(await explorer.explorerOptions({...opened.explore, color: true})), stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream});
	await delay(300);
	for (const key of ['j', 'j', '2', 'j', 'G', 'g', '3', ']', '[', '4', 'n', 'b', ']', '1', '\t', '/', 'b', '\r', '\u001B', '\r', '\u001B', '?', '\u001B', 'q']) {
		stdin.receive(Buffer.from(key));
		await delay(40);
	}
	await Promise.race([session.done, delay(3000).then(() => session.close())]);

	for (const name of ['serve.js', 'import.js', 'parse-store.js']) loader.load(name);
	loader.writeCaches();
}

train(path.resolve(process.argv[2] ?? '.')).then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
