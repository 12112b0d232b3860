/** The store format this build reads and writes. Bump on any incompatible change. */
export const SCHEMA_VERSION = 1;
