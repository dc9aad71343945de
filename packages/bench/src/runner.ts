// Running workloads: warm-up, measured runs in alternation, statistics.
import type { BenchContext, BenchEntry, Target, Workload } from "./entry.js";
import { measureCommand } from "./measure/command.js";
import { callsForSample, measureFunction } from "./measure/function.js";
import { describeRequirement, unmetRequirements } from "./requirements.js";
import type { ComparisonSummary, CurvePoint, EntryResult, RatioResult, Sample, SideResult, WorkloadResult } from "./results.js";
import { alternationSchedule, geometricMean, summarize, summarizeRatios } from "./stats.js";

/** How many runs, and who hears about progress. */
export interface RunOptions {
  /** Measured runs per side (per mode and x for curves); default: the workload's, else 5. */
  readonly runs?: number;
  /** Warm-up runs per side, thrown away; default: the workload's, else 1. */
  readonly warmup?: number;
  /** Called before every run. */
  readonly onProgress?: (p: Progress) => void;
  /** Only the workloads with these names (default: all); an unknown name fails the entry. */
  readonly only?: readonly string[];
}

/** Where a bench run is. */
export interface Progress {
  readonly entry: string;
  readonly workload: string;
  /** Label of the side about to run (with "@x" for curves). */
  readonly side: string;
  /** Calibrating the calls per sample of a function, a warm-up run, or a measured run. */
  readonly phase: "calibrating" | "warm-up" | "measured";
  /** Runs done so far in this workload, and its total. */
  readonly done: number;
  readonly total: number;
}

/** A run failed (non-zero exit, missing output): the workload is reported failed with this message. */
export class RunFailure extends Error {
  override readonly name = "RunFailure";
}

const DEFAULT_MIN_SAMPLE_MS = 100;
/** Runs and warm-up runs per side when neither the command line nor the workload says. */
export const DEFAULT_RUNS = 5;
export const DEFAULT_WARMUP = 1;

/** A side being measured: prepared once, then run step after step. */
interface PreparedSide {
  readonly target: Target;
  readonly label: string;
  calls: number;
  readonly warmup: Sample[];
  readonly samples: Sample[];
}

async function prepare(target: Target, label: string, announce: (side: string) => void): Promise<PreparedSide> {
  const side: PreparedSide = { target, label, calls: 1, warmup: [], samples: [] };
  if (target.kind === "function") {
    announce(label);
    await target.setup?.();
    // Calibrate how many calls make a sample last minSampleMs: grow the count until two
    // samples in a row with the same count do. The first call runs cold (unoptimized
    // code, lazy set-up) and only warms up; V8 may need a few more calls to tier up,
    // which the "two in a row" rule waits for.
    const minMs = target.minSampleMs ?? DEFAULT_MIN_SAMPLE_MS;
    await measureFunction(target.run, 1);
    let longEnough = false;
    for (let tries = 0; tries < 30; tries++) {
      const s = await measureFunction(target.run, side.calls);
      if (s.wallMs >= minMs) {
        if (longEnough) break;
        longEnough = true;
      } else {
        longEnough = false;
        side.calls = callsForSample(s.wallMs / side.calls, minMs * 1.1, side.calls);
      }
    }
  }
  return side;
}

async function runOnce(side: PreparedSide): Promise<Sample> {
  const t = side.target;
  if (t.kind === "function") {
    const s = await measureFunction(t.run, side.calls);
    return { wallMs: s.wallMs, cpuMs: s.cpuMs, rssBytes: s.rssBytes, units: s.units };
  }
  const s = await measureCommand(t);
  const cmd = t.argv.join(" ");
  if (s.exitCode !== 0) {
    const how = s.timedOut ? `timed out after ${t.timeoutMs ?? "the default"} ms` : s.signal !== null ? `killed by ${s.signal}` : `exit status ${s.exitCode}`;
    const tail = s.stderrTail.trim().split("\n").slice(-3).join(" | ");
    throw new RunFailure(`${cmd}: ${how}${tail ? `: ${tail}` : ""}`);
  }
  if (t.expectStdout !== undefined && !s.stdoutTail.includes(t.expectStdout)) {
    throw new RunFailure(`${cmd}: output lacks ${JSON.stringify(t.expectStdout)}`);
  }
  return { wallMs: s.wallMs, cpuMs: s.cpuMs, rssBytes: s.peakRssBytes, units: null };
}

