// What a benchmark entry declares: its name, what it needs, and its workloads.
// Entries are plain data plus a few functions; src/entries/index.ts lists them all.
import type { CommandSpec } from "./measure/command.js";
import type { MicroFunction } from "./measure/function.js";

/** Something a benchmark needs from the machine. */
export type Requirement =
  /** A program on PATH (a comparator such as qemu-riscv64-static, or a native tool). */
  | { readonly kind: "command"; readonly command: string; readonly install?: string }
  /** Debian sid riscv64 packages fetched into the guest cache (`wasmu-bench fetch`). */
  | { readonly kind: "guest-packages"; readonly packages: readonly string[] }
  /** A file, by absolute path or relative to the guest cache's sysroot. */
  | { readonly kind: "file"; readonly path: string; readonly hint: string }
  /** Anything else: returns null when satisfied, else the reason it is not. */
  | { readonly kind: "check"; readonly what: string; readonly check: (ctx: BenchContext) => Promise<string | null> };

/** Where things are, handed to every entry. */
export interface BenchContext {
  /** Root of the wasmu repository when the bench runs from a checkout (its commit goes into the results); null when installed as a package. */
  readonly repoRoot: string | null;
  /** The guest cache: --cache, $WASMU_CACHE, $WASMU_GUESTS, else <repoRoot>/.cache/guests or ~/.cache/wasmu/guests. */
  readonly cacheDir: string;
  /** The `wasmu` command's script; default: the bin of this package's @wasmu/cli dependency. */
  readonly cliMain?: string;
  /** <cacheDir>/sysroot: the extracted Debian riscv64 packages. */
  readonly sysroot: string;
  /** `--set NAME=VALUE` pairs: settings entries read (workload sizes; each entry documents its names). */
  readonly settings?: Readonly<Record<string, string>>;
}

/** A command measured as a child process tree. */
export interface CommandTarget extends CommandSpec {
  readonly kind: "command";
  /** Short name shown in tables and legends ("wasmu", "qemu", "native"). */
  readonly label: string;
  /**
   * When set, the run fails unless the last 4 KiB of standard output contain this text.
   * (Output flows through the harness: send large output to /dev/null through `sh -c`.)
   */
  readonly expectStdout?: string;
  /** Named values read once after the measured runs (e.g. what the program logged about itself), shown under the side. */
  readonly figures?: () => readonly Figure[];
}

/** A function measured inside the harness. */
export interface FunctionTarget {
  readonly kind: "function";
  readonly label: string;
  /** Name of the unit `run` returns a count of ("insn", "op"); throughput is units per second. */
  readonly unit: string;
  /** Called once before the warm-up (load inputs, build tables). */
  readonly setup?: () => void | Promise<void>;
  /** Does some work and returns how many units it did. */
  readonly run: MicroFunction;
  /** Calls are repeated until a sample lasts at least this long (default 100 ms). */
  readonly minSampleMs?: number;
  /**
   * Figures that are not a throughput (a cost per item, a size, a share), read once after
   * the measured runs; the table and the report print them under the side.
   */
  readonly figures?: () => readonly Figure[];
}

/** A reported figure of a function side: "translate per TB", 41.2, "µs". */
export interface Figure {
  readonly name: string;
  readonly value: number;
  /** Printed after the value ("µs", "B/insn", "%"). */
  readonly unit: string;
}

/** What runs in one side of a measurement. */
export type Target = CommandTarget | FunctionTarget;

interface WorkloadBase {
  /** Short kebab-case name, unique in its entry. */
  readonly name: string;
  /** One line: what is measured. */
  readonly description: string;
  /** Needs of this workload alone (e.g. a comparator); absent ones make it absent, not the entry. */
  readonly requires?: readonly Requirement[];
  /** Measured runs per side unless --runs says otherwise (default 5): fewer for long workloads. */
  readonly runs?: number;
  /** Warm-up runs per side unless --warmup says otherwise (default 1). */
  readonly warmup?: number;
}

/** One target measured on its own. */
export interface SingleWorkload extends WorkloadBase {
  readonly kind: "single";
  readonly target: Target;
}

/**
 * Two targets run in alternation (baseline, candidate, baseline, candidate ...); the
 * ratio candidate / baseline of the time per unit is taken pair by pair.
 */
export interface CompareWorkload extends WorkloadBase {
  readonly kind: "compare";
  /** Names the comparison across workloads ("wasmu/qemu"): the geometric mean is taken per comparison. */
  readonly comparison: string;
  readonly baseline: Target;
  readonly candidate: Target;
}

/**
 * Time against a parameter (guest CPUs), one curve per mode: at each x the modes run
 * in alternation, and each mode's ratio to the first mode is taken pair by pair. The
 * charts plot wall time, so the targets are commands (a function's sample time is set
 * by its calibration, not by x).
 */
export interface CurveWorkload extends WorkloadBase {
  readonly kind: "curve";
  /** Axis label of x ("Guest CPUs"). */
  readonly xLabel: string;
  readonly xs: readonly number[];
  /**
   * The first mode is the reference of the ratios ("tb-lock=on", i.e. "before"). A mode
   * with `unavailable` (why it cannot run here: "cannot boot yet: ...") is not measured;
   * the table, the charts and results.json report it with that reason.
   */
  readonly modes: readonly { readonly label: string; readonly target: (x: number) => Target; readonly unavailable?: string }[];
}

/** A workload of an entry. */
export type Workload = SingleWorkload | CompareWorkload | CurveWorkload;

/** A program compared against: looked up on PATH. */
export interface Comparator {
  readonly command: string;
  /** What it stands for ("native x86-64 lua5.4"). */
  readonly role: string;
  /** How to install it ("apt-get install lua5.4"). */
  readonly install?: string;
}

/** A benchmark entry: registered once in src/entries/index.ts. */
export interface BenchEntry {
  /** Name used on the command line (`pnpm bench NAME`). */
  readonly name: string;
  /** One or two sentences: what it measures and why. */
  readonly description: string;
  /** Needs of the whole entry; if one is absent, the entry is reported absent with the reason. */
  readonly requires: readonly Requirement[];
  /**
   * Debian riscv64 packages the entry's workloads use: `wasmu-bench fetch` (without
   * names) fetches them with their dependencies. A workload still requires what it uses.
   */
  readonly guestPackages?: readonly string[];
  /**
   * Programs the entry's workloads compare against (native x86-64 tools, QEMU), listed in
   * the report as found or absent; each workload still requires what it uses.
   */
  readonly comparators?: readonly Comparator[];
  /** Builds the workloads, once the requirements hold. */
  readonly workloads: (ctx: BenchContext) => readonly Workload[] | Promise<readonly Workload[]>;
}
