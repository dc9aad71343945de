/**
 * The part of the WebAssembly JavaScript API the execution layer uses, typed here so that
 * the package needs neither DOM typings nor node types (it runs in browsers and Node).
 *
 * @module
 */

/** A compiled module (postable to workers). */
export type WasmModule = object;

/** A funcref table (per worker: tables cannot be posted). */
export interface WasmTable {
  /** Number of entries. */
  readonly length: number;
  /** The function at `index`. */
  get(index: number): unknown;
  /** Stores a function at `index`. */
  set(index: number, value: unknown): void;
}

/** A (shared) linear memory. */
export interface WasmMemory {
  /** The memory's buffer (a SharedArrayBuffer for shared memories). */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** An instance. */
export interface WasmInstance {
  /** Its exports. */
  readonly exports: Record<string, unknown>;
}

/** The constructors used. */
export interface WasmApi {
  /** Compiles bytes synchronously. */
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  /** Instantiates synchronously. */
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  /** Creates a table; `init` fills every entry. */
  readonly Table: new (desc: { initial: number; maximum?: number; element: "anyfunc" }, init?: unknown) => WasmTable;
  /** Creates a memory. */
  readonly Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

/** The host's WebAssembly API. */
export function wasmApi(): WasmApi {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) throw new Error("no WebAssembly in this host");
  return api;
}
