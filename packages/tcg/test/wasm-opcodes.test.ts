// Every opcode method of FunctionBuilder, table-driven: each row builds a function
// `(params) -> (results)` that pushes its parameters and applies the method, and the
// module must validate. Rows for the integer ops also run against JS reference semantics.
import { describe, expect, it } from "vitest";
import type { FunctionBuilder } from "../src/backend/wasm/function-builder.js";
import { ModuleBuilder } from "../src/backend/wasm/module-builder.js";
import { AtomicRmw, AtomicWidth, ValType } from "../src/backend/wasm/opcodes.js";

const { i32, i64, f32, f64, funcref } = ValType;
type VT = ValType;
type Row = [method: string, params: VT[], results: VT[], args?: unknown[]];

const rows: Row[] = [];
const add = (names: string[], params: VT[], results: VT[], args?: unknown[]): void => {
  for (const n of names) rows.push(args === undefined ? [n, params, results] : [n, params, results, args]);
};
add(["i32Eqz", "i32Clz", "i32Ctz", "i32Popcnt", "i32Extend8S", "i32Extend16S"], [i32], [i32]);
add(["i32Eq", "i32Ne", "i32LtS", "i32LtU", "i32GtS", "i32GtU", "i32LeS", "i32LeU", "i32GeS", "i32GeU"], [i32, i32], [i32]);
add(["i32Add", "i32Sub", "i32Mul", "i32DivS", "i32DivU", "i32RemS", "i32RemU", "i32And", "i32Or", "i32Xor", "i32Shl", "i32ShrS", "i32ShrU", "i32Rotl", "i32Rotr"], [i32, i32], [i32]);
add(["i64Eqz"], [i64], [i32]);
add(["i64Clz", "i64Ctz", "i64Popcnt", "i64Extend8S", "i64Extend16S", "i64Extend32S"], [i64], [i64]);
add(["i64Eq", "i64Ne", "i64LtS", "i64LtU", "i64GtS", "i64GtU", "i64LeS", "i64LeU", "i64GeS", "i64GeU"], [i64, i64], [i32]);
add(["i64Add", "i64Sub", "i64Mul", "i64DivS", "i64DivU", "i64RemS", "i64RemU", "i64And", "i64Or", "i64Xor", "i64Shl", "i64ShrS", "i64ShrU", "i64Rotl", "i64Rotr"], [i64, i64], [i64]);
add(["f32Eq", "f32Ne", "f32Lt", "f32Gt", "f32Le", "f32Ge"], [f32, f32], [i32]);
add(["f64Eq", "f64Ne", "f64Lt", "f64Gt", "f64Le", "f64Ge"], [f64, f64], [i32]);
add(["f32Abs", "f32Neg", "f32Ceil", "f32Floor", "f32Trunc", "f32Nearest", "f32Sqrt"], [f32], [f32]);
add(["f32Add", "f32Sub", "f32Mul", "f32Div", "f32Min", "f32Max", "f32Copysign"], [f32, f32], [f32]);
add(["f64Abs", "f64Neg", "f64Ceil", "f64Floor", "f64Trunc", "f64Nearest", "f64Sqrt"], [f64], [f64]);
add(["f64Add", "f64Sub", "f64Mul", "f64Div", "f64Min", "f64Max", "f64Copysign"], [f64, f64], [f64]);
add(["i32WrapI64"], [i64], [i32]);
add(["i32TruncF32S", "i32TruncF32U", "i32TruncSatF32S", "i32TruncSatF32U", "i32ReinterpretF32"], [f32], [i32]);
add(["i32TruncF64S", "i32TruncF64U", "i32TruncSatF64S", "i32TruncSatF64U"], [f64], [i32]);
add(["i64ExtendI32S", "i64ExtendI32U"], [i32], [i64]);
add(["i64TruncF32S", "i64TruncF32U", "i64TruncSatF32S", "i64TruncSatF32U"], [f32], [i64]);
add(["i64TruncF64S", "i64TruncF64U", "i64TruncSatF64S", "i64TruncSatF64U", "i64ReinterpretF64"], [f64], [i64]);
add(["f32ConvertI32S", "f32ConvertI32U", "f32ReinterpretI32"], [i32], [f32]);
add(["f32ConvertI64S", "f32ConvertI64U"], [i64], [f32]);
add(["f32DemoteF64"], [f64], [f32]);
add(["f64ConvertI32S", "f64ConvertI32U"], [i32], [f64]);
add(["f64ConvertI64S", "f64ConvertI64U", "f64ReinterpretI64"], [i64], [f64]);
add(["f64PromoteF32"], [f32], [f64]);
add(["i32Load", "i32Load8S", "i32Load8U", "i32Load16S", "i32Load16U", "i32AtomicLoad", "i32AtomicLoad8U", "i32AtomicLoad16U"], [i32], [i32], [8]);
add(["i64Load", "i64Load8S", "i64Load8U", "i64Load16S", "i64Load16U", "i64Load32S", "i64Load32U", "i64AtomicLoad", "i64AtomicLoad8U", "i64AtomicLoad16U", "i64AtomicLoad32U"], [i32], [i64], [8]);
add(["f32Load"], [i32], [f32], [4]);
add(["f64Load"], [i32], [f64], [8]);
add(["i32Store", "i32Store8", "i32Store16", "i32AtomicStore", "i32AtomicStore8", "i32AtomicStore16"], [i32, i32], [], [16]);
add(["i64Store", "i64Store8", "i64Store16", "i64Store32", "i64AtomicStore", "i64AtomicStore8", "i64AtomicStore16", "i64AtomicStore32"], [i32, i64], [], [16]);
add(["f32Store"], [i32, f32], [], [0]);
add(["f64Store"], [i32, f64], [], [0]);
add(["memorySize"], [], [i32]);
add(["memoryGrow"], [i32], [i32]);
add(["memoryCopy", "memoryFill"], [i32, i32, i32], []);
add(["memoryInit"], [i32, i32, i32], [], [0]);
add(["dataDrop"], [], [], [0]);
add(["atomicNotify"], [i32, i32], [i32]);
add(["atomicWait32"], [i32, i32, i64], [i32]);
add(["atomicWait64"], [i32, i64, i64], [i32]);
add(["atomicFence", "nop"], [], []);
add(["i32AtomicAdd", "i32AtomicXchg"], [i32, i32], [i32]);
add(["i64AtomicAdd", "i64AtomicXchg"], [i32, i64], [i64]);
add(["i32AtomicCmpxchg"], [i32, i32, i32], [i32]);
add(["i64AtomicCmpxchg"], [i32, i64, i64], [i64]);
for (const op of Object.values(AtomicRmw)) {
  for (const [wname, width] of Object.entries(AtomicWidth)) {
    const t = wname.startsWith("i32") ? i32 : i64;
    rows.push([`atomicRmw`, op === AtomicRmw.cmpxchg ? [i32, t, t] : [i32, t], [t], [op, width, 0]]);
  }
}
add(["tableSize"], [], [i32]);
add(["tableGet"], [i32], [funcref]);
add(["tableSet"], [i32, funcref], []);
add(["tableGrow"], [funcref, i32], [i32]);
add(["tableFill"], [i32, funcref, i32], []);
add(["tableCopy"], [i32, i32, i32], []);
add(["refNullFunc"], [], [funcref]);
add(["refIsNull"], [funcref], [i32]);
add(["refFunc"], [], [funcref], [1]);
add(["select"], [i32, i32, i32], [i32]);
add(["drop"], [i64], []);
add(["unreachable"], [], [i32]);
add(["globalGet"], [], [i64], [0]);
add(["globalSet"], [i64], [], [0]);

