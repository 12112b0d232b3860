import {parseArguments} from '../commands.js';
import {sanitize} from '../model/text.js';

/** The commands a visitor may run: the read-only ones. */
export const visitorCommands = ['quarters', 'segments', 'centers', 'balance', 'show', 'diff', 'check', 'schema', 'explore'] as const;

/**
 * The flags a visitor may give. Anything else is refused, so a flag that chooses a file (`--db`),
 * configures a server or shows internals (`--debug`) never reaches runCli from a visitor.
 */
const visitorFlags = new Set(['--quarter', '-q', '--from', '--to', '--fail-on', '--json', '--csv', '--help', '-h', '--version', '-v', '--']);

/** What to do with an exec request: run `argv` through runCli, or refuse with a one-line message. */
export type ExecDecision = {ok: true; words: string[]; argv: string[]} | {ok: false; message: string};

const longestCommand = 4096;

function quoteForMessage(word: string): string {
	const safe = sanitize(word);
	return JSON.stringify(safe.length > 40 ? `${safe.slice(0, 40)}…` : safe);
}

/**
 * Splits a command line into words the way a shell would for plain words and quotes ('…', "…",
 * backslash), and nothing else: no variables, globs, pipes or redirects. Returns an Error for an
 * unfinished quote or an operator a shell would have acted on.
 */
export function splitCommandLine(line: string): string[] | Error {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (char === "'") {
			const end = line.indexOf("'", index + 1);
			if (end === -1) return new Error('unfinished single quote');
			word += line.slice(index + 1, end);
			inWord = true;
			index = end;
		} else if (char === '"') {
			inWord = true;
			let closed = false;
			for (index++; index < line.length; index++) {
				const inner = line[index]!;
				if (inner === '"') {
					closed = true;
					break;
				}
				if (inner === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1]!)) {
					word += line[++index];
				} else {
					word += inner;
				}
			}
			if (!closed) return new Error('unfinished double quote');
		} else if (char === '\\') {
			if (index + 1 < line.length) word += line[++index];
			inWord = true;
		} else if (/\s/.test(char)) {
			if (inWord) words.push(word);
			word = '';
			inWord = false;
		} else if ('|;&<>`'.includes(char) || (char === '$' && line[index + 1] === '(')) {
			return new Error('there is no shell here, so pipes, redirects, ; and & do not work; pipe on your own side instead');
		} else {
			word += char;
			inWord = true;
		}
	}
	if (inWord) words.push(word);
	return words;
}

/**
 * Decides whether a visitor's exec request may run. Only the read-only commands and their output
 * flags (and --help, --version) pass; no flag may choose a file. The argv returned reads the server's store: `--db`
 * comes first, so nothing the visitor writes after it (not even `--`) can move it.
 */
export function checkExecCommand(line: string, db: string): ExecDecision {
	const list = visitorCommands.join(', ');
	if (line.length > longestCommand) return {ok: false, message: `quarterdeck: the command is longer than ${longestCommand} characters`};
	const split = splitCommandLine(line);
	if (split instanceof Error) return {ok: false, message: `quarterdeck: ${split.message}`};
	const words = split[0] === 'quarterdeck' ? split.slice(1) : split;
	if (words.length === 0) return {ok: false, message: `quarterdeck: name a command: ${list}`};
	let command: string | undefined;
	let needsCommand = true;
	try {
		const parsed = parseArguments(words);
		command = parsed.input[0];
		needsCommand = !parsed.flags.help && !parsed.flags.version;
	} catch {
		// Arguments runCli refuses itself, before it reads anything; the command word still decides.
		command = words[0]!.startsWith('-') ? undefined : words[0];
		needsCommand = false;
	}
	if (command !== undefined && !(visitorCommands as readonly string[]).includes(command)) {
		return {ok: false, message: `quarterdeck: ${quoteForMessage(command)} is not available here; commands: ${list}`};
	}
	for (const word of words) {
		if (!word.startsWith('-') || word === '-') continue;
		const flag = word.startsWith('--') ? word.split('=')[0]! : word;
		if (!visitorFlags.has(flag)) {
			const why = /^--?(?:no-)?db$/.test(flag) ? 'the server chooses the store' : `flags here: ${[...visitorFlags].filter(name => name.startsWith('--') && name !== '--').join(', ')}`;
			return {ok: false, message: `quarterdeck: ${quoteForMessage(flag)} cannot be used over SSH; ${why}`};
		}
	}
	if (command === undefined && needsCommand) return {ok: false, message: `quarterdeck: name a command: ${list}`};
	return {ok: true, words, argv: ['--db', db, ...words]};
}
