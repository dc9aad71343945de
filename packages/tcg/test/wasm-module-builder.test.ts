import { describe, expect, it } from "vitest";
import { ModuleBuilder } from "../src/backend/wasm/module-builder.js";
import { AtomicRmw, AtomicWidth, ValType } from "../src/backend/wasm/opcodes.js";

const { i32, i64, f32, f64 } = ValType;

type Fn = (...args: (number | bigint)[]) => number | bigint;

function prefix(): { mb: ModuleBuilder; memory: WebAssembly.Memory; table: WebAssembly.Table; log: number[]; imports: WebAssembly.Imports; helper: number } {
  const mb = new ModuleBuilder();
  const tI32I32 = mb.addType([i32], [i32]);
  const helper = mb.importFunction("env", "helper", tI32I32);
  mb.importMemory("env", "mem", { initial: 1, maximum: 16, shared: true });
  mb.importTable("env", "table", { initial: 64 });
  mb.sealPrefix();
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
  const table = new WebAssembly.Table({ initial: 64, element: "anyfunc" });
  const log: number[] = [];
  const imports = { env: { helper: (x: number) => { log.push(x); return x * 2; }, mem: memory, table } };
  return { mb, memory, table, log, imports, helper };
}

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports): Record<string, Fn> {
  expect(WebAssembly.validate(bytes)).toBe(true);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  return inst.exports as unknown as Record<string, Fn>;
}

