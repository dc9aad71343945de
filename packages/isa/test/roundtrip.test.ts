// Round trips over every instruction form: decode(assemble(text)) gives back the fields,
// and assemble(disassemble(bytes)) gives back the bytes (for compressed parcels: the same
// expanded instruction; GNU as may pick another RVC form for the same instruction).
import { describe, expect, it } from "vitest";
import { Disassembler, INSTRUCTIONS, assemble, csrName, decode, decodeAt, encode, type Instruction, type Mnemonic } from "../src/index.js";
import { parsePattern } from "../src/decoder/pattern.js";

const ALL = "rv64gc_zba_zbb_zbs_zicond";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

function le(w: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (w >>> (8 * i)) & 255;
  return b;
}

function semantics(i: Instruction): unknown {
  return [i.name, i.rd, i.rs1, i.rs2, i.rs3, i.imm, i.csr, i.rm, i.aq, i.rl, i.pred, i.succ];
}

/** assemble(disassemble(bytes)) at a given pc; returns a description of any mismatch. */
function roundTrip(bytes: Uint8Array, pc: bigint): string | undefined {
  const insn = decodeAt(bytes, 0);
  if (insn.illegal) return undefined;
  const text = new Disassembler({ arch: ALL }).next(bytes, 0, pc).text;
  const a = assemble(text, { pc, compress: insn.length === 2 });
  if (!a.ok) return `${text}: ${a.error.message}`;
  const back = decodeAt(a.bytes, 0);
  if (back.illegal) return `${text}: assembled to an illegal encoding`;
  if (insn.length === 4 && !a.bytes.every((b, i) => b === bytes[i])) return `${text}: bytes differ`;
  if (JSON.stringify(semantics(back)) !== JSON.stringify(semantics(insn))) return `${text}: fields differ`;
  return undefined;
}

