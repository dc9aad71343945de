import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ElfType, SectionType, SegmentType, SymbolBinding, SymbolType, readElf, type ElfFile } from "../src/elf/index.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const hasReadelf = spawnSync("sh", ["-c", "command -v riscv64-linux-gnu-readelf"]).status === 0;
if (!hasReadelf) console.warn("SKIP: riscv64-linux-gnu-readelf not found: the live differential ELF tests are skipped (apt-get install binutils-riscv64-linux-gnu)");

function load(name: string): ElfFile {
  const r = readElf(readFileSync(join(fixtures, name)));
  if (!r.ok) throw new Error(r.error);
  return r.elf;
}

describe("readElf on a dynamically linked PIE (values recorded from GNU readelf)", () => {
  const elf = load("hello");
  it("reads the file header", () => {
    expect(elf.header.type).toBe(ElfType.DYN);
    expect(elf.isRiscV).toBe(true);
    expect(elf.header.entry).toBe(0x6ccn);
    expect(elf.header.flags).toBe(0x5);
    expect(elf.header.phnum).toBe(10);
    expect(elf.header.shnum).toBe(28);
  });
  it("reads section headers with their names", () => {
    const plt = elf.section(".plt")!;
    expect(plt).toMatchObject({ index: 11, type: SectionType.PROGBITS, addr: 0x5f0n, offset: 0x5f0n, size: 0x60n, flags: 6n });
    expect(elf.section(".bss")).toMatchObject({ type: SectionType.NOBITS, size: 8n });
    expect(elf.sectionData(elf.section(".bss")!).length).toBe(0);
    expect(elf.section(".riscv.attributes")!.type).toBe(SectionType.RISCV_ATTRIBUTES);
  });
  it("reads program headers and the interpreter", () => {
    const loads = elf.segments.filter((s) => s.type === SegmentType.LOAD);
    expect(loads.map((s) => [s.offset, s.vaddr, s.filesz, s.memsz, s.flags])).toEqual([
      [0n, 0n, 0x844n, 0x844n, 5],
      [0xe08n, 0x1e08n, 0x258n, 0x260n, 6],
    ]);
    expect(elf.segments.some((s) => s.type === SegmentType.GNU_STACK && s.flags === 6)).toBe(true);
    expect(elf.interpreter).toBe("/lib/ld-linux-riscv64-lp64d.so.1");
  });
  it("reads dynamic symbols with their GNU versions", () => {
    const syms = elf.dynamicSymbols;
    expect(syms).toHaveLength(9);
    expect(syms[1]).toMatchObject({ name: "__libc_start_main", type: SymbolType.FUNC, binding: SymbolBinding.GLOBAL, shndx: 0, version: { name: "GLIBC_2.34", hidden: true } });
    expect(syms[3]).toMatchObject({ name: "strtol", version: { name: "GLIBC_2.27" } });
    expect(syms[8]).toMatchObject({ name: "main", value: 0x650n, size: 122n, shndx: 12 });
    expect(syms[0]).toMatchObject({ type: SymbolType.SECTION, shndx: 12, value: 0x650n });
  });
  it("reads the static symbol table", () => {
    const main = elf.symbols.find((s) => s.name === "main")!;
    expect(main).toMatchObject({ value: 0x650n, size: 122n, type: SymbolType.FUNC });
    expect(elf.symbols.find((s) => s.name === "__global_pointer$")).toBeDefined();
  });
  it("reads relocations", () => {
    const relplt = elf.relocations(elf.section(".rela.plt")!);
    expect(relplt).toHaveLength(4);
    expect(relplt.every((r) => r.type === 5)).toBe(true); // R_RISCV_JUMP_SLOT
    const names = relplt.map((r) => elf.dynamicSymbols[r.symbolIndex - 1]!.name);
    expect(names).toContain("printf");
  });
  it("reads Tag_RISCV_arch", () => {
    expect(elf.riscvArch).toBe("rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0_zicsr2p0_zifencei2p0_zmmul1p0");
  });
});

