import process from 'node:process';

/*
 * How far V8 lets its young generation grow, steered through an explorer's start on this process's
 * own terminal (cli.ts):
 * 1. held at its size, 2 MiB (two semi-spaces of 1 MiB), from before the store is read until it is
 *    checked and indexed: reading and parsing a store whose objects all survive grows it to 32 MiB
 *    otherwise, and the process keeps those pages;
 * 2. let go while React and Ink load and draw the first frame (held, that frame came 50–90 ms later);
 * 3. held again once the first frame is written, for the session, whose drawing would grow it to
 *    32 MiB too.
 * V8 reads the setting each time it would grow the generation, so it takes effect when set after
 * start. (Node warns that changing V8's flags at run time can be unpredictable; this one only
 * steers the heap's size.) While it differs from V8's default, V8 refuses code caches, Node's own
 * for its built-in modules too, and compiles from source: so the explorer's code loads in step 2.
 * What still loads in step 1 is `node:crypto`, for a large store's digest (about 5 ms more), and
 * zod's bundle for a store that fails its checks. Measured on the bench's large store with Node 20
 * (V8 11.3): see the README, Performance. Newer V8 sources hold the factor to at least 2, which
 * would keep the generation growing; that was not measured.
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
