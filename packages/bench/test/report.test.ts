import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderMarkdown, writeReport } from "../src/report/markdown.js";
import { lineChart, ratioBarChart, xmlEscape } from "../src/report/svg.js";
import { renderResultsTable } from "../src/report/table.js";
import type { BenchResults } from "../src/results.js";
import { sampleResults } from "./sample-results.js";
import { allElements, parseXml } from "./xml.js";

describe("the JSON file", () => {
  it("holds every sample, the machine, the guests and the comparators", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
    writeReport(dir, sampleResults());
    const json = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as BenchResults;
    expect(json.schema).toBe("wasmu-bench/1");
    expect(Object.keys(json.machine).sort()).toEqual(["commit", "cores", "cpuModel", "dirty", "loadAverage", "memoryBytes", "node", "os", "v8"]);
    expect(json.guests.packages[0]).toMatchObject({ name: "busybox-static", version: "1:1.37.0-6" });
    const compare = json.entries[0]!.workloads[1]!;
    expect(compare.sides.map((s) => s.samples.length)).toEqual([3, 3]);
    expect(compare.sides[0]!.samples[0]).toEqual({ wallMs: 100, cpuMs: 90, rssBytes: 30 << 20, units: null });
    expect(compare.ratio!.pairs).toEqual([2, 2.18, 2.5]);
    expect(json.entries[0]!.workloads[2]!.curve!.points).toHaveLength(3);
    expect(json.entries[1]).toMatchObject({ status: "absent", reason: expect.stringContaining("vmlinuz") as unknown });
    expect(json).toEqual(sampleResults());
  });
});

describe("the Markdown report", () => {
  const { markdown, charts } = renderMarkdown(sampleResults());
  it("describes the machine and the method", () => {
    expect(markdown).toContain("# wasmu benchmarks");
    expect(markdown).toContain("Test CPU <fast> & cheap");
    expect(markdown).toContain("0123456789ab (with uncommitted changes)");
    expect(markdown).toContain("median of the pairwise ratios");
  });
  it("has a table per workload, the ratio, and the geometric mean", () => {
    expect(markdown).toContain("| vs-qemu | wasmu / qemu | **2.18×** (2.00–2.50) |");
    expect(markdown).toContain("| vs-qemu | wasmu / qemu (CPU) | **3.00×** (3.00–3.00) |");
    expect(markdown).toContain("| vs-qemu | qemu | 110 ms (100 ms–120 ms) | 99.0 ms | 30.0 MiB | 3 | `qemu --flag` |");
    expect(markdown).toContain("| wasmu/qemu | 1 | 2.18× |");
    expect(markdown).toContain("50.0 Minsn/s");
  });
  it("reports absent and failed things with their reasons", () => {
    expect(markdown).toContain("**Absent:** vmlinuz not found (run: wasmu-bench fetch)");
    expect(markdown).toContain("- broken: **failed**: exit status 3");
    expect(markdown).toContain("absent (apt-get install qemu-system-misc)");
  });
  it("lists the guest packages with their versions", () => {
    expect(markdown).toContain("| busybox-static | 1:1.37.0-6 | riscv64 |");
  });
  it("links one bar chart per comparison and one line chart per curve, and shows the ASCII chart", () => {
    expect(charts.map((c) => c.file)).toEqual(["ratios-wasmu-qemu.svg", "demo-boot.svg", "demo-throughput-insn.svg"]);
    for (const c of charts) expect(markdown).toContain(`](${c.file})`);
    expect(markdown).toContain("tb-lock=on ***A***");
  });
  it("writes the report and its charts to the folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
    const written = writeReport(join(dir, "nested", "out"), sampleResults());
    expect(written).toHaveLength(5);
    expect(readdirSync(join(dir, "nested", "out")).sort()).toEqual(["demo-boot.svg", "demo-throughput-insn.svg", "ratios-wasmu-qemu.svg", "report.md", "results.json"]);
  });
});