describe("readElf agrees with live GNU readelf", () => {
  for (const name of ["hello", "start"]) {
    it.skipIf(!hasReadelf)(`section headers of ${name}`, () => {
      const elf = load(name);
      const text = execFileSync("riscv64-linux-gnu-readelf", ["-SW", join(fixtures, name)], { encoding: "utf8" });
      const rows = [...text.matchAll(/^\s*\[\s*(\d+)\]\s+(\S*)\s+\S+\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)/gm)];
      expect(rows.length).toBe(elf.sections.length);
      for (const m of rows) {
        const s = elf.sections[Number(m[1])]!;
        if (m[2] !== "") expect(s.name.startsWith(m[2]!) || m[2] === "NULL").toBe(true);
        expect(s.addr).toBe(BigInt(`0x${m[3]}`));
        expect(s.offset).toBe(BigInt(`0x${m[4]}`));
        expect(s.size).toBe(BigInt(`0x${m[5]}`));
      }
    });
    it.skipIf(!hasReadelf)(`symbols of ${name}`, () => {
      const elf = load(name);
      const text = execFileSync("riscv64-linux-gnu-readelf", ["-sW", join(fixtures, name)], { encoding: "utf8" });
      const tables = text.split("Symbol table ").slice(1);
      const ours = [elf.dynamicSymbols, elf.symbols].filter((t) => t.length > 0);
      expect(tables.length).toBe(ours.length);
      tables.forEach((table, k) => {
        const rows = [...table.matchAll(/^[ \t]+(\d+): ([0-9a-f]{16})[ \t]+(\d+)[ \t]+(\w+)[ \t]+(\w+)[ \t]+\w+[ \t]+(\w+)[ \t]*(\S*)/gm)].filter((m) => m[1] !== "0");
        const syms = ours[k]!;
        expect(rows.length).toBe(syms.length);
        rows.forEach((m, i) => {
          const s = syms[i]!;
          expect(s.value).toBe(BigInt(`0x${m[2]}`));
          expect(s.size).toBe(BigInt(m[3]!));
          // readelf shows a section symbol (no name of its own) by its section's name.
          const name = s.name === "" && s.type === SymbolType.SECTION ? elf.sections[s.shndx]!.name : s.name;
          const shown = s.version && s.version.name !== "" && s.version.name !== "Base" ? `${name}@${s.version.name}` : name;
          if (m[7] && !m[7].includes("[...]")) expect(m[7].replace(/ \(\d+\)$/, "")).toBe(shown);
        });
      });
    });
  }
});

describe("readElf on bad input", () => {
  const whole = readFileSync(join(fixtures, "hello"));
  it("reports a missing ELF magic", () => {
    expect(readElf(new TextEncoder().encode("#!/bin/sh\necho hi\n"))).toEqual({ ok: false, error: "file format not recognized (no ELF magic)" });
    expect(readElf(new Uint8Array(0))).toMatchObject({ ok: false });
  });
  it("reports ELF32 and big-endian files", () => {
    const b = new Uint8Array(whole);
    b[4] = 1;
    expect(readElf(b)).toEqual({ ok: false, error: "ELF32 files are not supported (RV64 only)" });
    const c = new Uint8Array(whole);
    c[5] = 2;
    expect(readElf(c)).toEqual({ ok: false, error: "big-endian ELF files are not supported" });
  });
  it("reports truncation at every length without throwing", () => {
    for (let cut = 0; cut < whole.length; cut += 97) {
      const r = readElf(whole.subarray(0, cut));
      if (!r.ok) expect(r.error).toMatch(/truncated|extends past the end|no ELF magic/);
      else {
        // The tables survived the cut: every section access is still checked.
        for (const s of r.elf.sections) {
          try {
            r.elf.sectionData(s);
          } catch (e) {
            expect((e as Error).name).toBe("ElfFormatError");
          }
        }
      }
    }
  });
  it("reports a section table past the end of the file", () => {
    const b = new Uint8Array(whole);
    new DataView(b.buffer).setBigUint64(40, 0x7fffffffn, true);
    expect(readElf(b)).toMatchObject({ ok: false, error: expect.stringMatching(/^section header table extends past the end of the file/) as unknown });
  });
  it("survives random corruption of the headers", () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
    for (let n = 0; n < 300; n++) {
      const b = new Uint8Array(whole);
      for (let k = 0; k < 8; k++) b[16 + (rand() % 48)] = rand();
      const shoff = Number(new DataView(b.buffer).getBigUint64(40, true));
      for (let k = 0; k < 8 && shoff < b.length - 64; k++) b[shoff + (rand() * 7) % (b.length - shoff)] = rand();
      const r = readElf(b);
      if (r.ok) {
        for (const s of r.elf.sections) {
          try {
            r.elf.sectionData(s);
            r.elf.relocations(s);
          } catch (e) {
            expect((e as Error).name).toBe("ElfFormatError");
          }
        }
        try {
          void r.elf.symbols;
          void r.elf.dynamicSymbols;
          void r.elf.riscvArch;
          void r.elf.interpreter;
        } catch (e) {
          expect((e as Error).name).toBe("ElfFormatError");
        }
      }
    }
  });
});