describe("round trip", () => {
  it("assemble(disassemble(bytes)) for random fillings of every 32-bit row", () => {
    const next = rng(42);
    const bad: string[] = [];
    for (const spec of INSTRUCTIONS) {
      const { mask, match } = parsePattern(spec.pattern, 32);
      const fills = [0, ~0, ...Array.from({ length: 64 }, next)];
      for (const f of fills) {
        const w = ((f & ~mask) | match) >>> 0;
        const r = roundTrip(le(w, 4), 0x10000n);
        if (r !== undefined) bad.push(`${w.toString(16)} ${r}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("assemble(disassemble(bytes)) for every legal 16-bit parcel", () => {
    const bad: string[] = [];
    for (let p = 0; p < 65536; p++) {
      if ((p & 3) === 3) continue;
      const r = roundTrip(le(p, 2), 0x20000n);
      if (r !== undefined) bad.push(`${p.toString(16)} ${r}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("decode(encode(fields)) with boundary operands for every row", () => {
    const regs = [0, 31, 1, 30];
    const bad: string[] = [];
    for (const spec of INSTRUCTIONS) {
      const name: Mnemonic = spec.name;
      const imms: Record<string, number[]> = {
        I: [-2048, 2047, 0, -1],
        S: [-2048, 2047, 0, -1],
        B: [-4096, 4094, 0, 2],
        J: [-1048576, 1048574, 0, 2],
        U: [-(2 ** 31), 0x7ffff000, 0, 0x1000],
        SH: spec.pattern.replace(/ /g, "")[6] === "." ? [0, 63, 1, 32] : [0, 31, 1, 16],
        CSRI: [0, 31, 1, 30],
      };
      const rms = spec.operands.includes("rm") ? [0, 1, 2, 3, 4, 7] : [0];
      for (let v = 0; v < 4; v++) {
        for (const rm of rms) {
          for (const aqrl of spec.format === "AMO" ? [0, 1, 2, 3] : [0]) {
            const fields = {
              rd: regs[v]!,
              rs1: regs[(v + 1) % 4]!,
              rs2: regs[(v + 2) % 4]!,
              rs3: regs[(v + 3) % 4]!,
              imm: imms[spec.format]?.[v] ?? 0,
              csr: [0x001, 0xfff, 0x300, 0xc00][v]!,
              rm,
              aq: (aqrl & 2) !== 0,
              rl: (aqrl & 1) !== 0,
              pred: [15, 1, 3, 8][v]!,
              succ: [15, 2, 12, 1][v]!,
            };
            const e = encode(name, fields);
            if (!e.ok) {
              bad.push(`${name}: ${e.message}`);
              continue;
            }
            const d = decode(e.value);
            if (d.illegal) {
              bad.push(`${name} ${e.value.toString(16)}: ${d.message}`);
              continue;
            }
            expect(d.name).toBe(name);
            // Every field the row has comes back.
            const text = new Disassembler({ arch: ALL }).next(le(e.value, 4), 0, 0x400000n).text;
            const a = assemble(text, { pc: 0x400000n });
            if (!a.ok || decode(a.bytes[0]! | (a.bytes[1]! << 8) | (a.bytes[2]! << 16) | (a.bytes[3]! << 24)).illegal) bad.push(`${name}: ${text}`);
            else if (!a.bytes.every((b, i) => b === ((e.value >>> (8 * i)) & 255))) bad.push(`${name}: ${text} reassembles differently`);
          }
        }
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("every CSR name assembles to its number and disassembles back to its name", () => {
    const d = new Disassembler();
    let named = 0;
    for (let csr = 0; csr < 4096; csr++) {
      const name = csrName(csr) ?? `0x${csr.toString(16)}`;
      if (csrName(csr) !== undefined) named++;
      for (const text of [`csrrs a0,${name},a1`, `csrrci a0,${name},31`]) {
        const a = assemble(text);
        expect(a.ok).toBe(true);
        if (!a.ok) continue;
        expect(decodeAt(a.bytes, 0)).toMatchObject({ csr });
        expect(d.next(a.bytes, 0, 0n).text).toContain(`,${name},`);
      }
    }
    expect(named).toBeGreaterThan(400);
  });

  it("decode(assemble(text)) keeps the operands written", () => {
    const cases: [string, Partial<Instruction>][] = [
      ["addi t6,zero,-2048", { name: "addi", rd: 31, rs1: 0, imm: -2048 }],
      ["lui a0,0xfffff", { name: "lui", rd: 10, imm: -4096 }],
      ["sd ra,2040(sp)", { name: "sd", rs2: 1, rs1: 2, imm: 2040 }],
      ["fmadd.d fa0,fa1,fa2,fa3,rmm", { name: "fmadd.d", rd: 10, rs1: 11, rs2: 12, rs3: 13, rm: 4 }],
      ["fadd.s ft0,ft1,ft2", { name: "fadd.s", rm: 7 }],
      ["amoswap.d.aqrl a0,a1,(a2)", { name: "amoswap.d", rd: 10, rs2: 11, rs1: 12, aq: true, rl: true }],
      ["lr.w.aq t0,(t1)", { name: "lr.w", rd: 5, rs1: 6, aq: true, rl: false }],
      ["csrrw a0,mstatus,a1", { name: "csrrw", rd: 10, csr: 0x300, rs1: 11 }],
      ["csrrci zero,0x7c0,31", { name: "csrrci", csr: 0x7c0, imm: 31 }],
      ["fence rw,w", { name: "fence", pred: 3, succ: 1 }],
      ["slli a0,a0,63", { name: "slli", imm: 63 }],
      ["sext.w a0,a1", { name: "addiw", rd: 10, rs1: 11, imm: 0 }],
      ["czero.nez a0,a1,a2", { name: "czero.nez", rd: 10, rs1: 11, rs2: 12 }],
      ["sfence.vma a0", { name: "sfence.vma", rs1: 10, rs2: 0 }],
    ];
    for (const [text, want] of cases) {
      const a = assemble(text);
      expect(a.ok).toBe(true);
      if (!a.ok) continue;
      expect(decodeAt(a.bytes, 0)).toMatchObject(want);
    }
  });
});
