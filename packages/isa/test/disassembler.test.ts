// Disassembler API behaviour, on sequences whose expected text is GNU objdump 2.40's
// output for the same bytes (symbol decorations `<...>` left to the caller's formatAddress).
import { describe, expect, it } from "vitest";
import { Disassembler } from "../src/index.js";

function bytesOf(parcels: string[]): Uint8Array {
  const out: number[] = [];
  for (const p of parcels) {
    const v = parseInt(p, 16);
    for (let i = 0; i < p.length / 2; i++) out.push((v >>> (8 * i)) & 255);
  }
  return new Uint8Array(out);
}

function run(d: Disassembler, parcels: string[], base: bigint): string[] {
  const bytes = bytesOf(parcels);
  const out: string[] = [];
  for (let off = 0; off < bytes.length; ) {
    const r = d.next(bytes, off, base + BigInt(off));
    out.push(r.text);
    off += r.length;
  }
  return out;
}

describe("Disassembler", () => {
  it("prints a compiled function like objdump -d (gcc -O2, rv64gc)", () => {
    const parcels = ["02b05763", "058a", "00000817", "00082803", "00b50633", "4681", "4118", "0511", "0017179b", "9fb9", "010787bb", "9ebd", "fea618e3", "4026d51b", "8082", "4501", "8082"];
    expect(run(new Disassembler(), parcels, 0n)).toEqual([
      "blez\ta1,2e",
      "sll\ta1,a1,0x2",
      "auipc\ta6,0x0",
      "lw\ta6,0(a6) # 6",
      "add\ta2,a0,a1",
      "li\ta3,0",
      "lw\ta4,0(a0)",
      "add\ta0,a0,4",
      "sllw\ta5,a4,0x1",
      "addw\ta5,a5,a4",
      "addw\ta5,a5,a6",
      "addw\ta3,a3,a5",
      "bne\ta2,a0,14",
      "sraw\ta0,a3,0x2",
      "ret",
      "li\ta0,0",
      "ret",
    ]);
  });

  it("uses formatAddress for targets and annotations", () => {
    const d = new Disassembler({ formatAddress: (a) => `${a.toString(16)} <main+0x${(a - 0x10000n).toString(16)}>` });
    expect(run(d, ["00000317", "00030067"], 0x10004n)).toEqual(["auipc\tt1,0x0", "jr\tt1 # 10004 <main+0x4>"]);
  });

  it("keeps lui state across calls until used, and reset() forgets it", () => {
    const d = new Disassembler();
    expect(run(d, ["6549"], 0n)).toEqual(["lui\ta0,0x12"]);
    expect(run(d, ["0515", "65cd", "059d"], 0n)).toEqual(["add\ta0,a0,5 # 12005", "lui\ta1,0x13", "add\ta1,a1,7 # 13007"]);
    run(d, ["6549"], 0n);
    d.reset();
    expect(run(d, ["0515"], 0n)).toEqual(["add\ta0,a0,5"]);
  });

  it("annotates gp-relative accesses when the global pointer is known", () => {
    expect(run(new Disassembler({ globalPointer: 0x77bc0n }), ["1e01a423"], 0x10492n)).toEqual(["sw\tzero,488(gp) # 77da8"]);
    expect(run(new Disassembler(), ["1e01a423"], 0x10492n)).toEqual(["sw\tzero,488(gp)"]);
  });

  it("prints instructions of extensions outside `arch` as unknown words", () => {
    // A vector instruction (rv64gc has no V): objdump's .4byte.
    expect(run(new Disassembler(), ["0c3676d7"], 0n)).toEqual([".4byte\t0xc3676d7"]);
    // Zbb: known with the extension, unknown to rv64gc.
    expect(run(new Disassembler(), ["60051513"], 0n)).toEqual([".4byte\t0x60051513"]);
    expect(run(new Disassembler({ arch: "rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0_zbb1p0" }), ["60051513"], 0n)).toEqual(["clz\ta0,a0"]);
    // Zicond: binutils 2.40 does not know it; on request only.
    expect(run(new Disassembler(), ["0ec5d533"], 0n)).toEqual([".4byte\t0xec5d533"]);
    expect(run(new Disassembler({ arch: "rv64gc_zicond" }), ["0ec5d533"], 0n)).toEqual(["czero.eqz\ta0,a1,a2"]);
    // Without C, compressed parcels are unknown halfwords.
    expect(run(new Disassembler({ arch: "rv64g" }), ["8082"], 0n)).toEqual([".2byte\t0x8082"]);
  });

  it("flags what wasmu's decoder rejects while printing what objdump prints", () => {
    const d = new Disassembler();
    expect(d.next(bytesOf(["0000"]), 0, 0n)).toEqual({ length: 2, text: "unimp", illegal: true });
    expect(d.next(bytesOf(["02b5d553"]), 0, 0n)).toEqual({ length: 4, text: "fadd.d\tfa0,fa1,fa1,unknown", illegal: true });
    expect(d.next(bytesOf(["6101"]), 0, 0n)).toEqual({ length: 2, text: "add\tsp,sp,0", illegal: true });
    expect(d.next(bytesOf(["4002"]), 0, 0n)).toEqual({ length: 2, text: ".2byte\t0x4002", illegal: true });
    expect(d.next(bytesOf(["0005"]), 0, 0n)).toEqual({ length: 2, text: "c.nop\t1", illegal: false });
    expect(d.next(new Uint8Array([0x33, 0x05]), 0, 0x40n)).toEqual({ length: 2, text: "Address 0x40 is out of bounds.", illegal: true });
  });
});
