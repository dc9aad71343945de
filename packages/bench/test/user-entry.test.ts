// The user-compute and user-startup entries at their quick sizes: every workload checks
// its output under both QEMU and wasmu, the ratios and the geometric mean come out, and
// the wasmu side carries its -d stats breakdown. Needs qemu-riscv64-static, the guests
// (`wasmu-bench fetch`) and the CLI built; otherwise the entries must say so (and this
// test says it skipped that part). python3 is left out here: its start-up alone takes tens
// of seconds under wasmu today.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliMainPath, findRepoRoot, makeContext } from "../src/context.js";
import { createUserComputeEntry, createUserStartupEntry, DEFAULT_USER_SIZES, QUICK_USER_SIZES, readStats, statsFigures, userSizes } from "../src/entries/user.js";
import { runBench } from "../src/cli.js";
import type { BenchContext, BenchEntry } from "../src/entry.js";
import { runEntry, summarizeComparisons } from "../src/runner.js";

const repoRoot = findRepoRoot();
const ctx = { ...makeContext({ repoRoot }), settings: { "user-size": "quick" } };
const hasQemu = spawnSync("sh", ["-c", `command -v qemu-riscv64-static`]).status === 0;
const hasGuests = ["usr/bin/lua5.4", "usr/bin/sqlite3", "usr/bin/gzip", "usr/bin/xz", "usr/bin/sha256sum", "usr/bin/true"].every((p) => existsSync(join(ctx.sysroot, p)));
const hasCli = existsSync(cliMainPath());
const runnable = hasQemu && hasGuests && hasCli;
if (!runnable) {
  console.warn(`SKIP: user-compute/user-startup are not run (qemu-riscv64-static ${hasQemu ? "found" : "missing"}, guests ${hasGuests ? "found" : "missing: wasmu-bench fetch"}, CLI ${hasCli ? "built" : "not built"}); only their absence is checked`);
}

describe("user entries", () => {
  it("reads sizes from --set, quick sizes by name, and rejects bad values", () => {
    expect(userSizes({ ...ctx, settings: {} })).toEqual(DEFAULT_USER_SIZES);
    expect(userSizes(ctx)).toEqual(QUICK_USER_SIZES);
    expect(userSizes({ ...ctx, settings: { "lua-iterations": "77", "xz-mib": "0.5" } })).toEqual({ ...DEFAULT_USER_SIZES, luaIterations: 77, xzMiB: 0.5 });
    expect(() => userSizes({ ...ctx, settings: { "sqlite-rows": "many" } })).toThrow(/sqlite-rows/);
  });

  it("passes --set NAME=VALUE to the entries' context; a malformed one is a usage error", async () => {
    const sink = (): { text: string; isTTY: false; write(t: string): boolean } => ({ text: "", isTTY: false, write(t: string) { this.text += t; return true; } });
    let seen: BenchContext["settings"];
    const probe: BenchEntry = { name: "probe", description: "records its context", requires: [], workloads: (c) => { seen = c.settings; return []; } };
    const out = mkdtempSync(join(tmpdir(), "bench-set-"));
    const code = await runBench(["--set", "a=1", "--set", "b=x=y", "--out", out], { stdout: sink(), stderr: sink(), entries: [probe], context: ctx });
    expect(code).toBe(0);
    expect(seen).toEqual({ "user-size": "quick", a: "1", b: "x=y" });
    const err = sink();
    expect(await runBench(["--set", "novalue"], { stdout: sink(), stderr: err, entries: [probe], context: ctx })).toBe(2);
    expect(err.text).toMatch(/--set novalue: expected NAME=VALUE/);
  });

  it("turns a -d stats log into the breakdown figures, summed over vCPUs", () => {
    const f = join(mkdtempSync(join(tmpdir(), "user-stats-")), "s.log");
    writeFileSync(f, "noise\nstats vcpu 0: tbs=10 insns=70 modules=2 translate_ms=1.5 optimize_ms=0.5 emit_ms=0.25 compile_ms=2 instantiate_ms=1 returns=4\nstats vcpu 1: tbs=5 insns=30 modules=1 translate_ms=0.5 optimize_ms=0 emit_ms=0 compile_ms=1 instantiate_ms=0 returns=1\n");
    expect(readStats(f)?.get("tbs")).toBe(15);
    const figs = new Map(statsFigures(f).map((x) => [x.name, x.value]));
    expect(figs.get("translation, all phases")).toBeCloseTo(6.75);
    expect(figs.get("  compile (WebAssembly.Module)")).toBe(3);
    expect(statsFigures(join(tmpdir(), "no-such-stats-file"))).toEqual([]);
  });

  it.skipIf(!runnable)("runs the quick compute and start-up sets under QEMU and wasmu, outputs checked, with ratios and the breakdown", async () => {
    const compute = await runEntry(createUserComputeEntry(), ctx, { runs: 1, warmup: 0, only: ["lua-loop", "sqlite-cte", "gzip-9", "xz-6", "sha256sum"] });
    const startup = await runEntry(createUserStartupEntry(), ctx, { runs: 1, warmup: 0, only: ["lua-startup", "true"] });
    for (const r of [compute, startup]) {
      expect(r.status).toBe("ok");
      expect(r.workloads.filter((w) => w.status !== "ok").map((w) => `${w.name}: ${w.status} ${w.reason ?? ""}`)).toEqual([]);
      for (const w of r.workloads) {
        expect(w.sides.map((s) => s.label)).toEqual(["qemu", "wasmu"]);
        expect(w.ratio?.summary.median).toBeGreaterThan(0);
        const figs = new Map((w.sides[1]!.figures ?? []).map((x) => [x.name, x.value]));
        expect(figs.get("TBs translated")).toBeGreaterThan(0);
        expect(figs.get("translation, all phases")).toBeGreaterThan(0);
      }
    }
    const means = summarizeComparisons([compute, startup]);
    expect(means.map((m) => m.comparison).sort()).toEqual(["wasmu/qemu compute", "wasmu/qemu start-up"]);
    for (const m of means) expect(m.geomean).toBeGreaterThan(0);
  }, 600_000);

  // Whatever this machine has: PATH and the guest cache are the test's own, so both
  // reasons are always checked (QEMU missing; QEMU present but no guest fetched).
  it("says why it is absent: QEMU missing, or the guests not fetched", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "bench-cache-"));
    const bench = { repoRoot, cacheDir, sysroot: join(cacheDir, "sysroot") };
    const fakeBin = mkdtempSync(join(tmpdir(), "bench-path-"));
    const savedPath = process.env.PATH;
    try {
      process.env.PATH = fakeBin;
      const none = await runEntry(createUserStartupEntry(), bench, { runs: 1, warmup: 0 });
      expect(none.status).toBe("absent");
      expect(none.reason).toMatch(/^qemu-riscv64-static not found on PATH \(apt-get install qemu-user-static\)$/);
      writeFileSync(join(fakeBin, "qemu-riscv64-static"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
      const noGuests = await runEntry(createUserStartupEntry(), bench, { runs: 1, warmup: 0 });
      expect(noGuests.workloads.length).toBeGreaterThan(0);
      for (const w of noGuests.workloads) {
        expect(w.status).toBe("absent");
        expect(w.reason).toMatch(/^Debian riscv64 packages? \S+ not in \S+ \(run: .*fetch\)$/);
      }
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
