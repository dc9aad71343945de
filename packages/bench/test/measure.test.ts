import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { measureCommand } from "../src/measure/command.js";
import { callsForSample, measureFunction } from "../src/measure/function.js";
import { procAvailable } from "../src/measure/proc.js";

const MiB = 1024 * 1024;

/**
 * The grandchild: makes 200 MiB resident, then burns 600 ms of CPU time (counted by
 * the kernel, not by the clock, so a loaded machine only makes it last longer) while
 * holding the memory.
 */
const GRANDCHILD = `
const b = Buffer.alloc(200 * 1024 * 1024, 1);
const start = process.cpuUsage().user;
let x = 0;
while (process.cpuUsage().user - start < 600_000) for (let i = 0; i < 1e5; i++) x = (x + b[(i * 4096) % b.length]) | 0;
console.log("grandchild done", x > -1);
`;

/** The child: starts the grandchild, waits for it, and does little itself. */
const CHILD = `
const { spawn } = require("node:child_process");
const g = spawn(process.execPath, ["-e", ${JSON.stringify(GRANDCHILD)}], { stdio: "inherit" });
g.on("exit", (code) => process.exit(code ?? 1));
`;

describe.skipIf(!procAvailable())("measuring a process tree", () => {
  it("counts the CPU time and the memory of a grandchild", async () => {
    const s = await measureCommand({ argv: [process.execPath, "-e", CHILD] });
    expect(s.exitCode).toBe(0);
    expect(s.stdoutTail).toContain("grandchild done true");
    // The grandchild alone burned 600 ms; allow for the 10 ms tick of the accounting.
    expect(s.cpuMs).not.toBeNull();
    expect(s.cpuMs!).toBeGreaterThanOrEqual(580);
    // The grandchild alone held 200 MiB resident.
    expect(s.peakRssBytes).not.toBeNull();
    expect(s.peakRssBytes!).toBeGreaterThan(200 * MiB);
    expect(s.processes).toBeGreaterThanOrEqual(2);
    expect(s.wallMs).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync("/usr/bin/time"))("agrees with GNU time (wait4's rusage) on the same run", async () => {
    // GNU time reports the CPU time and peak RSS of the process it waits for, exactly.
    const out = join(mkdtempSync(join(tmpdir(), "bench-time-")), "time.txt");
    const program = `const b = Buffer.alloc(150 * 1024 * 1024, 1); const t = process.cpuUsage().user; while (process.cpuUsage().user - t < 300_000) b[0]++;`;
    const s = await measureCommand({ argv: ["/usr/bin/time", "-f", "%U %S %M", "-o", out, process.execPath, "-e", program] });
    expect(s.exitCode).toBe(0);
    const [user, sys, maxKb] = readFileSync(out, "utf8").trim().split(/\s+/).slice(-3).map(Number);
    const theirCpuMs = (user! + sys!) * 1000;
    const theirRss = maxKb! * 1024;
    // Ours adds GNU time's own (tiny) CPU and counts in 10 ms ticks.
    expect(Math.abs(s.cpuMs! - theirCpuMs)).toBeLessThanOrEqual(50);
    // Ours is the node process's VmHWM, or the tree's sum (node + time) at one poll.
    expect(s.peakRssBytes!).toBeGreaterThanOrEqual(0.9 * theirRss);
    expect(s.peakRssBytes!).toBeLessThanOrEqual(1.05 * theirRss + 8 * MiB);
  });

  it("reports the exit status, the signal and the output", async () => {
    const s = await measureCommand({ argv: ["sh", "-c", "echo out; echo err >&2; exit 3"] });
    expect(s).toMatchObject({ exitCode: 3, signal: null, timedOut: false, stdoutTail: "out\n", stderrTail: "err\n" });
    const k = await measureCommand({ argv: ["sh", "-c", "kill -TERM $$"] });
    expect(k).toMatchObject({ exitCode: null, signal: "SIGTERM" });
  });

  it("feeds standard input and passes the environment", async () => {
    const s = await measureCommand({ argv: ["sh", "-c", 'cat; echo "$BENCH_TEST_VAR"'], stdin: "in\n", env: { BENCH_TEST_VAR: "v" } });
    expect(s.stdoutTail).toBe("in\nv\n");
  });

  it("survives a command that exits without reading its input", async () => {
    const s = await measureCommand({ argv: ["true"], stdin: "x".repeat(1 << 20) });
    expect(s.exitCode).toBe(0);
  });

  it("rejects a command that cannot start", async () => {
    await expect(measureCommand({ argv: ["/nonexistent/program"] })).rejects.toThrow(/cannot run/);
  });

  it("kills the tree after the timeout", async () => {
    const s = await measureCommand({ argv: ["sleep", "30"], timeoutMs: 200 });
    expect(s).toMatchObject({ signal: "SIGKILL", timedOut: true });
  });

  it("voids the CPU figure of commands measured at the same time", async () => {
    const [a, b] = await Promise.all([measureCommand({ argv: ["sleep", "0.2"] }), measureCommand({ argv: ["sleep", "0.1"] })]);
    expect(a.cpuMs).toBeNull();
    expect(b.cpuMs).toBeNull();
    expect((await measureCommand({ argv: ["true"] })).cpuMs).not.toBeNull();
  });
});

describe("in-process functions", () => {
  it("sum the units of every call and measure CPU time", async () => {
    let calls = 0;
    const s = await measureFunction(() => {
      calls++;
      let x = 0;
      for (let i = 0; i < 1e5; i++) x += i;
      return x > 0 ? 10 : 0;
    }, 7);
    expect(calls).toBe(7);
    expect(s).toMatchObject({ units: 70, calls: 7 });
    expect(s.cpuMs).toBeGreaterThanOrEqual(0);
    expect(s.rssBytes).toBeGreaterThan(0);
  });
  it("calibrate calls per sample, growing at least by one and at most 100-fold", () => {
    expect(callsForSample(1, 100)).toBe(100);
    expect(callsForSample(0.001, 100, 1)).toBe(100);
    expect(callsForSample(1000, 100, 5)).toBe(6);
    expect(callsForSample(0, 100, 3)).toBe(300);
  });
});
