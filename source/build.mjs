// Bundles the CLI into dist/: one file for the scriptable path and one per part loaded on demand,
// each with the code cache V8 made for it on a run of the commands.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {isBuiltin} from 'node:module';
import {createHash} from 'node:crypto';
import {chmod, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

// The repository, which holds source/ and dist/.
const root = fileURLToPath(new URL('..', import.meta.url));

// The string-width that Ink and its helpers load, patched below and consulted at build time.
const stringWidthFile = fileURLToPath(import.meta.resolve('string-width'));

// Printable ASCII and the symbols that count as one column and one grapheme each (see
// narrowCharacters below), as a regex class body: a line of these needs no grapheme segmentation.
const oneColumn = `\\u0020-\\u007E${await narrowCharacters()}`;

/**
 * Work that bundled dependencies do and quarterdeck never uses or needs to repeat, cut at build
 * time: start-up is most of what a command costs, and a frame is drawn at every key. A patch whose
 * text a new version of the dependency no longer has is skipped with a warning; `npm run bench`
 * shows what that costs.
 */
const patches = [
	{
		// zod puts all of its ~50 locales on its namespace; quarterdeck's messages are English.
		name: 'zod locales',
		file: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/,
		edits: [[/^export \{ default as (?!en )\w+ \} from "\.\/[\w-]+\.js";\n/gm, '']],
	},
	{
		// meow bundles a package.json finder and normalize-package-data (SPDX licence tables, semver,
		// a JSON parser with code frames): most of its code, partly run on import, for help and
		// version texts quarterdeck writes itself from the package data it passes in. Both are
		// replaced by a function that says so, and the bundler drops what only they used.
		name: 'meow package reading',
		file: /[\\/]meow[\\/]build[\\/]dependencies\.js$/,
		edits: [
			[
				'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
				'',
			],
			[
				'export { readPackageUpSync as a,',
				`const unbundled = () => {
	throw new Error('meow: quarterdeck passes its own package data and help text');
};
export { unbundled as a,`,
			],
			['normalizePackageData as n,', 'unbundled as n,'],
			// The same file makes a JSON parser's code-frame library and a promisified execFile on
			// import (loading child_process); only the package reading used either.
			['var libExports = requireLib$1();\n', ''],
			['promisify(execFile);\n', ''],
		],
	},
	{
		// yoga compiles its inline WebAssembly asynchronously, so its module awaits at the top level,
		// which a CommonJS bundle cannot. The bytes are at hand: it now compiles and instantiates
		// them at once (as a promise's callback would have), and the module reads the filled-in
		// runtime without awaiting. No fetch is probed for the bytes either way.
		name: 'yoga loads synchronously',
		file: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
		edits: [
			[
				'function c(e){return ya().then(function(f){return WebAssembly.instantiate(f,d)}).then(function(f){return f}).then(e,function(f){v("failed to asynchronously prepare wasm: "+f);x(f)})}',
				'function c(e){var f=new WebAssembly.Module(wa());e({module:f,instance:new WebAssembly.Instance(f,d)});return Promise.resolve()}',
			],
		],
	},
	{
		// yoga decoded its inline WebAssembly from base64 with atob and a loop over the characters
		// (about 4 ms); Node's Buffer decodes it natively.
		name: 'yoga decodes natively',
		file: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
		edits: [
			[
				'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c}',
				'var d=new Uint8Array(Buffer.from(a.slice(37),"base64"))}',
			],
		],
	},
	{
		name: 'yoga loads synchronously',
		file: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/,
		edits: [['const Yoga = wrapAssembly(await loadYoga());', 'const runtime = {};\nloadYoga(runtime);\nconst Yoga = wrapAssembly(runtime);']],
	},
	{
		// Ink connects React's devtools when DEV=true, with awaits at the top level of its module;
		// quarterdeck does not ship the devtools, and a DEV variable meant for something else in an
		// analyst's shell no longer makes the explorer try.
		name: 'ink devtools',
		file: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
		edits: [
			["if (isDev()) {\n    try {\n        await import('./devtools.js');", "if (false) {\n    try {\n        await import('./devtools.js');"],
			['const packageJson = isDev()\n    ? await loadPackageJson()\n    : { name: undefined, version: undefined };', 'const packageJson = { name: undefined, version: undefined };'],
		],
	},
	{
		// Ink tokenizes, measures and re-serialises every line of every frame afresh. Its caches of
		// those pure results now last from frame to frame (bounded), and a screen row made of the
		// very same cells as last time is not serialised again: a key redoes only the rows it changed.
		name: 'ink output caches',
		file: /[\\/]ink[\\/]build[\\/]output\.js$/,
		edits: [
			['    caches = new OutputCaches();', '    caches = OutputCaches.shared();'],
			[
				'class OutputCaches {\n',
				`const blankCell = { type: 'char', value: ' ', fullWidth: false, styles: [] };
class OutputCaches {
    static instance;
    static shared() {
        const caches = (OutputCaches.instance ??= new OutputCaches());
        // A few screens' worth of lines: each holds an object per character.
        if (caches.styledChars.size > 1000 || caches.widths.size > 5000 || caches.blockWidths.size > 5000) {
            caches.styledChars.clear();
            caches.widths.clear();
            caches.blockWidths.clear();
            caches.rows = [];
        }
        return caches;
    }
    rows = [];
    rowToString(y, cells) {
        const last = this.rows[y];
        if (last && last.cells.length === cells.length && last.cells.every((cell, index) => cell === cells[index])) {
            return last.text;
        }
        const text = styledCharsToString(cells).trimEnd();
        this.rows[y] = { cells, text };
        return text;
    }
`,
			],
			[
				`                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`,
				'                row.push(blankCell);',
			],
			[
				`            .map(line => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();
        })`,
				`            .map((line, y) => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return this.caches.rowToString(y, lineWithoutEmptyItems);
        })`,
			],
		],
	},
	{
		// Each character cell of a frame was made by spreading a token into a new object, and V8 gave
		// every such object a hidden class of its own: a long session over a large store held tens of
		// thousands of them (megabytes). Written out, the cells share one. The cells of a run in one
		// style also share its list of codes (a new list is made whenever a code changes it, never
		// changed in place), and writing a row out skips the style diff between two cells that share
		// a list or have none: that diff is empty.
		name: 'ansi-tokenize cells',
		file: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/,
		edits: [
			[
				`            ret.push({
                ...token,
                styles: [...codes],
            });`,
				`            ret.push({
                type: token.type,
                value: token.value,
                fullWidth: token.fullWidth,
                styles: codes,
            });`,
			],
			[
				'ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
				`const from = chars[i - 1].styles;
            if (from !== char.styles && (from.length > 0 || char.styles.length > 0)) {
                ret += ansiCodesToString(diffAnsiCodes(from, char.styles));
            }`,
			],
			['ret += ansiCodesToString(diffAnsiCodes(char.styles, []));', 'if (char.styles.length > 0) ret += ansiCodesToString(diffAnsiCodes(char.styles, []));'],
		],
	},
	{
		// Every line of every frame went through grapheme segmentation (Intl.Segmenter), although in a
		// line of printable ASCII, escapes and the one-column characters below each code unit is a
		// grapheme of its own. Such a line is now walked a code unit at a time; the tokens are the same.
		name: 'ansi-tokenize plain lines',
		file: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
		edits: [
			[
				'for (const { segment, index } of segmenter.segment(str)) {',
				`for (const { segment, index } of (/^[\\u001B${oneColumn}]*$/.test(str) ? codeUnits(str) : segmenter.segment(str))) {`,
			],
			[
				'export function tokenize(',
				`function* codeUnits(str) {
    for (let index = 0; index < str.length; index++) yield { segment: str[index], index };
}
export function tokenize(`,
			],
		],
	},
	{
		// Four modules each make a grapheme segmenter when they load, and the first Intl.Segmenter of a
		// process loads ICU's break rules: about 19 ms before the first frame. Each is now made the
		// first time a text needs segmenting, which a frame of plain lines never does.
		name: 'segmenters on first use',
		file: /[\\/](?:string-width[\\/]index|slice-ansi[\\/]tokenize-ansi|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize)\.js$/,
		edits: [[/new Intl\.Segmenter\(([^)]*)\)/, (_match, options) => `{ segment(text) { return (this.instance ??= new Intl.Segmenter(${options})).segment(text); } }`]],
	},
	{
		// Ink cuts a line too long for its box with slice-ansi, which segments the line into graphemes
		// and, after each escape, asks the segmenter whether the characters on either side join: the
		// one use of ICU left in a frame. For a line of the characters above, each code unit is its own
		// grapheme and no two join, so both answers are known without it.
		name: 'slice-ansi plain lines',
		file: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/,
		edits: [
			[
				'const graphemeSegments = GRAPHEME_SEGMENTER.segment(string);',
				`const graphemeSegments = /^[\\u001B${oneColumn}]*$/.test(string)
		? {containing: index => (index >= 0 && index < string.length ? {segment: string[index], index, input: string} : undefined)}
		: GRAPHEME_SEGMENTER.segment(string);`,
			],
			[
				'function areValuesInSameGrapheme(leftValue, rightValue) {',
				`function areValuesInSameGrapheme(leftValue, rightValue) {
	if (/^[${oneColumn}]+$/.test(leftValue + rightValue)) return false;`,
			],
		],
	},
	{
		// Drawing a frame measured each text's width again although laying it out had just measured
		// (and cached) the same text; drawing now reads that cache.
		name: 'ink text width',
		file: /[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/,
		edits: [
			["import widestLine from 'widest-line';", "import measureText from './measure-text.js';"],
			['const currentWidth = widestLine(text);', 'const currentWidth = measureText(text).width;'],
		],
	},
	{
		// string-width counts printable ASCII by length and sends anything else through grapheme
		// segmentation and emoji and East Asian width tests, which cost tens of milliseconds on
		// first use, before the first frame. The rules, box drawing, arrows, marks and sparklines of
		// the panes are characters it gives width 1 and that never join a neighbour: those are now
		// counted by length too. The set is worked out from string-width itself, below.
		name: 'string-width narrow characters',
		file: new RegExp(`^${escapeRegExp(stringWidthFile)}$`),
		edits: [['if (/^[\\u0020-\\u007E]*$/.test(string)) {', `if (/^[${oneColumn}]*$/.test(string)) {`]],
	},
	{
		// string-width makes its emoji and spacing-mark expressions when it loads: V8 builds the
		// Unicode sets of \p{RGI_Emoji} and \p{Spacing_Mark} there, about 30 ms before the first
		// frame. Each is now made the first time a text outside the characters above is measured.
		name: 'string-width expressions on first use',
		file: new RegExp(`^${escapeRegExp(stringWidthFile)}$`),
		edits: [
			['const spacingMarkRegex = /\\p{Spacing_Mark}/v;', 'let spacingMarkRegex;'],
			['spacingMarkRegex.test(character)', '(spacingMarkRegex ??= /\\p{Spacing_Mark}/v).test(character)'],
			['const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', 'let rgiEmojiRegex;'],
			['rgiEmojiRegex.test(segment)', '(rgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(segment)'],
		],
	},
];

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Characters of common symbol blocks that string-width measures as 1 column alone, twice over, and
 * that stay their own grapheme beside a letter and beside themselves; as a regex class body.
 */
async function narrowCharacters() {
	const {default: stringWidth} = await import(pathToFileURL(stringWidthFile).href);
	const segmenter = new Intl.Segmenter();
	const clusters = text => [...segmenter.segment(text)].length;
	const blocks = [[0xa0, 0x24f], [0x2010, 0x205e], [0x2070, 0x20bf], [0x2100, 0x214f], [0x2190, 0x23ff], [0x2500, 0x27bf]];
	const spans = [];
	for (const [from, to] of blocks) {
		for (let code = from; code <= to; code++) {
			const character = String.fromCodePoint(code);
			const narrow = stringWidth(character) === 1 && stringWidth(character + character) === 2;
			if (!narrow || clusters(`${character}a`) !== 2 || clusters(`a${character}`) !== 2 || clusters(character + character) !== 2) continue;
			const last = spans.at(-1);
			if (last && last[1] === code - 1) last[1] = code;
			else spans.push([code, code]);
		}
	}
	const escape = code => `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
	return spans.map(([from, to]) => (from === to ? escape(from) : `${escape(from)}-${escape(to)}`)).join('');
}

/** The file with every patch that names it applied; a patch whose text is not there is skipped. */
async function patchedFile(path) {
	let text = await readFile(path, 'utf8');
	for (const patch of patches.filter(candidate => candidate.file.test(path))) {
		let patched = text;
		for (const [from, to] of patch.edits) {
			const next = typeof to === 'function' ? patched.replace(from, to) : patched.replace(from, () => to);
			if (next === patched) {
				console.warn(`build: ${patch.name}: ${path} has changed; left as it is`);
				patched = text;
				break;
			}
			patched = next;
		}
		text = patched;
	}
	return {contents: text, loader: 'js'};
}

const applyPatches = {
	name: 'apply-patches',
	setup(builder) {
		// esbuild takes the first onLoad answer for a file, so each one applies all the file's patches.
		for (const patch of patches) builder.onLoad({filter: patch.file}, ({path}) => patchedFile(path));
	},
};

/**
 * What names this build: a SHA-256 of the sources and the locked dependencies. A store's checks are
 * remembered under it (source/data/check-cache.ts), so another build checks the store again.
 */
async function buildId() {
	const files = (await readdir(path.join(root, 'source'), {recursive: true, withFileTypes: true}))
		.filter(entry => entry.isFile())
		.map(entry => path.relative(root, path.join(entry.parentPath, entry.name)))
		.sort();
	const hash = createHash('sha256');
	for (const file of [...files, 'package-lock.json']) hash.update(`${file}\0`).update(await readFile(path.join(root, file))).update('\0');
	return hash.digest('hex').slice(0, 16);
}

const outdir = path.join(root, 'dist');
await rm(outdir, {recursive: true, force: true});

/** What both builds share: one bundle per entry, patched, minified in layout only. */
const common = {
	outdir,
	bundle: true,
	platform: 'node',
	target: 'node20',
	define: {'process.env.NODE_ENV': '"production"', QUARTERDECK_BUILD: JSON.stringify(await buildId())},
	// Less text for Node to read and parse at every start; names stay, so stack traces still read.
	minifyWhitespace: true,
	minifySyntax: true,
	// ssh2 loads optional native addons at run time; it stays a runtime dependency.
	external: ['react-devtools-core', 'ssh2'],
	legalComments: 'none',
	logLevel: 'warning',
};

/**
 * The parts a command loads only when it needs them, each a bundle of its own: the explorer, the
 * SSH server, `import`, and the schema library's messages for a damaged store.
 */
const onDemand = {
	'explore-local': 'source/explore-local.ts',
	serve: 'source/ssh/serve.ts',
	import: 'source/data/import.ts',
	'parse-store': 'source/data/parse-store.ts',
};

const loadOnDemand = {
	name: 'load-on-demand',
	setup(builder) {
		builder.onResolve({filter: /\.js$/}, ({path: imported, kind, resolveDir}) => {
			if (kind !== 'dynamic-import') return undefined;
			const target = path.resolve(resolveDir, imported).replace(/\.js$/, '.ts');
			const name = Object.entries(onDemand).find(([, file]) => path.resolve(root, file) === target)?.[0];
			return name ? {path: `./${name}.js`, external: true} : undefined;
		});
	},
};

/**
 * CommonJS modules the bundles import from ES modules, each through a module of the bundle's own:
 * its default export the module, its named exports the module's properties that are plain values
 * when it is loaded in a fresh Node, each read only if something imports it. esbuild's interop
 * would instead wrap each import in an object with a getter for every one of the module's
 * properties, made as the bundle starts, and read each name through its getter:
 * - Node's built-ins (about 19 wrappers before a command's first line, 8 of them of node:process);
 * - React and its JSX runtime, which the explorer's and Ink's modules import 44 times.
 * A named import of a name that is not a plain value there is not exported, and fails the build.
 */
const bundledCommonJs = new Set(['react', 'react/jsx-runtime']);

const modulesWithoutInterop = {
	name: 'modules without interop',
	setup(builder) {
		builder.onResolve({filter: /^[\w:/-]+$/}, ({path: name, kind}) => {
			const builtin = isBuiltin(name);
			if (!builtin && !bundledCommonJs.has(name)) return undefined;
			// The `require` in the module made for it: a built-in stays Node's, a package is bundled.
			if (kind === 'require-call') return builtin ? {path: name, external: true} : undefined;
			// One module for `fs` and `node:fs`.
			return {path: builtin && !name.startsWith('node:') ? `node:${name}` : name, namespace: 'without-interop', sideEffects: false};
		});
		builder.onLoad({filter: /./, namespace: 'without-interop'}, ({path: name}) => {
			// A pure call is dropped with the export when nothing imports the name.
			const exported = plainProperties(name).map(key => `export const ${key} = /* @__PURE__ */ pick(${JSON.stringify(key)});`);
			const contents = [`const required = require(${JSON.stringify(name)});`, 'const pick = key => required[key];', 'export default required;', ...exported];
			return {contents: contents.join('\n'), loader: 'js', resolveDir: root};
		});
	},
};

const plainPropertiesOf = new Map();

/**
 * The data properties (not accessors) a module has once loaded in a fresh Node, as the bundles load
 * it (`NODE_ENV=production`): some of Node's lazy getters turn into plain values once read, as this
 * build's own have been. A module compiled from ES modules (`__esModule`) has its own default, so
 * its default export would be wrong: it is refused.
 */
function plainProperties(name) {
	let names = plainPropertiesOf.get(name);
	if (!names) {
		const script = `const m = require(${JSON.stringify(name)}); process.stdout.write(JSON.stringify(m.__esModule ? null : Object.entries(Object.getOwnPropertyDescriptors(m)).filter(([k, d]) => 'value' in d && /^[A-Za-z_$][\\w$]*$/.test(k) && k !== 'default').map(([k]) => k)))`;
		const asked = spawnSync(process.execPath, ['-e', script], {cwd: root, env: {...process.env, NODE_ENV: 'production'}, encoding: 'utf8'});
		if (asked.status !== 0) throw new Error(`build: cannot list the properties of ${name}: ${asked.stderr}`);
		names = JSON.parse(asked.stdout);
		if (names === null) throw new Error(`build: ${name} is compiled from ES modules; leave it to esbuild's interop`);
		plainPropertiesOf.set(name, names);
	}
	return names;
}