/** Time per unit of a sample: the quantity ratios compare. */
function costOf(s: Sample): number {
  return s.units !== null && s.units > 0 ? s.wallMs / s.units : s.wallMs;
}

function nonNull(xs: readonly (number | null)[]): number[] | null {
  const out: number[] = [];
  for (const x of xs) {
    if (x === null) return null;
    out.push(x);
  }
  return out.length > 0 ? out : null;
}

function sideResult(p: PreparedSide): SideResult {
  const t = p.target;
  const cpu = nonNull(p.samples.map((s) => s.cpuMs));
  const rss = nonNull(p.samples.map((s) => s.rssBytes));
  const throughput = t.kind === "function" ? p.samples.map((s) => ((s.units ?? 0) * 1000) / s.wallMs) : null;
  return {
    label: p.label,
    kind: t.kind,
    ...(t.kind === "command" ? { command: [...t.argv] } : { unit: t.unit }),
    warmup: p.warmup,
    samples: p.samples,
    wall: summarize(p.samples.map((s) => s.wallMs)),
    cpu: cpu ? summarize(cpu) : null,
    rss: rss ? summarize(rss) : null,
    throughput: throughput ? summarize(throughput) : null,
    ...(t.figures ? { figures: t.figures() } : {}),
  };
}

/** Pairwise ratio of CPU time per unit, or undefined when some CPU time is missing or zero (under one tick). */
function cpuRatioOf(baseline: PreparedSide, candidate: PreparedSide): RatioResult | undefined {
  const cost = (s: Sample): number | null => (s.cpuMs === null ? null : s.units !== null && s.units > 0 ? s.cpuMs / s.units : s.cpuMs);
  const a = baseline.samples.map(cost);
  const b = candidate.samples.map(cost);
  if (a.some((x) => x === null || x <= 0) || b.some((x) => x === null)) return undefined;
  const an = a as number[];
  const bn = b as number[];
  return { baseline: baseline.label, candidate: candidate.label, pairs: an.map((x, i) => bn[i]! / x), summary: summarizeRatios(an, bn) };
}

function ratioOf(baseline: PreparedSide, candidate: PreparedSide): RatioResult {
  const a = baseline.samples.map(costOf);
  const b = candidate.samples.map(costOf);
  return {
    baseline: baseline.label,
    candidate: candidate.label,
    pairs: a.map((x, i) => b[i]! / x),
    summary: summarizeRatios(a, b),
  };
}

/** Runs `sides` in alternation: warm-up rounds then measured rounds, each side once per round. */
async function alternate(
  sides: PreparedSide[],
  opts: RunOptions & { readonly runs: number; readonly warmup: number },
  where: { entry: string; workload: string },
  counter: { done: number; total: number },
): Promise<void> {
  for (const step of alternationSchedule(sides.length, opts.warmup, opts.runs)) {
    const side = sides[step.side]!;
    opts.onProgress?.({ ...where, side: side.label, phase: step.warmup ? "warm-up" : "measured", done: counter.done, total: counter.total });
    const sample = await runOnce(side);
    (step.warmup ? side.warmup : side.samples).push(sample);
    counter.done++;
  }
}

