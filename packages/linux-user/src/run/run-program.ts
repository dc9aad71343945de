/**
 * Running a riscv64 Linux program to its exit in the calling thread. The loader maps the
 * program into a tcg execution environment's guest RAM (a window from mmap_min_addr), the
 * cpu-exec loop runs it, and every ecall goes to the system call dispatcher; the thread
 * that runs the vCPUs is also the kernel here. Guest threads (clone with CLONE_THREAD)
 * are vCPUs of the same environment, scheduled round robin in this one host thread (as
 * QEMU's single-threaded TCG does): a thread runs until it blocks in a system call, exits,
 * or is kicked by a 10 ms timer tick; parallel vCPU workers are the process model's next
 * step (README.md).
 *
 * @module
 */
import {
  BareMetal, Cause, CpuOffset, cpuExec, createExecShared, createRiscvTarget, createSyncThread, fOffset, RISCV_EXIT_EXCEPTION, type CpuExit,
  type Translator, Vcpu, xOffset,
} from "@wasmu/tcg";
import { posix } from "node:path";
import { Worker } from "node:worker_threads";
import { FdTable } from "../fs/fd-table.js";
import { HostStream } from "../fs/host-file.js";
import type { OpenFile } from "../fs/open-file.js";
import { LoadError } from "../loader/elf-image.js";
import { MapFlag, Prot } from "../mm/constants.js";
import { deliverPending, deliverSignal } from "../signals/deliver.js";
import { type SavedRegs, SIGRETURN_TRAMPOLINE } from "../signals/frame.js";
import { loadProgram } from "../loader/load-elf.js";
import { AddressSpace } from "../mm/address-space.js";
import { tcgCodeHook } from "../mm/code-hook.js";
import { guestMemoryOfExec } from "../mm/guest-memory.js";
import { tbContextMmapLock } from "../mm/mmap-lock.js";
import type { Kernel } from "../process/kernel.js";
import type { CloneRequest, CpuRegs, Thread } from "../process/process.js";
import { Clone } from "../syscalls/threads.js";
import { futexWake } from "../syscalls/futex.js";
import { O, type SyscallArgs } from "../syscalls/abi.js";
import type { SyscallDispatcher } from "../syscalls/dispatch.js";
import { createLinuxDispatcher } from "../syscalls/linux.js";

/** Default size of the guest address space window: 1 GiB (the wasm memory is reserved, not committed). */
export const DEFAULT_GUEST_WINDOW = 1 << 30;
/**
 * Lowest guest address of the window: mmap_min_addr. Guest accesses below it (NULL
 * pointer dereferences) fall outside tcg's window and fault, as on Linux.
 */
export const GUEST_WINDOW_BASE = 0x10000;

/** What to run. */
export interface RunOptions {
  /** The kernel (sysroot, clocks, -strace sink). */
  readonly kernel: Kernel;
  /** The program's guest path (argv[0] by default, AT_EXECFN, /proc/self/exe). */
  readonly path: string;
  /** Its bytes. */
  readonly bytes: Uint8Array;
  /** Reads the interpreter (guest path; apply the sysroot). */
  readonly readInterpreter: (guestPath: string) => Uint8Array | LoadError;
  /** argv. */
  readonly argv: readonly string[];
  /** The environment. */
  readonly envp: readonly string[];
  /** Host working directory (default process.cwd()). */
  readonly cwd?: string;
  /** Descriptors 0, 1, 2 (default: the host's stdin, stdout, stderr). */
  readonly stdio?: readonly [OpenFile, OpenFile, OpenFile];
  /** Guest window bytes (default {@link DEFAULT_GUEST_WINDOW}). */
  readonly guestWindow?: number;
  /** The dispatcher (default {@link createLinuxDispatcher}). */
  readonly dispatcher?: SyscallDispatcher;
  /** The tb-lock=on mode. */
  readonly tbLock?: boolean;
  /** Stop after this many system calls (tests against runaway guests). */
  readonly maxSyscalls?: number;
}

/** How the program ended. */
export interface RunResult {
  /** The status a shell sees: the exit status, or 128 + the signal that killed it. */
  readonly status: number;
  /** The signal that killed it, if any. */
  readonly signal?: number;
  /** A one-line message for a killing signal (QEMU's "uncaught target signal"). */
  readonly message?: string;
}