/**
 * CommonJS, which Node runs without starting its ES module loader or linking a graph of modules,
 * and which V8 can compile from a code cache (see code-cache.ts). `import.meta` is given the
 * file's URL, as an ES module has it.
 */
const commonJs = {
	format: 'cjs',
	define: {...common.define, 'import.meta': '__importMeta'},
	// Strict, as the ES modules it is built from are: a directive counts only at the very start.
	banner: {js: "'use strict';\nconst __importMeta = {url: require('node:url').pathToFileURL(__filename).href};"},
};

// The command line (main.js) and each on-demand part: a dynamic import becomes a `require` of the
// part's bundle, which dist/cli.js serves with its code cache. Each bundle holds its own copies of
// the modules it shares with another; what passes between them (a loaded store, an error) is plain
// data or recognised by a mark (see errors.ts, model/text.ts).
await build({
	...common,
	...commonJs,
	entryPoints: {main: 'source/cli.ts', ...onDemand},
	supported: {'dynamic-import': false},
	plugins: [applyPatches, loadOnDemand, modulesWithoutInterop],
});
// dist/cli.js, the file Node starts: it compiles main.js with its code cache.
await build({...common, ...commonJs, entryPoints: {cli: 'source/bin.ts'}, plugins: [modulesWithoutInterop]});
// Everything in dist/ is CommonJS but the benchmark (.mjs).
await writeFile(path.join(outdir, 'package.json'), `${JSON.stringify({type: 'commonjs'}, null, '\t')}\n`);
if (existsSync('source/bench/bench.ts')) {
	await build({
		...common,
		entryPoints: {bench: 'source/bench/bench.ts'},
		format: 'esm',
		outExtension: {'.js': '.mjs'},
		plugins: [applyPatches],
		banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
	});
}

// The code caches: the build runs the commands and the explorer once and keeps what V8 compiled.
const trainer = path.join(outdir, 'train-code-cache.js');
await build({...common, ...commonJs, entryPoints: {'train-code-cache': 'source/train-code-cache.ts'}});
const training = spawnSync(process.execPath, [trainer, outdir], {stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000});
await rm(trainer);
if (training.status !== 0) throw new Error(`build: making the code caches failed: ${training.error?.message ?? training.stderr}`);
await chmod(path.join(outdir, 'cli.js'), 0o755);
