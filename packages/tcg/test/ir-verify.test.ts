// The verifier: the control-flow and lifetime rules the back end relies on.
import { describe, expect, it } from "vitest";
import { IrFunc, Op, parseIr, verifyIr } from "../src/index.js";

const G = "global i64 x5 @0x28\nglobal i32 w @0x40\n";

function problems(text: string): string[] {
  return verifyIr(parseIr(G + text)).map((e) => e.message);
}

describe("verifyIr", () => {
  it("accepts forward branches and EBB temps across brcond", () => {
    expect(problems("mov_i64 t0, x5\nbrcond_i64 t0, $0x0, eq, L0\nadd_i64 x5, t0, $0x1\nset_label L0\nexit_tb 0\n")).toEqual([]);
  });

  it.each([
    ["a backward branch", "set_label L0\nbr L0\n", "backward branch"],
    ["a label placed twice", "set_label L0\nset_label L0\n", "placed twice"],
    ["a branch to a label never placed", "br L0\n", "never placed"],
    ["a bb temp used after a label", "mov_i64 t0, x5\nset_label L0\nmov_i64 x5, t0\n", "outside the block"],
    ["a bb temp used after a label reached by br", "mov_i64 t0, x5\nbr L0\nset_label L0\nmov_i64 x5, t0\n", "outside the block"],
    ["a tb temp read before any write", "mov_i64 x5, l0\n", "before any write"],
    ["a CPU-state store onto a global", "st_i64 x5, 0x2c\n", "overlaps global 'x5'"],
    ["a bit field out of range", "extract_i32 w, w, 30, 4\n", "out of range"],
    ["a goto_tb slot other than 0/1", "goto_tb 2\n", "slot must be 0 or 1"],
  ])("rejects %s", (_what, text, msg) => {
    expect(problems(text).join("\n")).toContain(msg);
  });

  it("does not check lifetimes in unreachable code", () => {
    expect(problems("mov_i64 t0, x5\nbr L0\nmov_i64 x5, t0\nset_label L0\nexit_tb 0\n")).toEqual([]);
  });

  it("rejects ill-typed ops built by hand", () => {
    const f = new IrFunc([{ name: "w", type: "i32", offset: 0 }]);
    const t = f.newTemp("i64");
    f.ops.push(new Op("add", "i32", [f.global("w")!], [t, f.constant("i32", 1)], []));
    f.ops.push(new Op("guest_ld", "i32", [f.global("w")!], [f.constant("i64", 0)], [3]));
    const msgs = verifyIr(f).map((e) => e.message).join("\n");
    expect(msgs).toContain("input 0 has type i64, expected i32");
    expect(msgs).toContain("memop size 64 exceeds the op type");
  });
});
