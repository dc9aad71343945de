import { describe, expect, it } from "vitest";
import { IrBuilder, IrFunc, IrParseError, memopAligned, parseIr, printIr, verifyIr, type HelperDef } from "../src/index.js";

const SAMPLE = `global i64 x5 @0x28
global i64 pc @0x100
global i32 flags @0x108
helper div_check(i64, i64) -> i64 no_side_effects

insn_start $0x10078
add_i64 t0, x5, $0x10
brcond_i64 t0, $0x0, eq, L0
call div_check, t1, t0, x5
mov_i64 x5, t1
mov_i64 l0, $-0x1
setcond_i32 t2, flags, $0x7, ltu
guest_ld_i64 t3, x5, s32:al
guest_st_i64 t3, x5, u64
atomic_fetch_umax_i64 t4, x5, l0, u64:al
extract_i64 t5, t4, 8, 4
ld32u_i64 t6, 0x200
st_i32 t2, 0x210
mb ld_ld|st_st
set_label L0
mov_i64 pc, $0x1007c
goto_tb 0
exit_tb 0
`;

describe("IR text form", () => {
  it("round-trips a canonical text", () => {
    const f = parseIr(SAMPLE);
    expect(printIr(f)).toBe(SAMPLE);
  });

  it("infers temp types and reports type clashes with a position", () => {
    expect(() => parseIr("mov_i64 t0, $0x1\nmov_i32 t1, t0\n")).toThrow(IrParseError);
    try {
      parseIr("mov_i64 t0, $0x1\nmov_i32 t1, t0\n");
    } catch (e) {
      expect(e).toBeInstanceOf(IrParseError);
      expect((e as IrParseError).line).toBe(2);
      expect((e as IrParseError).column).toBe(13);
    }
  });

  it.each([
    ["frob_i64 t0, t1", "unknown op"],
    ["add_i64 t0, t1", "missing operand"],
    ["add_i64 t0, t1, t2, t3", "too many operands"],
    ["add_i64 $0x1, t1, t2", "constant cannot be an output"],
    ["brcond_i64 t0, t1, lessish, L0", "invalid condition"],
    ["guest_ld_i64 t0, t1, q32", "invalid memop"],
    ["call nothing, t0", "undeclared helper"],
    ["ext32s_i32 t0, t1", "unknown op"],
    ["mov_i64 t0, $zz", "invalid constant"],
  ])("rejects %j (%s)", (text, msg) => {
    expect(() => parseIr(text)).toThrow(msg);
  });

  it("normalizes constants to the operand type", () => {
    const f = parseIr("mov_i32 t0, $0xffffffff\nmov_i64 t1, $0xffffffffffffffff\n");
    expect(printIr(f)).toBe("mov_i32 t0, $-0x1\nmov_i64 t1, $-0x1\n");
  });

  it("prints what the builder builds", () => {
    const f = new IrFunc([{ name: "x10", type: "i64", offset: 0x50 }]);
    const b = new IrBuilder(f);
    const x10 = f.global("x10", "i64")!;
    const h: HelperDef = { name: "raise", ret: "void", args: ["i32"], flags: 8 };
    const t = b.tbTemp("i64");
    const l = b.label();
    b.insnStart(0x1000n);
    b.guestLd(t, x10, memopAligned(32, true));
    b.brcond("ne", t, 0, l);
    b.call(h, undefined, [2]);
    b.setLabel(l);
    b.add(x10, t, 1);
    b.exitTb(0);
    expect(verifyIr(f)).toEqual([]);
    expect(printIr(f)).toBe(
      "global i64 x10 @0x50\nhelper raise(i32) -> void noreturn\n\n" +
        "insn_start $0x1000\nguest_ld_i64 l0, x10, s32:al\nbrcond_i64 l0, $0x0, ne, L0\ncall raise, $0x2\n" +
        "set_label L0\nadd_i64 x10, l0, $0x1\nexit_tb 0\n",
    );
  });
});
