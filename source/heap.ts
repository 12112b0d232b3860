import process from 'node:process';

/*
 * How far V8 lets its young generation grow, steered through an explorer's start on this process's
 * own terminal:
 * 1. held at its size (a semi-space of 1 MiB) while the store is read: `JSON.parse` builds a store
 *    whose objects all survive, which grows it to 32 MiB otherwise, and the process keeps those pages;
 * 2. let go while React and Ink load and draw the first frame, which is later when it is held;
 * 3. held again for the session, where frames and pane data would grow it to 32 MiB too.
 * V8 reads the setting each time it would grow the generation, so it takes effect when set after
 * start. (Node warns that changing V8's flags at run time can be unpredictable; this one only
 * steers the heap's size.) Measured on the bench's large store with Node 20 (V8 11.3): see the
 * README, Performance. A V8 that holds the growth factor to at least 2 keeps growing it.
 */

const growthFactor = (factor: number) => process.getBuiltinModule('node:v8').setFlagsFromString(`--semi-space-growth-factor=${factor}`);

/** The young generation stays the size it is. */
export function holdYoungGeneration(): void {
	growthFactor(1);
}

/** The young generation grows as V8 has it by default (a factor of 2). */
export function releaseYoungGeneration(): void {
	growthFactor(2);
}
