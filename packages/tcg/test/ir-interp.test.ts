// The reference interpreter: guest memory, atomics, faults with the pc of the
// faulting instruction, helpers, x0, and exits.
import { describe, expect, it } from "vitest";
import { FlatGuestMemory, referenceInterpret, parseIr, type HelperDef, type InterpExit } from "../src/index.js";

const GLOBALS = `global i64 x0 @0x0 zero
global i64 x5 @0x28
global i64 x6 @0x30
global i32 w @0x40
`;

function exec(body: string, init: (v: DataView, m: Uint8Array) => void = () => {}, helpers: HelperDef[] = []) {
  const f = parseIr(GLOBALS + body, { helpers });
  const state = new DataView(new ArrayBuffer(256));
  const mem = new Uint8Array(64);
  init(state, mem);
  const exit: InterpExit = referenceInterpret(f, { state, memory: new FlatGuestMemory(0x1000n, mem) });
  return { exit, state, mem, x5: state.getBigInt64(0x28, true), x6: state.getBigInt64(0x30, true) };
}

describe("referenceInterpret (the reference interpreter)", () => {
  it("loads little-endian with sign or zero extension", () => {
    const r = exec("guest_ld_i64 x5, $0x1000, s16\nguest_ld_i64 x6, $0x1000, u32\nexit_tb 0\n", (_v, m) => m.set([0x00, 0x80, 0x34, 0x12]));
    expect(r.x5).toBe(-0x8000n);
    expect(r.x6).toBe(0x1234_8000n);
  });

  it("stores the low bits only", () => {
    const r = exec("guest_st_i64 $-0x1, $0x1002, u16\nexit_tb 0\n");
    expect([...r.mem.slice(0, 5)]).toEqual([0, 0, 0xff, 0xff, 0]);
  });

  it("reports a fault with the pc of the faulting instruction and state as of before it", () => {
    const r = exec("insn_start $0x100\nmov_i64 x5, $0x1\ninsn_start $0x104\nguest_ld_i64 x5, $0x2000, u8\nmov_i64 x5, $0x3\nexit_tb 0\n");
    expect(r.exit).toEqual({ kind: "fault", addr: 0x2000n, pc: 0x104n, misaligned: false });
    expect(r.x5).toBe(1n);
  });

  it("checks alignment only when the MemOp requires it", () => {
    expect(exec("guest_ld_i64 x5, $0x1001, u32\nexit_tb 0\n").exit).toEqual({ kind: "exit_tb", code: 0 });
    expect(exec("guest_ld_i64 x5, $0x1002, u32:al\nexit_tb 0\n").exit).toMatchObject({ kind: "fault", misaligned: true });
    expect(exec("guest_ld_i64 x5, $0x1002, u32:al2\nexit_tb 0\n").exit).toEqual({ kind: "exit_tb", code: 0 });
  });

  it("runs the AMO family at the access size, returning the old value", () => {
    const init = (_v: DataView, m: Uint8Array): void => m.set([0xfe, 0xff, 0xff, 0xff, 0x44, 0x33, 0x22, 0x11]);
    expect(exec("atomic_fetch_add_i64 x5, $0x1000, $0x3, s32:al\nexit_tb 0\n", init)).toMatchObject({ x5: -2n });
    expect([...exec("atomic_fetch_add_i64 x5, $0x1000, $0x3, s32:al\nexit_tb 0\n", init).mem.slice(0, 4)]).toEqual([1, 0, 0, 0]);
    const smin = exec("atomic_fetch_smin_i64 x5, $0x1000, $0x5, s32\nexit_tb 0\n", init);
    expect([...smin.mem.slice(0, 4)]).toEqual([0xfe, 0xff, 0xff, 0xff]);
    const umin = exec("atomic_fetch_umin_i64 x5, $0x1000, $0x5, u32\nexit_tb 0\n", init);
    expect(umin.x5).toBe(0xffff_fffen);
    expect([...umin.mem.slice(0, 4)]).toEqual([5, 0, 0, 0]);
    const xchg = exec("atomic_xchg_i64 x5, $0x1000, $0x7, u64:al\nexit_tb 0\n", init);
    expect(xchg.x5).toBe(0x1122_3344_ffff_fffen);
  });

  it("cmpxchg stores only when the low bits match", () => {
    const init = (_v: DataView, m: Uint8Array): void => m.set([0xff, 0xff, 0xff, 0xff]);
    const hit = exec("atomic_cmpxchg_i64 x5, $0x1000, $-0x1, $0x5, s32:al\nexit_tb 0\n", init);
    expect(hit.x5).toBe(-1n);
    expect(hit.mem[0]).toBe(5);
    const miss = exec("atomic_cmpxchg_i64 x5, $0x1000, $0x0, $0x5, s32:al\nexit_tb 0\n", init);
    expect(miss.mem[0]).toBe(0xff);
  });

  it("keeps x0 at zero", () => {
    const r = exec("mov_i64 x0, $0x5\nadd_i64 x5, x0, $0x1\nexit_tb 0\n");
    expect(r.state.getBigInt64(0, true)).toBe(0n);
    expect(r.x5).toBe(1n);
  });

  it("calls helpers and stops at noreturn ones", () => {
    const helpers: HelperDef[] = [
      { name: "twice", ret: "i64", args: ["i64"], flags: 4, impl: (_e, [a]) => (a ?? 0n) * 2n },
      { name: "raise", ret: "void", args: ["i32"], flags: 8, impl: (e, [c]) => (e.state.setInt32(0x40, Number(c), true), undefined) },
    ];
    const text = "helper twice(i64) -> i64 no_side_effects\nhelper raise(i32) -> void noreturn\n" +
      "call twice, x5, $0x15\ncall raise, $0x7\nmov_i64 x5, $0x0\nexit_tb 0\n";
    const r = exec(text, () => {}, helpers);
    expect(r.x5).toBe(42n);
    expect(r.exit).toEqual({ kind: "noreturn", helper: "raise" });
    expect(r.state.getInt32(0x40, true)).toBe(7);
  });

  it("follows forward branches and reports exits", () => {
    const text = "brcond_i64 x5, $0x0, eq, L0\nmov_i64 x6, $0x1\nexit_tb 1\nset_label L0\ngoto_tb 0\nexit_tb 2\n";
    expect(exec(text).exit).toEqual({ kind: "exit_tb", code: 2 });
    expect(exec(text, (v) => v.setBigInt64(0x28, 3n, true))).toMatchObject({ exit: { kind: "exit_tb", code: 1 }, x6: 1n });
    const f = parseIr(GLOBALS + text);
    const state = new DataView(new ArrayBuffer(256));
    expect(referenceInterpret(f, { state, memory: new FlatGuestMemory(0n, new Uint8Array(0)), chained: (n) => n === 0 })).toEqual({ kind: "goto_tb", slot: 0 });
  });
});
