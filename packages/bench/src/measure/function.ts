// Measuring an in-process micro-benchmark: a function run inside the harness's Node.
//
// Wall time is process.hrtime around the calls; CPU time is the change of
// process.cpuUsage() (user + system of the whole harness process: every thread,
// including V8's compiler and GC threads, which is the honest cost); memory is the
// harness's resident set after the run (process.memoryUsage().rss), since a peak
// cannot be told apart from what earlier benchmarks left behind.

/** One measured sample of an in-process function. */
export interface FunctionSample {
  /** Elapsed time of the sample's calls, in milliseconds. */
  readonly wallMs: number;
  /** User + system CPU time of the harness process during the sample, in milliseconds. */
  readonly cpuMs: number;
  /** Resident memory of the harness process after the sample, in bytes. */
  readonly rssBytes: number;
  /** Work units done in the sample (the sum of what the calls returned). */
  readonly units: number;
  /** Calls made in the sample. */
  readonly calls: number;
}

/** A function measured in-process: each call does some work and returns how many units. */
export type MicroFunction = () => number | Promise<number>;

/** Runs `fn` `calls` times and measures the whole. */
export async function measureFunction(fn: MicroFunction, calls: number): Promise<FunctionSample> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let units = 0;
  for (let i = 0; i < calls; i++) units += await fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, rssBytes: process.memoryUsage().rss, units, calls };
}

/**
 * How many calls make one sample last at least `minSampleMs`, from the duration of one
 * call: at least one more than `previous`, at most 100 times it (for calibration loops).
 */
export function callsForSample(oneCallMs: number, minSampleMs: number, previous = 0): number {
  const wanted = oneCallMs > 0 ? Math.ceil(minSampleMs / oneCallMs) : 100 * Math.max(1, previous);
  return Math.max(previous + 1, Math.min(wanted, 100 * Math.max(1, previous)));
}