const SIGNAL_NAMES: Readonly<Record<number, string>> = {
  1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction", 5: "Trace/breakpoint trap", 6: "Aborted", 7: "Bus error",
  8: "Floating point exception", 9: "Killed", 10: "User defined signal 1", 11: "Segmentation fault", 12: "User defined signal 2",
  13: "Broken pipe", 14: "Alarm clock", 15: "Terminated",
};
/** Default actions that dump core (QEMU says "core dumped" for them). */
const CORE_SIGNALS = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);

function killedBy(sig: number): RunResult {
  const core = CORE_SIGNALS.has(sig) ? " - core dumped" : "";
  return { status: 128 + sig, signal: sig, message: `uncaught target signal ${sig} (${SIGNAL_NAMES[sig] ?? "Signal"})${core}` };
}

/** The signal an exception or fault would raise (synchronous signals are not delivered to handlers yet). */
function signalOf(e: CpuExit, cause: bigint): number {
  if (e.kind === "fault") return e.misaligned ? 7 : 11;
  if (e.kind === "fetch_fault") return 11;
  switch (Number(cause)) {
    case Cause.ILLEGAL_INSN: return 4;
    case Cause.BREAKPOINT: return 5;
    case Cause.LOAD_MISALIGNED: case Cause.STORE_MISALIGNED: case Cause.INSN_MISALIGNED: return 7;
    default: return 11;
  }
}

