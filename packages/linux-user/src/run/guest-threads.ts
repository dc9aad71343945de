/**
 * The kernel thread's view of the running threads of one process: what happens when a
 * vCPU comes back with a system call, a fault or an exit request (vcpu-link.ts), thread
 * creation (clone), thread exit, and the end of the process. The same object serves the
 * process's first thread while it runs on the kernel thread itself (run-program.ts) and
 * every thread once they run in workers (vcpu-workers.ts): the answers only touch the
 * thread's registers in shared memory, so where the vCPU runs does not matter.
 *
 * All state here is owned by the kernel thread (no lock): `all`, `used`, `result`.
 *
 * @module
 */
import { Cause, CpuOffset, fOffset, type Translator, xOffset } from "@wasmu/tcg";
import { Errno } from "../errno.js";
import { deliverPending, deliverSignal } from "../signals/deliver.js";
import { BUS_ADRALN, SEGV_MAPERR, SIGBUS, SIGSEGV } from "../signals/fault-info.js";
import type { SavedRegs, SigInfo } from "../signals/frame.js";
import type { CloneRequest, CpuRegs, Process, Thread } from "../process/process.js";
import { futexWake } from "../syscalls/futex.js";
import type { SyscallArgs } from "../syscalls/abi.js";
import type { SyscallDispatcher } from "../syscalls/dispatch.js";
import { afterInterruption } from "../syscalls/sigwait.js";
import { Clone } from "../syscalls/threads.js";
import { FaultKind } from "./vcpu-link.js";

/** How the program ended. */
export interface RunResult {
  /** The status a shell sees: the exit status, or 128 + the signal that killed it. */
  readonly status: number;
  /** The signal that killed it, if any. */
  readonly signal?: number;
  /** A one-line message for a killing signal (QEMU's "uncaught target signal"). */
  readonly message?: string;
  /**
   * When guest threads ran in vCPU workers: how many workers were started, the most vCPUs
   * that ran guest code at once, and the tb_flushes of the process.
   */
  readonly parallelism?: { readonly workers: number; readonly maxRunning: number; readonly tbFlushes: number };
}

/** A system call's -ERESTARTSYS result. */
const RESTART = -BigInt(Errno.ERESTARTSYS);

const SIGNAL_NAMES: Readonly<Record<number, string>> = {
  1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction", 5: "Trace/breakpoint trap", 6: "Aborted", 7: "Bus error",
  8: "Floating point exception", 9: "Killed", 10: "User defined signal 1", 11: "Segmentation fault", 12: "User defined signal 2",
  13: "Broken pipe", 14: "Alarm clock", 15: "Terminated",
};
/** Default actions that dump core (QEMU says "core dumped" for them). */
export const CORE_SIGNALS: ReadonlySet<number> = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);

/** The result of a process killed by `sig`. */
export function killedBy(sig: number): RunResult {
  const core = CORE_SIGNALS.has(sig) ? " - core dumped" : "";
  return { status: 128 + sig, signal: sig, message: `uncaught target signal ${sig} (${SIGNAL_NAMES[sig] ?? "Signal"})${core}` };
}

/** si_code values of synchronous signals (memory faults: signals/fault-info.ts). */
const ILL_ILLOPC = 1;
const TRAP_BRKPT = 1;

/**
 * The siginfo of a {@link FaultKind} request's arguments (kind, address, misaligned, pc,
 * cause — for memory and fetch faults the si_code signals/fault-info.ts chose).
 */
export function faultSigInfo(a: SyscallArgs): SigInfo {
  const kind = Number(a[0]);
  if (kind === FaultKind.MEMORY) return a[2] !== 0n ? { signo: SIGBUS, code: BUS_ADRALN, addr: a[1] } : { signo: SIGSEGV, code: Number(a[4]) || SEGV_MAPERR, addr: a[1] };
  if (kind === FaultKind.FETCH) return { signo: SIGSEGV, code: Number(a[4]) || SEGV_MAPERR, addr: a[1] };
  const pc = a[3];
  switch (Number(a[4])) {
    case Cause.ILLEGAL_INSN: return { signo: 4, code: ILL_ILLOPC, addr: pc };
    case Cause.BREAKPOINT: return { signo: 5, code: TRAP_BRKPT, addr: pc };
    case Cause.INSN_MISALIGNED: case Cause.LOAD_MISALIGNED: case Cause.STORE_MISALIGNED: return { signo: SIGBUS, code: BUS_ADRALN, addr: pc };
    default: return { signo: SIGSEGV, code: SEGV_MAPERR, addr: pc };
  }
}

