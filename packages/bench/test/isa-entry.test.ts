import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findRepoRoot } from "../src/context.js";
import { isaEntry } from "../src/entries/isa.js";
import { runEntry } from "../src/runner.js";

describe("the isa entry", () => {
  it("measures the bundled fixture, or says why it cannot", async () => {
    // An empty guest cache: only the repository's fixture can be measured.
    const cacheDir = mkdtempSync(join(tmpdir(), "bench-cache-"));
    const ctx = { repoRoot: findRepoRoot(), cacheDir, sysroot: join(cacheDir, "sysroot") };
    const r = await runEntry(isaEntry, ctx, { runs: 1, warmup: 0 });
    if (r.status === "absent") {
      expect(r.reason).toMatch(/@wasmu\/isa/);
      return;
    }
    // The failed workloads with their reasons, so that a failure says what went wrong.
    expect(r.workloads.filter((w) => w.status === "failed").map((w) => `${w.name}: ${w.reason ?? ""}`)).toEqual([]);
    expect(r.status).toBe("ok");
    const byName = new Map(r.workloads.map((w) => [w.name, w]));
    expect(byName.get("decode-busybox")).toMatchObject({ status: "absent", reason: expect.stringContaining("wasmu-bench fetch") as unknown });
    for (const name of ["decode-hello", "disasm-hello"]) {
      const w = byName.get(name)!;
      if (w.status === "absent") continue; // the CLI's fixture is not there yet
      expect(w.status).toBe("ok");
      expect(w.sides[0]!.samples[0]!.units).toBeGreaterThan(0);
      expect(w.sides[0]!.throughput!.median).toBeGreaterThan(0);
    }
  });
});
