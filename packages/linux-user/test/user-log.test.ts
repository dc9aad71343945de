// user-log.ts: -d parsing in `wasmu user`'s options, function symbols from ELF .symtab
// (STT_FUNC with a size, as QEMU's load_symbols keeps them) and their lookup, and the
// stats item's figures from vCPU workers.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LogItem, parseStats } from "@wasmu/tcg";
import { DEFAULT_GUEST_WINDOW, Errno, Kernel, LoadError, MemoryStream, runProgram } from "../src/index.js";
import { funcSymbols, lookupSymbol, UserLog, type FuncSymbol } from "../src/run/user-log.js";
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

describe("-d stats", () => {
  it("has a line for every vCPU that ran, workers included, each with the work it did", async () => {
    // parallel: 4 threads (vCPUs 1-4, each in its own worker) pass spinning barriers.
    const path = fileURLToPath(new URL("guests/parallel", import.meta.url));
    const text: string[] = [];
    const log = new UserLog({ mask: LogItem.STATS, oneInsnPerTb: false, symbols: [] }, (b) => text.push(Buffer.from(b).toString("latin1")));
    const out = new MemoryStream();
    const r = await runProgram({
      kernel: new Kernel({ warn: () => {} }), path, bytes: new Uint8Array(readFileSync(path)), argv: [path], envp: [],
      stdio: [new MemoryStream(), out, new MemoryStream()], readInterpreter: () => new LoadError(Errno.ENOENT, "static"), log,
    });
    if (r instanceof LoadError) throw new Error(r.message);
    expect(r.status).toBe(0);
    const stats = parseStats(text.join(""));
    expect(stats.map((s) => s.vcpu)).toEqual([0, 1, 2, 3, 4]);
    // Every vCPU entered generated code; together they translated what ran.
    for (const s of stats) expect(s.values.returns).toBeGreaterThan(0);
    // The tier figures of workers' vCPUs too (the default tier, auto, interprets first).
    for (const s of stats) for (const k of ["interp_tbs", "interp_insns", "tiered_tbs", "tier_modules", "tier_ms"]) expect({ [k]: typeof s.values[k] }).toEqual({ [k]: "number" });
    expect(stats.reduce((n, s) => n + s.values.interp_tbs!, 0)).toBeGreaterThan(10);
    expect(stats.reduce((n, s) => n + s.values.tbs!, 0)).toBeGreaterThan(10);
    // Then one memory line: the process's RSS and the shared memory's reserved size.
    const mem = /^stats memory: peak_rss_kb=(\d+) rss_kb=(\d+) heap_used_kb=(\d+) heap_total_kb=(\d+) external_kb=\d+ array_buffers_kb=\d+ wasm_memory_kb=(\d+)\n/m.exec(text.join(""));
    expect(mem).not.toBeNull();
    const [peak, rss, used, total, wasm] = mem!.slice(1).map(Number) as [number, number, number, number, number];
    expect(rss).toBeGreaterThan(0);
    expect(peak).toBeGreaterThanOrEqual(rss * 0.9); // maxRSS (getrusage) and rss (statm) are sampled apart
    expect(used).toBeLessThanOrEqual(total);
    expect(wasm * 1024).toBeGreaterThanOrEqual(DEFAULT_GUEST_WINDOW); // the guest window is in it
  });
});
