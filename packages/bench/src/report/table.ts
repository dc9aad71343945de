// The terminal table of a bench run.
import type { BenchResults, EntryResult, SideResult, WorkloadResult } from "../results.js";
import { formatBytes, formatCpu, formatFigure, formatMs, formatRate, formatRatio, sig3 } from "./format.js";

/** Renders rows as an aligned text table; `right[i]` right-aligns column i. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), width.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const HEADER = ["benchmark", "side", "median", "min–max", "CPU", "peak RSS", "n"];
const RIGHT = [false, false, true, true, true, true, true];

function sideRow(name: string, s: SideResult): string[] {
  const main =
    s.throughput !== null
      ? [formatRate(s.throughput.median, s.unit ?? "op"), `${formatRate(s.throughput.min, "")}–${formatRate(s.throughput.max, "")}`.replace(/\/s/g, "")]
      : [formatMs(s.wall.median), `${formatMs(s.wall.min)}–${formatMs(s.wall.max)}`];
  return [
    name,
    s.label,
    ...main,
    s.cpu ? formatCpu(s.cpu.median, s.kind) : "–",
    s.rss ? formatBytes(s.rss.median) : "–",
    String(s.wall.n),
  ];
}

/** The side's own figures, one row each, under its row. */
function figureRows(name: string, s: SideResult): string[][] {
  return (s.figures ?? []).map((f) => [name, `  ${f.name}`, formatFigure(f), "", "", "", ""]);
}

function ratioRow(name: string, label: string, r: { median: number; min: number; max: number; n: number }): string[] {
  return [name, label, formatRatio(r.median), `${sig3(r.min)}–${sig3(r.max)}`, "", "", String(r.n)];
}

function workloadRows(e: EntryResult, w: WorkloadResult): string[][] {
  const name = `${e.name}/${w.name}`;
  if (w.status !== "ok") return [[name, w.status, "", "", "", "", ""]];
  const rows = w.sides.flatMap((s) => [sideRow(name, s), ...figureRows(name, s)]);
  if (w.ratio) rows.push(ratioRow(name, `ratio ${w.ratio.candidate}/${w.ratio.baseline}`, w.ratio.summary));
  if (w.cpuRatio) rows.push(ratioRow(name, `CPU ratio ${w.cpuRatio.candidate}/${w.cpuRatio.baseline}`, w.cpuRatio.summary));
  if (w.curve)
    for (const p of w.curve.points) {
      for (const s of p.sides) rows.push(sideRow(name, s));
      for (const r of p.ratios) rows.push(ratioRow(name, `ratio ${r.candidate}/${r.baseline}`, r.summary));
    }
  for (const u of w.curve?.unavailable ?? []) rows.push([name, u.mode, "not run", "", "", "", ""]);
  return rows;
}

/** The table of every entry and workload, then the absent and failed ones with their reasons, then the geometric means. */
export function renderResultsTable(results: BenchResults): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const e of results.entries) {
    if (e.status === "absent" || (e.status === "failed" && e.workloads.length === 0)) {
      rows.push([e.name, e.status, "", "", "", "", ""]);
      notes.push(`${e.name}: ${e.status}: ${e.reason ?? ""}`);
      continue;
    }
    for (const w of e.workloads) {
      rows.push(...workloadRows(e, w));
      if (w.status !== "ok") notes.push(`${e.name}/${w.name}: ${w.status}: ${w.reason ?? ""}`);
      for (const u of w.curve?.unavailable ?? []) notes.push(`${e.name}/${w.name} ${u.mode}: ${u.reason}`);
    }
  }
  const parts = [renderTable(HEADER, rows, RIGHT)];
  if (notes.length > 0) parts.push(notes.join("\n"));
  if (results.summary.length > 0)
    parts.push(
      results.summary
        .map((s) => `geometric mean of ${s.comparison} over ${s.workloads.length} workload(s): ${formatRatio(s.geomean)}`)
        .join("\n"),
    );
  const absentComparators = results.comparators.filter((c) => c.path === null);
  if (absentComparators.length > 0)
    parts.push(absentComparators.map((c) => `comparator absent: ${c.name}${c.install ? ` (${c.install})` : ""}`).join("\n"));
  return parts.join("\n\n");
}
