// Front-end expect tests: packages/tcg/test/riscv-frontend/<case>.rv
//
//   ; free comments
//   ; base: 0x10ffc          optional: where the code is placed (default 0x10000)
//   ; flags: system priv=3   optional TB flags (system mode, privilege, fs-off, fs-dirty)
//   ; compress               optional: assemble with RVC forms
//   ; hex: 13 05 10 00       optional: raw bytes instead of (or before) assembly
//   <assembly, one instruction per line, labels allowed; only these bytes are mapped>
//   ; expected:
//   ; <the IR of the first TB (printIr, unoptimized), one line per "; " line>
//
// `UPDATE=1 npx vitest run test/riscv-frontend.test.ts` rewrites the expected blocks (bless).
// Every case's IR must also pass the verifier.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { assertValidIr, createRiscvTranslator, encodeTbFlags, printIr, translateBlock } from "../src/index.js";
import { asm, CODE_BASE, GuestMemory } from "./riscv-support.js";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "riscv-frontend");
const MARKER = "; expected:";
const UPDATE = process.env.UPDATE === "1";

function translateCase(text: string): string {
  const src = text.split(`\n${MARKER}`)[0] ?? "";
  const directive = (name: string): string | undefined => new RegExp(`^;\\s*${name}:?\\s*(.*)$`, "m").exec(src)?.[1]?.trim();
  const base = BigInt(directive("base") ?? CODE_BASE);
  const flagsText = directive("flags") ?? "";
  const priv = Number(/priv=(\d)/.exec(flagsText)?.[1] ?? "0");
  const flags = encodeTbFlags({ priv, system: flagsText.includes("system"), fsOff: flagsText.includes("fs-off"), fsDirty: flagsText.includes("fs-dirty") });
  const hex = directive("hex");
  const code = src.split("\n").filter((l) => !l.trim().startsWith(";")).join("\n");
  const bytes = hex !== undefined ? Uint8Array.from(hex.split(/\s+/).map((h) => parseInt(h, 16))) : asm(code, base, /^;\s*compress\s*$/m.test(src));
  // Only the case's bytes are mapped: the TB ends where the code ends.
  const mem = new GuestMemory(base, bytes.length);
  mem.write(base, bytes);
  const tb = translateBlock(createRiscvTranslator(), base, flags, 0, mem.fetcher());
  assertValidIr(tb.func);
  const info = `; tb: size ${tb.size}, insns ${tb.insns}${tb.page2 === undefined ? "" : `, page2 0x${tb.page2.toString(16)}`}`;
  return `${info}\n${printIr(tb.func)}`;
}

describe("RISC-V front end: guest code in, IR out", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".rv")).sort();
  it("has cases", () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    it(`case ${file}`, () => {
      const path = join(DIR, file);
      const text = readFileSync(path, "utf8");
      const actual = translateCase(text).trimEnd();
      const at = text.indexOf(`\n${MARKER}`);
      const head = at < 0 ? text.trimEnd() : text.slice(0, at);
      const block = `${head}\n${MARKER}\n${actual.split("\n").map((l) => (l === "" ? ";" : `; ${l}`)).join("\n")}\n`;
      if (UPDATE || at < 0) {
        writeFileSync(path, block);
        return;
      }
      expect(text).toBe(block);
    });
  }
});