/** The registers of a RISC-V CPU state, for signal frames. */
export function cpuRegs(st: DataView, tr: Translator): CpuRegs {
  return {
    read(): SavedRegs {
      const x: bigint[] = [];
      const f: bigint[] = [];
      for (let i = 0; i < 32; i++) {
        x.push(st.getBigUint64(xOffset(i), true));
        f.push(st.getBigUint64(fOffset(i), true));
      }
      return { pc: tr.getPc(st), x, f, fcsr: (st.getUint32(CpuOffset.FFLAGS, true) & 0x1f) | ((st.getUint32(CpuOffset.FRM, true) & 7) << 5) };
    },
    write(r: SavedRegs): void {
      for (let i = 1; i < 32; i++) st.setBigUint64(xOffset(i), BigInt.asUintN(64, r.x[i]!), true);
      for (let i = 0; i < 32; i++) st.setBigUint64(fOffset(i), BigInt.asUintN(64, r.f[i]!), true);
      st.setUint32(CpuOffset.FFLAGS, r.fcsr & 0x1f, true);
      st.setUint32(CpuOffset.FRM, (r.fcsr >> 5) & 7, true);
      tr.setPc(st, r.pc);
    },
  };
}

/** A guest thread and its vCPU. */
export interface GuestVcpu {
  /** The thread. */
  readonly t: Thread;
  /** Its vCPU index in the process's environment. */
  readonly index: number;
  /** Its CPU state (in shared memory). */
  readonly st: DataView;
}

/** Options of {@link GuestThreads}. */
export interface GuestThreadsOptions {
  readonly proc: Process;
  readonly translator: Translator;
  readonly dispatcher: SyscallDispatcher;
  /** Most vCPUs (indices 0 .. vcpus-1). */
  readonly vcpus: number;
  /** The CPU state of vCPU `index`. */
  readonly stateOf: (index: number) => DataView;
  /** Stop after this many system calls. */
  readonly maxSyscalls?: number | undefined;
  /** A new thread's vCPU is set up: run it. */
  readonly started: (v: GuestVcpu) => void;
  /** The process has ended (once). */
  readonly ended: (r: RunResult) => void;
}

/** The threads of one running process, as the kernel thread manages them. */
export class GuestThreads {
  /** The running threads. */
  readonly all = new Map<Thread, GuestVcpu>();
  /** vCPU indices in use (an index is freed once its runner has let go of it: {@link release}). */
  private readonly used = new Set<number>();
  /** The result, once the process has ended. */
  result: RunResult | undefined;
  /** Set when a thread's execve succeeded: the new image (run-program.ts's) and that thread. */
  exec: { readonly image: unknown; readonly by: Thread } | undefined;
  private syscalls = 0;

  /** @param o see {@link GuestThreadsOptions}. */
  constructor(private readonly o: GuestThreadsOptions) {}

  /** Registers the process's first thread on vCPU `index`. */
  addMain(t: Thread, index: number): GuestVcpu {
    const v: GuestVcpu = { t, index, st: this.o.stateOf(index) };
    this.used.add(index);
    this.all.set(t, v);
    t.cpu = cpuRegs(v.st, this.o.translator);
    return v;
  }

  /**
   * Ends the process with `r` (the first end wins). Every thread still alive is marked as
   * exiting (Linux's zap_other_threads), so that a call it waits in on the kernel thread
   * (sigwait.ts watches `exit`) ends now instead of holding Node up after the run.
   */
  end(r: RunResult): void {
    if (this.result !== undefined) return;
    this.result = r;
    for (const v of this.all.values()) v.t.exit ??= { status: r.status, group: true, ...(r.signal !== undefined ? { signal: r.signal } : {}) };
    this.o.ended(r);
  }

  /** vCPU index `index` is free again (its worker is gone). */
  release(index: number): void {
    this.used.delete(index);
  }

  /** A system call of `v` (number `nr`, a0..a5, the whole a7 `raw`): true if the thread goes on. */
  syscall(v: GuestVcpu, nr: number, args: SyscallArgs, raw?: bigint): boolean | Promise<boolean> {
    if (this.result !== undefined) return false;
    const pc = v.st.getBigUint64(CpuOffset.EXC_PC, true);
    const res = this.o.dispatcher.dispatch(v.t, nr, args, raw);
    if (typeof res === "bigint") return this.finish(v, res, pc);
    return res.then((r) => this.all.get(v.t) === v && this.finish(v, r, pc));
  }

