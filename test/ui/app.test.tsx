import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {loadStore} from '../../source/data/store.js';
import {createDataset, figureById} from '../../source/model/dataset.js';
import App, {type AppProps} from '../../source/ui/app.js';
import {formatKeyTableMarkdown, keymap} from '../../source/ui/keymap.js';
import {ColorContext} from '../../source/ui/theme.js';
import {bundledStore, otherStore} from '../helpers.js';

const hemacare = createDataset(await loadStore(bundledStore));
const other = createDataset(await loadStore(otherStore));
const tick = () => new Promise(resolve => setTimeout(resolve, 30));

let instance: ReturnType<typeof render> | undefined;
afterEach(() => {
	instance?.unmount();
	instance = undefined;
});

async function open(props: Partial<Omit<AppProps, 'dataset' | 'opening'>> = {}, dataset = hemacare) {
	const quarters = dataset.quarters;
	instance = render(
		<ColorContext.Provider value={false}>
			<App dataset={dataset} pane="segments" quarter={quarters.at(-1)!} a={quarters.at(-5)!} b={quarters.at(-1)!} {...props} />
		</ColorContext.Provider>,
	);
	await tick();
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			instance!.stdin.write(key);
			await tick();
		}
		return instance!.lastFrame() ?? '';
	};
	return {frame: () => instance!.lastFrame() ?? '', press};
}

const escape = '\u001B';
const enter = '\r';

describe('segments pane', () => {
	it('shows revenue by segment for the quarter, its neighbour, the year-ago change and a trend', async () => {
		const {frame} = await open();
		const text = frame();
		expect(text).toContain('[1 Segments]');
		expect(text).toContain('◂ 2004Q2 ▸');
		expect(text).toMatch(/Total revenue\s+\$6,736,000\s+\$6,921,000/);
		expect(text).toMatch(/Ongoing centers .*▲\+\$810,000⚑\s+\+20\.8%/);
		expect(text).toContain('Blood services');
	});

	it('[ moves to the previous quarter and the values follow', async () => {
		const {press} = await open();
		const text = await press('[');
		expect(text).toContain('◂ 2004Q1 ▸');
		expect(text).toMatch(/Blood products\s+.*\$4,845,000/);
	});
});

describe('centers pane', () => {
	it('changing the quarter changes the statuses', async () => {
		const {press} = await open();
		expect(await press('2')).toMatch(/Albany.*\[CLOSED\]/);
		expect(await press('[', '[', '[')).toMatch(/Albany.*\[NAMED FOR CLOSURE\]/);
		expect(await press('[')).toMatch(/Albany.*\[NOT YET REPORTED\]/);
		expect(await press('[')).toMatch(/Sherman Oaks.*\[CONVERTED TO A VOLUNTEER PROGRAM\]\s+2003-01-01/);
	});

	it('Enter shows the exact words of the event', async () => {
		const {press} = await open({pane: 'centers', quarter: '2003Q3'});
		const text = await press('j', 'j', enter);
		expect(text).toContain('Source · Albany');
		expect(text).toContain('the free standing operations in Albany, New York;');
		const back = await press(escape);
		expect(back).toContain('[2 Centers]');
	});
});

describe('balance pane', () => {
	it('shows gaps as n/r, never as zero', async () => {
		const {press} = await open();
		const text = await press('3');
		expect(text).toMatch(/Cash and cash equivalents\s+\$935,000\s+n\/r\s+\$1,399,000/);
		expect(text).not.toMatch(/Cash and cash equivalents\s+\$0/);
	});
});

