// The report folder: results.json (every sample), report.md and its SVG charts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchResults, EntryResult, SideResult, WorkloadResult } from "../results.js";
import { DEFAULT_RUNS, DEFAULT_WARMUP } from "../runner.js";
import { asciiPlot, type PlotSeries } from "./ascii-plot.js";
import { formatBytes, formatCpu, formatFigure, formatMs, formatRate, formatRatio, sig3 } from "./format.js";
import { barChart, lineChart, ratioBarChart, type Bar, type LineSeries } from "./svg.js";

/** A file name made of letters, digits, dots and dashes. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9.]+/g, "-").replace(/^-+|-+$/g, "") || "chart";
}

/** The curves of a curve workload in seconds or milliseconds (whichever reads better). */
export function curveSeries(w: WorkloadResult): { unit: "s" | "ms"; series: LineSeries[] } {
  const points = w.curve?.points ?? [];
  const maxMs = Math.max(0, ...points.flatMap((p) => p.sides.map((s) => s.wall.max)));
  const unit = maxMs >= 1000 ? "s" : "ms";
  const k = unit === "s" ? 1 / 1000 : 1;
  const series = (w.curve?.modes ?? []).map((label, i) => ({
    label,
    points: points.flatMap((p) => {
      const s = p.sides[i];
      return s ? [{ x: p.x, y: s.wall.median * k, min: s.wall.min * k, max: s.wall.max * k }] : [];
    }),
  }));
  return { unit, series };
}

/** The seed-style ASCII chart of a curve workload. */
export function asciiCurve(entry: string, w: WorkloadResult): string {
  const { unit, series } = curveSeries(w);
  const plot: PlotSeries[] = series.map((s) => ({ label: s.label, points: s.points.map((p) => ({ x: p.x, y: p.y })) }));
  const chart = asciiPlot(plot, { title: `${entry}/${w.name}: ${w.description}`, yLabel: unit === "s" ? "seconds" : "milliseconds", xLabel: w.curve?.xLabel ?? "x" });
  // The modes that did not run are named under the chart, with why.
  const missing = (w.curve?.unavailable ?? []).map((u) => `  not drawn: ${u.mode}: ${u.reason}`);
  return missing.length > 0 ? `${chart}\n${missing.join("\n")}` : chart;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
}

function sideCells(workload: string, s: SideResult): string[] {
  const main =
    s.throughput !== null
      ? `${formatRate(s.throughput.median, s.unit ?? "op")} (${formatRate(s.throughput.min, s.unit ?? "op")}–${formatRate(s.throughput.max, s.unit ?? "op")})`
      : `${formatMs(s.wall.median)} (${formatMs(s.wall.min)}–${formatMs(s.wall.max)})`;
  return [
    workload,
    s.label,
    main,
    s.cpu ? formatCpu(s.cpu.median, s.kind) : "–",
    s.rss ? formatBytes(s.rss.median) : "–",
    String(s.wall.n),
    s.command ? `\`${s.command.map((a) => a.replace(/\s+/g, " ").trim()).map((a) => (a.length > 60 ? `${a.slice(0, 57)}…` : a)).join(" ")}\`` : `in-process (${s.unit ?? ""})`,
  ];
}

function figureCells(workload: string, s: SideResult): string[][] {
  return (s.figures ?? []).map((f) => [workload, `${s.label}: ${f.name}`, formatFigure(f), "", "", "", "figure read after the runs"]);
}

function ratioCells(workload: string, label: string, r: { median: number; min: number; max: number; n: number }): string[] {
  return [workload, label, `**${formatRatio(r.median)}** (${sig3(r.min)}–${sig3(r.max)})`, "", "", String(r.n), "median of pairwise ratios"];
}

interface Chart {
  readonly file: string;
  readonly svg: string;
}

