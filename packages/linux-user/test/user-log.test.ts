// user-log.ts: -d parsing in `wasmu user`'s options, function symbols from ELF .symtab
// (STT_FUNC with a size, as QEMU's load_symbols keeps them) and their lookup.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LogItem } from "@wasmu/tcg";
import { funcSymbols, lookupSymbol, type FuncSymbol } from "../src/run/user-log.js";
import { LOG_HELP, LOG_ITEM_ERROR, parseUserArgs } from "../src/run/user-main.js";

const cliFixture = (name: string): string => fileURLToPath(new URL(`../../cli/fixtures/${name}`, import.meta.url));

describe("wasmu user -d options", () => {
  it("parses -d lists (repeatable), -d help, unknown items, -one-insn-per-tb and -singlestep", () => {
    const o = parseUserArgs(["-d", "in_asm,exec", "-d", "page", "-singlestep", "-D", "/tmp/x.log", "prog"], {});
    if (typeof o === "string") throw new Error(o);
    expect(o.logMask).toBe(LogItem.IN_ASM | LogItem.EXEC | LogItem.PAGE);
    expect(o.oneInsnPerTb).toBe(true);
    expect(o.logFile).toBe("/tmp/x.log");
    const p = parseUserArgs(["-one-insn-per-tb", "prog"], {});
    expect(typeof p !== "string" && p.oneInsnPerTb && p.logMask === 0).toBe(true);
    expect(parseUserArgs(["-d", "help", "prog"], {})).toBe(LOG_HELP);
    expect(parseUserArgs(["-d", "exec,nope", "prog"], {})).toBe(`${LOG_ITEM_ERROR} 'nope'`);
  });
});

describe("guest function symbols", () => {
  it("reads the STT_FUNC symbols of a program's .symtab, moved by the load bias", () => {
    const syms = funcSymbols(readFileSync(cliFixture("start")), 0n);
    expect(syms).toContainEqual([0x10194n, 0x1019en, "done"]);
    // _start has no type in start.S: QEMU does not name it either.
    expect(syms.some((s) => s[2] === "_start")).toBe(false);
    expect(funcSymbols(readFileSync(cliFixture("hello")), 0x1000n).find((s) => s[2] === "main")?.[0]).toBeGreaterThan(0x1000n);
    expect(funcSymbols(new Uint8Array(16), 0n)).toEqual([]);
  });

  it("finds the symbol containing a pc, also inside nested symbols, and nothing in gaps", () => {
    const syms: FuncSymbol[] = [[0x100n, 0x200n, "outer"], [0x140n, 0x150n, "inner"], [0x300n, 0x310n, "f"]];
    expect(lookupSymbol(syms, 0x100n)).toBe("outer");
    expect(lookupSymbol(syms, 0x144n)).toBe("inner");
    expect(lookupSymbol(syms, 0x160n)).toBe("outer");
    expect(lookupSymbol(syms, 0x200n)).toBeUndefined();
    expect(lookupSymbol(syms, 0x30fn)).toBe("f");
    expect(lookupSymbol(syms, 0xffn)).toBeUndefined();
    expect(lookupSymbol([], 0n)).toBeUndefined();
  });
});