  /** After a system call returned `r`: a0, the pc, exits and pending signals. */
  private finish(v: GuestVcpu, r: bigint, pc: bigint): boolean | Promise<boolean> {
    if (this.result !== undefined) return false;
    const { t, st } = v;
    // A call a signal interrupted: Linux's restart rule, decided now that the signal is
    // about to be delivered (sigwait.ts).
    if (r === RESTART && afterInterruption(t) === "eintr") r = -BigInt(Errno.EINTR);
    if (t.sigreturned) {
      t.sigreturned = false;
    } else if (r === RESTART) {
      // The ecall runs again after the handler (its frame saves this pc); a0 still holds
      // the call's first argument, since nothing wrote the result.
      this.o.translator.setPc(st, pc);
    } else {
      st.setBigUint64(xOffset(10), BigInt.asUintN(64, r), true);
      this.o.translator.setPc(st, pc + 4n);
    }
    if (t.exec !== undefined && t.exit === undefined) {
      // execve: every thread of the old image stops (Linux's de_thread); the runner goes on with the new one.
      this.exec = { image: t.exec, by: t };
      t.exec = undefined;
      this.end({ status: 0 });
      return false;
    }
    if (t.exit !== undefined) {
      if (t.exit.group) this.end(t.exit.signal !== undefined ? killedBy(t.exit.signal) : { status: t.exit.status });
      else this.threadExit(v);
      return false;
    }
    const delivered = this.deliver(v);
    if (delivered === false) return false;
    const counted = (): boolean => {
      if (this.o.maxSyscalls !== undefined && ++this.syscalls >= this.o.maxSyscalls) {
        this.end({ status: 255, message: "too many system calls" });
        return false;
      }
      return true;
    };
    return delivered === true ? counted() : delivered.then((ok) => ok && counted());
  }

  /**
   * Delivers `v`'s pending signals that are not blocked; false if one killed the process.
   * A stop signal's default action stops the process (kernel.ts stopProcess): then, as
   * while the process is stopped, a Promise settled once it continues (the rest of the
   * pending signals delivered then).
   */
  private deliver(v: GuestVcpu): boolean | Promise<boolean> {
    const p = v.t.proc;
    if (p.stopped !== undefined) return p.stopped.resumed.then(() => this.result === undefined && this.all.get(v.t) === v && this.deliver(v));
    if (v.t.pending.length === 0) return true;
    const d = deliverPending(v.t);
    if (typeof d === "object") {
      if ("stop" in d) {
        p.kernel.stopProcess(p, d.stop);
        return this.deliver(v);
      }
      this.end(killedBy(d.kill));
      return false;
    }
    return true;
  }

  /** `v` was kicked (exit request): signals sent to it meanwhile (a Promise while its process is stopped). */
  kick(v: GuestVcpu): boolean | Promise<boolean> {
    if (this.result !== undefined || this.all.get(v.t) !== v) return false;
    return this.deliver(v);
  }

  /** A synchronous fault or exception of `v` (vcpu-link.ts arguments): a handler, or the end of the process. */
  fault(v: GuestVcpu, args: SyscallArgs): boolean {
    if (this.result !== undefined) return false;
    const info = faultSigInfo(args);
    const d = deliverSignal(v.t, info, true);
    if (d !== "handled") {
      this.end(killedBy(typeof d === "object" && "kill" in d ? d.kill : info.signo));
      return false;
    }
    return true;
  }

  /** A thread's exit (exit, not exit_group): clear_child_tid, futex wake, gone. */
  private threadExit(v: GuestVcpu): void {
    const t = v.t;
    const mm = t.proc.mm;
    if (t.clearChildTid !== 0 && mm.write(t.clearChildTid, new Uint8Array(4))) futexWake(mm, t.clearChildTid, 1);
    t.proc.threads.delete(t.tid);
    t.cpu = undefined;
    this.all.delete(t);
    if (this.all.size === 0) this.end({ status: t.exit?.status ?? 0 });
  }

  /** clone(CLONE_THREAD) from `parent`: the child's tid or -errno. */
  clone(parent: Thread, req: CloneRequest): number {
    const p = this.all.get(parent);
    if (p === undefined) return -11;
    let index = 0;
    while (this.used.has(index) && index < this.o.vcpus) index++;
    if (index >= this.o.vcpus) return -11; // EAGAIN
    const proc = this.o.proc;
    const tr = this.o.translator;
    const st = this.o.stateOf(index);
    new Uint8Array(st.buffer, st.byteOffset, tr.stateSize).set(new Uint8Array(p.st.buffer, p.st.byteOffset, tr.stateSize));
    st.setUint32(CpuOffset.EXC_PENDING, 0, true);
    st.setBigUint64(xOffset(10), 0n, true);
    if (req.stack !== 0n) st.setBigUint64(xOffset(2), req.stack, true);
    if ((req.flags & Clone.SETTLS) !== 0) st.setBigUint64(xOffset(4), req.tls, true);
    tr.setPc(st, p.st.getBigUint64(CpuOffset.EXC_PC, true) + 4n);
    const tid = proc.kernel.allocId();
    const child = proc.addThread(tid);
    child.sigmask = parent.sigmask;
    const tidBytes = new Uint8Array(new Uint32Array([tid]).buffer);
    if ((req.flags & Clone.PARENT_SETTID) !== 0) proc.mm.write(req.ptid, tidBytes);
    if ((req.flags & Clone.CHILD_SETTID) !== 0) proc.mm.write(req.ctid, tidBytes);
    if ((req.flags & Clone.CHILD_CLEARTID) !== 0) child.clearChildTid = req.ctid;
    child.cpu = cpuRegs(st, tr);
    const v: GuestVcpu = { t: child, index, st };
    this.used.add(index);
    this.all.set(child, v);
    this.o.started(v);
    return tid;
  }
}
