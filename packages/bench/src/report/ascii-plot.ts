// The seed-style chart in the terminal: y (time) against x (guest CPUs), one curve per
// mode, drawn in characters like gnuplot's "dumb" terminal (the two charts in
// ../shared/seed/tcg-remove-tb_lock.patch.txt).
import { niceTicks, tickLabels } from "./ticks.js";

/** One curve: a label for the key and its points (drawn in order of x). */
export interface PlotSeries {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface AsciiPlotOptions {
  /** Centered above the chart. */
  readonly title?: string;
  /** Printed above the y tick labels ("seconds"). */
  readonly yLabel?: string;
  /** Centered below the x tick labels ("Guest CPUs"). */
  readonly xLabel?: string;
  /** Width of the frame in characters (default 64). */
  readonly width?: number;
  /** Height of the frame in lines, about (default 20). */
  readonly height?: number;
}

/** Line and point characters of the curves, in series order. */
const LINE_CHARS = ["*", "#", "$", "%", "@", "&"];
const POINT_CHARS = ["A", "B", "C", "D", "E", "F"];
const X_MARGIN = 3;

/** Draws the series as a character chart; every line ends without trailing spaces. */
export function asciiPlot(series: readonly PlotSeries[], options: AsciiPlotOptions = {}): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return "(no data)";
  const W = Math.max(24, options.width ?? 64);
  const yTicks = niceTicks(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)), 5);
  const rowsPerTick = Math.max(2, Math.round(((options.height ?? 20) - 1) / (yTicks.length - 1)));
  const H = rowsPerTick * (yTicks.length - 1) + 1;
  const yLo = yTicks[0]!;
  const yHi = yTicks[yTicks.length - 1]!;
  const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const xLo = xs[0]!;
  const xHi = xs[xs.length - 1]!;

  const colOf = (x: number): number =>
    xHi === xLo ? Math.floor(W / 2) : X_MARGIN + Math.round(((x - xLo) / (xHi - xLo)) * (W - 1 - 2 * X_MARGIN));
  const rowOf = (y: number): number => Math.min(H - 2, Math.max(1, Math.round(((yHi - y) / (yHi - yLo)) * (H - 1))));

  const grid: string[][] = Array.from({ length: H }, () => Array<string>(W).fill(" "));
  const set = (r: number, c: number, ch: string): void => {
    if (r >= 0 && r < H && c >= 0 && c < W) grid[r]![c] = ch;
  };
  // Frame.
  for (let c = 0; c < W; c++) {
    set(0, c, "-");
    set(H - 1, c, "-");
  }
  for (let r = 0; r < H; r++) {
    set(r, 0, "|");
    set(r, W - 1, "|");
  }
  // y ticks: "+-+" on both sides, as gnuplot draws them.
  for (let i = 0; i < yTicks.length; i++) {
    const r = i * rowsPerTick;
    for (const [c, ch] of [[0, "+"], [1, "-"], [2, "+"], [W - 3, "+"], [W - 2, "-"], [W - 1, "+"]] as const) set(r, c, ch);
  }
  // x ticks: on the border and one line inside, top and bottom.
  for (const x of xs) {
    const c = colOf(x);
    set(0, c, "+");
    set(1, c, "+");
    set(H - 2, c, "+");
    set(H - 1, c, "+");
  }
  // Curves: lines first, then the points on top.
  series.forEach((s, i) => {
    const ch = LINE_CHARS[i % LINE_CHARS.length]!;
    const pts = [...s.points].sort((a, b) => a.x - b.x).map((p) => [rowOf(p.y), colOf(p.x)] as const);
    for (let k = 1; k < pts.length; k++) {
      const [r0, c0] = pts[k - 1]!;
      const [r1, c1] = pts[k]!;
      const steps = Math.max(Math.abs(r1 - r0), Math.abs(c1 - c0));
      for (let t = 1; t < steps; t++) set(Math.round(r0 + ((r1 - r0) * t) / steps), Math.round(c0 + ((c1 - c0) * t) / steps), ch);
    }
  });
  series.forEach((s, i) => {
    const ch = POINT_CHARS[i % POINT_CHARS.length]!;
    for (const p of s.points) set(rowOf(p.y), colOf(p.x), ch);
  });
  // The key, in the emptier top corner: "label ***A***".
  const keys = series.map((s, i) => {
    const l = LINE_CHARS[i % LINE_CHARS.length]!;
    return `${s.label} ${l.repeat(3)}${POINT_CHARS[i % POINT_CHARS.length]!}${l.repeat(3)}`;
  });
  const keyWidth = Math.max(...keys.map((k) => k.length));
  const keyRows = keys.map((_, i) => i + 2).filter((r) => r < H - 2);
  const busy = (c0: number): number =>
    keyRows.reduce((n, r) => n + grid[r]!.slice(c0, c0 + keyWidth).filter((ch) => ch !== " ").length, 0);
  const leftCol = 4;
  const rightCol = W - 4 - keyWidth;
  const keyCol = busy(rightCol) < busy(leftCol) ? rightCol : leftCol;
  // Inside the frame when a corner is free (as gnuplot draws it), else above the chart.
  const keyInside = busy(keyCol) === 0 && keyRows.length === keys.length;
  if (keyInside)
    keyRows.forEach((r, i) => {
      const k = keys[i]!.padStart(keyWidth);
      for (let j = 0; j < k.length; j++) set(r, keyCol + j, k[j]!);
    });

  // Labels around the frame.
  const yLabels = tickLabels(yTicks);
  const L = Math.max(...yLabels.map((l) => l.length));
  const lines: string[] = [];
  const pad = " ".repeat(L + 1);
  if (options.title) lines.push((pad + " ".repeat(Math.max(0, Math.floor((W - options.title.length) / 2))) + options.title).trimEnd());
  if (!keyInside) for (const k of keys) lines.push(`${pad}${" ".repeat(4)}${k.padStart(keyWidth)}`);
  if (options.yLabel) lines.push(options.yLabel);
  for (let r = 0; r < H; r++) {
    const tick = r % rowsPerTick === 0 ? yLabels[yTicks.length - 1 - r / rowsPerTick]! : "";
    lines.push(`${tick.padStart(L)} ${grid[r]!.join("")}`.trimEnd());
  }
  const xRow = Array<string>(W + 8).fill(" ");
  for (const x of xs) {
    const label = String(x);
    const start = colOf(x) - Math.floor((label.length - 1) / 2);
    for (let j = 0; j < label.length; j++) if (start + j >= 0) xRow[start + j] = label[j]!;
  }
  lines.push((pad + xRow.join("")).trimEnd());
  if (options.xLabel) lines.push((pad + " ".repeat(Math.max(0, Math.floor((W - options.xLabel.length) / 2))) + options.xLabel).trimEnd());
  return lines.join("\n");
}
