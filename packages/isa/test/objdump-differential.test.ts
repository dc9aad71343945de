// Differential test against the real GNU objdump 2.40 (riscv64-linux-gnu-objdump), when it
// is on PATH: every 16-bit parcel, random fillings of every 32-bit table row, random words,
// a C program compiled by riscv64-linux-gnu-gcc, and (when the guest cache holds them)
// Debian's riscv64 busybox-static and libc.so.6. Without the tools it skips, saying so.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "@wasmu/test-support";
import { Disassembler, INSTRUCTIONS } from "../src/index.js";
import { executableSections } from "./support/elf-sections.js";
import { OBJDUMP, gnuToolsAvailable, objdumpBytes, parseObjdump } from "./support/gnu-tools.js";
import { parsePattern } from "../src/decoder/pattern.js";

const haveTools = gnuToolsAvailable();
if (!haveTools) console.warn("[isa] riscv64-linux-gnu-objdump/as not on PATH: skipping the objdump differential tests");

const haveGcc = haveTools && spawnSync("riscv64-linux-gnu-gcc", ["--version"], { stdio: "ignore" }).status === 0;
if (haveTools && !haveGcc) console.warn("[isa] riscv64-linux-gnu-gcc not on PATH: skipping the compiled-program differential test");

const cacheDir = process.env.WASMU_CACHE || process.env.WASMU_GUESTS || resolve(import.meta.dirname, "../../../.cache/guests");
const REAL_BINARIES = ["usr/bin/busybox", "usr/lib/riscv64-linux-gnu/libc.so.6"].map((p) => join(cacheDir, "sysroot", p));
const haveReal = haveTools && REAL_BINARIES.every((p) => existsSync(p));
if (haveTools && !haveReal) {
  console.warn(`[isa] Debian riscv64 busybox/libc.so.6 not in ${cacheDir}/sysroot (set WASMU_CACHE, or fetch the guests): skipping that differential test`);
}

