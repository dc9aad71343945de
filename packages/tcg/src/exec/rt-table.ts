/**
 * The runtime table of a worker: the small funcref table TB modules import
 * (`RtImport.fns`) instead of importing functions. Its slots ({@link RtSlot}) hold the
 * worker's dispatcher, the JavaScript `lookup` and `notdirty` runtime functions and the
 * helper trampolines; generated code calls a slot with `call_indirect` of a constant.
 *
 * Why a table: V8 11 (Node 20) charges every module that imports any function ~80 µs of
 * compile time (measured on small unique modules, single-threaded: 26 µs without a
 * function import, 110 µs with one, 116 µs with 70), and every TB module is unique code.
 * A table import costs nothing measurable at compile time, and instantiating with two
 * imports instead of 73 is cheaper too. A JavaScript function cannot be stored in a table
 * from JavaScript, so a tiny module (compiled once per process) imports `lookup` and
 * `notdirty` and writes them into their slots with an active element segment.
 *
 * @module
 */
import type { HelperDef } from "../ir/helper.js";
import { IMPORT_MODULE, RtImport, RtSlot } from "../backend/wasm/lower-abi.js";
import { rtTableSize } from "../backend/wasm/lower-module.js";
import { ModuleBuilder } from "../backend/wasm/module-builder.js";
import { ValType } from "../backend/wasm/opcodes.js";
import { type WasmModule, type WasmTable, wasmApi } from "./wasm-api.js";

/** What goes into a runtime table. */
export interface RtFunctions {
  /** The worker's dispatcher (a wasm function, from `createDispatcher`). */
  readonly chain: unknown;
  /** `rt.lookup(env, self)`: the TB for the pc in the CPU state, + 1, or 0. */
  readonly lookup: (env: number, self: number) => number;
  /** `rt.notdirty(env, self, waddr, info)` (`info`: FAULT_INFO bits with the size): the exit kind (FAULT or SMC), or 0 to do the store. */
  readonly notdirty: (env: number, self: number, wa: number, info: number) => number;
  /** Wasm functions of the uniform helper type, by helper name (from `helperTrampolines`). */
  readonly helpers: Readonly<Record<string, unknown>>;
  /** The soft-TLB slow paths (`rt.tlbLoad`, `rt.tlbStore`): wasm functions of the uniform helper type (omit: the slots stay null, a call traps). */
  readonly tlbLoad?: unknown;
  readonly tlbStore?: unknown;
}

const JS_MODULE = "js";
let installer: WasmModule | undefined;

/** The module that stores its two imported JavaScript functions into slots lookup and notdirty. */
function installerModule(): WasmModule {
  if (installer === undefined) {
    const { i32 } = ValType;
    const mb = new ModuleBuilder();
    const tLookup = mb.addType([i32, i32], [i32]);
    const tNotdirty = mb.addType([i32, i32, i32, i32], [i32]);
    const lookup = mb.importFunction(JS_MODULE, RtImport.lookup, tLookup);
    const notdirty = mb.importFunction(JS_MODULE, RtImport.notdirty, tNotdirty);
    mb.importTable(IMPORT_MODULE, RtImport.fns, { initial: RtSlot.helpers });
    mb.sealPrefix();
    if (RtSlot.notdirty !== RtSlot.lookup + 1) throw new Error("rt table: lookup and notdirty must be adjacent");
    mb.addElements(0, RtSlot.lookup, [lookup, notdirty]);
    installer = new (wasmApi().Module)(mb.finish());
  }
  return installer;
}

/**
 * Builds a worker's runtime table for the target's `helpers` (their order gives their
 * slots, as in `TbModuleBuilder`).
 */
export function createRtTable(helpers: readonly HelperDef[], fns: RtFunctions): WasmTable {
  const api = wasmApi();
  const table = new api.Table({ initial: rtTableSize(helpers), element: "anyfunc" });
  table.set(RtSlot.chain, fns.chain);
  if (fns.tlbLoad !== undefined) table.set(RtSlot.tlbLoad, fns.tlbLoad);
  if (fns.tlbStore !== undefined) table.set(RtSlot.tlbStore, fns.tlbStore);
  helpers.forEach((h, i) => {
    const f = fns.helpers[h.name];
    if (f === undefined) throw new Error(`rt table: no function for helper '${h.name}'`);
    table.set(RtSlot.helpers + i, f);
  });
  new api.Instance(installerModule(), { [JS_MODULE]: { [RtImport.lookup]: fns.lookup, [RtImport.notdirty]: fns.notdirty }, [IMPORT_MODULE]: { [RtImport.fns]: table } });
  return table;
}