/** Bar charts of the throughput of an entry's in-process functions, one per unit; returns the Markdown links. */
function throughputCharts(e: EntryResult, charts: Chart[]): string[] {
  const byUnit = new Map<string, Bar[]>();
  for (const w of e.workloads)
    for (const s of w.status === "ok" ? w.sides : []) {
      if (s.throughput === null) continue;
      const unit = s.unit ?? "op";
      const t = s.throughput;
      const label = w.sides.length > 1 ? `${w.name} ${s.label}` : w.name;
      byUnit.set(unit, [...(byUnit.get(unit) ?? []), { label, median: t.median / 1e6, min: t.min / 1e6, max: t.max / 1e6 }]);
    }
  const out: string[] = [];
  for (const [unit, bars] of byUnit) {
    const file = `${slug(e.name)}-throughput-${slug(unit)}.svg`;
    const xLabel = `million ${unit} per second (median, min–max)`;
    charts.push({ file, svg: barChart(`${e.name}: throughput (M${unit}/s)`, bars, { xLabel, format: (v) => `${sig3(v)} M` }) });
    out.push(`![${e.name} throughput](${file})`, "");
  }
  return out;
}

/** One entry: what it is, one table of all its workloads, the reasons of the absent and failed ones, the curves. */
function entrySection(e: EntryResult, charts: Chart[]): string[] {
  const out = [`### ${e.name}`, "", e.description, ""];
  if (e.requires.length > 0) out.push(`Needs: ${e.requires.join("; ")}.`, "");
  if (e.status === "absent") return [...out, `**Absent:** ${e.reason ?? ""}`, ""];
  if (e.status === "failed" && e.workloads.length === 0) return [...out, `**Failed:** ${e.reason ?? ""}`, ""];
  const rows: string[][] = [];
  const notes: string[] = [];
  const curves: string[] = [];
  for (const w of e.workloads) {
    if (w.status !== "ok") {
      rows.push([w.name, "", w.status, "", "", "", w.description]);
      notes.push(`- ${w.name}: **${w.status === "absent" ? "absent" : "failed"}**: ${w.reason ?? ""}`);
      continue;
    }
    rows.push(...w.sides.flatMap((s) => [sideCells(w.name, s), ...figureCells(w.name, s)]));
    if (w.ratio) rows.push(ratioCells(w.name, `${w.ratio.candidate} / ${w.ratio.baseline}`, w.ratio.summary));
    if (w.cpuRatio) rows.push(ratioCells(w.name, `${w.cpuRatio.candidate} / ${w.cpuRatio.baseline} (CPU)`, w.cpuRatio.summary));
    for (const p of w.curve?.points ?? []) {
      rows.push(...p.sides.map((s) => sideCells(w.name, s)));
      for (const r of p.ratios) rows.push(ratioCells(w.name, `${r.candidate} / ${r.baseline}`, r.summary));
    }
    for (const u of w.curve?.unavailable ?? []) {
      rows.push([w.name, u.mode, "not run", "", "", "", ""]);
      notes.push(`- ${w.name} ${u.mode}: **not run**: ${u.reason}`);
    }
    if (w.curve) {
      const { unit, series } = curveSeries(w);
      const file = `${slug(e.name)}-${slug(w.name)}.svg`;
      charts.push({ file, svg: lineChart(`${e.name}/${w.name}`, series, w.curve.xLabel, unit === "s" ? "seconds" : "milliseconds") });
      curves.push(`#### ${e.name}/${w.name}`, "", w.description, "", `![${e.name}/${w.name}](${file})`, "", "```", asciiCurve(e.name, w), "```", "");
    }
  }
  out.push(...mdTable(["workload", "side", "median (min–max)", "CPU", "peak RSS", "n", "what"], rows), "");
  out.push(...throughputCharts(e, charts));
  if (notes.length > 0) out.push(...notes, "");
  const described = e.workloads.filter((w) => w.status === "ok" && !w.curve);
  if (described.length > 0) out.push(...described.map((w) => `- ${w.name}: ${w.description}`), "");
  return [...out, ...curves];
}

