/** One CSV record: its row number as a spreadsheet shows it (the header is row 1) and its fields. */
export type CsvRecord = {
	row: number;
	/** The line of the file the record starts on; differs from `row` after a field that spans lines. */
	line: number;
	fields: string[];
};

/** Malformed CSV, with the row, line and column (1-based) where reading stopped. */
export class CsvSyntaxError extends Error {
	constructor(
		message: string,
		readonly row: number,
		readonly line: number,
		readonly column: number,
	) {
		super(message);
		this.name = 'CsvSyntaxError';
	}
}

/**
 * Parses RFC 4180 CSV: fields separated by commas, records by CRLF, LF or CR, a field in double
 * quotes may hold commas, line breaks and doubled quotes. A blank line still counts as a row (so row
 * numbers match a spreadsheet's) but yields no record; a leading byte-order mark is dropped.
 * Throws {@link CsvSyntaxError} on an unterminated quote or a quote where a field cannot have one.
 */
export function parseCsv(text: string): CsvRecord[] {
	const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
	const records: CsvRecord[] = [];
	let row = 1;
	let line = 1;
	let column = 1;
	let index = 0;
	let fields: string[] = [];
	let recordLine = 1;

	const endRecord = () => {
		if (!(fields.length === 1 && fields[0] === '')) records.push({row, line: recordLine, fields});
		fields = [];
		row++;
	};
	/** Consumes a line break at `index`, if there is one; returns whether it did. */
	const lineBreak = (): boolean => {
		const character = source[index];
		if (character === '\r') {
			index += source[index + 1] === '\n' ? 2 : 1;
		} else if (character === '\n') {
			index++;
		} else {
			return false;
		}
		line++;
		column = 1;
		return true;
	};

	/** Reads a quoted field from its opening quote to its closing one; doubled quotes are one. */
	const readQuoted = (): string => {
		const startLine = line;
		const startColumn = column;
		index++;
		column++;
		let value = '';
		for (;;) {
			if (index >= source.length) {
				throw new CsvSyntaxError(
					`a quoted field opened at line ${startLine}, column ${startColumn} is never closed (expected a closing ")`,
					row,
					startLine,
					startColumn,
				);
			}
			const character = source[index]!;
			if (character === '"') {
				if (source[index + 1] === '"') {
					value += '"';
					index += 2;
					column += 2;
					continue;
				}
				index++;
				column++;
				return value;
			}
			if (character === '\r' || character === '\n') {
				value += character === '\r' && source[index + 1] === '\n' ? '\r\n' : character;
				lineBreak();
				continue;
			}
			value += character;
			index++;
			column++;
		}
	};
	/** Reads an unquoted field: to the next comma or line break. */
	const readPlain = (): string => {
		let value = '';
		while (index < source.length) {
			const character = source[index]!;
			if (character === ',' || character === '\r' || character === '\n') break;
			if (character === '"') {
				throw new CsvSyntaxError(
					`a quote inside an unquoted field at line ${line}, column ${column} (quote the whole field and double the quote: "a ""b"" c")`,
					row,
					line,
					column,
				);
			}
			value += character;
			index++;
			column++;
		}
		return value;
	};

	while (index <= source.length) {
		if (index === source.length) {
			// End of input: a final record without a line break after it.
			if (fields.length > 0) endRecord();
			break;
		}
		if (fields.length === 0) recordLine = line;
		fields.push(source[index] === '"' ? readQuoted() : readPlain());
		if (index === source.length) continue;
		if (source[index] === ',') {
			index++;
			column++;
			if (index === source.length) fields.push('');
			continue;
		}
		if (lineBreak()) {
			endRecord();
			continue;
		}
		// Only a quoted field can stop short of a comma or a line break.
		throw new CsvSyntaxError(
			`unexpected ${JSON.stringify(source[index])} after a closing quote at line ${line}, column ${column} (expected a comma or the end of the line)`,
			row,
			line,
			column,
		);
	}
	return records;
}