/** The registers of a RISC-V CPU state, for signal frames. */
function cpuRegs(st: DataView, tr: Translator): CpuRegs {
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

/** si_code values of synchronous signals. */
const SEGV_MAPERR = 1;
const BUS_ADRALN = 1;
const ILL_ILLOPC = 1;
const TRAP_BRKPT = 1;

/** Most guest threads of one process (vCPUs of its environment). */
export const MAX_THREADS = 32;
/** Time slice of a guest thread when several are runnable. */
const TIMESLICE_MS = 10;

/**
 * A timer thread that sets the running vCPU's exit request each time slice (so a spinning
 * thread yields). `running[0]` is the index of the vCPU in cpuExec, or -1.
 */
function startTicker(buffer: SharedArrayBuffer, words: number[], running: Int32Array): Worker {
  const code = `const { workerData } = require("node:worker_threads");
const i32 = new Int32Array(workerData.buffer);
const run = workerData.running;
const nap = new Int32Array(new SharedArrayBuffer(4));
for (;;) { Atomics.wait(nap, 0, 0, ${TIMESLICE_MS}); const v = Atomics.load(run, 0); if (v >= 0) { Atomics.store(i32, workerData.words[v], 1); Atomics.notify(i32, workerData.words[v]); } }`;
  const w = new Worker(code, { eval: true, execArgv: [], workerData: { buffer, words, running } });
  w.unref();
  return w;
}

interface Runnable {
  readonly t: Thread;
  readonly cpu: Vcpu;
  readonly st: DataView;
}

/** Loads and runs a program to its exit. A {@link LoadError} when it cannot be loaded. */
export async function runProgram(opts: RunOptions): Promise<RunResult | LoadError> {
  const translator = createRiscvTarget();
  const size = opts.guestWindow ?? DEFAULT_GUEST_WINDOW;
  const shared = createExecShared({
    ramBase: BigInt(GUEST_WINDOW_BASE), ramSize: size, stateSize: translator.stateSize, vcpus: MAX_THREADS, tb: { userMode: true, tbLockMode: opts.tbLock ?? false },
  });
  const bm = new BareMetal({ translator, shared, vcpu: 0 });
  const ctx = bm.cpu.ctx;
  const mm = new AddressSpace({ memory: guestMemoryOfExec(shared), lock: tbContextMmapLock(ctx), codeHook: tcgCodeHook(ctx, GUEST_WINDOW_BASE, size) });
  const loaded = loadProgram(mm, { path: opts.path, bytes: opts.bytes, readInterpreter: opts.readInterpreter, argv: opts.argv, envp: opts.envp });
  if (loaded instanceof LoadError) return loaded;

  const files = new FdTable();
  const stdio = opts.stdio ?? [new HostStream(0, O.RDONLY | O.LARGEFILE), new HostStream(1, O.WRONLY | O.LARGEFILE), new HostStream(2, O.WRONLY | O.LARGEFILE)];
  for (const f of stdio) files.install(f, false);
  // /proc/self/exe is absolute, as Linux gives it (glibc's _dl_get_origin asserts it).
  const cwd = opts.cwd ?? process.cwd();
  const main: Thread = opts.kernel.createProcess({ mm, files, exe: posix.resolve(cwd, opts.path), cwd });
  const proc = main.proc;
  // The rt_sigreturn trampoline, on a page of its own where Linux has the vDSO.
  const tramp = mm.mmap(0, mm.pageSize, Prot.READ | Prot.EXEC, MapFlag.PRIVATE | MapFlag.ANONYMOUS);
  if (tramp >= 0) {
    mm.poke(tramp, SIGRETURN_TRAMPOLINE);
    mm.locked(() => mm.vmas.update(tramp, tramp + mm.pageSize, (v) => ({ ...v, name: "[vdso]" })));
    proc.sigTrampoline = tramp;
  }
  main.cpu = cpuRegs(bm.state, translator);
  proc.auxv = loaded.stack.auxv;
  proc.cmdline = new TextEncoder().encode(opts.argv.map((a) => `${a}\0`).join(""));
  const dispatcher = opts.dispatcher ?? createLinuxDispatcher();
  bm.state.setBigUint64(xOffset(2), BigInt(loaded.sp), true);
  translator.setPc(bm.state, BigInt(loaded.pc));

  const ready: Runnable[] = [{ t: main, cpu: bm.cpu, st: bm.state }];
  const used = new Set<number>([0]);
  let ticker: Worker | undefined;
  const running = new Int32Array(new SharedArrayBuffer(4)).fill(-1);
  let wake: (() => void) | undefined;
  let result: RunResult | undefined;
  let syscalls = 0;
  let blocked = 0;

  proc.threadHost = {
    clone(parent: Thread, req: CloneRequest): number {
      let v = 1;
      while (used.has(v) && v < MAX_THREADS) v++;
      if (v >= MAX_THREADS) return -11; // EAGAIN
      const pst = parent.cpu === undefined ? undefined : runnableOf(parent)?.st;
      if (pst === undefined) return -11;
      used.add(v);
      const cpu = new Vcpu(bm.worker, v, createSyncThread(v));
      const tid = opts.kernel.allocId();
      const child = proc.addThread(tid);
      child.sigmask = parent.sigmask;
      new Uint8Array(cpu.state.buffer, cpu.state.byteOffset, translator.stateSize).set(new Uint8Array(pst.buffer, pst.byteOffset, translator.stateSize));
      const st = cpu.state;
      st.setBigUint64(xOffset(10), 0n, true);
      if (req.stack !== 0n) st.setBigUint64(xOffset(2), req.stack, true);
      if ((req.flags & Clone.SETTLS) !== 0) st.setBigUint64(xOffset(4), req.tls, true);
      translator.setPc(st, pst.getBigUint64(CpuOffset.EXC_PC, true) + 4n);
      const tidBytes = new Uint8Array(new Uint32Array([tid]).buffer);
      if ((req.flags & Clone.PARENT_SETTID) !== 0) mm.write(req.ptid, tidBytes);
      if ((req.flags & Clone.CHILD_SETTID) !== 0) mm.write(req.ctid, tidBytes);
      if ((req.flags & Clone.CHILD_CLEARTID) !== 0) child.clearChildTid = req.ctid;
      child.cpu = cpuRegs(st, translator);
      const r: Runnable = { t: child, cpu, st };
      all.set(child, r);
      ready.push(r);
      ticker ??= startTicker(shared.memory.buffer as SharedArrayBuffer, Array.from({ length: MAX_THREADS }, (_, i) => ctx.exitRequestAddress(i) >> 2), running);
      return tid;
    },
  };
  const all = new Map<Thread, Runnable>([[main, ready[0]!]]);
  const runnableOf = (t: Thread): Runnable | undefined => all.get(t);

  /** A thread's exit (exit, not exit_group): clear_child_tid, futex wake, gone. */
  const threadExit = (r: Runnable): void => {
    const t = r.t;
    if (t.clearChildTid !== 0) {
      mm.write(t.clearChildTid, new Uint8Array(4));
      futexWake(mm, t.clearChildTid, 1);
    }
    proc.threads.delete(t.tid);
    all.delete(t);
    used.delete(r.cpu.index);
    if (all.size === 0) result = { status: t.exit?.status ?? 0 };
  };

  /** After a system call returned `v`: a0, the pc, exits and pending signals. Returns false when the thread is gone. */
  const finish = (r: Runnable, v: bigint, pc: bigint): boolean => {
    const { t, st } = r;
    if (t.sigreturned) {
      t.sigreturned = false;
    } else {
      st.setBigUint64(xOffset(10), BigInt.asUintN(64, v), true);
      translator.setPc(st, pc + 4n);
    }
    if (t.exit !== undefined) {
      if (t.exit.group) result = t.exit.signal !== undefined ? killedBy(t.exit.signal) : { status: t.exit.status };
      else threadExit(r);
      return false;
    }
    const d = deliverPending(t);
    if (typeof d === "object") {
      result = killedBy(d.kill);
      return false;
    }
    if (opts.maxSyscalls !== undefined && ++syscalls >= opts.maxSyscalls) {
      result = { status: 255, message: "too many system calls" };
      return false;
    }
    return true;
  };

  /** Runs `r` until it blocks, is kicked, or ends. */
  const step = (r: Runnable): void => {
    const { t, st } = r;
    for (;;) {
      const e = cpuExec(r.cpu);
      if (e.kind === "exit_request") {
        ready.push(r);
        return;
      }
      const pending = st.getUint32(CpuOffset.EXC_PENDING, true) !== 0;
      const cause = st.getBigUint64(CpuOffset.EXC_CAUSE, true);
      if ((e.kind === "helper" || (e.kind === "exit_tb" && e.code === RISCV_EXIT_EXCEPTION)) && pending && cause === BigInt(Cause.ECALL_U)) {
        st.setUint32(CpuOffset.EXC_PENDING, 0, true);
        const pc = st.getBigUint64(CpuOffset.EXC_PC, true);
        const nr = Number(st.getBigUint64(xOffset(17), true));
        const a = [10, 11, 12, 13, 14, 15].map((x) => st.getBigUint64(xOffset(x), true)) as unknown as SyscallArgs;
        const res = dispatcher.dispatch(t, nr, a);
        if (typeof res !== "bigint") {
          blocked++;
          void res.then((v) => {
            blocked--;
            if (result === undefined && all.has(t) && finish(r, v, pc)) ready.push(r);
            wake?.();
          });
          return;
        }
        if (!finish(r, res, pc)) return;
        continue;
      }
      // A synchronous signal: a memory fault, an illegal instruction, a breakpoint.
      const sig = signalOf(e, cause);
      let info;
      if (e.kind === "fault") {
        info = { signo: sig, code: sig === 7 ? BUS_ADRALN : SEGV_MAPERR, addr: e.addr };
      } else if (e.kind === "fetch_fault") {
        info = { signo: sig, code: SEGV_MAPERR, addr: e.pc };
      } else {
        const pc = pending ? st.getBigUint64(CpuOffset.EXC_PC, true) : translator.getPc(st);
        st.setUint32(CpuOffset.EXC_PENDING, 0, true);
        translator.setPc(st, pc);
        info = { signo: sig, code: sig === 4 ? ILL_ILLOPC : sig === 5 ? TRAP_BRKPT : SEGV_MAPERR, addr: pc };
      }
      const d = deliverSignal(t, info, true);
      if (d !== "handled") {
        result = killedBy(typeof d === "object" ? d.kill : sig);
        return;
      }
    }
  };

  try {
    while (result === undefined) {
      const r = ready.shift();
      if (r === undefined) {
        // Every thread waits in a system call: let the event loop settle one. The interval
        // keeps Node alive meanwhile, so a guest deadlock hangs as on Linux instead of ending.
        const keepAlive = setInterval(() => {}, 1 << 30);
        await new Promise<void>((resolve) => (wake = resolve));
        clearInterval(keepAlive);
        wake = undefined;
        continue;
      }
      if (!all.has(r.t)) continue;
      // A tick meant for the previous slice must not cut this one short.
      Atomics.store(running, 0, r.cpu.index);
      ctx.exclusive.clearExitRequest(r.cpu.index);
      if (r.t.pending.length > 0) {
        // Signals another thread sent while this one was not in a system call.
        const d = deliverPending(r.t);
        if (typeof d === "object") {
          result = killedBy(d.kill);
          break;
        }
      }
      step(r);
      Atomics.store(running, 0, -1);
      // Threads waiting in system calls: let the event loop run (timers, wakes by other threads).
      if (blocked > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return result;
  } finally {
    if (ticker !== undefined) void ticker.terminate();
    files.closeAll();
    opts.kernel.processes.delete(proc.pid);
  }
}
