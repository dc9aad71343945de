// The builder: operand types are checked by TypeScript (Temp<T>) and at run time,
// and every op it builds verifies.
import { describe, expect, it } from "vitest";
import { IrBuilder, IrFunc, memopAligned, printIr, verifyIr, type HelperDef } from "../src/index.js";

describe("IrBuilder", () => {
  it("rejects mixed operand types at compile time and at run time", () => {
    const f = new IrFunc();
    const b = new IrBuilder(f);
    const a64 = b.temp("i64");
    const a32 = b.temp("i32");
    b.mov(a64, 1);
    b.mov(a32, 1);
    // @ts-expect-error an i32 input to an i64 add
    expect(() => b.add(a64, a64, a32)).toThrow(TypeError);
    expect(() => b.mov(f.constant("i64", 1), a64)).toThrow("cannot write a constant");
    // @ts-expect-error ext32s exists only for i64; the verifier catches what gets past the types
    b.ext32s(a32, a32);
    expect(verifyIr(f).map((e) => e.message)).toEqual(["ext32s_i32: ext32s exists only for i64"]);
  });

  it("turns numbers and bigints into interned constants of the destination type", () => {
    const f = new IrFunc([{ name: "x", type: "i32", offset: 0 }]);
    const b = new IrBuilder(f);
    const x = f.global("x", "i32")!;
    b.add(x, x, 0xffff_ffff);
    b.add(x, x, -1n);
    expect(printIr(f, { declarations: false })).toBe("add_i32 x, x, $-0x1\nadd_i32 x, x, $-0x1\n");
    expect(f.ops[0]!.ins[1]).toBe(f.ops[1]!.ins[1]);
  });

  it("checks helper signatures", () => {
    const f = new IrFunc();
    const b = new IrBuilder(f);
    const h: HelperDef = { name: "h", ret: "i64", args: ["i64", "i32"], flags: 0 };
    expect(() => b.call(h, undefined, [1, 2])).toThrow("result does not match");
    expect(() => b.call(h, b.temp("i64"), [1])).toThrow("expected 2 arguments");
    b.call(h, b.temp("i64"), [1, 2]);
    expect(printIr(f)).toBe("helper h(i64, i32) -> i64\n\ncall h, t0, $0x1, $0x2\n");
  });

  it("builds a RISC-V-like TB that verifies", () => {
    const f = new IrFunc([
      { name: "x10", type: "i64", offset: 0x50 },
      { name: "x11", type: "i64", offset: 0x58 },
      { name: "pc", type: "i64", offset: 0x100 },
    ]);
    const b = new IrBuilder(f);
    const [x10, x11, pc] = [f.global("x10", "i64")!, f.global("x11", "i64")!, f.global("pc", "i64")!];
    const old = b.temp("i64");
    b.insnStart(0x1000);
    b.atomicFetchAdd(old, x10, x11, memopAligned(64));
    b.mov(x11, old);
    b.insnStart(0x1004);
    const taken = b.label();
    b.brcond("ltu", x11, 10, taken);
    b.gotoTb(0);
    b.mov(pc, 0x1008);
    b.exitTb(0);
    b.setLabel(taken);
    b.gotoTb(1);
    b.mov(pc, 0x2000);
    b.exitTb(1);
    expect(verifyIr(f)).toEqual([]);
  });
});
