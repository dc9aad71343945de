// Hand-made results for the report tests: one entry of each kind of workload, one
// absent entry and one failed workload.
import type { BenchResults, SideResult } from "../src/results.js";
import { summarize } from "../src/stats.js";

function side(label: string, wall: number[], extra: Partial<SideResult> = {}): SideResult {
  const samples = wall.map((w) => ({ wallMs: w, cpuMs: w * 0.9, rssBytes: 30 << 20, units: null }));
  return {
    label,
    kind: "command",
    command: [label, "--flag"],
    warmup: [samples[0]!],
    samples,
    wall: summarize(wall),
    cpu: summarize(wall.map((w) => w * 0.9)),
    rss: summarize(samples.map(() => 30 << 20)),
    throughput: null,
    ...extra,
  };
}

export function sampleResults(): BenchResults {
  const micro: SideResult = {
    label: "decode",
    kind: "function",
    unit: "insn",
    warmup: [],
    samples: [{ wallMs: 100, cpuMs: 100, rssBytes: 1 << 26, units: 5_000_000 }],
    wall: summarize([100]),
    cpu: summarize([100]),
    rss: summarize([1 << 26]),
    throughput: summarize([50_000_000]),
  };
  return {
    schema: "wasmu-bench/1",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:01:00.000Z",
    command: "wasmu-bench --runs 3",
    options: { runs: 3, warmup: 1 },
    machine: {
      cpuModel: "Test CPU <fast> & cheap",
      cores: 2,
      memoryBytes: 8 * 2 ** 30,
      os: "Linux 6.1",
      loadAverage: [0.5, 0.25, 0.1],
      node: "v20.0.0",
      v8: "11.3",
      commit: "0123456789abcdef0123456789abcdef01234567",
      dirty: true,
    },
    guests: { cacheDir: "/cache", packages: [{ name: "busybox-static", version: "1:1.37.0-6", architecture: "riscv64", file: "b.deb" }] },
    comparators: [
      { name: "qemu-riscv64-static", role: "user-mode baseline", path: "/usr/bin/qemu-riscv64-static", version: "qemu-riscv64 version 7.2.0" },
      { name: "qemu-system-riscv64", role: "system-mode baseline", path: null, version: null, install: "apt-get install qemu-system-misc" },
    ],
    entries: [
      {
        name: "demo",
        description: "A demo entry.",
        requires: ["qemu-riscv64-static on PATH"],
        status: "failed",
        reason: "1 workload(s) failed",
        workloads: [
          { name: "micro", description: "in-process", kind: "single", status: "ok", sides: [micro] },
          {
            name: "vs-qemu",
            description: "wasmu against QEMU",
            kind: "compare",
            status: "ok",
            sides: [side("qemu", [100, 110, 120]), side("wasmu", [200, 240, 300])],
            comparison: "wasmu/qemu",
            ratio: { baseline: "qemu", candidate: "wasmu", pairs: [2, 2.18, 2.5], summary: summarize([2, 2.18, 2.5]) },
            cpuRatio: { baseline: "qemu", candidate: "wasmu", pairs: [3, 3, 3], summary: summarize([3, 3, 3]) },
          },
          {
            name: "boot",
            description: "boot time against guest CPUs",
            kind: "curve",
            status: "ok",
            sides: [],
            curve: {
              xLabel: "Guest CPUs",
              modes: ["tb-lock=on", "tb-lock=off"],
              points: [1, 2, 4].map((x) => ({
                x,
                sides: [side(`tb-lock=on@${x}`, [1000 * x, 1100 * x]), side(`tb-lock=off@${x}`, [900 + 100 * x, 950 + 100 * x])],
                ratios: [{ baseline: `tb-lock=on@${x}`, candidate: `tb-lock=off@${x}`, pairs: [0.9, 0.95], summary: summarize([0.9, 0.95]) }],
              })),
            },
          },
          { name: "broken", description: "fails", kind: "single", status: "failed", reason: "exit status 3", sides: [] },
        ],
      },
      { name: "linux-boot", description: "Boots Linux.", requires: ["a kernel"], status: "absent", reason: "vmlinuz not found (run: wasmu-bench fetch)", workloads: [] },
    ],
    summary: [{ comparison: "wasmu/qemu", workloads: ["demo/vs-qemu"], geomean: 2.18 }],
  };
}
