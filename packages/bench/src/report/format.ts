// Number formatting shared by the terminal table and the Markdown report.
import type { Summary } from "../stats.js";

/** `x` with three significant digits, without exponent for ordinary magnitudes. */
export function sig3(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toString();
  const digits = Math.max(0, 2 - Math.floor(Math.log10(a)));
  return x.toFixed(Math.min(digits, 6));
}

/** A duration in milliseconds, as µs, ms or s. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${sig3(ms * 1000)} µs`;
  if (ms < 1000) return `${sig3(ms)} ms`;
  return `${sig3(ms / 1000)} s`;
}

/** A size in bytes, in KiB, MiB or GiB. */
export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 ** 2) return `${sig3(b / 1024)} KiB`;
  if (b < 1024 ** 3) return `${sig3(b / 1024 ** 2)} MiB`;
  return `${sig3(b / 1024 ** 3)} GiB`;
}

/** A rate in units per second, with k, M or G. */
export function formatRate(perSecond: number, unit: string): string {
  const scales: [number, string][] = [
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [s, p] of scales) if (perSecond >= s) return `${sig3(perSecond / s)} ${p}${unit}/s`;
  return `${sig3(perSecond)} ${unit}/s`;
}

/** A figure of a side (FunctionTarget.figures): "41.2 µs". */
export function formatFigure(f: { readonly value: number; readonly unit: string }): string {
  return `${sig3(f.value)}${f.unit === "" ? "" : ` ${f.unit}`}`;
}

/** A ratio such as "1.23×". */
export function formatRatio(r: number): string {
  return `${sig3(r)}×`;
}

/** "median (min–max)" of a summary, each formatted with `f`. */
export function formatSummary(s: Summary, f: (x: number) => string): string {
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/**
 * CPU time of a side: a command's is counted in clock ticks of 10 ms, so less than one
 * tick shows as "< 10 ms" rather than a misleading 0.
 */
export function formatCpu(ms: number, kind: "command" | "function"): string {
  return kind === "command" && ms < 10 ? "< 10 ms" : formatMs(ms);
}