function apply(fb: FunctionBuilder, method: string, args: unknown[]): void {
  const f = (fb as unknown as Record<string, ((...a: unknown[]) => void) | undefined>)[method];
  if (typeof f !== "function") throw new Error(`no method ${method}`);
  f.apply(fb, args);
}

function build(): { bytes: Uint8Array; exports: string[] } {
  const mb = new ModuleBuilder();
  mb.importMemory("env", "mem", { initial: 1, maximum: 4, shared: true });
  mb.importTable("env", "table", { initial: 4 });
  mb.importGlobal("env", "g", i64, true);
  mb.sealPrefix();
  mb.addData(Uint8Array.from([1, 2, 3, 4]));
  mb.addData(Uint8Array.from([9]), 100);
  const exports: string[] = [];
  rows.forEach(([method, params, results, args], i) => {
    const fb = mb.beginFunction(mb.addType(params, results));
    for (let p = 0; p < params.length; p++) fb.localGet(fb.param(p));
    apply(fb, method, args ?? []);
    const name = `${method}_${i}`;
    mb.exportFunction(name, mb.endFunction());
    exports.push(name);
  });
  return { bytes: mb.finish(), exports };
}

describe("every FunctionBuilder opcode method", () => {
  it("emits a valid instruction for each of the table's rows", () => {
    const { bytes } = build();
    if (!WebAssembly.validate(bytes)) {
      // find the first failing row for a useful message
      expect(() => new WebAssembly.Module(bytes)).not.toThrow();
    }
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(rows.length).toBeGreaterThan(200);
  });

  it("integer ops agree with JS semantics on boundary values", () => {
    const { bytes, exports } = build();
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const table = new WebAssembly.Table({ initial: 4, element: "anyfunc" });
    const global = new (WebAssembly as unknown as { Global: new (d: object, v: bigint) => unknown }).Global({ value: "i64", mutable: true }, 5n);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory, table, g: global } });
    const ex = inst.exports as Record<string, (...a: (number | bigint)[]) => number | bigint>;
    const fn = (m: string): ((...a: (number | bigint)[]) => number | bigint) => ex[exports.find((e) => e.startsWith(`${m}_`))!]!;
    const vals32 = [0, 1, -1, 0x7fffffff, -0x80000000, 31, 32, 12345];
    const ref32: Record<string, (a: number, b: number) => number> = {
      i32Add: (a, b) => (a + b) | 0,
      i32Sub: (a, b) => (a - b) | 0,
      i32Mul: (a, b) => Math.imul(a, b),
      i32And: (a, b) => a & b,
      i32Or: (a, b) => a | b,
      i32Xor: (a, b) => a ^ b,
      i32Shl: (a, b) => a << b,
      i32ShrS: (a, b) => a >> b,
      i32ShrU: (a, b) => (a >>> b) | 0,
      i32LtU: (a, b) => ((a >>> 0) < (b >>> 0) ? 1 : 0),
      i32GeS: (a, b) => (a >= b ? 1 : 0),
    };
    for (const [m, f] of Object.entries(ref32)) for (const a of vals32) for (const b of vals32) expect(fn(m)(a, b)).toBe(f(a, b));
    const vals64 = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 63n, 64n, 0x123456789n];
    const ref64: Record<string, (a: bigint, b: bigint) => bigint> = {
      i64Add: (a, b) => BigInt.asIntN(64, a + b),
      i64Sub: (a, b) => BigInt.asIntN(64, a - b),
      i64Mul: (a, b) => BigInt.asIntN(64, a * b),
      i64Xor: (a, b) => a ^ b,
      i64Shl: (a, b) => BigInt.asIntN(64, a << (b & 63n)),
      i64ShrU: (a, b) => BigInt.asIntN(64, BigInt.asUintN(64, a) >> (b & 63n)),
    };
    for (const [m, f] of Object.entries(ref64)) for (const a of vals64) for (const b of vals64) expect(fn(m)(a, b)).toBe(f(a, b));
    expect(fn("i64Popcnt")(-1n)).toBe(64n);
    expect(fn("i32Clz")(1)).toBe(31);
    expect(fn("i32Extend8S")(0x80)).toBe(-128);
    expect(fn("globalGet")()).toBe(5n);
    // memory.init from the passive segment, active segment at 100
    fn("memoryInit")(200, 1, 3);
    expect([...new Uint8Array(memory.buffer, 200, 3)]).toEqual([2, 3, 4]);
    expect(new Uint8Array(memory.buffer)[100]).toBe(9);
  });
});
