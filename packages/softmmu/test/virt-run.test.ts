// startVirtMachine end to end: hart workers (dist/node/hart-worker-entry.js, so build
// first), MMIO through the channel to this thread's devices, poweroff through
// sifive_test. The programs' output must be QEMU's (recorded in test/bare-metal; m-smp is
// also run live on qemu-system-riscv64 -smp 2 when installed, required under CI):
// m-hello on one hart; m-smp on two (LR/SC and AMOs from both harts on shared counters,
// an IPI through the CLINT waking hart 0 from WFI, hart 1 patching code hart 0 runs).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startVirtMachine } from "../src/index.js";
import { nodeClock, nodeHartWorkers, nodeTimers } from "../src/node/index.js";
import { RecordingBackend } from "./support/fakes.js";
import { HAVE_QEMU_SYSTEM, requireTool } from "./support/tools.js";

const QEMU_CPU = "rv64,h=false,zba=false,zbb=false,zbc=false,zbs=false,Zihintpause=false,sstc=false";

const DIR = new URL("./bare-metal/", import.meta.url).pathname;

describe("startVirtMachine", () => {
  it.each(["interp", "jit", "auto"] as const)("runs m-hello on a hart worker (tier %s) and powers off", async (tier) => {
    const console = new RecordingBackend();
    const run = startVirtMachine({
      harts: 1, ramSize: 64n << 20n, kernel: new Uint8Array(readFileSync(DIR + "m-hello")), console, tier,
      workers: nodeHartWorkers(), host: { clock: nodeClock, timers: nodeTimers },
    });
    const r = await run.done;
    expect(r).toEqual({ exitCode: 0, reason: "poweroff" });
    expect(console.text).toBe(readFileSync(DIR + "m-hello.expected", "latin1"));
  }, 60_000);

  it.each(["interp", "jit", "auto"] as const)("runs m-smp on two hart workers (tier %s)", async (tier) => {
    const console = new RecordingBackend();
    const run = startVirtMachine({
      harts: 2, ramSize: 64n << 20n, kernel: new Uint8Array(readFileSync(DIR + "m-smp")), console, tier,
      workers: nodeHartWorkers(), host: { clock: nodeClock, timers: nodeTimers },
    });
    const guard = setTimeout(() => run.quit(), 100_000); // a hang guard only
    const r = await run.done;
    clearTimeout(guard);
    expect(console.text).toBe(readFileSync(DIR + "m-smp.expected", "latin1"));
    expect(r).toEqual({ exitCode: 0, reason: "poweroff" });
  }, 120_000);

  it.runIf(requireTool(HAVE_QEMU_SYSTEM, "qemu-system-riscv64"))("m-smp's recorded output is QEMU's", async () => {
    expect(HAVE_QEMU_SYSTEM, "qemu-system-riscv64 must be installed under CI").toBe(true);
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn("qemu-system-riscv64", ["-M", "virt", "-smp", "2", "-cpu", QEMU_CPU, "-m", "64M", "-bios", "none", "-nographic", "-kernel", DIR + "m-smp"], { stdio: ["ignore", "pipe", "inherit"] });
      let o = "";
      p.stdout.setEncoding("latin1");
      p.stdout.on("data", (d: string) => { o += d; });
      const t = setTimeout(() => p.kill(), 60_000);
      p.on("error", reject);
      p.on("close", () => { clearTimeout(t); resolve(o); });
    });
    expect(out).toBe(readFileSync(DIR + "m-smp.expected", "latin1"));
  }, 90_000);

  it("-d int,guest_errors logs what qemu-system-riscv64 logs; -d in_asm the blocks", async () => {
    let log = "";
    const run = startVirtMachine({
      harts: 1, ramSize: 64n << 20n, kernel: new Uint8Array(readFileSync(DIR + "m-hello")), console: new RecordingBackend(), tier: "auto",
      workers: nodeHartWorkers(), host: { clock: nodeClock, timers: nodeTimers },
      log: { items: ["int", "guest_errors", "in_asm"], write: (t) => { log += t; } },
    });
    expect(await run.done).toEqual({ exitCode: 0, reason: "poweroff" });
    // QEMU's -d int,guest_errors of the same program (recorded: test/bare-metal/m-hello.int-log).
    const lines = log.split("\n").filter((l) => l.startsWith("riscv_cpu_do_interrupt") || l.startsWith("Invalid "));
    expect(lines.join("\n") + "\n").toBe(readFileSync(DIR + "m-hello.int-log", "latin1"));
    expect(log).toContain("IN: \n0x0000000000001000:");
  }, 60_000);

  it("without a worker factory it says so", () => {
    expect(() => startVirtMachine({ harts: 1, ramSize: 64n << 20n, console: new RecordingBackend() })).toThrow(/worker factory/);
  });
});
