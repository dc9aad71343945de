import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findRepoRoot } from "../src/context.js";
import { createTcgEntry, KERNELS } from "../src/entries/tcg.js";
import { runEntry } from "../src/runner.js";

const TINY: Record<string, number> = { "int-xorshift": 1000, "mem-copy-sum": 2, "branchy-collatz": 50, "calls-fib": 10, "fp-fmadd": 1000 };

describe("the tcg entry", () => {
  it("knows each kernel's result and instruction count at tiny sizes", () => {
    expect(KERNELS.map((k) => k.name)).toEqual(Object.keys(TINY));
    expect(KERNELS.find((k) => k.name === "calls-fib")!.at(10).expected).toBe(55n);
    expect(KERNELS.find((k) => k.name === "branchy-collatz")!.at(3).expected).toBe(0n + 1n + 7n);
    expect(KERNELS.find((k) => k.name === "int-xorshift")!.at(1000).insns).toBe(9003);
  });

  it("runs every kernel with tiny parameters and checks its result, or says why it cannot", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "bench-cache-"));
    const ctx = { repoRoot: findRepoRoot(), cacheDir, sysroot: join(cacheDir, "sysroot") };
    const entry = createTcgEntry({ size: (k) => TINY[k.name]! });
    const r = await runEntry(entry, ctx, { runs: 1, warmup: 0 });
    if (r.status === "absent") {
      expect(r.reason).toMatch(/@wasmu\/tcg/);
      return;
    }
    // A wrong kernel result fails its workload: the reasons say which.
    expect(r.workloads.filter((w) => w.status === "failed").map((w) => `${w.name}: ${w.reason ?? ""}`)).toEqual([]);
    for (const k of KERNELS) {
      const w = r.workloads.find((x) => x.name === k.name)!;
      expect(w.status).toBe("ok");
      const side = w.sides[0]!;
      expect(side.samples[0]!.units! % k.at(TINY[k.name]!).insns).toBe(0);
      const figures = new Map(side.figures!.map((f) => [f.name, f.value]));
      expect(figures.get("TBs translated")).toBeGreaterThan(0);
      expect(figures.get("wasm bytes per guest insn")).toBeGreaterThan(0);
      const q = r.workloads.find((x) => x.name === `${k.name}-vs-qemu`)!;
      expect(["ok", "absent"]).toContain(q.status);
      if (q.status === "absent") expect(q.reason).toMatch(/qemu-riscv64-static/);
    }
  }, 120_000);
});