/** The Markdown report and the SVG charts it links to. */
export function renderMarkdown(results: BenchResults): { markdown: string; charts: Chart[] } {
  const charts: Chart[] = [];
  const m = results.machine;
  const out: string[] = [
    "# wasmu benchmarks",
    "",
    `Produced by \`${results.command}\`, ${results.startedAt} to ${results.finishedAt}.`,
    `Each side: ${results.options.warmup ?? `${DEFAULT_WARMUP} (or the workload's own number of)`} warm-up run(s) thrown away, then ${results.options.runs ?? `${DEFAULT_RUNS} (or the workload's own number of)`} measured run(s): n in the tables.`,
    "Figures are medians with (min–max). Comparisons run their sides in alternation (A B A B …);",
    "a ratio is the median of the pairwise ratios candidate/baseline of time per unit (> 1× means the candidate is slower),",
    "and the geometric mean summarises a comparison across workloads.",
    "CPU is user + system time of the whole process tree; peak RSS is the tree's peak resident memory (see packages/bench/README.md).",
    "",
    "## Machine",
    "",
    ...mdTable(
      ["CPU", "cores", "memory", "OS", "load (1, 5, 15 min)", "Node", "V8", "wasmu commit"],
      [[m.cpuModel, String(m.cores), formatBytes(m.memoryBytes), m.os, m.loadAverage.join(", "), m.node, m.v8, m.commit === null ? "unknown" : `${m.commit.slice(0, 12)}${m.dirty ? " (with uncommitted changes)" : ""}`]],
    ),
    "",
  ];
  if (results.summary.length > 0) {
    out.push("## Comparisons", "", ...mdTable(["comparison", "workloads", "geometric mean of ratios"], results.summary.map((s) => [s.comparison, String(s.workloads.length), formatRatio(s.geomean)])), "");
    for (const s of results.summary) {
      const bars = results.entries.flatMap((e) =>
        e.workloads.flatMap((w) =>
          w.comparison === s.comparison && w.ratio ? [{ label: `${e.name}/${w.name}`, ...w.ratio.summary }] : [],
        ),
      );
      const file = `ratios-${slug(s.comparison)}.svg`;
      charts.push({ file, svg: ratioBarChart(`${s.comparison} (geometric mean ${formatRatio(s.geomean)})`, bars, `${s.comparison}, × (median of pairwise ratios)`) });
      out.push(`![${s.comparison}](${file})`, "");
    }
  }
  out.push("## Entries", "");
  for (const e of results.entries) out.push(...entrySection(e, charts));
  out.push(
    "## Comparators",
    "",
    ...mdTable(
      ["program", "role", "found", "version"],
      results.comparators.map((c) => [c.name, c.role, c.path ?? `absent${c.install ? ` (${c.install})` : ""}`, c.version ?? ""]),
    ),
    "",
    "## Guest packages",
    "",
  );
  if (results.guests.packages.length === 0) out.push(`None fetched in ${results.guests.cacheDir} (run \`wasmu-bench fetch\`).`, "");
  else out.push(`Debian sid riscv64, from ${results.guests.cacheDir}:`, "", ...mdTable(["package", "version", "architecture"], results.guests.packages.map((p) => [p.name, p.version, p.architecture])), "");
  return { markdown: out.join("\n"), charts };
}

/** Writes results.json, report.md and the charts into `dir` (created if needed); returns the paths written. */
export function writeReport(dir: string, results: BenchResults): string[] {
  mkdirSync(dir, { recursive: true });
  const { markdown, charts } = renderMarkdown(results);
  const written = [join(dir, "results.json"), join(dir, "report.md")];
  writeFileSync(written[0]!, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(written[1]!, markdown);
  for (const c of charts) {
    const p = join(dir, c.file);
    writeFileSync(p, c.svg);
    written.push(p);
  }
  return written;
}
