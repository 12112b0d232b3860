import {createHash} from 'node:crypto';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** What `require` hands a CommonJS module; the bundles call it and read nothing else from it but these. */
type ModuleRequire = ((id: string) => unknown) & Pick<NodeJS.Require, 'resolve' | 'cache' | 'main'>;

/** The CommonJS function a bundle's text is compiled into, as Node's own loader wraps a module. */
const wrapperStart = '(function (exports, require, module, __filename, __dirname) { ';
const wrapperEnd = '\n});';

/** A cache file starts with the SHA-256 of the bundle it was made from; V8's own check compares lengths only. */
const digestLength = 32;

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

/** The V8 data of the cache beside a bundle, when there is one and it was made from these very bytes. */
function cacheFor(file: string, digest: Buffer): Buffer | undefined {
	let cache: Buffer;
	try {
		cache = fs.readFileSync(`${file}.cache`);
	} catch {
		return undefined;
	}
	return cache.length > digestLength && digest.equals(cache.subarray(0, digestLength)) ? cache.subarray(digestLength) : undefined;
}

/**
 * Loads the CommonJS bundles of `directory`. Each is compiled with the code cache the build made
 * for it (`<bundle>.cache`): V8 then takes the bytecode of every function the build's run of the
 * commands and the explorer compiled, instead of parsing and compiling them again at each start.
 * A cache is used only for the bundle bytes it was made from (their SHA-256 heads the file), and
 * V8 takes it only from the same V8 with the same flags; otherwise, or when the file is missing or
 * unreadable, the bundle is compiled from its text as usual. Nothing is written at run time.
 */
export function bundleLoader(directory: string): BundleLoader {
	const loaded = new Map<string, {exports: unknown}>();
	const compiled: Array<{file: string; digest: Buffer; script: vm.Script}> = [];

	const load = (name: string): unknown => {
		const known = loaded.get(name);
		if (known) return known.exports;
		const file = path.join(directory, name);
		const bytes = fs.readFileSync(file);
		const digest = createHash('sha256').update(bytes).digest();
		const script = new vm.Script(wrapperStart + bytes.toString('utf8') + wrapperEnd, {filename: file, cachedData: cacheFor(file, digest)});
		compiled.push({file, digest, script});
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
			for (const {file, digest, script} of compiled) {
				const temporary = `${file}.cache.${process.pid}.tmp`;
				fs.writeFileSync(temporary, Buffer.concat([digest, script.createCachedData()]));
				fs.renameSync(temporary, `${file}.cache`);
			}
		},
	};
}
