import { describe, expect, it } from "vitest";
import { asciiPlot } from "../src/report/ascii-plot.js";
import { niceTicks, tickLabels } from "../src/report/ticks.js";

describe("nice ticks", () => {
  it("encloses the data with round steps", () => {
    expect(niceTicks(13, 87, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.12, 0.31, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(5, 5, 5)).toEqual([4.5, 4.75, 5, 5.25, 5.5]);
  });
  it("labels with as many decimals as needed", () => {
    expect(tickLabels([0, 0.25, 0.5])).toEqual(["0.00", "0.25", "0.50"]);
    expect(tickLabels([0, 200, 400])).toEqual(["0", "200", "400"]);
  });
});

describe("ASCII plot", () => {
  const series = [
    { label: "before", points: [{ x: 1, y: 20 }, { x: 2, y: 24 }, { x: 4, y: 31 }, { x: 8, y: 45 }] },
    { label: "tb lock removal", points: [{ x: 1, y: 19 }, { x: 2, y: 18 }, { x: 4, y: 22 }, { x: 8, y: 30 }] },
  ];
  it("draws the seed's chart (golden)", async () => {
    const plot = asciiPlot(series, { title: "boot+shutdown time", yLabel: "seconds", xLabel: "Guest CPUs", width: 64, height: 20 });
    await expect(`${plot}\n`).toMatchFileSnapshot("golden/seed-style.txt");
  });
  it("has a fixed frame width, no trailing spaces, and every point marker", () => {
    const plot = asciiPlot(series, { width: 50, height: 12 });
    const frame = plot.split("\n").filter((l) => /[|+]\s*$/.test(l));
    expect(new Set(frame.map((l) => l.length)).size).toBe(1);
    for (const l of plot.split("\n")) expect(l).toBe(l.trimEnd());
    expect(plot.match(/A/g)!.length).toBeGreaterThanOrEqual(4);
    expect(plot.match(/B/g)!.length).toBeGreaterThanOrEqual(4);
  });
  it("puts the key above the chart when no top corner is free", () => {
    // Curves through both top corners.
    const plot = asciiPlot([
      { label: "up", points: [{ x: 1, y: 1 }, { x: 2, y: 10 }] },
      { label: "down", points: [{ x: 1, y: 10 }, { x: 2, y: 1 }] },
    ]);
    const lines = plot.split("\n");
    expect(lines[0]).toMatch(/^\s+up \*\*\*A\*\*\*$/);
    expect(lines[1]).toMatch(/^\s+down ###B###$/);
    expect(lines.slice(2).join("\n")).not.toContain("***A***");
  });
  it("copes with one point and with no data", () => {
    expect(asciiPlot([{ label: "one", points: [{ x: 1, y: 1 }] }])).toContain("A");
    expect(asciiPlot([])).toBe("(no data)");
  });
});