describe('diff pane', () => {
	it('shows both sides and the change; a and [ move quarter A', async () => {
		const {press} = await open({pane: 'diff', a: '2003Q3', b: '2004Q2'});
		let text = await press('/', 'c', 'a', 's', 'h', ' ', 'a', 'n', 'd', enter);
		expect(text).toMatch(/Cash and cash equivalents\s+\$1,057,000\s+\$1,399,000\s+▲\+\$342,000\s+\+32\.4%/);
		text = await press('a', '[');
		expect(text).toContain('«A 2003Q2»');
		text = await press('[');
		expect(text).toContain('«A 2003Q1»');
		expect(text).toMatch(/Cash and cash equivalents\s+only in B/);
	});

	it('n jumps to the next metric that changed', async () => {
		const {press, frame} = await open({pane: 'diff', a: '2003Q3', b: '2003Q3'});
		expect(frame()).toContain('0 changed');
		const text = await press('b', ']');
		expect(text).toContain('«B 2003Q4»');
		const marked = (screen: string) => screen.split('\n').find(line => line.startsWith('›'));
		const top = marked(await press('g'));
		const next = marked(await press('n'));
		expect(next).not.toBe(top);
		expect(next).toMatch(/only in|▲|▼/);
		expect(marked(await press('N'))).toBe(top);
	});
});

describe('source view', () => {
	it('Enter on a derived figure shows its formula, and Enter again its inputs, each with its words', async () => {
		const figure = hemacare.store.figures.find(item => item.period === '2004Q2' && item.metric === 'revenue' && item.segment === 'blood-products' && item.measure === 'value')!;
		expect(figure.kind).toBe('derived');
		const firstInput = figureById(hemacare, Object.values(figure.inputs!)[0]!)!;
		const {press} = await open();
		let text = await press('j', enter);
		expect(text).toContain('Source · Blood products');
		expect(text).toContain(`Value: $5,036,000 · derived`);
		expect(text).toContain(`Formula: ${figure.formula}`);
		text = await press(enter);
		expect(text).toContain(`Inputs of ${figure.id}`);
		expect(text.replace(/\s+/g, ' ')).toContain(`“${firstInput.quote!.slice(0, 60)}`);
		text = await press(escape, escape);
		expect(text).toContain('Revenue by segment');
	});

	it('a value the filings disagree on lists every figure', async () => {
		const {press} = await open({pane: 'diff', a: '2003Q1', b: '2004Q1'});
		const text = await press('/', 'n', 'e', 't', ' ', 'i', 'n', 'c', enter, enter);
		expect(text).toContain('$246,000');
		expect(text).toContain('$264,000');
	});
});

describe('tie-out findings', () => {
	it('mark the figures they involve, and the source view shows them', async () => {
		const {frame, press} = await open();
		expect(frame()).toMatch(/Closed centers .*\$323,000\*⚑/);
		const text = await press('j', 'j', 'j', enter);
		expect(text).toContain('⚑ error · part-exceeds-whole');
		expect(text).toContain('$372,000 > $323,000');
	});

	it('mark sites that filings list differently', async () => {
		const {press} = await open({pane: 'centers'});
		expect(await press('/', 'T', 'e', 'n', 'n', enter)).toMatch(/⚑ Tennessee blood-serv/);
	});
});

describe('help', () => {
	it('? lists every key of the keymap', async () => {
		const {press} = await open();
		const seen = new Set<string>();
		let text = await press('?');
		for (let page = 0; page < 10; page++) {
			for (const binding of keymap) if (text.includes(binding.description)) seen.add(binding.command);
			text = await press('\u001B[6~');
		}
		expect([...seen].sort()).toEqual(keymap.map(binding => binding.command).sort());
		expect(formatKeyTableMarkdown()).toContain('| ? | All keys |');
		text = await press(escape);
		expect(text).toContain('[1 Segments]');
	});
});

describe('any store', () => {
	it('draws another company with its own names', async () => {
		const {frame, press} = await open({}, other);
		expect(frame()).toContain('Northwind Widgets');
		expect(frame()).toMatch(/Total net sales/);
		expect(frame()).toMatch(/Cloud\s+n\/r/);
		expect(await press('2')).toMatch(/Plant A.*\[SHUT\]/);
	});
});

describe('quitting', () => {
	it('q ends the app', async () => {
		const {press} = await open();
		await press('q');
		await tick();
		const frames = instance!.frames.length;
		await press('j');
		expect(instance!.frames.length).toBe(frames);
	});
});
