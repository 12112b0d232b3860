import process from 'node:process';

/*
 * How far V8 lets its young generation grow, through an explorer's start on this process's own
 * terminal, and its old generation through the session (the steps are in cli.ts):
 * 1. held from before the store is read until it is indexed: reading a store whose objects all
 *    survive grows it to 32 MiB otherwise, and the process keeps those pages;
 * 2. let go while React and Ink load and draw the first frame: while the factor differs from V8's
 *    default, V8 refuses code caches (Node's own for its built-in modules too);
 * 3. held again once the first frame is written, for the session, and from then the old generation
 *    kept to a smaller growth between full collections ({@link tightenOldGeneration}).
 * An explorer that opens before its store is read (see opening.ts) holds it throughout: the store is
 * read after React and Ink have loaded, and a generation they grew would keep the store's objects'
 * pages. Their code caches are then refused, and V8 compiles them from source.
 * V8 reads the factor each time it would grow the generation, so setting it after start works.
 * Node warns that changing V8's flags at run time can be unpredictable; these two only steer the
 * heap's size. What it gives and costs, measured: README, Performance, Peak RSS.
 */

const setFlag = (flag: string) => process.getBuiltinModule('node:v8').setFlagsFromString(flag);
const setGrowthFactor = (factor: number) => setFlag(`--semi-space-growth-factor=${factor}`);

/** The young generation stays the size it is. */
export function holdYoungGeneration(): void {
	setGrowthFactor(1);
}

/** The young generation grows as V8 has it by default (a factor of 2). */
export function releaseYoungGeneration(): void {
	setGrowthFactor(2);
}

/**
 * How far the old generation may grow past what a full collection left alive before the next one,
 * in percent, through an explorer's session, from its first frame (on an opening, before the store
 * is read, which the next full collection then counts in): V8 otherwise picks a factor of
 * up to 4 by how fast it collects. With the young generation held (above), what each frame leaves
 * for a while is promoted and dies in the old generation, and the session's peak is set by how
 * much of that it lets pile up. Measured: README, Performance, Peak RSS.
 */
export const sessionOldGrowthPercent = 30;

/** The old generation grows by {@link sessionOldGrowthPercent} between full collections. */
export function tightenOldGeneration(): void {
	setFlag(`--heap-growing-percent=${sessionOldGrowthPercent}`);
}
