/**
 * Helper trampolines: one small wasm module per worker that imports the target's helper
 * functions (JavaScript) once, each with its own type, and re-exports each as a wasm
 * function of the uniform helper type TB modules import (`HELPER_ABI_ARGS`:
 * `(env: i32, a0..a5: i64) -> i64`), converting arguments and the result.
 *
 * Why: V8 11 compiles the wasm-to-JS call wrappers of a module's JavaScript imports per
 * compiled module, at instantiation. Every TB module is unique code, so importing the
 * helpers straight from JavaScript paid those wrappers again for every module: 295 µs
 * per instance for 69 helper imports vs 55 µs when the same imports are wasm functions
 * (a wasm-to-wasm import needs no wrapper). The extra hop costs one direct call per
 * helper call. On `lua5.4 -e 'print(1)'` (1,632 modules) instantiation went from
 * ~0.5 ms to ~0.1 ms per module. The uniform type then keeps TB modules to three function
 * types: V8 11 spends ~40 µs per distinct type compiling a module.
 *
 * @module
 */
import type { HelperDef } from "../ir/helper.js";
import type { IrType } from "../ir/types.js";
import { HELPER_ABI_ARGS } from "../backend/wasm/lower-abi.js";
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
  helpers.forEach((h, i) => {
    if (h.args.length > HELPER_ABI_ARGS) throw new Error(`helper '${h.name}' has more than ${HELPER_ABI_ARGS} arguments`);
    const t = mb.addType([ValType.i32, ...h.args.map(vt)], h.ret === "void" ? [] : [vt(h.ret)]);
    const imported = mb.importFunction(JS_MODULE, h.name, t);
    if (imported !== i) throw new Error("helper trampolines: unexpected import index");
  });
  mb.sealPrefix();
  const uniform = mb.addType([ValType.i32, ...Array<ValType>(HELPER_ABI_ARGS).fill(ValType.i64)], [ValType.i64]);
  helpers.forEach((h, i) => {
    const fb = mb.beginFunction(uniform);
    fb.localGet(fb.param(0));
    h.args.forEach((t, a) => {
      fb.localGet(fb.param(1 + a));
      if (t === "i32") fb.i32WrapI64();
    });
    fb.call(i);
    if (h.ret === "void") fb.i64Const(0);
    else if (h.ret === "i32") fb.i64ExtendI32S();
    mb.exportFunction(h.name, mb.endFunction());
  });
  const api = wasmApi();
  const js: Record<string, unknown> = {};
  for (const h of helpers) js[h.name] = impls[h.name];
  const instance = new api.Instance(new api.Module(mb.finish()), { [JS_MODULE]: js });
  return { ...instance.exports };
}
