/** The committed GNU-derived vectors: reading, and regenerating them with GNU as/objdump. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMPRESSED_INSTRUCTIONS } from "../../src/index.js";
import { parsePattern } from "../../src/decoder/pattern.js";
import { AS, MARCH, OBJCOPY, OBJDUMP, objdumpBytes, parseObjdump } from "./gnu-tools.js";
import { vectorSources } from "./vector-source.js";

export const VECTORS_PATH = new URL("../data/gnu-vectors.tsv", import.meta.url);

/** One vector: our canonical text, GNU as's encoding of it, and objdump's text at `address`. */
export interface Vector {
  ext: string;
  text: string;
  address: number;
  hex: string;
  objdump: string;
}

export function readVectors(): Vector[] {
  return readFileSync(VECTORS_PATH, "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [ext, text, address, hex, objdump] = l.split("\t") as [string, string, string, string, string];
      return { ext, text, address: parseInt(address, 16), hex, objdump: objdump.replace(/\\t/g, "\t") };
    });
}

/** Assembles the vector sources with GNU as (dropping lines it rejects) and disassembles them with objdump. */
export function generateVectors(): { vectors: Vector[]; rejected: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "wasmu-vec-"));
  try {
    let sources = vectorSources();
    const rejected: string[] = [];
    for (;;) {
      writeFileSync(join(dir, "v.s"), ".option norvc\n" + sources.map((s) => s.gas).join("\n") + "\n");
      const r = spawnSync(AS, [`-march=${MARCH}`, "-o", join(dir, "v.o"), join(dir, "v.s")], { encoding: "utf8" });
      if (r.status === 0) break;
      const bad = new Set([...r.stderr.matchAll(/v\.s:(\d+): Error/g)].map((m) => Number(m[1]) - 2));
      if (bad.size === 0) throw new Error(r.stderr);
      sources.forEach((s, i) => bad.has(i) && rejected.push(s.gas));
      sources = sources.filter((_, i) => !bad.has(i));
    }
    spawnSync(OBJCOPY, ["--strip-symbol=$d", "--strip-symbol=$x", join(dir, "v.o"), join(dir, "w.o")]);
    spawnSync(OBJCOPY, ["-O", "binary", "--only-section=.text", join(dir, "w.o"), join(dir, "v.bin")]);
    const bin = readFileSync(join(dir, "v.bin"));
    const lines = parseObjdump(spawnSync(OBJDUMP, ["-d", join(dir, "w.o")], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout);
    if (lines.length !== sources.length) throw new Error(`objdump gave ${lines.length} lines for ${sources.length} sources`);
    const vectors = sources.map((s, i) => {
      const l = lines[i]!;
      const hex = bin.readUInt32LE(l.address).toString(16).padStart(8, "0");
      return { ext: s.ext, text: s.text, address: l.address, hex, objdump: l.text };
    });
    return { vectors, rejected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatVectors(vectors: Vector[]): string {
  return (
    "# ext\tour canonical text\taddress\tGNU as encoding\tGNU objdump 2.40 text (tabs as \\t)\n" +
    "# Generated from test/support/vector-source.ts by GNU as/objdump: WASMU_UPDATE_VECTORS=1 pnpm --filter @wasmu/isa test\n" +
    vectors.map((v) => [v.ext, v.text, v.address.toString(16), v.hex, v.objdump.replace(/\t/g, "\\t")].join("\t")).join("\n") +
    "\n"
  );
}

export function writeVectors(vectors: Vector[]): void {
  writeFileSync(VECTORS_PATH, formatVectors(vectors));
}

export const RVC_VECTORS_PATH = new URL("../data/gnu-rvc-vectors.tsv", import.meta.url);

/** One RVC vector: a 16-bit parcel at `address` and objdump's text for it. */
export interface RvcVector {
  row: string;
  address: number;
  hex: string;
  objdump: string;
}

/**
 * Parcels for every RVC row: all operand bits clear, all set, and pseudo-random fillings
 * (deterministic), as objdump prints them.
 */
export function generateRvcVectors(): RvcVector[] {
  let seed = 0x1234567;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const parcels: { row: string; p: number }[] = [];
  for (const spec of COMPRESSED_INSTRUCTIONS) {
    const { mask, match } = parsePattern(spec.pattern, 16);
    const fills = [0, 0xffff, next(), next(), next(), next()];
    for (const f of fills) parcels.push({ row: spec.name, p: ((f & ~mask) | match) & 0xffff });
  }
  const bytes = new Uint8Array(parcels.length * 2);
  parcels.forEach(({ p }, i) => {
    bytes[2 * i] = p & 255;
    bytes[2 * i + 1] = p >>> 8;
  });
  const lines = objdumpBytes(bytes);
  if (lines.length !== parcels.length) throw new Error("objdump line count mismatch");
  return parcels.map(({ row, p }, i) => ({ row, address: lines[i]!.address, hex: p.toString(16).padStart(4, "0"), objdump: lines[i]!.text }));
}

export function formatRvcVectors(vectors: RvcVector[]): string {
  return (
    "# RVC row\taddress\tparcel\tGNU objdump 2.40 text (tabs as \\t)\n" +
    "# Generated by test/support/vectors.ts (generateRvcVectors) with GNU objdump: WASMU_UPDATE_VECTORS=1 pnpm --filter @wasmu/isa test\n" +
    vectors.map((v) => [v.row, v.address.toString(16), v.hex, v.objdump.replace(/\t/g, "\\t")].join("\t")).join("\n") +
    "\n"
  );
}

export function readRvcVectors(): RvcVector[] {
  return readFileSync(RVC_VECTORS_PATH, "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [row, address, hex, objdump] = l.split("\t") as [string, string, string, string];
      return { row, address: parseInt(address, 16), hex, objdump: objdump.replace(/\\t/g, "\t") };
    });
}
