// SVG charts for the Markdown report, written by hand: horizontal bars for ratios (with
// min–max whiskers and a line at 1×) and lines for curves of time against vCPUs.
import { niceTicks, tickLabels } from "./ticks.js";

/** Escapes text for XML content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** Rounds a coordinate to 0.1 for compact, stable output. */
function n(x: number): string {
  return String(Math.round(x * 10) / 10);
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
const FONT = `font-family="sans-serif" font-size="12"`;

function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${xmlEscape(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`,
    `<text x="${n(width / 2)}" y="20" text-anchor="middle" ${FONT} font-weight="bold">${xmlEscape(title)}</text>`,
    ...body,
    `</svg>`,
    ``,
  ].join("\n");
}

/** One bar: a value (median) and its range. */
export interface Bar {
  readonly label: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** A bar of a ratio chart. */
export type RatioBar = Bar;

/** How a bar chart labels its values and whether it draws a reference line. */
export interface BarChartOptions {
  /** Label under the value axis. */
  readonly xLabel: string;
  /** Text of a bar's value ("2.18×", "13.5 M"). */
  readonly format: (v: number) => string;
  /** A dashed line at this value (1 for ratios). */
  readonly reference?: number;
}

/** Horizontal bars from 0, with a whisker for min–max and an optional dashed reference line. */
export function barChart(title: string, bars: readonly Bar[], options: BarChartOptions): string {
  const labelWidth = Math.min(300, 20 + 7.5 * Math.max(4, ...bars.map((b) => b.label.length)));
  const plotWidth = 420;
  const barHeight = 22;
  const top = 36;
  const width = labelWidth + plotWidth + 90;
  const height = top + bars.length * (barHeight + 8) + 50;
  const ticks = niceTicks(0, Math.max(options.reference ?? 0, ...bars.map((b) => b.max)) || 1, 5);
  const xMax = ticks[ticks.length - 1]!;
  const xOf = (v: number): number => labelWidth + (v / xMax) * plotWidth;
  const bottom = top + bars.length * (barHeight + 8);
  const body: string[] = [];
  const labels = tickLabels(ticks);
  ticks.forEach((t, i) => {
    body.push(`<line x1="${n(xOf(t))}" y1="${top}" x2="${n(xOf(t))}" y2="${bottom}" stroke="#ddd"/>`);
    body.push(`<text x="${n(xOf(t))}" y="${bottom + 16}" text-anchor="middle" ${FONT}>${labels[i]!}</text>`);
  });
  body.push(`<text x="${n(labelWidth + plotWidth / 2)}" y="${bottom + 34}" text-anchor="middle" ${FONT}>${xmlEscape(options.xLabel)}</text>`);
  bars.forEach((b, i) => {
    const y = top + i * (barHeight + 8) + 4;
    const mid = y + barHeight / 2;
    body.push(`<text x="${labelWidth - 8}" y="${n(mid + 4)}" text-anchor="end" ${FONT}>${xmlEscape(b.label)}</text>`);
    body.push(`<rect x="${labelWidth}" y="${y}" width="${n(xOf(b.median) - labelWidth)}" height="${barHeight}" fill="${PALETTE[0]!}"/>`);
    body.push(`<line x1="${n(xOf(b.min))}" y1="${n(mid)}" x2="${n(xOf(b.max))}" y2="${n(mid)}" stroke="black"/>`);
    for (const v of [b.min, b.max]) body.push(`<line x1="${n(xOf(v))}" y1="${n(mid - 5)}" x2="${n(xOf(v))}" y2="${n(mid + 5)}" stroke="black"/>`);
    body.push(`<text x="${n(xOf(Math.max(b.max, b.median)) + 6)}" y="${n(mid + 4)}" ${FONT}>${xmlEscape(options.format(b.median))}</text>`);
  });
  if (options.reference !== undefined)
    body.push(`<line x1="${n(xOf(options.reference))}" y1="${top - 4}" x2="${n(xOf(options.reference))}" y2="${bottom}" stroke="black" stroke-dasharray="4 3"/>`);
  body.push(`<line x1="${labelWidth}" y1="${top}" x2="${labelWidth}" y2="${bottom}" stroke="black"/>`);
  return svgDocument(width, height, title, body);
}

/** Bars of ratios, with a dashed line at 1×. */
export function ratioBarChart(title: string, bars: readonly RatioBar[], xLabel = "ratio (× of baseline)"): string {
  return barChart(title, bars, { xLabel, format: (v) => `${v.toPrecision(3)}×`, reference: 1 });
}

/** One curve of a line chart. */
export interface LineSeries {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number; readonly min?: number; readonly max?: number }[];
}

/** Lines of y against x (time against vCPUs), one per series, with min–max whiskers and a key. */
export function lineChart(title: string, series: readonly LineSeries[], xLabel: string, yLabel: string): string {
  const width = 640;
  const height = 400;
  const left = 70;
  const right = 170;
  const top = 36;
  const bottom = 56;
  const pts = series.flatMap((s) => s.points);
  const xsAll = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
  const yTicks = niceTicks(0, Math.max(...pts.map((p) => p.max ?? p.y), 0) || 1, 6);
  const yMax = yTicks[yTicks.length - 1]!;
  const xLo = xsAll[0] ?? 0;
  const xHi = xsAll[xsAll.length - 1] ?? 1;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  // Points stay off the frame, so that their whiskers show.
  const pad = 24;
  const xOf = (x: number): number => (xHi === xLo ? left + plotW / 2 : left + pad + ((x - xLo) / (xHi - xLo)) * (plotW - 2 * pad));
  const yOf = (y: number): number => top + plotH - (y / yMax) * plotH;
  const body: string[] = [];
  const yLabels = tickLabels(yTicks);
  yTicks.forEach((t, i) => {
    body.push(`<line x1="${left}" y1="${n(yOf(t))}" x2="${left + plotW}" y2="${n(yOf(t))}" stroke="#ddd"/>`);
    body.push(`<text x="${left - 6}" y="${n(yOf(t) + 4)}" text-anchor="end" ${FONT}>${yLabels[i]!}</text>`);
  });
  for (const x of xsAll) body.push(`<text x="${n(xOf(x))}" y="${top + plotH + 18}" text-anchor="middle" ${FONT}>${xmlEscape(String(x))}</text>`);
  body.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="black"/>`);
  body.push(`<text x="${n(left + plotW / 2)}" y="${height - 14}" text-anchor="middle" ${FONT}>${xmlEscape(xLabel)}</text>`);
  body.push(
    `<text x="16" y="${n(top + plotH / 2)}" text-anchor="middle" transform="rotate(-90 16 ${n(top + plotH / 2)})" ${FONT}>${xmlEscape(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    body.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${sorted.map((p) => `${n(xOf(p.x))},${n(yOf(p.y))}`).join(" ")}"/>`);
    // Whiskers of different series side by side rather than on top of each other.
    const dx = (i - (series.length - 1) / 2) * 5;
    for (const p of sorted) {
      if (p.min !== undefined && p.max !== undefined)
        for (const [x1, y1, x2, y2] of [
          [xOf(p.x) + dx, yOf(p.min), xOf(p.x) + dx, yOf(p.max)],
          [xOf(p.x) + dx - 4, yOf(p.min), xOf(p.x) + dx + 4, yOf(p.min)],
          [xOf(p.x) + dx - 4, yOf(p.max), xOf(p.x) + dx + 4, yOf(p.max)],
        ])
          body.push(`<line x1="${n(x1!)}" y1="${n(y1!)}" x2="${n(x2!)}" y2="${n(y2!)}" stroke="${color}"/>`);
      body.push(`<circle cx="${n(xOf(p.x))}" cy="${n(yOf(p.y))}" r="3.5" fill="${color}"/>`);
    }
    const ky = top + 10 + i * 20;
    body.push(`<line x1="${left + plotW + 14}" y1="${ky}" x2="${left + plotW + 38}" y2="${ky}" stroke="${color}" stroke-width="2"/>`);
    body.push(`<text x="${left + plotW + 44}" y="${ky + 4}" ${FONT}>${xmlEscape(s.label)}</text>`);
  });
  return svgDocument(width, height, title, body);
}
