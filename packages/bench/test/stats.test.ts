import { describe, expect, it } from "vitest";
import { alternationSchedule, geometricMean, median, pairwiseRatios, summarize, summarizeRatios } from "../src/stats.js";

describe("median", () => {
  it("takes the middle of an odd count and the mean of the two middles of an even count", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it("ignores the order and does not reorder its input", () => {
    const xs = [10, 1, 100, 5, 7];
    expect(median(xs)).toBe(7);
    expect(xs).toEqual([10, 1, 100, 5, 7]);
  });
  it("is not moved by one outlier", () => {
    expect(median([10, 11, 12, 10_000])).toBe(11.5);
  });
  it("refuses no samples and non-finite samples", () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
  });
});

describe("summarize", () => {
  it("gives n, median, min and max", () => {
    expect(summarize([5, 3, 9, 1])).toEqual({ n: 4, median: 4, min: 1, max: 9 });
  });
});

describe("pairwise ratios", () => {
  it("divides B by A pair by pair", () => {
    expect(pairwiseRatios([1, 2, 4], [2, 3, 4])).toEqual([2, 1.5, 1]);
  });
  it("cancels a drift that the ratio of medians keeps", () => {
    // The machine slows down 3x over the run; B is always exactly 2x A in its pair.
    const a = [1, 2, 3, 4, 5];
    const b = [2, 4, 6, 8, 10].map((x, i) => (i === 4 ? x * 1.5 : x));
    expect(summarizeRatios(a, b).median).toBe(2);
    expect(summarizeRatios(a, b)).toEqual({ n: 5, median: 2, min: 2, max: 3 });
  });
  it("refuses lists of different lengths and a non-positive baseline", () => {
    expect(() => pairwiseRatios([1, 2], [1])).toThrow(RangeError);
    expect(() => pairwiseRatios([0], [1])).toThrow(RangeError);
  });
});

describe("geometric mean", () => {
  it("is the n-th root of the product", () => {
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
    expect(geometricMean([1, 10, 100])).toBeCloseTo(10, 12);
  });
  it("treats a ratio and its inverse symmetrically", () => {
    expect(geometricMean([2, 0.5])).toBeCloseTo(1, 12);
  });
  it("refuses zero and negative numbers", () => {
    expect(() => geometricMean([1, 0])).toThrow(RangeError);
    expect(() => geometricMean([-1])).toThrow(RangeError);
  });
});

describe("alternation schedule", () => {
  const order = (sides: number, warmup: number, runs: number): string =>
    alternationSchedule(sides, warmup, runs)
      .map((s) => `${s.warmup ? "w" : ""}${"ABCDEF"[s.side]}${s.round}`)
      .join(" ");
  it("runs the warm-up rounds first, then A B A B ...", () => {
    expect(order(2, 1, 3)).toBe("wA0 wB0 A0 B0 A1 B1 A2 B2");
  });
  it("cycles through more than two sides", () => {
    expect(order(3, 0, 2)).toBe("A0 B0 C0 A1 B1 C1");
  });
  it("repeats a single side", () => {
    expect(order(1, 2, 2)).toBe("wA0 wA1 A0 A1");
  });
  it("refuses nonsense counts", () => {
    expect(() => alternationSchedule(0, 0, 1)).toThrow(RangeError);
    expect(() => alternationSchedule(2, -1, 1)).toThrow(RangeError);
    expect(() => alternationSchedule(2, 0, 0)).toThrow(RangeError);
  });
});
