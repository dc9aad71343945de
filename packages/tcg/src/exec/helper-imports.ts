/**
 * Helper imports: the JavaScript functions generated code calls for `call` ops. Each
 * helper is imported by name with the signature `(env: i32, ...args) -> ret`; the wrapper
 * converts wasm values to the canonical bigints of {@link HelperImpl} and gives the helper
 * a DataView over the calling vCPU's CPU state.
 *
 * @module
 */
import { CTRL_BYTES } from "../backend/wasm/lower-abi.js";
import type { HelperDef, HelperEnv } from "../ir/helper.js";

/**
 * A helper implementation called directly with wasm values (i32 as number, i64 as
 * bigint) and the vCPU block address; overrides the HelperDef's bigint `impl` when given.
 */
export type WasmHelperImpl = (env: number, ...args: (number | bigint)[]) => number | bigint | undefined;

/**
 * Builds the `helpers` import object for `helpers` over the memory `buffer`.
 *
 * @param helpers every declared helper.
 * @param buffer the shared memory's buffer.
 * @param stateSize bytes of the CPU state (the DataView's length).
 * @param direct implementations that take wasm values directly, by helper name.
 */
export function helperImports(
  helpers: readonly HelperDef[],
  buffer: ArrayBufferLike,
  stateSize: number,
  direct: Readonly<Record<string, WasmHelperImpl>> = {},
): Record<string, unknown> {
  const views = new Map<number, HelperEnv>();
  const envOf = (env: number): HelperEnv => {
    let e = views.get(env);
    if (e === undefined) {
      e = { state: new DataView(buffer, env + CTRL_BYTES, stateSize) };
      views.set(env, e);
    }
    return e;
  };
  const out: Record<string, unknown> = {};
  for (const h of helpers) {
    const d = direct[h.name];
    if (d !== undefined) {
      out[h.name] = d;
      continue;
    }
    const impl = h.impl;
    if (impl === undefined) {
      out[h.name] = (): never => {
        throw new Error(`helper '${h.name}' has no implementation`);
      };
      continue;
    }
    const argIs32 = h.args.map((t) => t === "i32");
    const ret = h.ret;
    out[h.name] = (env: number, ...args: (number | bigint)[]): number | bigint | undefined => {
      const a: bigint[] = new Array<bigint>(args.length);
      for (let i = 0; i < args.length; i++) a[i] = argIs32[i] === true ? BigInt(args[i]!) : (args[i] as bigint);
      const r = impl(envOf(env), a);
      if (ret === "void") return undefined;
      if (ret === "i32") return Number(BigInt.asIntN(32, r ?? 0n));
      return r ?? 0n;
    };
  }
  return out;
}
