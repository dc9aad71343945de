// The shape of a bench run's results: what the JSON file holds and the reports draw.
import type { GuestPackage } from "./guests/manifest.js";
import type { Figure } from "./entry.js";
import type { Summary } from "./stats.js";

/** One measured run of one side. Command runs fill every field; function runs have no exit status. */
export interface Sample {
  /** Wall-clock time of the run, ms. */
  readonly wallMs: number;
  /** User + system CPU time, ms (of the process tree for commands, of the harness for functions). */
  readonly cpuMs: number | null;
  /** Peak resident memory of the tree (commands) or the harness's RSS after the run (functions), bytes. */
  readonly rssBytes: number | null;
  /** Work units done (functions; null for commands, which count as one unit per run). */
  readonly units: number | null;
}

/** Everything measured for one side (one target at one x). */
export interface SideResult {
  readonly label: string;
  readonly kind: "command" | "function";
  /** The command line, for commands. */
  readonly command?: readonly string[];
  /** Unit of throughput, for functions ("insn"). */
  readonly unit?: string;
  readonly warmup: readonly Sample[];
  readonly samples: readonly Sample[];
  readonly wall: Summary;
  readonly cpu: Summary | null;
  readonly rss: Summary | null;
  /** Units per second, per sample, for functions. */
  readonly throughput: Summary | null;
  /** The function's own figures (see FunctionTarget.figures), read after the measured runs. */
  readonly figures?: readonly Figure[];
}

/** Pairwise ratio candidate / baseline of the time per unit. */
export interface RatioResult {
  readonly baseline: string;
  readonly candidate: string;
  /** One ratio per measured pair, in run order. */
  readonly pairs: readonly number[];
  readonly summary: Summary;
}

/** One point of a curve: every mode at one x. */
export interface CurvePoint {
  readonly x: number;
  /** One per mode, in the workload's mode order. */
  readonly sides: readonly SideResult[];
  /** Mode i (i >= 1) against mode 0. */
  readonly ratios: readonly RatioResult[];
}

export type Status = "ok" | "absent" | "failed";

export interface WorkloadResult {
  readonly name: string;
  readonly description: string;
  readonly kind: "single" | "compare" | "curve";
  readonly status: Status;
  /** Why it is absent or failed. */
  readonly reason?: string;
  /** single: one side; compare: baseline then candidate; curve: empty (see curve). */
  readonly sides: readonly SideResult[];
  /** compare only. */
  readonly comparison?: string;
  readonly ratio?: RatioResult;
  /**
   * compare only: the same pairwise ratio of CPU time (user + system of the tree), when
   * every sample of the baseline has a non-zero CPU time. Steadier than wall time on a
   * busy machine; differs from it when a side runs several threads at once.
   */
  readonly cpuRatio?: RatioResult;
  /** curve only. */
  readonly curve?: {
    readonly xLabel: string;
    /** The modes measured (the points' sides, in this order). */
    readonly modes: readonly string[];
    readonly points: readonly CurvePoint[];
    /** Modes not measured, and why. */
    readonly unavailable?: readonly { readonly mode: string; readonly reason: string }[];
  };
}

export interface EntryResult {
  readonly name: string;
  readonly description: string;
  /** Its requirements, described. */
  readonly requires: readonly string[];
  readonly status: Status;
  readonly reason?: string;
  readonly workloads: readonly WorkloadResult[];
}

/** The machine the numbers come from. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  /** 1, 5 and 15-minute load averages when the run started: a busy machine shows here. */
  readonly loadAverage: readonly number[];
  readonly node: string;
  readonly v8: string;
  /** `git rev-parse HEAD` of the wasmu checkout, null outside git. */
  readonly commit: string | null;
  /** Whether the work tree had uncommitted changes. */
  readonly dirty: boolean | null;
}

/** A program the bench compares against. */
export interface ComparatorInfo {
  readonly name: string;
  readonly role: string;
  readonly path: string | null;
  /** First line of `--version`, when found. */
  readonly version: string | null;
  /** How to get it, when absent. */
  readonly install?: string;
}

/** Geometric mean of the median ratios of the workloads of one comparison. */
export interface ComparisonSummary {
  readonly comparison: string;
  readonly workloads: readonly string[];
  readonly geomean: number;
}

/** The whole JSON file. */
export interface BenchResults {
  readonly schema: "wasmu-bench/1";
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The command line that produced the results. */
  readonly command: string;
  /** --runs and --warmup as given (null: each workload's default, see the samples). */
  readonly options: { readonly runs: number | null; readonly warmup: number | null };
  readonly machine: MachineInfo;
  readonly guests: { readonly cacheDir: string; readonly packages: readonly GuestPackage[] };
  readonly comparators: readonly ComparatorInfo[];
  readonly entries: readonly EntryResult[];
  readonly summary: readonly ComparisonSummary[];
}
