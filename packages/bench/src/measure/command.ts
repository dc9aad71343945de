// Measuring one run of a command: wall time, CPU time (user + system) and peak resident
// memory of the whole process tree it starts.
//
// How, on Linux:
// - Wall time: from just before spawn to the child's exit (process.hrtime).
// - CPU time: the kernel's own accounting. When a process is waited for, its CPU time and
//   that of every descendant it waited for are added to the waiting process's "children"
//   times (cutime/cstime in /proc/self/stat, what getrusage(RUSAGE_CHILDREN) returns).
//   The harness runs one command at a time, so the change of its own cutime + cstime
//   across the run is exactly the CPU time of the tree (two commands measured at once
//   void each other's CPU figure). Resolution: one clock tick (10 ms).
//   Not counted: a descendant that outlives its parent (re-parented to init and waited
//   for by init), which a benchmark should not do anyway.
// - Peak resident memory: /proc is polled while the command runs (every 5 ms at first,
//   slowing to every 50 ms). At each poll the tree is found by scanning /proc for
//   parents, and two figures are kept: the largest VmHWM of any one process (the
//   kernel's exact high-water mark of that process, up to the last poll that saw it),
//   and the largest sum of VmRSS over the tree at one poll. The reported peak is the
//   larger of the two. It is exact for a tree of one process (wasmu with its worker
//   threads, QEMU) up to the growth in its last poll interval, and a sampled lower bound
//   for a tree of many processes at once; a process that lives less than a poll interval
//   may be missed.
// process.resourceUsage() is not used: it covers only the harness itself.
import { spawn } from "node:child_process";
import { ProcessTreeScanner, processMemory, waitedChildrenCpuMs } from "./proc.js";

/** `arg` quoted for `sh -c`: in single quotes, each quote inside closed, escaped and reopened. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

/** A command to run: argv[0] is looked up on PATH. */
export interface CommandSpec {
  /** The program and its arguments. */
  readonly argv: readonly string[];
  /** Working directory (default: the harness's). */
  readonly cwd?: string;
  /** Extra environment variables, added to the harness's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Text written to the command's standard input (default: none; stdin is closed). */
  readonly stdin?: string;
  /** Kill the tree after this many milliseconds (default 10 minutes). */
  readonly timeoutMs?: number;
}

/** One measured run of a command. */
export interface CommandSample {
  /** Elapsed time from spawn to exit, in milliseconds. */
  readonly wallMs: number;
  /**
   * User + system CPU time of the process tree, in milliseconds; null without /proc, or
   * when another measured command ended during this one (its time cannot be told apart).
   */
  readonly cpuMs: number | null;
  /** Peak resident memory of the process tree in bytes (see above); null without /proc. */
  readonly peakRssBytes: number | null;
  /** Number of distinct processes seen in the tree. */
  readonly processes: number;
  /** Exit status, or null when a signal ended the command. */
  readonly exitCode: number | null;
  /** The signal that ended the command, if one did. */
  readonly signal: string | null;
  /** True when the timeout killed it. */
  readonly timedOut: boolean;
  /** The last 4 KiB of standard output and of standard error. */
  readonly stdoutTail: string;
  readonly stderrTail: string;
}

const TAIL_BYTES = 4096;
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 50;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Measurements under way; each records whether another one overlapped it. */
const active = new Set<{ overlapped: boolean }>();

function appendTail(tail: string, chunk: Buffer): string {
  const s = tail + chunk.toString("utf8");
  return s.length > TAIL_BYTES ? s.slice(s.length - TAIL_BYTES) : s;
}

/**
 * Runs `spec` once and measures it. Resolves when the command has ended (also on a
 * non-zero exit: the caller decides); rejects only when it cannot be started.
 */
export function measureCommand(spec: CommandSpec): Promise<CommandSample> {
  const [file, ...args] = spec.argv;
  if (file === undefined) return Promise.reject(new Error("empty command"));
  return new Promise((resolve, reject) => {
    // The children-CPU counter is per harness process: commands measured at the same
    // time would mix, so an overlap voids the CPU figure of both.
    const me = { overlapped: active.size > 0 };
    for (const other of active) other.overlapped = true;
    active.add(me);
    const cpuBefore = waitedChildrenCpuMs();
    const start = process.hrtime.bigint();
    const child = spawn(file, args, {
      cwd: spec.cwd,
      env: spec.env ? { ...process.env, ...spec.env } : process.env,
      stdio: [spec.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdoutTail = "";
    let stderrTail = "";
    child.stdout?.on("data", (c: Buffer) => (stdoutTail = appendTail(stdoutTail, c)));
    child.stderr?.on("data", (c: Buffer) => (stderrTail = appendTail(stderrTail, c)));
    if (spec.stdin !== undefined && child.stdin) {
      // A command that exits without reading its input must not crash the harness (EPIPE).
      child.stdin.on("error", () => undefined);
      child.stdin.end(spec.stdin);
    }

    let maxHwm = 0;
    let maxTreeRss = 0;
    let sawMemory = false;
    const seen = new Set<number>();
    let scanner: ProcessTreeScanner | null = null;
    let pollMs = FIRST_POLL_MS;
    let timer: NodeJS.Timeout | undefined;
    let exited = false;
    const poll = (): void => {
      if (scanner === null || exited) return;
      let treeRss = 0;
      for (const pid of scanner.scan()) {
        const m = processMemory(pid);
        if (m === null) continue;
        seen.add(pid);
        sawMemory = true;
        treeRss += m.rss;
        if (m.hwm > maxHwm) maxHwm = m.hwm;
      }
      if (treeRss > maxTreeRss) maxTreeRss = treeRss;
      pollMs = Math.min(MAX_POLL_MS, pollMs * 1.25);
      timer = setTimeout(poll, pollMs);
    };
    let timedOut = false;
    const killer = setTimeout(() => {
      timedOut = true;
      const pids = scanner?.scan() ?? (child.pid !== undefined ? [child.pid] : []);
      for (const pid of pids.reverse()) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }, spec.timeoutMs ?? DEFAULT_TIMEOUT_MS);

    child.on("spawn", () => {
      if (child.pid !== undefined) {
        scanner = new ProcessTreeScanner(child.pid);
        poll();
      }
    });
    let wallMs = 0;
    child.on("exit", () => {
      wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      exited = true;
      clearTimeout(timer);
      clearTimeout(killer);
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      clearTimeout(killer);
      active.delete(me);
      reject(new Error(`cannot run ${spec.argv.join(" ")}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      const cpuAfter = waitedChildrenCpuMs();
      active.delete(me);
      const cpuMs =
        cpuBefore !== null && cpuAfter !== null && !me.overlapped
          ? cpuAfter.userMs + cpuAfter.sysMs - cpuBefore.userMs - cpuBefore.sysMs
          : null;
      resolve({
        wallMs,
        cpuMs,
        peakRssBytes: sawMemory ? Math.max(maxHwm, maxTreeRss) : null,
        processes: seen.size,
        exitCode: code,
        signal,
        timedOut,
        stdoutTail,
        stderrTail,
      });
    });
  });
}