/** Measures one workload whose requirements hold. */
export async function runWorkload(w: Workload, entry: string, options: RunOptions): Promise<WorkloadResult> {
  const where = { entry, workload: w.name };
  const opts = { ...options, runs: options.runs ?? w.runs ?? DEFAULT_RUNS, warmup: options.warmup ?? w.warmup ?? DEFAULT_WARMUP };
  const perSide = opts.warmup + opts.runs;
  const announce =
    (counter: { done: number; total: number }) =>
    (side: string): void =>
      opts.onProgress?.({ ...where, side, phase: "calibrating", done: counter.done, total: counter.total });
  const base = { name: w.name, description: w.description, kind: w.kind };
  switch (w.kind) {
    case "single": {
      const counter = { done: 0, total: perSide };
      const side = await prepare(w.target, w.target.label, announce(counter));
      await alternate([side], opts, where, counter);
      return { ...base, status: "ok", sides: [sideResult(side)] };
    }
    case "compare": {
      const counter = { done: 0, total: 2 * perSide };
      const sides = [await prepare(w.baseline, w.baseline.label, announce(counter)), await prepare(w.candidate, w.candidate.label, announce(counter))];
      await alternate(sides, opts, where, counter);
      return {
        ...base,
        status: "ok",
        sides: sides.map(sideResult),
        comparison: w.comparison,
        ratio: ratioOf(sides[0]!, sides[1]!),
        ...optional("cpuRatio", cpuRatioOf(sides[0]!, sides[1]!)),
      };
    }
    case "curve": {
      const modes = w.modes.filter((m) => m.unavailable === undefined);
      const unavailable = w.modes.filter((m) => m.unavailable !== undefined).map((m) => ({ mode: m.label, reason: m.unavailable! }));
      const counter = { done: 0, total: w.xs.length * modes.length * perSide };
      const points: CurvePoint[] = [];
      for (const x of modes.length > 0 ? w.xs : []) {
        const sides: PreparedSide[] = [];
        for (const m of modes) sides.push(await prepare(m.target(x), `${m.label}@${x}`, announce(counter)));
        await alternate(sides, opts, where, counter);
        points.push({ x, sides: sides.map(sideResult), ratios: sides.slice(1).map((s) => ratioOf(sides[0]!, s)) });
      }
      return {
        ...base, status: "ok", sides: [],
        curve: { xLabel: w.xLabel, modes: modes.map((m) => m.label), points, ...(unavailable.length > 0 ? { unavailable } : {}) },
      };
    }
  }
}

/** `{ [key]: value }`, or nothing when value is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs one entry: checks its requirements (absent, with the reasons, if one fails),
 * builds its workloads and runs each whose own requirements hold. A failing workload
 * is recorded as failed and the others still run.
 */
export async function runEntry(entry: BenchEntry, ctx: BenchContext, opts: RunOptions): Promise<EntryResult> {
  const base = { name: entry.name, description: entry.description, requires: entry.requires.map(describeRequirement) };
  const unmet = await unmetRequirements(entry.requires, ctx);
  if (unmet.length > 0) return { ...base, status: "absent", reason: unmet.join("; "), workloads: [] };
  let workloads: readonly Workload[];
  try {
    workloads = await entry.workloads(ctx);
  } catch (err) {
    return { ...base, status: "failed", reason: `cannot build workloads: ${message(err)}`, workloads: [] };
  }
  if (opts.only !== undefined) {
    const unknown = opts.only.filter((n) => !workloads.some((w) => w.name === n));
    if (unknown.length > 0)
      return { ...base, status: "failed", reason: `no workload named ${unknown.join(", ")}; workloads: ${workloads.map((w) => w.name).join(", ")}`, workloads: [] };
    workloads = workloads.filter((w) => opts.only!.includes(w.name));
  }
  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    const wBase = { name: w.name, description: w.description, kind: w.kind, sides: [] };
    const wUnmet = await unmetRequirements(w.requires ?? [], ctx);
    if (wUnmet.length > 0) {
      results.push({ ...wBase, status: "absent", reason: wUnmet.join("; ") });
      continue;
    }
    try {
      results.push(await runWorkload(w, entry.name, opts));
    } catch (err) {
      results.push({ ...wBase, status: "failed", reason: message(err) });
    }
  }
  const failed = results.filter((r) => r.status === "failed");
  return failed.length > 0
    ? { ...base, status: "failed", reason: `${failed.length} workload(s) failed`, workloads: results }
    : { ...base, status: "ok", workloads: results };
}

/** Geometric mean of the median ratios, per comparison, over the compare workloads that ran. */
export function summarizeComparisons(entries: readonly EntryResult[]): ComparisonSummary[] {
  const by = new Map<string, { workloads: string[]; ratios: number[] }>();
  for (const e of entries)
    for (const w of e.workloads) {
      if (w.status !== "ok" || w.comparison === undefined || w.ratio === undefined) continue;
      const g = by.get(w.comparison) ?? { workloads: [], ratios: [] };
      g.workloads.push(`${e.name}/${w.name}`);
      g.ratios.push(w.ratio.summary.median);
      by.set(w.comparison, g);
    }
  return [...by].map(([comparison, g]) => ({ comparison, workloads: g.workloads, geomean: geometricMean(g.ratios) }));
}
