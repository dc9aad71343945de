/**
 * A monotonic clock in milliseconds (performance.now in browsers and Node), for the
 * per-phase translation statistics.
 *
 * @module
 */
const perf = (globalThis as unknown as { performance?: { now(): number } }).performance;

/** Milliseconds from an arbitrary origin. */
export const now: () => number = perf !== undefined ? () => perf.now() : () => Date.now();