/** Removes what depends on the symbol table (`<sym+off>`, objdump's `0x` for symbol-less addresses). */
function normalize(text: string): string {
  return text
    .replace(/ <[^>]*>/g, "")
    .replace(/# 0x/, "# ")
    .replace(/^(\S+\t(?:[^,]*,)*)0x([0-9a-f]+)$/, "$1$2");
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** Disassembles `bytes` at objdump's addresses, in order; returns the lines that differ. */
function compare(bytes: Uint8Array, base: bigint, lines: { address: number; text: string }[], arch: string): string[] {
  const d = new Disassembler({ arch });
  const bad: string[] = [];
  for (const l of lines) {
    const off = l.address - Number(base);
    if (off < 0 || off >= bytes.length) continue;
    const ours = d.next(bytes, off, BigInt(l.address)).text;
    if (normalize(ours) !== normalize(l.text)) bad.push(`${l.address.toString(16)}: objdump "${l.text}" wasmu "${ours}"`);
  }
  return bad;
}

function wordsToBytes(words: number[], size: 2 | 4): Uint8Array {
  const b = new Uint8Array(words.length * size);
  words.forEach((w, i) => {
    for (let k = 0; k < size; k++) b[i * size + k] = (w >>> (8 * k)) & 255;
  });
  return b;
}

describe.skipIf(!haveTools)("objdump differential", () => {
  it("every 16-bit parcel", () => {
    const words: number[] = [];
    for (let p = 0; p < 65536; p++) if ((p & 3) !== 3) words.push(p);
    const bytes = wordsToBytes(words, 2);
    const lines = objdumpBytes(bytes);
    expect(lines.length).toBe(words.length);
    expect(compare(bytes, 0n, lines, "rv64gc_zba_zbb_zbs").slice(0, 20)).toEqual([]);
  });

  it("random fillings of every 32-bit row, and random words", () => {
    const next = rng(0x5eed);
    const words: number[] = [];
    for (const spec of INSTRUCTIONS) {
      const { mask, match } = parsePattern(spec.pattern, 32);
      words.push(match, (match | ~mask) >>> 0);
      for (let i = 0; i < 100; i++) words.push(((next() & ~mask) | match) >>> 0);
    }
    for (let i = 0; i < 20000; i++) {
      const w = (next() | 3) >>> 0;
      if ((w & 0x1c) !== 0x1c) words.push(w);
    }
    const bytes = wordsToBytes(words, 4);
    const lines = objdumpBytes(bytes);
    expect(lines.length).toBe(words.length);
    expect(compare(bytes, 0n, lines, "rv64gc_zba_zbb_zbs").slice(0, 20)).toEqual([]);
  });

  it("longer encodings (48, 64, 80-bit and reserved) consumed and printed like objdump", () => {
    const bytes = new Uint8Array([
      0x1f, 0, 1, 2, 3, 4, // 48-bit
      0x3f, 0, 1, 2, 3, 4, 5, 6, // 64-bit
      0x7f, 0, 1, 2, 3, 4, 5, 6, 7, 8, // 80-bit
      0x7f, 0x70, // bits 14:12 = 111: objdump sizes it as 2 bytes
      0x13, 0, 0, 0,
    ]);
    const lines = objdumpBytes(bytes);
    expect(compare(bytes, 0n, lines, "rv64gc")).toEqual([]);
    expect(lines.map((l) => l.address)).toEqual([0, 6, 14, 24, 26]);
  });

  it("every CSR number, read and written", () => {
    const words: number[] = [];
    for (let csr = 0; csr < 4096; csr++) words.push((csr << 20) | (11 << 15) | (2 << 12) | (10 << 7) | 0x73, (csr << 20) | (5 << 15) | (5 << 12) | 0x73);
    const bytes = wordsToBytes(words, 4);
    expect(compare(bytes, 0n, objdumpBytes(bytes), "rv64gc")).toEqual([]);
  });

  it.skipIf(!haveGcc)("a C program compiled with -march=rv64gc_zba_zbb_zbs", () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmu-gcc-"));
    try {
      writeFileSync(join(dir, "p.c"), readFileSync(new URL("./data/program.c", import.meta.url)));
      const cc = spawnSync("riscv64-linux-gnu-gcc", ["-O2", "-march=rv64gc_zba_zbb_zbs", "-c", join(dir, "p.c"), "-o", join(dir, "p.o")], { encoding: "utf8" });
      expect(cc.stderr).toBe("");
      const file = new Uint8Array(readFileSync(join(dir, "p.o")));
      const lines = parseObjdump(spawnSync(OBJDUMP, ["-d", join(dir, "p.o")], { encoding: "utf8" }).stdout);
      expect(lines.length).toBeGreaterThan(50);
      for (const sec of executableSections(file)) {
        expect(compare(sec.bytes, sec.address, lines.filter((l) => l.address < sec.bytes.length), "rv64gc_zba_zbb_zbs")).toEqual([]);
        break; // relocatable: every section starts at 0; the program is in .text
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveGcc)("the same program linked statically (gp-relative annotations from __global_pointer$)", () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmu-gcc-"));
    try {
      writeFileSync(join(dir, "p.c"), readFileSync(new URL("./data/program.c", import.meta.url)));
      const exe = join(dir, "p");
      const cc = spawnSync("riscv64-linux-gnu-gcc", ["-O2", "-static", "-DWITH_MAIN", join(dir, "p.c"), "-o", exe], { encoding: "utf8" });
      if (cc.status !== 0) {
        console.warn(`[isa] riscv64-linux-gnu-gcc -static failed (no riscv64 libc?): skipping: ${cc.stderr.split("\n")[0]}`);
        return;
      }
      const nm = spawnSync("riscv64-linux-gnu-nm", [exe], { encoding: "utf8" }).stdout;
      const gp = /^([0-9a-f]+) \S __global_pointer\$$/m.exec(nm)?.[1];
      expect(gp).toBeDefined();
      const file = new Uint8Array(readFileSync(exe));
      const lines = parseObjdump(spawnSync(OBJDUMP, ["-d", exe], { encoding: "utf8", maxBuffer: 1 << 30 }).stdout);
      expect(lines.some((l) => /\(gp\) # /.test(l.text))).toBe(true);
      const d = new Disassembler({ globalPointer: BigInt(`0x${gp}`) });
      const bad: string[] = [];
      for (const sec of executableSections(file)) {
        const lo = Number(sec.address);
        for (const l of lines) {
          if (l.address < lo || l.address >= lo + sec.bytes.length) continue;
          const ours = d.next(sec.bytes, l.address - lo, BigInt(l.address)).text;
          if (normalize(ours) !== normalize(l.text) && bad.length < 20) bad.push(`${l.address.toString(16)}: objdump "${l.text}" wasmu "${ours}"`);
        }
      }
      expect(bad).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Long (a whole libc): the tools run as awaited children and the comparison yields to the
  // event loop every 20,000 lines, so that the test worker answers vitest's RPC (run.ts).
  it.skipIf(!haveReal).each(REAL_BINARIES)("Debian riscv64 %s", async (path) => {
    const file = new Uint8Array(readFileSync(path));
    const arch = (await run("riscv64-linux-gnu-readelf", ["-A", path])).stdout.match(/Tag_RISCV_arch: "([^"]+)"/)?.[1] ?? "rv64gc";
    const lines = parseObjdump((await run(OBJDUMP, ["-d", path])).stdout);
    // objdump keeps its lui/auipc state across sections: one disassembler for the file.
    const d = new Disassembler({ arch });
    const bad: string[] = [];
    let n = 0;
    for (const sec of executableSections(file)) {
      const lo = Number(sec.address);
      for (const l of lines) {
        if (l.address < lo || l.address >= lo + sec.bytes.length) continue;
        if (++n % 20_000 === 0) await new Promise((resolve) => setImmediate(resolve));
        const ours = d.next(sec.bytes, l.address - lo, BigInt(l.address)).text;
        if (normalize(ours) !== normalize(l.text) && bad.length < 20) bad.push(`${l.address.toString(16)}: objdump "${l.text}" wasmu "${ours}"`);
      }
    }
    expect(n).toBe(lines.length);
    expect(bad).toEqual([]);
  }, 600_000);
});
