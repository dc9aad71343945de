// `-d` logging in the loop (exec/log.ts and its hooks in cpu-exec.ts): items, help, the
// records each item writes for a RISC-V program on the bare-metal harness, and nochain /
// exec making every TB entry visible without changing what the guest computes.
import { describe, expect, it } from "vitest";
import { BareMetal } from "../src/exec/harness.js";
import { CpuOffset, createRiscvTarget } from "../src/index.js";
import { LogItem, logCflags, logItemsHelp, parseLogItems, parseStats, formatStats, type TcgLog } from "../src/exec/log.js";
import { riscvLogFormat } from "../src/target/riscv/log-format.js";
import { assemble, RAM } from "./exec-support.js";

const LOOP = `
  li a0, 0
  li a1, 1
  li a2, 11
loop:
  add a0, a0, a1
  addi a1, a1, 1
  bne a1, a2, loop
  jal ra, fn
  ecall
fn:
  addi a0, a0, 100
  ret
`;

function run(items: string, cflagsBase?: number): { m: BareMetal; text: string } {
  const mask = parseLogItems(items);
  if (typeof mask !== "number") throw new Error(mask.unknown);
  const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 20 });
  m.load(RAM, assemble(LOOP));
  m.setPc(RAM);
  let text = "";
  const log: TcgLog = { mask, sink: { write: (s) => (text += s) }, target: riscvLogFormat, symbol: (pc) => (pc >= RAM + 0x20n ? "fn" : "main") };
  m.cpu.log = log;
  m.cpu.cflagsBase = cflagsBase ?? logCflags(mask);
  const e = m.run();
  expect(e.kind).toBe("helper");
  return { m, text };
}

const a0 = (m: BareMetal): bigint => m.state.getBigUint64(CpuOffset.X + 8 * 10, true);

describe("-d log items", () => {
  it("parses item lists, reports the first unknown item, and prints QEMU-style help", () => {
    expect(parseLogItems("in_asm,exec")).toBe(LogItem.IN_ASM | LogItem.EXEC);
    expect(parseLogItems("")).toBe(0);
    expect(parseLogItems("cpu,bogus,alsobad")).toEqual({ unknown: "bogus" });
    const help = logItemsHelp();
    expect(help.startsWith("Log items (comma separated):\n")).toBe(true);
    expect(help).toMatch(/^in_asm {10}show target assembly code for each compiled TB$/m);
    expect(help).toMatch(/^nochain {9}do not chain compiled TBs/m);
    expect(logCflags(LogItem.IN_ASM)).toBe(0);
    expect(logCflags(LogItem.EXEC)).not.toBe(0);
  });

  it("in_asm: one record per translated TB, at the TB's pc, with QEMU's line layout", () => {
    const { m, text } = run("in_asm");
    expect(a0(m)).toBe(155n);
    const records = text.split("----------------\n").filter((r) => r !== "");
    const starts = records.map((r) => /^IN: .*\n0x([0-9a-f]{16}):/.exec(r)?.[1]);
    // TBs (RVC code): the three li's run into the first iteration (a TB ends at the
    // branch); its successors, batched breadth first: the fall-through (the jal), the
    // loop's target; then fn, and the ecall after the return.
    expect(starts).toEqual(["0000000080000000", "0000000080000018", "000000008000000c", "0000000080000020", "000000008000001c"]);
    expect(starts[0]).toBe("0000000080000000");
    expect(new Set(starts).size).toBe(starts.length);
    expect(records[0]).toMatch(/^IN: main\n0x0000000080000000: {2}[0-9a-f]{4,8} +li {22}a0,0\n/);
    expect(text).toMatch(/^IN: fn$/m);
    expect(text).toMatch(/^0x0000000080000014: {2}[0-9a-f]+ +bne {21}a1,a2,0x8000000c$/m);
  });

  it("op, op_opt and out_asm: the IR before and after the optimizer and the wasm listing", () => {
    const { text } = run("op,op_opt,out_asm");
    expect(text).toMatch(/^OP:\n insn_start/m);
    expect(text).toMatch(/^OP after optimization:\n/m);
    expect(text).toMatch(/^OUT: \[size=\d+\] tb \d+ func \d+/m);
    expect(text).toMatch(/^0x0000: {2}[0-9a-f ]+ +local\.get 0$/m);
    expect(text).toMatch(/return_call_indirect \d+ 0 <rt\.chain>/);
    expect(text).not.toMatch(/\.byte/);
    expect(text).not.toMatch(/^IN:/m);
  });

  it("exec and cpu: a record at every TB entry (chaining off), the same result as chained", () => {
    const plain = run("");
    const { m, text } = run("exec,cpu,fpu");
    expect(a0(m)).toBe(a0(plain.m));
    const traces = [...text.matchAll(/^Trace 0: 0x[0-9a-f]+ \[0{16}\/([0-9a-f]{16})\/[0-9a-f]{8}\/([0-9a-f]{8})\] (\S*)$/gm)];
    // The loop body runs 10 times, the first inside the entry TB; the 9 others are entries through the loop.
    expect(traces.filter((t) => t[1] === "000000008000000c")).toHaveLength(9);
    expect(traces.every((t) => t[2] === "00000200")).toBe(true);
    expect(traces.some((t) => t[3] === "fn")).toBe(true);
    // The register dump right after each trace line, as QEMU's riscv_cpu_dump_state prints it.
    expect(text).toMatch(/^Trace 0: .*\n pc {7}000000008000000c\n x0\/zero {2}0{16} x1\/ra {4}[0-9a-f]{16} x2\/sp {4}[0-9a-f]{16} x3\/gp {4}[0-9a-f]{16}\n/m);
    expect(text).toMatch(/^ f28\/ft8 {2}[0-9a-f]{16} f29\/ft9 {2}[0-9a-f]{16} f30\/ft10 [0-9a-f]{16} f31\/ft11 [0-9a-f]{16}\n/m);
    expect(m.cpu.stats.chained).toBe(0);
    expect(plain.m.cpu.stats.returns).toBeLessThan(m.cpu.stats.returns);
  });

  it("nochain without exec: nothing logged, every jump back to the loop", () => {
    const { m, text } = run("nochain");
    expect(text).toBe("");
    expect(a0(m)).toBe(155n);
    expect(m.cpu.stats.chained).toBe(0);
    expect(m.cpu.stats.returns).toBeGreaterThanOrEqual(10);
  });

  it("one instruction per TB (cflags count 1) computes the same", () => {
    const { m, text } = run("in_asm", 1);
    expect(a0(m)).toBe(155n);
    const records = text.split("----------------\n").filter((r) => r !== "");
    expect(records.every((r) => r.split("\n").filter((l) => l.startsWith("0x")).length === 1)).toBe(true);
  });

  it("stats lines round-trip through parseStats", () => {
    const { m } = run("");
    const line = formatStats(0, m.cpu.stats);
    const p = parseStats(`noise\n${line}`);
    expect(p).toHaveLength(1);
    expect(p[0]!.values.tbs).toBe(m.cpu.stats.tbs);
    expect(p[0]!.values.modules).toBeGreaterThan(0);
    expect(p[0]!.values.compile_ms).toBeGreaterThan(0);
  });
});
