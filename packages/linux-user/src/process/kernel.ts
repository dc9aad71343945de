/**
 * The emulated kernel's global state: process and thread ids, the process table, the
 * sysroot, host services (clocks, randomness, the host's identity), and the sinks for
 * `-strace` output and one-time warnings. One per wasmu run; every guest process of the
 * run lives in it (README.md, process model).
 *
 * @module
 */
import * as os from "node:os";
import { Sysroot } from "../fs/sysroot.js";
import type { FdTable } from "../fs/fd-table.js";
import type { AddressSpace } from "../mm/address-space.js";
import { type Credentials, Process, type ProcessEnd, type Thread } from "./process.js";
import { DEFAULT_IGNORED, Sa, sigBit, STOP_SIGNALS } from "../signals/deliver.js";
import type { SigInfo } from "../signals/frame.js";

/** SIGCHLD. */
export const SIGCHLD = 17;
/** SIGKILL. */
const SIGKILL = 9;
/** si_code of SIGCHLD (CLD_EXITED, CLD_KILLED, CLD_DUMPED). */
export const Cld = { EXITED: 1, KILLED: 2, DUMPED: 3, STOPPED: 5, CONTINUED: 6 } as const;
/** SIGCONT and SIGSTOP. */
const SIGCONT = 18;
const SIGSTOP = 19;

/** Clocks, as the time system calls read them (nanoseconds). */
export interface HostClock {
  /** CLOCK_REALTIME. */
  realtimeNs(): bigint;
  /** CLOCK_MONOTONIC (and BOOTTIME). */
  monotonicNs(): bigint;
  /** CPU time of the process. */
  cpuNs(): bigint;
  /** Waits `ns` nanoseconds. */
  sleep(ns: bigint): Promise<void>;
}

/** The host's clocks through Node. */
export const nodeClock: HostClock = {
  realtimeNs: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n,
  monotonicNs: () => process.hrtime.bigint(),
  cpuNs: () => {
    const u = process.cpuUsage();
    return BigInt(u.user + u.system) * 1000n;
  },
  // Unref'd: while a guest runs, its runner keeps Node alive (an interval while its only
  // thread waits on the kernel thread, or its vCPU workers); once the process has ended, a
  // sleep it left behind must not hold the exit up.
  sleep: (ns) => new Promise((resolve) => setTimeout(resolve, Number(ns / 1_000_000n)).unref()),
};

/** Options of a {@link Kernel}. */
export interface KernelOptions {
  /** The -L sysroot (a host directory). */
  readonly sysroot?: string;
  /** uname nodename (default: the host's). */
  readonly hostname?: string;
  /** uname release (default: the host's, as QEMU reports it). */
  readonly release?: string;
  /** uname version (default: the host's). */
  readonly version?: string;
  /** Clocks (default {@link nodeClock}). */
  readonly clock?: HostClock;
  /** Fills a buffer with random bytes (default crypto.getRandomValues). */
  readonly random?: (buf: Uint8Array) => void;
  /** Receives -strace text (QEMU's format; default: none). */
  readonly strace?: (text: string) => void;
  /** Receives one-line warnings such as "Unsupported syscall: N" (default: stderr). */
  readonly warn?: (line: string) => void;
  /** The first pid (default: the host process's pid, as QEMU shows the host pid). */
  readonly firstPid?: number;
  /** CPUs reported by sched_getaffinity and sysinfo (default: the host's). */
  readonly cpus?: number;
}

/** Credentials of the host user. */
export function hostCredentials(): Credentials {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return { uid, euid: process.geteuid?.() ?? uid, suid: uid, gid, egid: process.getegid?.() ?? gid, sgid: gid, groups: process.getgroups?.() ?? [] };
}

/** The emulated kernel. */
export class Kernel {
  /** Path resolution. */
  readonly sysroot: Sysroot;
  /** Clocks. */
  readonly clock: HostClock;
  /** Random bytes. */
  readonly random: (buf: Uint8Array) => void;
  /** uname fields. */
  readonly uts: { readonly nodename: string; readonly release: string; readonly version: string };
  /** CPUs. */
  readonly cpus: number;
  /** -strace sink. */
  readonly strace: ((text: string) => void) | undefined;
  /** Live processes by pid. */
  readonly processes = new Map<number, Process>();
  /** Kernel boot time on the monotonic clock (sysinfo uptime). */
  readonly bootNs: bigint;
  /**
   * The host's terminal as the controlling terminal of the first process's session (set by
   * the runner): that session and its foreground process group (tcgetpgrp/tcsetpgrp), to
   * which the terminal's signals (Ctrl-C, Ctrl-\, Ctrl-Z, a resize) go. A process that
   * leaves the session (setsid) has no controlling terminal. Kernel thread only.
   */
  terminal: { readonly sid: number; pgrp: number } | undefined;
  private readonly warnSink: (line: string) => void;
  private readonly warned = new Set<string>();
  private nextPid: number;

