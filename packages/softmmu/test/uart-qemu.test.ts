// The NS16550A against QEMU's (hw/char/serial.c): a bare-metal program
// (test/uart-oracle/uart-script.S) runs a script of register accesses on
// qemu-system-riscv64's UART in loopback mode — a fixed prologue, then seeded random
// writes of THR, IER, FCR, LCR, MCR, SCR and reads of every register — and prints every
// byte read; the same script on Uart16550 must read the same bytes. The divisor is set to
// its maximum so that QEMU's character timeout (seconds away) cannot fire during the run.
// Without qemu-system-riscv64 the test skips loudly (it fails under CI).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { Uart16550 } from "../src/index.js";
import { FakeTimers, RecordingBackend, RecordingIrq } from "./support/fakes.js";
import { HAVE_QEMU_SYSTEM, IN_CI, requireTool } from "./support/tools.js";

const WRITE = 1;
const READ = 2;
type Op = readonly [kind: number, reg: number, value: number];

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

function script(seed: number): Op[] {
  const ops: Op[] = [];
  for (let r = 0; r < 8; r++) ops.push([READ, r, 0]); // reset values
  ops.push([WRITE, 3, 0x83], [WRITE, 0, 0xff], [WRITE, 1, 0xff], [READ, 0, 0], [READ, 1, 0], [READ, 3, 0], [WRITE, 3, 0x03]);
  ops.push([WRITE, 4, 0x10], [READ, 6, 0], [WRITE, 4, 0x1f], [READ, 6, 0], [READ, 4, 0]); // loopback mirrors MCR
  const r = rng(seed);
  for (let i = 0; i < 500; i++) {
    const x = r.next();
    const v = r.int(256);
    if (x < 0.33) ops.push([WRITE, 0, v]);
    else if (x < 0.73) ops.push([READ, r.int(8), 0]);
    else if (x < 0.79) ops.push([WRITE, 1, v]);
    else if (x < 0.86) ops.push([WRITE, 2, v]);
    else if (x < 0.89) ops.push([WRITE, 3, v & 0x7f]); // DLAB stays clear: the divisor keeps the timeout away
    else if (x < 0.95) ops.push([WRITE, 4, v | 0x10]); // loopback stays on: nothing leaves the UART
    else if (x < 0.98) ops.push([WRITE, 7, v]);
    else ops.push([WRITE, 5 + r.int(2), v]); // LSR and MSR are read-only
  }
  return ops;
}

function replay(ops: readonly Op[]): { reads: number[]; out: number[] } {
  const out = new RecordingBackend();
  const uart = new Uart16550({ irq: new RecordingIrq(), backend: out, timers: new FakeTimers(), clockHz: 3686400 });
  const reads: number[] = [];
  for (const [kind, reg, value] of ops) {
    if (kind === WRITE) uart.write(reg, 1, BigInt(value));
    else reads.push(Number(uart.read(reg, 1)));
  }
  return { reads, out: out.bytes };
}

const tmp = mkdtempSync(join(tmpdir(), "wasmu-uart-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const RUNNER = new URL("./uart-oracle/uart-script", import.meta.url).pathname;
const live = requireTool(HAVE_QEMU_SYSTEM, "qemu-system-riscv64");

it.runIf(live).each([1, 2, 3])("a loopback register script (seed %i) reads the same bytes as QEMU's UART", (seed) => {
  if (IN_CI) expect(HAVE_QEMU_SYSTEM, "qemu-system-riscv64 must be installed under CI").toBe(true);
  const ops = script(seed);
  const bin = new Uint8Array((ops.length + 1) * 8);
  ops.forEach(([k, reg, v], i) => bin.set([k, reg, v], i * 8));
  const file = join(tmp, `script${seed}.bin`);
  writeFileSync(file, bin);
  const q = spawnSync("qemu-system-riscv64", [
    "-M", "virt", "-m", "128M", "-bios", "none", "-display", "none", "-serial", "stdio", "-monitor", "none",
    "-kernel", RUNNER, "-device", `loader,file=${file},addr=0x80200000,force-raw=on`,
  ], { encoding: "utf8", timeout: 60_000 });
  expect(q.status).toBe(0);
  const got = q.stdout.split("\n").filter((l) => /^R [0-9a-f]{2}$/.test(l.trim())).map((l) => Number.parseInt(l.trim().slice(2), 16));
  const want = replay(ops);
  expect(want.out).toEqual([]);
  expect(got).toEqual(want.reads);
});
