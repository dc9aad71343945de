// Timers and the high-resolution clock are globals in browsers and in Node, but not part of
// the ES library this package compiles against (no DOM or Node types, so that it stays
// portable). Declared for the defaults of virt-run.ts only; no public type mentions them.
declare function setTimeout(callback: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare const performance: { readonly timeOrigin: number; now(): number };
