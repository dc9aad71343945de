// Table-driven checks of every 32-bit instruction form against GNU as / objdump 2.40:
// test/data/gnu-vectors.tsv rows are (our text, GNU as encoding, objdump text), generated
// once with the real tools from test/support/vector-source.ts and committed.
import { describe, expect, it } from "vitest";
import { Disassembler, assemble, decode, decodeAt, type DisassembledInsn } from "../src/index.js";
import { gnuToolsAvailable } from "./support/gnu-tools.js";
import {
  RVC_VECTORS_PATH,
  formatRvcVectors,
  formatVectors,
  generateRvcVectors,
  generateVectors,
  readRvcVectors,
  readVectors,
  writeVectors,
  type RvcVector,
  type Vector,
} from "./support/vectors.js";
import { writeFileSync } from "node:fs";
import { readFileSync } from "node:fs";
import { VECTORS_PATH } from "./support/vectors.js";

const vectors = readVectors();
// objdump keeps state across instructions (lui/auipc then a use): disassemble in file order.
const sequential = new Map<Vector, string>();
{
  const d = new Disassembler({ arch: "rv64gc_zba_zbb_zbs" });
  for (const v of vectors) {
    const w = parseInt(v.hex, 16);
    sequential.set(v, d.next(new Uint8Array([w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24]), 0, BigInt(v.address)).text);
  }
}
const byExt = new Map<string, Vector[]>();
for (const v of vectors) byExt.set(v.ext, [...(byExt.get(v.ext) ?? []), v]);

const haveTools = gnuToolsAvailable();
if (!haveTools) console.warn("[isa] riscv64-linux-gnu-as/objdump not on PATH: not re-checking test/data/gnu-vectors.tsv against GNU binutils");

describe("GNU vectors", () => {
  it.skipIf(!haveTools)("test/data/gnu-vectors.tsv is what GNU as/objdump produce today", () => {
    const { vectors: fresh } = generateVectors();
    if (process.env.WASMU_UPDATE_VECTORS === "1") writeVectors(fresh);
    expect(formatVectors(fresh)).toBe(readFileSync(VECTORS_PATH, "utf8"));
  });

  it("cover every extension", () => {
    expect([...byExt.keys()].sort()).toEqual(["a", "d", "f", "i", "m", "priv", "zba", "zbb", "zbs", "zicond", "zicsr", "zifencei"]);
  });

  for (const [ext, rows] of byExt) {
    describe(`extension ${ext}`, () => {
      it.each(rows.map((v) => [v.text, v.hex, v] as const))("%s = %s", (text, hex, v) => {
        const word = parseInt(hex, 16);
        const insn = decode(word);
        expect(insn.illegal).toBe(false);
        if (insn.illegal) return;
        expect(text.startsWith(insn.name)).toBe(true);

        // Disassembly equals objdump's (symbol decorations aside).
        const bytes = new Uint8Array([word & 255, (word >>> 8) & 255, (word >>> 16) & 255, word >>> 24]);
        expect(sequential.get(v)).toBe(v.objdump.replace(/ <[^>]*>/g, ""));

        // Our canonical text and objdump's text both assemble to GNU as's encoding.
        for (const src of [text, v.objdump]) {
          const a = assemble(src, { pc: BigInt(v.address) });
          expect({ src, got: a.ok ? Array.from(a.bytes) : a.error.message }).toEqual({ src, got: Array.from(bytes) });
        }
      });
    });
  }
});

describe("GNU RVC vectors (test/data/gnu-rvc-vectors.tsv)", () => {
  const rvc = readRvcVectors();

  it.skipIf(!haveTools)("are what GNU objdump prints today", () => {
    const fresh = formatRvcVectors(generateRvcVectors());
    if (process.env.WASMU_UPDATE_VECTORS === "1") writeFileSync(RVC_VECTORS_PATH, fresh);
    expect(fresh).toBe(readFileSync(RVC_VECTORS_PATH, "utf8"));
  });

  // Disassemble in file order (objdump's state carries over), then check each parcel.
  const texts = new Map<RvcVector, DisassembledInsn>();
  // The parcels sit in an object file without symbols: objdump prints bare 0x addresses.
  const d = new Disassembler({ arch: "rv64gc_zba_zbb_zbs", formatAddress: (a) => `0x${a.toString(16)}` });
  for (const v of rvc) {
    const p = parseInt(v.hex, 16);
    texts.set(v, d.next(new Uint8Array([p & 255, p >>> 8]), 0, BigInt(v.address)));
  }

  it.each(rvc.map((v) => [v.row, v.hex, v] as const))("%s %s", (_row, hex, v) => {
    const r = texts.get(v)!;
    expect(r.text).toBe(v.objdump.replace(/ <[^>]*>/g, ""));
    const bytes = new Uint8Array([parseInt(hex, 16) & 255, parseInt(hex, 16) >>> 8]);
    const insn = decodeAt(bytes, 0);
    if (insn.illegal) return;
    // What objdump printed assembles (compressed) back to the same instruction.
    const a = assemble(v.objdump, { pc: BigInt(v.address), compress: true });
    expect(a.ok).toBe(true);
    if (a.ok) expect(decodeAt(a.bytes, 0)).toMatchObject({ name: insn.name, rd: insn.rd, rs1: insn.rs1, rs2: insn.rs2, imm: insn.imm, length: 2 });
  });
});
