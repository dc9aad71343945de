import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBench } from "../src/cli.js";
import type { BenchContext, BenchEntry } from "../src/entry.js";
import { ENTRIES } from "../src/entries/index.js";
import { guestPackagesOf } from "../src/guests/fetch.js";
import { readGuestPackages } from "../src/guests/manifest.js";
import { checkRequirement, findOnPath } from "../src/requirements.js";
import type { BenchResults } from "../src/results.js";
import { runEntry } from "../src/runner.js";

function context(): BenchContext {
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-cache-"));
  return { repoRoot: "/nonexistent", cacheDir, sysroot: join(cacheDir, "sysroot") };
}

function capture(): { write(s: string): boolean; text: string; isTTY: false } {
  return {
    text: "",
    isTTY: false,
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

const tiny = (name: string, extra: Partial<BenchEntry> = {}): BenchEntry => ({
  name,
  description: `entry ${name}`,
  requires: [],
  workloads: () => [{ kind: "single", name: "one", description: "a function", target: { kind: "function", label: "f", unit: "op", minSampleMs: 1, run: () => 1 } }],
  ...extra,
});

describe("the registry", () => {
  it("has uniquely named entries, smoke among them", () => {
    const names = ENTRIES.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("smoke");
  });

  it("reports an entry whose requirement is absent, with the reason, instead of dropping it", async () => {
    const entry = tiny("needs-qemu", { requires: [{ kind: "command", command: "no-such-program-xyz", install: "apt-get install xyz" }] });
    const r = await runEntry(entry, context(), { runs: 1, warmup: 0 });
    expect(r).toMatchObject({ name: "needs-qemu", status: "absent", workloads: [] });
    expect(r.reason).toBe("no-such-program-xyz not found on PATH (apt-get install xyz)");
  });

  it("reports an absent workload and a failing one, and still runs the others", async () => {
    const entry = tiny("mixed", {
      workloads: () => [
        { kind: "single", name: "absent", description: "", requires: [{ kind: "guest-packages", packages: ["lua5.4"] }], target: { kind: "command", label: "x", argv: ["true"] } },
        { kind: "single", name: "fails", description: "", target: { kind: "command", label: "x", argv: ["sh", "-c", "echo oops >&2; exit 4"] } },
        { kind: "single", name: "wrong-output", description: "", target: { kind: "command", label: "x", argv: ["echo", "no"], expectStdout: "yes" } },
        { kind: "single", name: "fine", description: "", target: { kind: "command", label: "x", argv: ["true"] } },
      ],
    });
    const r = await runEntry(entry, context(), { runs: 2, warmup: 1 });
    expect(r.status).toBe("failed");
    expect(r.workloads.map((w) => w.status)).toEqual(["absent", "failed", "failed", "ok"]);
    expect(r.workloads[0]!.reason).toMatch(/lua5\.4 not in .* \(run: wasmu-bench fetch\)/);
    expect(r.workloads[1]!.reason).toBe("sh -c echo oops >&2; exit 4: exit status 4: oops");
    expect(r.workloads[2]!.reason).toContain('output lacks "yes"');
    expect(r.workloads[3]!.sides[0]!.samples).toHaveLength(2);
    expect(r.workloads[3]!.sides[0]!.warmup).toHaveLength(1);
  });

  it("runs the sides of a comparison in alternation", async () => {
    const order: string[] = [];
    const fn = (label: string) => ({ kind: "function" as const, label, unit: "op", minSampleMs: 0, run: () => (order.push(label), 1) });
    const entry = tiny("alt", { workloads: () => [{ kind: "compare", name: "ab", description: "", comparison: "b/a", baseline: fn("a"), candidate: fn("b") }] });
    const r = await runEntry(entry, context(), { runs: 3, warmup: 1 });
    // Three calibration calls each (a cold one, then two samples), then warm-up and measured rounds alternate.
    expect(order.join("")).toBe("aaabbb" + "abababab");
    expect(r.workloads[0]!.ratio!.pairs).toHaveLength(3);
  });
});

describe("run counts", () => {
  it("come from the command line, else the workload, else 5 and 1", async () => {
    const w = (runs?: number, warmup?: number): BenchEntry =>
      tiny("counts", {
        workloads: () => [
          { kind: "single", name: "one", description: "", ...(runs ? { runs } : {}), ...(warmup !== undefined ? { warmup } : {}), target: { kind: "function", label: "f", unit: "op", minSampleMs: 0, run: () => 1 } },
        ],
      });
    const counts = async (entry: BenchEntry, opts: { runs?: number; warmup?: number }): Promise<[number, number]> => {
      const side = (await runEntry(entry, context(), opts)).workloads[0]!.sides[0]!;
      return [side.samples.length, side.warmup.length];
    };
    expect(await counts(w(), {})).toEqual([5, 1]);
    expect(await counts(w(2, 0), {})).toEqual([2, 0]);
    expect(await counts(w(2, 0), { runs: 3, warmup: 2 })).toEqual([3, 2]);
  });
});

describe("ratios", () => {
  it("are taken of wall time and of CPU time, pair by pair", async () => {
    const burn = (label: string, ms: number) => ({
      kind: "function" as const,
      label,
      unit: "op",
      minSampleMs: 0,
      run: () => {
        const t = process.hrtime.bigint();
        while (Number(process.hrtime.bigint() - t) < ms * 1e6);
        return 1;
      },
    });
    const entry = tiny("ratios", { workloads: () => [{ kind: "compare", name: "ab", description: "", comparison: "b/a", baseline: burn("a", 5), candidate: burn("b", 10) }] });
    const w = (await runEntry(entry, context(), { runs: 3, warmup: 0 })).workloads[0]!;
    const a = w.sides[0]!.samples;
    const b = w.sides[1]!.samples;
    expect(w.ratio!.pairs).toEqual(a.map((s, i) => b[i]!.wallMs / s.wallMs));
    expect(w.cpuRatio!.pairs).toEqual(a.map((s, i) => b[i]!.cpuMs! / s.cpuMs!));
    expect(w.cpuRatio!.summary.n).toBe(3);
  });
});

describe("curves with a mode that cannot run", () => {
  it("measure the other modes and report it, with why, in the table and under the chart (system-boot's wasmu modes before the CPU lands)", async () => {
    const cmd = (label: string) => ({ kind: "command" as const, label, argv: ["true"] });
    const entry = tiny("curves", {
      workloads: () => [{
        kind: "curve", name: "boot", description: "d", xLabel: "Guest CPUs", xs: [1, 2],
        modes: [{ label: "qemu", target: () => cmd("qemu") }, { label: "wasmu", target: () => cmd("wasmu"), unavailable: "cannot boot yet: no CPU" }],
      }],
    });
    const w = (await runEntry(entry, context(), { runs: 1, warmup: 0 })).workloads[0]!;
    expect(w.status).toBe("ok");
    expect(w.curve!.modes).toEqual(["qemu"]);
    expect(w.curve!.points.map((p) => p.sides.map((s) => s.label))).toEqual([["qemu@1"], ["qemu@2"]]);
    expect(w.curve!.unavailable).toEqual([{ mode: "wasmu", reason: "cannot boot yet: no CPU" }]);
    const { renderResultsTable } = await import("../src/report/table.js");
    const { asciiCurve } = await import("../src/report/markdown.js");
    const table = renderResultsTable({ entries: [{ name: "curves", description: "", requires: [], status: "ok", workloads: [w] }], summary: [], comparators: [] } as unknown as BenchResults);
    expect(table).toMatch(/curves\/boot +wasmu +not run/);
    expect(table).toContain("curves/boot wasmu: cannot boot yet: no CPU");
    expect(asciiCurve("curves", w)).toContain("not drawn: wasmu: cannot boot yet: no CPU");
  });
});

describe("requirements", () => {
  it("finds programs on PATH", () => {
    expect(findOnPath("sh")).toMatch(/\/sh$/);
    expect(findOnPath("no-such-program-xyz")).toBeNull();
    expect(findOnPath("/bin/sh")).toBe("/bin/sh");
  });
  it("reads the guest cache's package list", async () => {
    const ctx = context();
    writeFileSync(join(ctx.cacheDir, "packages.tsv"), "busybox-static\t1:1.37.0-6\triscv64\tbusybox-static_1.deb\n");
    expect(readGuestPackages(ctx.cacheDir)).toEqual([{ name: "busybox-static", version: "1:1.37.0-6", architecture: "riscv64", file: "busybox-static_1.deb" }]);
    expect(await checkRequirement({ kind: "guest-packages", packages: ["busybox-static"] }, ctx)).toBeNull();
    mkdirSync(join(ctx.sysroot, "usr", "bin"), { recursive: true });
    writeFileSync(join(ctx.sysroot, "usr", "bin", "busybox"), "");
    expect(await checkRequirement({ kind: "file", path: "usr/bin/busybox", hint: "fetch" }, ctx)).toBeNull();
    expect(await checkRequirement({ kind: "file", path: "usr/bin/lua", hint: "fetch it" }, ctx)).toMatch(/usr\/bin\/lua not found \(fetch it\)/);
    expect(await checkRequirement({ kind: "check", what: "thing", check: () => Promise.reject(new Error("boom")) }, ctx)).toBe("thing: boom");
  });
  it("gathers the guest packages the entries need, with the base set", () => {
    const e = tiny("lua", { requires: [{ kind: "guest-packages", packages: ["lua5.4", "libc6"] }] });
    expect(guestPackagesOf([e])).toEqual(["busybox-static", "libc6", "lua5.4"]);
  });
});

describe("the command line", () => {
  it("prints usage, refuses unknown entries and bad counts", async () => {
    const out = capture();
    const err = capture();
    expect(await runBench(["-h"], { stdout: out, stderr: err })).toBe(0);
    expect(out.text).toContain("Usage: wasmu-bench");
    expect(await runBench(["nope"], { stdout: out, stderr: err, entries: [tiny("a")] })).toBe(2);
    expect(err.text).toContain("no entry named nope; entries: a");
    expect(await runBench(["--runs", "0"], { stdout: out, stderr: err })).toBe(2);
    expect(await runBench(["--bogus"], { stdout: out, stderr: err })).toBe(2);
  });
  it("runs one workload of an entry when named ENTRY/WORKLOAD", async () => {
    const two = tiny("two", {
      workloads: () => [
        { kind: "single", name: "x", description: "", target: { kind: "function", label: "f", unit: "op", minSampleMs: 0, run: () => 1 } },
        { kind: "single", name: "y", description: "", target: { kind: "function", label: "f", unit: "op", minSampleMs: 0, run: () => 1 } },
      ],
    });
    const run = async (args: string[]): Promise<[number, BenchResults | null]> => {
      const out = capture();
      const dir = mkdtempSync(join(tmpdir(), "bench-out-"));
      const code = await runBench(["--json", "--runs", "1", "--warmup", "0", "--out", dir, ...args], { stdout: out, stderr: capture(), entries: [two, tiny("a")], context: context() });
      return [code, out.text ? (JSON.parse(out.text) as BenchResults) : null];
    };
    const [code, json] = await run(["two/y"]);
    expect(code).toBe(0);
    expect(json!.entries.map((e) => [e.name, e.workloads.map((w) => w.name)])).toEqual([["two", ["y"]]]);
    const [, both] = await run(["two/y", "two"]);
    expect(both!.entries[0]!.workloads.map((w) => w.name)).toEqual(["x", "y"]);
    const [bad, failed] = await run(["two/z"]);
    expect(bad).toBe(1);
    expect(failed!.entries[0]!.reason).toBe("no workload named z; workloads: x, y");
  });

  it("lists the entries with their availability", async () => {
    const out = capture();
    const entries = [tiny("a"), tiny("b", { requires: [{ kind: "command", command: "no-such-program-xyz" }] })];
    expect(await runBench(["--list"], { stdout: out, stderr: capture(), entries, context: context() })).toBe(0);
    expect(out.text).toContain("a\n  entry a");
    expect(out.text).toContain("b  [absent]");
    expect(out.text).toContain("absent: no-such-program-xyz not found on PATH");
  });
  it("prints JSON on --json, with the table on standard error", async () => {
    const out = capture();
    const err = capture();
    const dir = mkdtempSync(join(tmpdir(), "bench-out-"));
    const code = await runBench(["--json", "--runs", "1", "--warmup", "0", "--out", dir], { stdout: out, stderr: err, entries: [tiny("a")], context: context() });
    expect(code).toBe(0);
    const json = JSON.parse(out.text) as BenchResults;
    expect(json.entries[0]!.workloads[0]!.sides[0]!.samples).toHaveLength(1);
    expect(err.text).toContain("a/one");
  });
});

describe("the qemu-user entry", () => {
  it("is absent, with how to get what it needs, when the guest cache is empty", async () => {
    const { qemuUserEntry } = await import("../src/entries/qemu-user.js");
    const r = await runEntry(qemuUserEntry, context(), { runs: 1, warmup: 0 });
    expect(r.status).toBe("absent");
    expect(r.reason).toMatch(/busybox-static not in .* \(run: wasmu-bench fetch\)/);
  });
});

describe("the context", () => {
  it("takes the guest cache from --cache, $WASMU_CACHE, $WASMU_GUESTS, else the repository's or the user's cache", async () => {
    const { makeContext } = await import("../src/context.js");
    const saved = { c: process.env.WASMU_CACHE, g: process.env.WASMU_GUESTS };
    try {
      delete process.env.WASMU_CACHE;
      delete process.env.WASMU_GUESTS;
      expect(makeContext({ repoRoot: "/r" }).cacheDir).toBe("/r/.cache/guests");
      const savedXdg = process.env.XDG_CACHE_HOME;
      process.env.XDG_CACHE_HOME = "/xdg";
      expect(makeContext({ repoRoot: null }).cacheDir).toBe("/xdg/wasmu/guests");
      if (savedXdg === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = savedXdg;
      process.env.WASMU_GUESTS = "/g";
      expect(makeContext({ repoRoot: "/r" })).toEqual({ repoRoot: "/r", cacheDir: "/g", sysroot: "/g/sysroot" });
      process.env.WASMU_CACHE = "/c";
      expect(makeContext({ repoRoot: "/r" }).cacheDir).toBe("/c");
      expect(makeContext({ repoRoot: "/r", cacheDir: "/x" }).cacheDir).toBe("/x");
    } finally {
      if (saved.c === undefined) delete process.env.WASMU_CACHE;
      else process.env.WASMU_CACHE = saved.c;
      if (saved.g === undefined) delete process.env.WASMU_GUESTS;
      else process.env.WASMU_GUESTS = saved.g;
    }
  });
});

describe("the objdump entry", () => {
  it("is absent, with how to build or install what it needs, without the CLI", async () => {
    const { objdumpEntry } = await import("../src/entries/objdump.js");
    const r = await runEntry(objdumpEntry, { ...context(), cliMain: "/nonexistent/dist/main.js" }, { runs: 1, warmup: 0 });
    expect(r.status).toBe("absent");
    expect(r.reason).toMatch(/pnpm --filter @wasmu\/cli build|apt-get install binutils-riscv64-linux-gnu/);
  });
});

describe("finding the repository and the CLI", () => {
  it("finds the checkout from its sources, and none from a node_modules path", async () => {
    const { findRepoRoot } = await import("../src/context.js");
    const root = findRepoRoot();
    expect(root).not.toBeNull();
    expect(existsSync(join(root!, "pnpm-workspace.yaml"))).toBe(true);
    expect(findRepoRoot(join(root!, "node_modules", "@wasmu", "bench", "dist"))).toBeNull();
  });

  it("runs the wasmu CLI of its @wasmu/cli dependency (the dist/main.js its bin.wasmu runs), not a repository path", async () => {
    const { cliMainPath, cliPackageDir } = await import("../src/context.js");
    const pkg = JSON.parse(readFileSync(join(cliPackageDir(), "package.json"), "utf8")) as { name: string; bin: { wasmu: string } };
    expect(pkg.name).toBe("@wasmu/cli");
    expect(cliMainPath()).toBe(join(cliPackageDir(), "dist", "main.js"));
    expect(readFileSync(join(cliPackageDir(), pkg.bin.wasmu), "utf8")).toContain("/../dist/main.js");
  });
});