describe("the terminal table", () => {
  it("shows sides, ratios, absent entries with reasons and the geometric mean", () => {
    const t = renderResultsTable(sampleResults());
    expect(t).toMatch(/demo\/vs-qemu\s+ratio wasmu\/qemu\s+2\.18×\s+2\.00–2\.50/);
    expect(t).toMatch(/demo\/vs-qemu\s+CPU ratio wasmu\/qemu\s+3\.00×/);
    expect(t).toMatch(/demo\/boot\s+tb-lock=off@4/);
    expect(t).toContain("linux-boot: absent: vmlinuz not found");
    expect(t).toContain("demo/broken: failed: exit status 3");
    expect(t).toContain("geometric mean of wasmu/qemu over 1 workload(s): 2.18×");
    expect(t).toContain("comparator absent: qemu-system-riscv64");
  });
});

describe("the SVG charts", () => {
  it("bars: well-formed, one bar per ratio, labels escaped", () => {
    const svg = ratioBarChart("a <b> & c", [
      { label: "x<y", median: 2, min: 1.5, max: 3 },
      { label: "z", median: 0.5, min: 0.4, max: 0.6 },
    ]);
    const root = parseXml(svg);
    expect(root.name).toBe("svg");
    expect(root.attributes.xmlns).toBe("http://www.w3.org/2000/svg");
    const els = allElements(root);
    expect(els.filter((e) => e.name === "rect")).toHaveLength(3); // background + 2 bars
    expect(els.find((e) => e.name === "title")!.text).toBe(xmlEscape("a <b> & c"));
    expect(els.some((e) => e.name === "text" && e.text === "x&lt;y")).toBe(true);
  });
  it("lines: well-formed, one polyline per series with a point per x", () => {
    const svg = lineChart(
      "boot",
      [
        { label: "on", points: [{ x: 1, y: 2 }, { x: 2, y: 3, min: 2.5, max: 3.5 }, { x: 4, y: 5 }] },
        { label: "off", points: [{ x: 1, y: 1.5 }, { x: 2, y: 1.7 }, { x: 4, y: 2 }] },
      ],
      "Guest CPUs",
      "seconds",
    );
    const els = allElements(parseXml(svg));
    const lines = els.filter((e) => e.name === "polyline");
    expect(lines).toHaveLength(2);
    expect(lines[0]!.attributes.points!.split(" ")).toHaveLength(3);
    expect(els.filter((e) => e.name === "circle")).toHaveLength(6);
    for (const e of els) for (const v of Object.values(e.attributes)) expect(v).not.toMatch(/NaN|Infinity|undefined/);
  });
  it("the report's charts parse", () => {
    for (const c of renderMarkdown(sampleResults()).charts) expect(() => parseXml(c.svg)).not.toThrow();
  });
  it("the checker itself rejects broken XML", () => {
    expect(() => parseXml("<svg><g></svg>")).toThrow();
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow();
    expect(() => parseXml("<svg>a & b</svg>")).toThrow();
    expect(() => parseXml("<svg/><svg/>")).toThrow();
  });
});

describe("a function side's figures", () => {
  it("are printed under its row, in the table and in the Markdown report", () => {
    const r = sampleResults();
    const e = r.entries[0]!;
    const w = e.workloads.find((x) => x.sides[0]?.kind === "function")!;
    const side = { ...w.sides[0]!, figures: [{ name: "translate per TB", value: 41.234, unit: "µs" }, { name: "TBs translated", value: 12, unit: "" }] };
    const withFigures = { ...r, entries: [{ ...e, workloads: e.workloads.map((x) => (x === w ? { ...w, sides: [side] } : x)) }, ...r.entries.slice(1)] };
    const t = renderResultsTable(withFigures);
    expect(t).toMatch(new RegExp(`${e.name}/${w.name}\\s+translate per TB\\s+41\\.2 µs`));
    expect(t).toMatch(/TBs translated\s+12\b/);
    expect(renderMarkdown(withFigures).markdown).toContain(`| ${w.name} | ${side.label}: translate per TB | 41.2 µs |`);
  });
});