describe("ModuleBuilder", () => {
  it("deduplicates function types", () => {
    const mb = new ModuleBuilder();
    const a = mb.addType([i32, i64], [i32]);
    const b = mb.addType([i32, i64], [i32]);
    const c = mb.addType([i32, i64], []);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("requires a maximum for shared memories", () => {
    const mb = new ModuleBuilder();
    expect(() => mb.importMemory("env", "m", { initial: 1, shared: true } as never)).toThrow(/maximum/);
  });

  it("builds integer arithmetic, locals, control flow and calls", () => {
    const { mb, imports, helper, log } = prefix();
    const tAdd = mb.addType([i64, i64], [i64]);
    let fb = mb.beginFunction(tAdd);
    fb.localGet(fb.param(0));
    fb.localGet(fb.param(1));
    fb.i64Add();
    fb.i64Const(0xffffffffn);
    fb.i64And();
    const add = mb.endFunction();
    mb.exportFunction("add", add);

    // sum 1..n with a loop, temp locals from the free list
    const tSum = mb.addType([i32], [i32]);
    fb = mb.beginFunction(tSum);
    const acc = fb.allocLocal(i32);
    const tmp = fb.allocLocal(i64);
    fb.freeLocal(tmp);
    const again = fb.allocLocal(i64);
    expect(again).toBe(tmp);
    fb.block();
    fb.loop();
    fb.localGet(fb.param(0));
    fb.i32Eqz();
    fb.brIf(1);
    fb.localGet(acc);
    fb.localGet(fb.param(0));
    fb.i32Add();
    fb.localSet(acc);
    fb.localGet(fb.param(0));
    fb.i32Const(1);
    fb.i32Sub();
    fb.localSet(fb.param(0));
    fb.br(0);
    fb.end();
    fb.end();
    fb.localGet(acc);
    fb.call(helper);
    const sum = mb.endFunction();
    mb.exportFunction("sum", sum);

    // br_table switch
    fb = mb.beginFunction(tSum);
    fb.block();
    fb.block();
    fb.block();
    fb.localGet(fb.param(0));
    fb.brTable([0, 1], 2);
    fb.end();
    fb.i32Const(100);
    fb.return();
    fb.end();
    fb.i32Const(200);
    fb.return();
    fb.end();
    fb.i32Const(300);
    const sw = mb.endFunction();
    mb.exportFunction("sw", sw);

    // if/else with a result, select, i64 const halves, extends
    const tSel = mb.addType([i32], [i64]);
    fb = mb.beginFunction(tSel);
    fb.localGet(fb.param(0));
    fb.if(i64);
    fb.i64ConstHalves(0x89abcdef, 0x01234567);
    fb.else();
    fb.i64ConstHalves(-1, -1);
    fb.end();
    const sel = mb.endFunction();
    mb.exportFunction("sel", sel);

    const e = instantiate(mb.finish(), imports);
    expect(e.add!(0xffffffffn, 2n)).toBe(1n);
    expect(e.sum!(10)).toBe(110);
    expect(log).toEqual([55]);
    expect([e.sw!(0), e.sw!(1), e.sw!(2), e.sw!(7)]).toEqual([100, 200, 300, 300]);
    expect(e.sel!(1)).toBe(0x0123456789abcdefn);
    expect(e.sel!(0)).toBe(-1n);
  });

  it("emits loads and stores with memargs, atomics and bulk memory on the shared memory", () => {
    const { mb, imports, memory } = prefix();
    const t = mb.addType([i32], [i32]);
    const view = new Int32Array(memory.buffer);
    // store 0x11223344 at p+8, load8_u at p+9, atomic add 5, cmpxchg, fill, copy
    let fb = mb.beginFunction(t);
    const p = fb.param(0);
    fb.localGet(p);
    fb.i32Const(0x11223344);
    fb.i32Store(8);
    fb.localGet(p);
    fb.i32Const(5);
    fb.atomicRmw(AtomicRmw.add, AtomicWidth.i32, 8);
    fb.drop();
    fb.localGet(p);
    fb.i32Const(0x11223349);
    fb.i32Const(7);
    fb.i32AtomicCmpxchg(8);
    fb.drop();
    fb.localGet(p);
    fb.i32Const(0xab);
    fb.i32Const(4);
    fb.memoryFill();
    fb.localGet(p);
    fb.i32Const(16);
    fb.i32Add();
    fb.localGet(p);
    fb.i32Const(12);
    fb.memoryCopy();
    fb.localGet(p);
    fb.i32Load8U(9);
    fb.atomicFence();
    mb.exportFunction("mem", mb.endFunction());

    // wait32 on a word that does not hold the expected value returns 1 ("not-equal");
    // notify with no waiters returns 0.
    fb = mb.beginFunction(t);
    fb.localGet(fb.param(0));
    fb.i32Const(12345);
    fb.i64Const(0);
    fb.atomicWait32();
    fb.i32Const(10);
    fb.i32Mul();
    fb.localGet(fb.param(0));
    fb.i32Const(1);
    fb.atomicNotify();
    fb.i32Add();
    mb.exportFunction("wait", mb.endFunction());

    fb = mb.beginFunction(t);
    fb.localGet(fb.param(0));
    fb.i64Const(-2n);
    fb.i64AtomicXchg();
    fb.i32WrapI64();
    fb.localGet(fb.param(0));
    fb.i64AtomicLoad();
    fb.i32WrapI64();
    fb.i32Add();
    mb.exportFunction("xchg", mb.endFunction());

    const e = instantiate(mb.finish(), imports);
    expect(e.mem!(64)).toBe(0x00);
    expect(view[64 / 4 + 2]).toBe(7);
    expect(view[64 / 4]).toBe(0xabababab | 0);
    expect(view[64 / 4 + 4]).toBe(0xabababab | 0);
    expect(view[64 / 4 + 6]).toBe(7);
    expect(e.wait!(256)).toBe(10);
    view[512 / 4] = 40;
    expect(e.xchg!(512)).toBe(40 - 2);
  });

  it("emits float ops, conversions and saturating truncations", () => {
    const { mb, imports } = prefix();
    const t = mb.addType([f64], [i32]);
    let fb = mb.beginFunction(t);
    fb.localGet(fb.param(0));
    fb.i32TruncSatF64S();
    mb.exportFunction("sat", mb.endFunction());
    const t2 = mb.addType([f32, f32], [f64]);
    fb = mb.beginFunction(t2);
    fb.localGet(fb.param(0));
    fb.localGet(fb.param(1));
    fb.f32Mul();
    fb.f32Sqrt();
    fb.f64PromoteF32();
    fb.f64Const(0.5);
    fb.f64Add();
    mb.exportFunction("fl", mb.endFunction());
    const t3 = mb.addType([], [i32]);
    fb = mb.beginFunction(t3);
    fb.f32ConstBits(0x7fc00001); // a quiet NaN with a payload survives as bits
    fb.i32ReinterpretF32();
    mb.exportFunction("nan", mb.endFunction());
    fb = mb.beginFunction(t3);
    fb.f64ConstBits(0, 0x3ff00000);
    fb.i64TruncSatF64U();
    fb.i32WrapI64();
    mb.exportFunction("one", mb.endFunction());
    const e = instantiate(mb.finish(), imports);
    expect(e.sat!(1e20)).toBe(0x7fffffff);
    expect(e.sat!(NaN)).toBe(0);
    expect(e.sat!(-3.7)).toBe(-3);
    expect(e.fl!(4, 9)).toBe(6.5);
    expect(e.nan!()).toBe(0x7fc00001);
    expect(e.one!()).toBe(1);
  });

  it("publishes functions into an imported table and chains with return_call_indirect", () => {
    const { mb, imports, table } = prefix();
    const t = mb.addType([i32], [i32]);
    // f0: x -> if x == 0 then 1000 else tail-call table[x & 7](x - 1) + nothing
    let fb = mb.beginFunction(t);
    fb.localGet(fb.param(0));
    fb.i32Eqz();
    fb.if();
    fb.i32Const(1000);
    fb.return();
    fb.end();
    fb.localGet(fb.param(0));
    fb.i32Const(1);
    fb.i32Sub();
    fb.i32Const(11); // table slot of f1
    fb.returnCallIndirect(t);
    const f0 = mb.endFunction();
    fb = mb.beginFunction(t);
    fb.localGet(fb.param(0));
    fb.i32Const(10); // table slot of f0
    fb.returnCallIndirect(t);
    const f1 = mb.endFunction();
    mb.addElements(0, 10, [f0, f1]);
    mb.exportFunction("f0", f0);
    const e = instantiate(mb.finish(), imports);
    expect(e.f0!(100_000)).toBe(1000); // deep chain, no stack growth
    expect(table.get(10)).toBeTypeOf("function");
  });

  it("reuses the prefix across modules and drops per-module types on reset", () => {
    const { mb, imports } = prefix();
    const base = mb.addType([i32], [i32]);
    for (let round = 0; round < 3; round++) {
      mb.reset();
      const extra = mb.addType([i64, i64, i64], [i64]);
      const fb = mb.beginFunction(extra);
      fb.localGet(fb.param(round));
      mb.exportFunction("pick", mb.endFunction());
      const e = instantiate(mb.finish(), imports);
      expect(e.pick!(1n, 2n, 3n)).toBe(BigInt(round + 1));
      expect(mb.addType([i32], [i32])).toBe(base);
    }
  });

  it("rejects unbalanced bodies, double frees and imports after sealing", () => {
    const { mb } = prefix();
    const t = mb.addType([i32], []);
    const fb = mb.beginFunction(t);
    fb.block();
    expect(() => mb.endFunction()).toThrow(/open block/);
    fb.end();
    const l = fb.allocLocal(i32);
    fb.freeLocal(l);
    expect(() => fb.freeLocal(l)).toThrow(/twice/);
    expect(() => fb.freeLocal(fb.param(0))).toThrow(/parameter/);
    mb.endFunction();
    expect(() => mb.importFunction("env", "late", t)).toThrow(/sealPrefix/);
  });

  it("declares many locals of mixed types in runs", () => {
    const { mb, imports } = prefix();
    const t = mb.addType([], [i64]);
    const fb = mb.beginFunction(t);
    const ls = [];
    for (let k = 0; k < 300; k++) ls.push(fb.allocLocal(k % 3 === 0 ? i64 : k % 3 === 1 ? i32 : f64));
    fb.i64Const(0);
    for (const l of ls) {
      if (l.type === i64) {
        fb.i64Const(l.index);
        fb.localSet(l);
        fb.localGet(l);
        fb.i64Add();
      }
    }
    mb.exportFunction("s", mb.endFunction());
    const e = instantiate(mb.finish(), imports);
    let want = 0n;
    for (const l of ls) if (l.type === i64) want += BigInt(l.index);
    expect(e.s!()).toBe(want);
  });
});
