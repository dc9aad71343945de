// "Nice" axis ticks (1, 2, 2.5 or 5 times a power of ten), shared by the ASCII and SVG charts.

/** Evenly spaced round tick values enclosing [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError("ticks of a non-finite range");
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(Number((lo + i * step).toPrecision(12)));
  return ticks;
}

/** Tick labels with just enough decimals to show every tick exactly. */
export function tickLabels(ticks: readonly number[]): string[] {
  for (let d = 0; d < 6; d++) if (ticks.every((t) => Math.abs(Number(t.toFixed(d)) - t) < 1e-9 * Math.max(1, Math.abs(t)))) return ticks.map((t) => t.toFixed(d));
  return ticks.map((t) => t.toFixed(6));
}
