/**
 * Helper trampolines: one small wasm module per worker that imports the target's helper
 * functions (JavaScript) once and re-exports each as a wasm function of the same type.
 * TB modules import these wasm functions instead of the JavaScript ones.
 *
 * Why: V8 11 compiles the wasm-to-JS call wrappers of a module's JavaScript imports per
 * compiled module, at instantiation. Every TB module is unique code, so importing the
 * helpers straight from JavaScript paid those wrappers again for every module: 295 µs
 * per instance for 69 helper imports vs 55 µs when the same imports are wasm functions
 * (a wasm-to-wasm import needs no wrapper). The extra hop costs one direct call per
 * helper call. On `lua5.4 -e 'print(1)'` (1,632 modules) instantiation went from
 * ~0.5 ms to ~0.1 ms per module.
 *
 * @module
 */
import type { HelperDef } from "../ir/helper.js";
import type { IrType } from "../ir/types.js";
import { ModuleBuilder } from "../backend/wasm/module-builder.js";
import { ValType } from "../backend/wasm/opcodes.js";
import { wasmApi } from "./wasm-api.js";

const JS_MODULE = "js";

function vt(t: IrType): ValType {
  return t === "i32" ? ValType.i32 : ValType.i64;
}

/**
 * Wraps `impls` (the JavaScript helper imports, by helper name) in wasm functions with
 * the types TB modules import them with (`(env: i32, ...args) -> ret`).
 *
 * @param helpers the target's helpers, in any order.
 * @param impls the import object TB modules would otherwise import from JavaScript.
 * @returns the same names mapped to wasm functions.
 */
export function helperTrampolines(helpers: readonly HelperDef[], impls: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (helpers.length === 0) return {};
  const mb = new ModuleBuilder();
  const types: number[] = [];
  const params: number[] = [];
  helpers.forEach((h, i) => {
    const t = mb.addType([ValType.i32, ...h.args.map(vt)], h.ret === "void" ? [] : [vt(h.ret)]);
    types.push(t);
    params.push(1 + h.args.length);
    const imported = mb.importFunction(JS_MODULE, h.name, t);
    if (imported !== i) throw new Error("helper trampolines: unexpected import index");
  });
  mb.sealPrefix();
  helpers.forEach((h, i) => {
    const fb = mb.beginFunction(types[i]!);
    for (let p = 0; p < params[i]!; p++) fb.localGet(fb.param(p));
    fb.call(i);
    mb.exportFunction(h.name, mb.endFunction());
  });
  const api = wasmApi();
  const js: Record<string, unknown> = {};
  for (const h of helpers) js[h.name] = impls[h.name];
  const instance = new api.Instance(new api.Module(mb.finish()), { [JS_MODULE]: js });
  return { ...instance.exports };
}
