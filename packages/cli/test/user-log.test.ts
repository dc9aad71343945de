// `wasmu user -d ITEMS -D FILE`, against what qemu-riscv64-static 7.2 logs for the same
// program (packages/cli/fixtures/start: straight-line code, two ecalls and a call).
// Guest-side facts must agree: TB start pcs and instruction words (in_asm), the sequence
// of executed TBs (exec with nochain), the registers at a TB entry (cpu), the program's
// mappings (page), the function symbol names. Host-side records (op, op_opt, out_asm) are
// checked for structure.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "@wasmu/test-support";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "fixtures");
const bin = join(here, "..", "dist", "main.js");
const hasQemu = spawnSync("sh", ["-c", "command -v qemu-riscv64-static"]).status === 0;
if (!hasQemu) console.warn("SKIP: qemu-riscv64-static not found: -d logs are not compared with QEMU's (apt-get install qemu-user-static)");
const dir = mkdtempSync(join(tmpdir(), "wasmu-log-"));
let n = 0;

async function wasmu(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await run(process.execPath, [bin, ...args], { cwd: fixtures, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `start` under wasmu or QEMU with `-d items -D file`; the log text. */
async function logOf(runner: "wasmu" | "qemu", items: string, prog = "start", extra: string[] = []): Promise<string> {
  const file = join(dir, `${runner}-${n++}.log`);
  const args = ["-d", items, "-D", file, ...extra, prog];
  const r = runner === "wasmu" ? await wasmu(["user", ...args]) : await run("qemu-riscv64-static", args, { cwd: fixtures });
  expect(r.status).toBe(0);
  expect(r.stdout).toBe("hello from start.S\n");
  return readFileSync(file, "utf8");
}

/** in_asm records: the symbol, and per instruction its pc and hex word. */
function inAsm(log: string): { sym: string; insns: string[] }[] {
  return [...log.matchAll(/^IN: (.*)\n((?:0x[0-9a-f]{16}: {2}.*\n)+)/gm)].map((m) => ({
    sym: m[1]!.trim(),
    insns: m[2]!.trim().split("\n").map((l) => /^(0x[0-9a-f]{16}): {2}([0-9a-f]+)/.exec(l)!.slice(1, 3).join(" ")),
  }));
}

const traces = (log: string): string[] => [...log.matchAll(/^Trace 0: 0x[0-9a-f]+ \[[0-9a-f]{16}\/([0-9a-f]{16})\/[0-9a-f]{8}\/[0-9a-f]{8}\] ?(.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);

describe("wasmu user -d", () => {
  it("-d help lists the items on stdout and exits 1, as qemu-riscv64 does", async () => {
    const r = await wasmu(["user", "-d", "help", "start"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^Log items \(comma separated\):\nout_asm {9}show generated host assembly code/);
    for (const item of ["in_asm", "op", "op_opt", "exec", "cpu", "fpu", "page", "nochain", "strace", "stats"]) expect(r.stdout).toMatch(new RegExp(`^${item} +\\S`, "m"));
    if (hasQemu) {
      const q = await run("qemu-riscv64-static", ["-d", "help"]);
      expect(q.status).toBe(r.status);
      // Every item both support has QEMU's help line.
      for (const line of q.stdout.split("\n").filter((l) => /^(out_asm|in_asm|op|op_opt|exec|cpu|fpu|page|strace) /.test(l))) expect(r.stdout).toContain(line);
    }
  });

  it("the help texts name -d, -D and -one-insn-per-tb", async () => {
    const u = await wasmu(["user", "-h"]);
    expect(u.status).toBe(0);
    expect(u.stdout).toMatch(/^-d item\[,\.\.\.\] +enable logging of specified items \(use '-d help' for a list\)$/m);
    expect(u.stdout).toMatch(/^-one-insn-per-tb +/m);
    expect(u.stdout).toMatch(/^-singlestep +/m);
    expect((await wasmu(["--help"])).stdout).toMatch(/-d ITEMS \(-d help\), -D, -one-insn-per-tb/);
  });

  it("an unknown item is named on stderr, the list follows, status 1", async () => {
    const r = await wasmu(["user", "-d", "in_asm,bogus", "start"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("wasmu: -d: unknown log item 'bogus'\n");
    expect(r.stdout).toMatch(/^Log items/);
  });

  it("without -D the log goes to stderr", async () => {
    const r = await wasmu(["user", "-d", "in_asm", "start"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("hello from start.S\n");
    expect(r.stderr).toMatch(/^----------------\nIN: \n0x0000000000010144: {2}00001597 {10}auipc/);
  });

  it("in_asm: the TBs QEMU translates, at the same pcs, with the same instruction words and symbols", async () => {
    // wasmu may also translate statically known successors that never run (batched into
    // the same module, e.g. the `j .` after the call): those are extra records.
    const w = inAsm(await logOf("wasmu", "in_asm"));
    const expected = [
      { sym: "", first: "0x0000000000010144 00001597" }, { sym: "", first: "0x0000000000010158 00001297" }, { sym: "done", first: "0x0000000000010194 4501" },
    ];
    for (const e of expected) expect(w.map((r) => ({ sym: r.sym, first: r.insns[0] }))).toContainEqual(e);
    if (hasQemu) {
      const q = inAsm(await logOf("qemu", "in_asm"));
      expect(q).toHaveLength(3);
      for (const r of q) expect(w).toContainEqual(r);
    }
  });

  // A kick (the run's 50 ms ticker, which lets the event loop run while a guest computes on
  // the kernel thread) that reaches a TB at its entry check makes it leave before its first
  // instruction; it is entered again, and logged again, as QEMU logs a TB again after a
  // cpu_loop_exit at its start. How many kicks land depends on the machine's load, so the
  // records of one entry repeated back to back count once.
  const once = (records: string[]): string[] => records.filter((r, i) => i === 0 || r !== records[i - 1]);

  it("exec with nochain: the same sequence of executed TBs as QEMU", async () => {
    const w = once(traces(await logOf("wasmu", "exec,nochain")));
    expect(w).toEqual(["0000000000010144 ", "0000000000010158 ", "0000000000010194 done"]);
    if (hasQemu) expect(w).toEqual(once(traces(await logOf("qemu", "exec,nochain"))));
  });

  it("cpu,fpu: QEMU's register dump at each TB entry, with the same values (the stack pointer aside)", async () => {
    const dumps = (log: string): string[] => [...log.matchAll(/^ pc {7}[0-9a-f]{16}\n(?: .*\n){16}/gm)].map((m) => m[0].replace(/(x2\/sp {4})[0-9a-f]{16}/, "$1<sp>"));
    const w = once(dumps(await logOf("wasmu", "cpu,fpu,nochain")));
    expect(w).toHaveLength(3);
    expect(w[2]).toMatch(/^ pc {7}0000000000010194\n x0\/zero {2}0{16} x1\/ra {4}0000000000010186 x2\/sp {4}<sp> x3\/gp {4}0{16}\n/);
    if (hasQemu) expect(w).toEqual(once(dumps(await logOf("qemu", "cpu,fpu,nochain"))));
  });

  it("op, op_opt, out_asm: one record of each per translated TB (tier=jit: every TB compiled)", async () => {
    const log = await logOf("wasmu", "in_asm,op,op_opt,out_asm", "start", ["-accel", "tcg,tier=jit"]);
    const count = (re: RegExp): number => [...log.matchAll(re)].length;
    const tbs = count(/^IN: /gm);
    expect(tbs).toBeGreaterThanOrEqual(3);
    expect(count(/^OP:\n insn_start \$0x10144\n/gm)).toBe(1);
    expect(count(/^OP:$/gm)).toBe(tbs);
    expect(count(/^OP after optimization:$/gm)).toBe(tbs);
    expect(count(/^OUT: \[size=\d+\] tb \d+ func \d+/gm)).toBe(tbs);
    expect(log).toMatch(/call_indirect \d+ 0 <helpers\.ecall>/);
    expect(log).not.toMatch(/\.byte 0x/);
  });

  it("page: the program's mappings after loading, in QEMU's layout", async () => {
    const map = (log: string): string[] => {
      const after = log.slice(log.lastIndexOf("page layout changed following binary load"));
      return [...after.matchAll(/^(0{8}000[0-9a-f]{5})-([0-9a-f]{16}) ([0-9a-f]{16}) ([-r][-w][-x])$/gm)].map((m) => m.slice(1).join(" ")).slice(0, 2);
    };
    const w = map(await logOf("wasmu", "page"));
    expect(w).toEqual(["0000000000010000 0000000000011000 0000000000001000 r-x", "0000000000011000 0000000000012000 0000000000001000 rw-"]);
    if (hasQemu) expect(w).toEqual(map(await logOf("qemu", "page")));
  });

  it("strace as a -d item logs the system calls like -strace", async () => {
    const log = await logOf("wasmu", "strace");
    expect(log).toMatch(/ write\(1,0x111a8,19\) = 19\n/);
    expect(log).toMatch(/ exit\(0\)\n/);
  });

  it("stats: per-vCPU translation figures at exit", async () => {
    const log = await logOf("wasmu", "stats");
    const m = /^stats vcpu 0: tbs=(\d+) insns=(\d+) modules=\d+ code_bytes=\d+ .* compile_ms=[\d.]+ instantiate_ms=[\d.]+ interp_tbs=(\d+) interp_refused=\d+ interp_insns=(\d+) tiered_tbs=\d+ tier_modules=\d+ tier_ms=[\d.]+$/m.exec(log);
    expect(m).not.toBeNull();
    // At least the three TBs that run (21 instructions); batched successors may add some.
    expect(Number(m![1])).toBeGreaterThanOrEqual(3);
    expect(Number(m![2])).toBeGreaterThanOrEqual(21);
    // The default tier (auto) interprets these cold TBs: their 21 instructions at least.
    expect(Number(m![3])).toBeGreaterThanOrEqual(3);
    expect(Number(m![4])).toBeGreaterThanOrEqual(21);
  });

  it("out_asm under tier=auto: interpreted TBs say so; TBs that get hot are compiled in one module and shown", async () => {
    const log = await logOf("wasmu", "out_asm", "start", ["-accel", "tcg,tier=auto,tier-hot=1,tier-batch=1"]);
    expect(log).toMatch(/^OUT: \[size=\d+\] tb \d+ interpreted \(tier 0, \d+ IR ops\)$/m);
    expect(log).toMatch(/^OUT: \[size=\d+\] tb \d+ func \d+ \(module of \d+ bytes, 1 TB\)$/m);
  });

  it("nochain and -one-insn-per-tb change nothing the guest sees (static glibc demo)", async () => {
    const plain = await wasmu(["user", "demo", "wasmu", "2"]);
    expect(plain.status).toBe(2);
    for (const flags of [["-d", "nochain"], ["-one-insn-per-tb"]]) {
      const r = await wasmu(["user", ...flags, "demo", "wasmu", "2"]);
      expect(r).toEqual(plain);
    }
  });

  it("exec on a threaded guest: the vCPU workers log too, in whole lines, and the output is unchanged", async () => {
    const threads = join(here, "..", "..", "linux-user", "test", "guests", "threads");
    const plain = await wasmu(["user", threads]);
    expect(plain.status).toBe(0);
    const file = join(dir, `threads-${n++}.log`);
    const r = await wasmu(["user", "-d", "exec,nochain", "-D", file, threads]);
    expect(r).toEqual(plain);
    const lines = readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
    expect(lines.every((l) => /^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{8}\/[0-9a-f]{8}\] ?\S*$/.test(l))).toBe(true);
    const cpus = new Set(lines.map((l) => /^Trace (\d+)/.exec(l)![1]));
    expect(cpus.size).toBeGreaterThan(1);
  });

  it("-singlestep (-one-insn-per-tb's old name): every in_asm record holds one instruction", async () => {
    const w = inAsm(await logOf("wasmu", "in_asm", "start", ["-singlestep"]));
    expect(w.length).toBe(21);
    expect(w.every((r) => r.insns.length === 1)).toBe(true);
  });
});
