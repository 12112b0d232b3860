// Bundles the CLI into dist/: one file for the scriptable path, the explorer in chunks loaded on demand.
import {existsSync} from 'node:fs';
import {chmod, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

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
		// yoga's wasm is inline, but its loader asks `typeof fetch` first, and that alone makes Node
		// load its fetch implementation (undici); the inline bytes are read directly instead.
		name: 'yoga fetch probe',
		file: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
		edits: [['function ya(){return w||"function"!=typeof fetch?', 'function ya(){return w||true?']],
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

const outdir = new URL('../dist/', import.meta.url).pathname;
await rm(outdir, {recursive: true, force: true});

/** What both builds share: one bundle per entry, patched, minified in layout only. */
const common = {
	outdir,
	bundle: true,
	platform: 'node',
	target: 'node20',
	define: {'process.env.NODE_ENV': '"production"'},
	// Less text for Node to read and parse at every start; names stay, so stack traces still read.
	minifyWhitespace: true,
	minifySyntax: true,
	// ssh2 loads optional native addons at run time; it stays a runtime dependency.
	external: ['react-devtools-core', 'ssh2'],
	legalComments: 'none',
	logLevel: 'warning',
};

/**
 * The parts a command loads only when it needs them, each a module of the second build (below):
 * the explorer, the SSH server, `import`, and the schema library's messages for a damaged store.
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
		const root = fileURLToPath(new URL('..', import.meta.url));
		builder.onResolve({filter: /\.js$/}, ({path: imported, kind, resolveDir}) => {
			if (kind !== 'dynamic-import') return undefined;
			const target = path.resolve(resolveDir, imported).replace(/\.js$/, '.ts');
			const name = Object.entries(onDemand).find(([, file]) => path.resolve(root, file) === target)?.[0];
			return name ? {path: `./${name}.mjs`, external: true} : undefined;
		});
	},
};

// The command line: one CommonJS file, which Node runs without starting its ES module loader or
// linking a graph of modules, the larger part of what a scriptable command cost beyond Node's own
// start. `import.meta` is given the file's URL, as the ES build has it.
await build({
	...common,
	entryPoints: {cli: 'source/cli.ts'},
	format: 'cjs',
	define: {...common.define, 'import.meta': '__importMeta'},
	banner: {js: "const __importMeta = {url: require('node:url').pathToFileURL(__filename).href};"},
	plugins: [applyPatches, loadOnDemand],
});
// dist/cli.js is CommonJS; everything else in dist/ is an ES module (.mjs).
await writeFile(new URL('package.json', `file://${outdir}`), `${JSON.stringify({type: 'commonjs'}, null, '\t')}\n`);

// What the command line loads on demand, and the benchmark: ES modules sharing chunks. They hold
// their own copies of the modules the command line has; what passes between the two (a loaded
// store, an error) is plain data or recognised by a mark (see errors.ts, model/text.ts).
await build({
	...common,
	entryPoints: Object.fromEntries(Object.entries({...onDemand, bench: 'source/bench/bench.ts'}).filter(([, file]) => existsSync(file))),
	format: 'esm',
	splitting: true,
	outExtension: {'.js': '.mjs'},
	// Every file at one depth, so paths relative to a module (the bundled store) hold in any chunk.
	entryNames: '[name]',
	chunkNames: '[name]-[hash]',
	plugins: [applyPatches],
	banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
});
await chmod(new URL('cli.js', `file://${outdir}`), 0o755);
