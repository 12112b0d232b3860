import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** What `require` hands a CommonJS module; the bundles call it and read nothing else from it but these. */
type ModuleRequire = ((id: string) => unknown) & Pick<NodeJS.Require, 'resolve' | 'cache' | 'main'>;

/** The CommonJS function a bundle's text is compiled into, as Node's own loader wraps a module. */
const wrapperStart = '(function (exports, require, module, __filename, __dirname) { ';
const wrapperEnd = '\n});';

export type BundleLoader = {
	/** The exports of `name` in the directory, compiled and run once per process, as `require` would. */
	load: (name: string) => unknown;
	/** Writes each loaded bundle's code cache (`<bundle>.cache`) as it stands, through a temporary file and a rename. */
	writeCaches: () => void;
};

/** A bundle asks for another bundle of its directory as `./name.js`; anything else goes to Node's `require`. */
function bundleName(id: string): string | undefined {
	return /^\.\/[\w-]+\.js$/.test(id) ? id.slice(2) : undefined;
}

/**
 * Loads the CommonJS bundles of `directory`. Each is compiled with the code cache the build made
 * for it (`<bundle>.cache`): V8 then takes the bytecode of every function the build's run of the
 * commands and the explorer compiled, instead of parsing and compiling them again at each start.
 * V8 checks that a cache belongs to this text, this V8 and these flags; when it does not, or the
 * file is missing or unreadable, the bundle is compiled from its text as usual. Nothing is written
 * at run time.
 */
export function bundleLoader(directory: string): BundleLoader {
	const loaded = new Map<string, {exports: unknown}>();
	const compiled: Array<{file: string; script: vm.Script}> = [];

	const load = (name: string): unknown => {
		const known = loaded.get(name);
		if (known) return known.exports;
		const file = path.join(directory, name);
		const source = fs.readFileSync(file, 'utf8');
		let cachedData: Buffer | undefined;
		try {
			cachedData = fs.readFileSync(`${file}.cache`);
		} catch {
			cachedData = undefined;
		}
		const script = new vm.Script(wrapperStart + source + wrapperEnd, {filename: file, cachedData});
		compiled.push({file, script});
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
		const run = script.runInThisContext() as (...args: unknown[]) => void;
		run.call(module.exports, module.exports, require, module, file, directory);
		return module.exports;
	};

	return {
		load,
		writeCaches() {
			for (const {file, script} of compiled) {
				const temporary = `${file}.cache.${process.pid}.tmp`;
				fs.writeFileSync(temporary, script.createCachedData());
				fs.renameSync(temporary, `${file}.cache`);
			}
		},
	};
}
