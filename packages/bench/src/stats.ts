// Statistics of benchmark samples: order statistics (median, min, max), pairwise
// ratios of alternated comparisons, and the geometric mean across workloads.
//
// Why the median and not the mean: run times have a long right tail (page cache, a
// background job, a tier-up of V8) and the median ignores it. Why pairwise ratios:
// when A and B run alternately (A B A B ...), the i-th A and the i-th B ran at nearly
// the same moment, so a machine that drifts (thermal throttling, a neighbour) moves
// both; the ratio of the pair cancels the drift that a ratio of two medians keeps.

/** Median, extremes and count of a list of numbers. */
export interface Summary {
  /** Number of samples. */
  readonly n: number;
  /** The middle value (the mean of the two middle values when n is even). */
  readonly median: number;
  /** The smallest sample. */
  readonly min: number;
  /** The largest sample. */
  readonly max: number;
}

/** Ascending copy of `xs` (the input is not modified). */
function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

function requireSamples(xs: readonly number[], what: string): void {
  if (xs.length === 0) throw new RangeError(`${what} of no samples`);
  for (const x of xs) if (!Number.isFinite(x)) throw new RangeError(`${what}: sample ${x} is not a finite number`);
}

/** The median of `xs`: the middle value, or the mean of the two middle values. */
export function median(xs: readonly number[]): number {
  requireSamples(xs, "median");
  const s = sorted(xs);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median, min, max and count of `xs`. Throws a RangeError when `xs` is empty. */
export function summarize(xs: readonly number[]): Summary {
  requireSamples(xs, "summary");
  const s = sorted(xs);
  return { n: s.length, median: median(s), min: s[0]!, max: s[s.length - 1]! };
}

/**
 * The ratio of each pair, `b[i] / a[i]`: how many times B takes as long as A in the
 * i-th pair (for times, > 1 means B is slower). Both lists must be equally long.
 */
export function pairwiseRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`pairwise ratios of ${a.length} and ${b.length} samples`);
  requireSamples(a, "pairwise ratios");
  requireSamples(b, "pairwise ratios");
  return a.map((x, i) => {
    if (x <= 0) throw new RangeError(`pairwise ratios: sample ${i} of A is ${x}, not positive`);
    return b[i]! / x;
  });
}

/** Summary of the pairwise ratios `b[i] / a[i]` (its median is the reported ratio). */
export function summarizeRatios(a: readonly number[], b: readonly number[]): Summary {
  return summarize(pairwiseRatios(a, b));
}

/**
 * Geometric mean of positive numbers: the n-th root of their product, computed in log
 * space. The right mean for ratios: the mean of 2x and 0.5x is 1x.
 */
export function geometricMean(xs: readonly number[]): number {
  requireSamples(xs, "geometric mean");
  let sum = 0;
  for (const x of xs) {
    if (x <= 0) throw new RangeError(`geometric mean: ${x} is not positive`);
    sum += Math.log(x);
  }
  return Math.exp(sum / xs.length);
}

/** One step of a measurement schedule: which side runs, in which round, and whether it counts. */
export interface ScheduleStep {
  /** Index of the side (0 = A, 1 = B, ...). */
  readonly side: number;
  /** Round number: warm-up rounds first, from 0; measured rounds from 0 again. */
  readonly round: number;
  /** True for warm-up steps, whose samples are thrown away. */
  readonly warmup: boolean;
}

/**
 * The order in which `sides` alternatives run: `warmup` rounds then `runs` rounds, each
 * round running every side once in order (A B A B ... for two sides; A B C A B C ... for
 * three). One side alone gives A A A ....
 */
export function alternationSchedule(sides: number, warmup: number, runs: number): ScheduleStep[] {
  if (!Number.isInteger(sides) || sides < 1) throw new RangeError(`alternation of ${sides} sides`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`warm-up count ${warmup}`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`run count ${runs}`);
  const steps: ScheduleStep[] = [];
  for (let round = 0; round < warmup; round++) for (let side = 0; side < sides; side++) steps.push({ side, round, warmup: true });
  for (let round = 0; round < runs; round++) for (let side = 0; side < sides; side++) steps.push({ side, round, warmup: false });
  return steps;
}
