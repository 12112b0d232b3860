import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import {dataAfterCopyOf, withCopyOf} from './held-copy.js';
import {replaceFile} from './replace-file.js';

/** What `require` hands a CommonJS module; the bundles call it and read nothing else from it but these. */
type ModuleRequire = ((id: string) => unknown) & Pick<NodeJS.Require, 'resolve' | 'cache' | 'main'>;

/** The CommonJS function a bundle's text is compiled into, as Node's own loader wraps a module. */
const wrapperStart = '(function (exports, require, module, __filename, __dirname) { ';
const wrapperEnd = '\n});';

export type BundleLoader = {
	/** The exports of `name` in the directory, compiled and run once per process, as `require` would. */
	load: (name: string) => unknown;
	/**
	 * Writes each loaded bundle's code cache (`<bundle>.cache`) as it stands, whole or not at all.
	 * Only a loader made for making caches has them to write.
	 */
	writeCaches: () => void;
};

/** A bundle asks for another bundle of its directory as `./name.js`; anything else goes to Node's `require`. */
function bundleName(id: string): string | undefined {
	return /^\.\/[\w-]+\.js$/.test(id) ? id.slice(2) : undefined;
}

/**
 * The V8 data of the cache beside a bundle, when there is one and it was made from these very bytes
 * (it holds a copy of them, see held-copy.ts: V8's own check compares lengths only).
 */
function cacheFor(file: string, bytes: Buffer): Buffer | undefined {
	let cache: Buffer;
	try {
		cache = fs.readFileSync(`${file}.cache`);
	} catch {
		return undefined;
	}
	const data = dataAfterCopyOf(cache, bytes);
	return data?.length ? data : undefined;
}

/**
 * Loads the CommonJS bundles of `directory`. Each is compiled with the code cache the build made
 * for it (`<bundle>.cache`): V8 then takes the bytecode of every function the build's run of the
 * commands and the explorer compiled, instead of parsing and compiling them again at each start.
 * A cache is used only for the bundle bytes it was made from (the file holds a copy to compare), and
 * V8 takes it only from the same V8 with the same flags; otherwise, or when the file is missing or
 * unreadable, the bundle is compiled from its text as usual. Nothing is written at run time: only a
 * loader made with `makingCaches` (the build's) keeps each bundle's bytes and script to write them.
 */
export function bundleLoader(directory: string, {makingCaches = false}: {makingCaches?: boolean} = {}): BundleLoader {
	const loaded = new Map<string, {exports: unknown}>();
	const compiled: Array<{file: string; bytes: Buffer; script: vm.Script}> = [];

	const load = (name: string): unknown => {
		const known = loaded.get(name);
		if (known) return known.exports;
		const file = path.join(directory, name);
		const bytes = fs.readFileSync(file);
		const script = new vm.Script(wrapperStart + bytes.toString('utf8') + wrapperEnd, {filename: file, cachedData: cacheFor(file, bytes)});
		if (makingCaches) compiled.push({file, bytes, script});
		const module = {exports: {} as unknown};
		// Registered before it runs, as Node does, so a bundle asked for again while loading gets its exports so far.
		loaded.set(name, module);
		const nodeRequire = createRequire(file);
		const require: ModuleRequire = Object.assign(
			(id: string) => {
				const bundle = bundleName(id);
				return bundle === undefined ? nodeRequire(id) : load(bundle);
			},
			{resolve: nodeRequire.resolve, cache: nodeRequire.cache, main: nodeRequire.main},
		);
		try {
			const run = script.runInThisContext() as (...args: unknown[]) => void;
			run.call(module.exports, module.exports, require, module, file, directory);
		} catch (error) {
			// As Node forgets a module that threw while loading: asking again runs it again.
			loaded.delete(name);
			throw error;
		}
		return module.exports;
	};

	return {
		load,
		writeCaches() {
			if (!makingCaches) throw new Error('bundleLoader: this loader was made to run bundles, not to make their caches');
			for (const {file, bytes, script} of compiled) replaceFile(`${file}.cache`, withCopyOf(bytes, script.createCachedData()));
		},
	};
}