  /** @param opts see {@link KernelOptions}. */
  constructor(opts: KernelOptions = {}) {
    this.sysroot = new Sysroot(opts.sysroot);
    this.clock = opts.clock ?? nodeClock;
    this.random = opts.random ?? ((b) => void crypto.getRandomValues(b));
    this.uts = { nodename: opts.hostname ?? os.hostname(), release: opts.release ?? os.release(), version: opts.version ?? os.version() };
    this.cpus = opts.cpus ?? os.availableParallelism();
    this.strace = opts.strace;
    this.warnSink = opts.warn ?? ((line) => process.stderr.write(`${line}\n`));
    this.nextPid = opts.firstPid ?? process.pid;
    this.bootNs = this.clock.monotonicNs() - BigInt(Math.round(os.uptime() * 1e9));
  }

  /** A fresh pid/tid. */
  allocId(): number {
    return this.nextPid++;
  }

  /** Prints `line` once per `key` (e.g. "Unsupported syscall: 436"). */
  warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnSink(line);
  }

  /**
   * Sends `info` to process `target` (kill(2)'s side; also SIGCHLD): nothing when the
   * target ignores it; otherwise queued on a thread that does not block it (the main
   * thread if all do), which is kicked (a vCPU worker leaves its loop; a call waiting on
   * the kernel thread notices within sigwait.ts's poll period). The runner delivers it,
   * which runs the handler or takes the default action (the end of the process).
   */
  signalProcess(target: Process, info: SigInfo): void {
    if (target.ended !== undefined || target.threads.size === 0) return;
    const sig = info.signo;
    if (sig === 0) return;
    const drop = (which: (s: number) => boolean): void => {
      for (const th of target.threads.values()) for (let i = th.pending.length - 1; i >= 0; i--) if (which(th.pending[i]!.signo)) th.pending.splice(i, 1);
    };
    // Job control: SIGCONT continues a stopped process (whatever its disposition) and
    // discards pending stop signals; a stop signal discards a pending SIGCONT, and one from
    // the terminal family is discarded when the process's group is orphaned (Linux).
    if (sig === SIGCONT) {
      drop((s) => STOP_SIGNALS.has(s));
      this.continueProcess(target);
    }
    if (STOP_SIGNALS.has(sig)) {
      drop((s) => s === SIGCONT);
      if (sig !== SIGSTOP && (target.sigactions.get(sig)?.handler ?? 0n) === 0n && this.orphanedGroup(target.pgid)) return;
    }
    const handler = sig === SIGSTOP ? 0n : (target.sigactions.get(sig)?.handler ?? 0n);
    if (sig !== SIGKILL && (handler === 1n || (handler === 0n && DEFAULT_IGNORED.has(sig)))) return;
    const threads = [...target.threads.values()];
    const t = threads.find((x) => (x.sigmask & sigBit(sig)) === 0n) ?? target.mainThread ?? threads[0]!;
    // SIGKILL is never blocked and never caught: the whole process ends.
    if (sig === SIGKILL) t.exit ??= { status: 128 + sig, group: true, signal: sig };
    t.pending.push(info);
    target.threadHost?.kick(t);
    // SIGKILL ends a stopped process too: its threads wake to die.
    if (sig === SIGKILL && target.stopped !== undefined) {
      const s = target.stopped;
      target.stopped = undefined;
      s.resume();
    }
  }

  /**
   * Stops process `p` (a stop signal's default action was taken by one of its threads):
   * its threads wait, at their next delivery point, until {@link continueProcess} or
   * SIGKILL; its parent gets SIGCHLD with CLD_STOPPED (unless SA_NOCLDSTOP) and a report
   * for wait4's WUNTRACED / waitid's WSTOPPED.
   */
  stopProcess(p: Process, signo: number): void {
    if (p.stopped !== undefined || p.ended !== undefined) return;
    let resume: () => void = () => {};
    const resumed = new Promise<void>((r) => (resume = r));
    p.stopped = { signo, resumed, resume };
    p.jobReport = { kind: "stopped", signo };
    this.notifyParent(p, Cld.STOPPED, signo);
    for (const t of p.threads.values()) p.threadHost?.kick(t);
  }

  /** Continues stopped process `p` (SIGCONT): SIGCHLD with CLD_CONTINUED to its parent (unless SA_NOCLDSTOP) and a report for WCONTINUED. */
  continueProcess(p: Process): void {
    const s = p.stopped;
    if (s === undefined) return;
    p.stopped = undefined;
    p.jobReport = { kind: "continued" };
    this.notifyParent(p, Cld.CONTINUED, SIGCONT);
    s.resume();
  }

  private notifyParent(p: Process, code: number, status: number): void {
    const parent = p.parent;
    if (parent === undefined || parent.ended !== undefined) return;
    const act = parent.sigactions.get(SIGCHLD);
    if (act === undefined || (act.flags & BigInt(Sa.NOCLDSTOP)) === 0n) this.signalProcess(parent, { signo: SIGCHLD, code, pid: p.pid, uid: p.creds.uid, status });
    parent.childWait.wake();
  }

  /**
   * Whether process group `pgid` is orphaned (Linux's will_become_orphaned_pgrp): no member
   * has a parent in another group of the same session. The first process's parent is the
   * host's shell, taken as such a parent (as it is on Linux); a process reparented to init
   * has none.
   */
  orphanedGroup(pgid: number): boolean {
    return !this.processGroup(pgid).some((m) => {
      if (m.parent === undefined) return m.ppid !== 1;
      return m.parent.pgid !== pgid && m.parent.sid === m.sid;
    });
  }

  /**
   * Process `p` has ended (every thread gone, files closed by the runner): it becomes a
   * zombie for its parent (SIGCHLD, a wake-up of its waits), or disappears at once when
   * the parent ignores SIGCHLD (or set SA_NOCLDWAIT) or is not a guest process; its own
   * children pass to "init" (no guest parent: reaped when they end). A vfork parent wakes.
   */
  processEnded(p: Process, end: ProcessEnd): void {
    if (p.ended !== undefined) return;
    p.ended = end;
    p.jobReport = undefined;
    if (p.stopped !== undefined) {
      const s = p.stopped;
      p.stopped = undefined;
      s.resume();
    }
    p.vforkDone?.();
    p.vforkDone = undefined;
    for (const c of p.children) {
      c.parent = undefined;
      c.ppid = 1;
      if (c.ended !== undefined) this.processes.delete(c.pid);
    }
    p.children.clear();
    const parent = p.parent;
    if (parent === undefined || parent.ended !== undefined) {
      this.processes.delete(p.pid);
      return;
    }
    const act = parent.sigactions.get(SIGCHLD);
    if (p.exitSignal !== 0) {
      const code = end.signal === undefined ? Cld.EXITED : end.core === true ? Cld.DUMPED : Cld.KILLED;
      this.signalProcess(parent, { signo: p.exitSignal, code, pid: p.pid, uid: p.creds.uid, status: end.signal ?? end.code });
    }
    // Linux: a parent ignoring SIGCHLD (SIG_IGN, not the default) or with SA_NOCLDWAIT leaves no zombie.
    if (act !== undefined && (act.handler === 1n || (act.flags & BigInt(Sa.NOCLDWAIT)) !== 0n)) this.reap(p);
    parent.childWait.wake();
  }

  /** Removes zombie `p` (wait4 collected it). */
  reap(p: Process): void {
    p.parent?.children.delete(p);
    this.processes.delete(p.pid);
  }

  /** Live processes of process group `pgid`. */
  processGroup(pgid: number): Process[] {
    return [...this.processes.values()].filter((p) => p.ended === undefined && p.pgid === pgid);
  }

  /** The processes kill(2)'s `pid` names for `from`: one pid, a group (0: the caller's), or every other (-1). */
  killTargets(from: Process, pid: number): Process[] {
    const live = [...this.processes.values()].filter((p) => p.ended === undefined);
    if (pid > 0) return live.filter((p) => p.pid === pid);
    if (pid === -1) return live.filter((p) => p !== from);
    const pgid = pid === 0 ? from.pgid : -pid;
    return live.filter((p) => p.pgid === pgid);
  }

  /** Creates a process with its main thread. */
  createProcess(p: { mm: AddressSpace; files: FdTable; exe: string; cwd: string; creds?: Credentials; ppid?: number }): Thread {
    const pid = this.allocId();
    // The first process is this host process itself (its pid), so its parent is ours.
    const proc = new Process(this, pid, p.ppid ?? (pid === process.pid ? process.ppid : process.pid), p.mm, p.files, p.creds ?? hostCredentials(), p.exe, p.cwd);
    this.processes.set(pid, proc);
    return proc.addThread(pid);
  }
}
