import {sanitize} from '../model/text.js';

/** The values a log line carries; strings may come from a client and are made safe here. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** Writes one event as one line. */
export type Logger = (event: string, fields?: LogFields) => void;

export type LoggerOptions = {
	stream: {write(chunk: string): unknown};
	/** One JSON object per line instead of `time event key=value …`. */
	json: boolean;
	now?: () => Date;
};

/** Longest value a log line keeps from a client, so one line stays one readable line. */
const maxValueLength = 200;

function clean(value: string): string {
	const safe = sanitize(value);
	return safe.length > maxValueLength ? `${safe.slice(0, maxValueLength)}…` : safe;
}

function formatValue(value: string | number | boolean): string {
	if (typeof value !== 'string') return String(value);
	return value === '' || /[\s"=\\]/.test(value) ? JSON.stringify(value) : value;
}

/**
 * A logger for the server: one line per event on `stream`, every client-supplied string stripped of
 * control characters and escape sequences and cut to a readable length before it is written.
 */
export function createLogger(options: LoggerOptions): Logger {
	const now = options.now ?? (() => new Date());
	return (event, fields = {}) => {
		const entries = Object.entries(fields).flatMap(([key, value]): Array<[string, string | number | boolean]> =>
			value === undefined ? [] : [[key, typeof value === 'string' ? clean(value) : value]],
		);
		const time = now().toISOString();
		if (options.json) {
			options.stream.write(`${JSON.stringify({time, event, ...Object.fromEntries(entries)})}\n`);
			return;
		}
		const pairs = entries.map(([key, value]) => `${key}=${formatValue(value)}`);
		options.stream.write(`${[time, event, ...pairs].join(' ')}\n`);
	};
}
