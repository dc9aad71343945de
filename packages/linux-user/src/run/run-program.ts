/**
 * Running a riscv64 Linux program to its exit. The loader maps the program into a tcg
 * execution environment's guest RAM (a window from mmap_min_addr), the cpu-exec loop runs
 * it, and every ecall goes to the system call dispatcher, which runs on this thread, the
 * kernel thread (README.md, process model).
 *
 * A single-threaded program runs on this thread, as before: no worker to start, no round
 * trip per call. Its first clone(CLONE_THREAD) moves it to a vCPU worker and starts one
 * for the new thread; from then on every guest thread is one worker running its vCPU in
 * parallel with the others (vcpu-worker.ts), and this thread only answers their requests
 * (vcpu-workers.ts, guest-threads.ts), its event loop free for blocking calls.
 *
 * @module
 */
import {
  attachTbContext, BareMetal, cpuExec, createExecShared, DEFAULT_MAX_TBS, defaultRegionCount, createRiscvTarget, createSyncThread, CTRL_BYTES, type Translator, type Vcpu, vcpuEnv, xOffset,
} from "@wasmu/tcg";
import { posix } from "node:path";
import { FdTable } from "../fs/fd-table.js";
import { HostStream, hostStdinWasClosed } from "../fs/host-file.js";
import { forwardHostSignals, startTicker } from "../signals/host-signals.js";
import type { Worker } from "node:worker_threads";
import type { OpenFile } from "../fs/open-file.js";
import { LoadError } from "../loader/elf-image.js";
import { MapFlag, Prot } from "../mm/constants.js";
import { SIGRETURN_TRAMPOLINE } from "../signals/frame.js";
import { loadProgram } from "../loader/load-elf.js";
import { AddressSpace } from "../mm/address-space.js";
import { tcgCodeHook } from "../mm/code-hook.js";
import { tcgPageAccess } from "../mm/tcg-page-access.js";
import { guestMemoryOfExec } from "../mm/guest-memory.js";
import { tbContextMmapLock } from "../mm/mmap-lock.js";
import type { Kernel } from "../process/kernel.js";
import type { Thread } from "../process/process.js";
import { futexTableOf } from "../syscalls/futex.js";
import { O } from "../syscalls/abi.js";
import type { SyscallDispatcher } from "../syscalls/dispatch.js";
import { createLinuxDispatcher } from "../syscalls/linux.js";
import { type GuestVcpu, GuestThreads, type RunResult } from "./guest-threads.js";
import { classifyExit, VcpuEvent, VcpuReply } from "./vcpu-link.js";
import { ModuleRelay, VcpuWorkers } from "./vcpu-workers.js";
import type { UserLog } from "./user-log.js";

export type { RunResult } from "./guest-threads.js";

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
  readonly argv: readonly (string | Uint8Array)[];
  /** The environment. */
  readonly envp: readonly (string | Uint8Array)[];
  /** Host working directory (default process.cwd()). */
  readonly cwd?: string;
  /** Descriptors 0, 1, 2 (default: the host's stdin, stdout, stderr). */
  readonly stdio?: readonly [OpenFile | null, OpenFile | null, OpenFile | null];
  /**
   * Forward the host's SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2, SIGWINCH, SIGCONT and
   * SIGTSTP to the guest (signals/host-signals.ts) while it runs (the CLI does; default off).
   */
  readonly hostSignals?: boolean;
  /** Guest window bytes (default {@link DEFAULT_GUEST_WINDOW}). */
  readonly guestWindow?: number;
  /** The dispatcher (default {@link createLinuxDispatcher}). */
  readonly dispatcher?: SyscallDispatcher;
  /** The tb-lock=on mode. */
  readonly tbLock?: boolean;
  /** The execution tiers (tcg's ExecParams tier, hotThreshold, tierBatch; default: interpret, then compile hot code, "auto"). */
  readonly tier?: { readonly mode: "auto" | "interp" | "jit"; readonly hotThreshold?: number; readonly tierBatch?: number };
  /**
   * Where the first thread runs: on this (the kernel) thread until its first clone
   * (default), or in a vCPU worker from the start (measurements, and tests of the worker
   * path with single-threaded programs).
   */
  readonly vcpuWorkers?: "first-clone" | "always";
  /** Check tcg's lock order and lock assertions in every vCPU and the kernel thread (tcg's LockChecker; e.g. from WASMU_DEBUG_TCG=1). */
  readonly debugLocks?: boolean;
  /** TB arena sizing (tests: a small one makes tb_flush frequent). Default: tcg's. */
  readonly tbArena?: { readonly maxTbs?: number; readonly codeBytes?: number };
  /** Stop after this many system calls (tests against runaway guests). */
  readonly maxSyscalls?: number;
  /**
   * -d / -one-insn-per-tb (user-log.ts): attached to the vCPU run on this thread and (its
   * plain-data config) to every vCPU worker's, told of the load and of the exit (the stats
   * item covers the vCPU of this thread only).
   */
  readonly log?: UserLog;
}

/**
 * Most guest threads of one process (vCPUs of its environment; the 1025th clone is EAGAIN).
 * Each running thread is a Node worker (~24 MB of RSS, ~0.5 s of CPU to start): 256
 * threads alive at once take ~6 GB; Linux's own limit is memory (threads-max).
 */
export const MAX_THREADS = 1024;
/** The vCPU count code regions are sized for (see createExecShared's regions). */
const REGION_VCPUS = 32;

/** Loads and runs a program to its exit. A {@link LoadError} when it cannot be loaded. */
export async function runProgram(opts: RunOptions): Promise<RunResult | LoadError> {
  const translator = createRiscvTarget();
  const size = opts.guestWindow ?? DEFAULT_GUEST_WINDOW;
  const shared = createExecShared({
    ramBase: BigInt(GUEST_WINDOW_BASE), ramSize: size, stateSize: translator.stateSize, vcpus: MAX_THREADS,
    // Code regions as for REGION_VCPUS vCPUs whatever MAX_THREADS is: regions sized for 1024
    // would hold 16 TBs each; threads beyond them share regions (a full buffer flushes).
    tb: { regions: defaultRegionCount(REGION_VCPUS, opts.tbArena?.maxTbs ?? DEFAULT_MAX_TBS), ...opts.tbArena, userMode: true, tbLockMode: opts.tbLock ?? false },
    pageProtection: true,
    tier: opts.tier?.mode ?? "auto",
    ...(opts.tier?.hotThreshold !== undefined ? { hotThreshold: opts.tier.hotThreshold } : {}),
    ...(opts.tier?.tierBatch !== undefined ? { tierBatch: opts.tier.tierBatch } : {}),
  });
  const relay = new ModuleRelay();
  const debugLocks = opts.debugLocks ?? false;
  const bm = new BareMetal({ translator, shared, vcpu: 0, registry: relay.registry(), debugLocks });
  opts.log?.attach(bm.cpu);
  // The kernel thread's own lock identity (vCPU workers use their vCPU index).
  const kctx = attachTbContext(shared.tb, createSyncThread(MAX_THREADS, { debug: debugLocks }), 0);
  // Page flags go to the access table generated code checks (loads, stores, fetches: SIGSEGV).
  const mm = new AddressSpace({
    memory: guestMemoryOfExec(shared), lock: tbContextMmapLock(kctx), codeHook: tcgCodeHook(kctx, GUEST_WINDOW_BASE, size), sharedFlags: true,
    flagsMirror: tcgPageAccess(kctx.pages.access, GUEST_WINDOW_BASE),
  });
  const loaded = loadProgram(mm, { path: opts.path, bytes: opts.bytes, readInterpreter: opts.readInterpreter, argv: opts.argv, envp: opts.envp });
  if (loaded instanceof LoadError) return loaded;
  opts.log?.loaded(loaded, mm, opts.bytes, opts.readInterpreter);

  const files = new FdTable();
  // The host's stdin, unless it was closed (`<&-`: the guest's descriptor 0 is closed too).
  const stdio = opts.stdio ?? [hostStdinWasClosed() ? null : new HostStream(0, O.RDONLY | O.LARGEFILE), new HostStream(1, O.WRONLY | O.LARGEFILE), new HostStream(2, O.WRONLY | O.LARGEFILE)];
  stdio.forEach((f, fd) => {
    if (f !== null) files.installAt(fd, f, false);
  });
  // /proc/self/exe is absolute, as Linux gives it (glibc's _dl_get_origin asserts it).
  const cwd = opts.cwd ?? process.cwd();
  const mainThread: Thread = opts.kernel.createProcess({ mm, files, exe: posix.resolve(cwd, opts.path), cwd });
  const proc = mainThread.proc;
  // The rt_sigreturn trampoline, on a page of its own where Linux has the vDSO.
  const tramp = mm.mmap(0, mm.pageSize, Prot.READ | Prot.EXEC, MapFlag.PRIVATE | MapFlag.ANONYMOUS);
  if (tramp >= 0) {
    mm.poke(tramp, SIGRETURN_TRAMPOLINE);
    mm.locked(() => mm.vmas.update(tramp, tramp + mm.pageSize, (v) => ({ ...v, name: "[vdso]" })));
    proc.sigTrampoline = tramp;
  }
  proc.auxv = loaded.stack.auxv;
  proc.cmdline = Buffer.concat(opts.argv.flatMap((a) => [typeof a === "string" ? Buffer.from(a, "utf8") : a, new Uint8Array(1)]));
  bm.state.setBigUint64(xOffset(2), BigInt(loaded.sp), true);
  translator.setPc(bm.state, BigInt(loaded.pc));

  let ended: () => void = () => {};
  let failed: (e: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    ended = resolve;
    failed = reject;
  });
  /** vCPU workers, from the first clone on. */
  let workers: VcpuWorkers | undefined;
  /** Threads created while the first thread still runs here: they start with it in workers. */
  const waiting: GuestVcpu[] = [];
  const threads: GuestThreads = new GuestThreads({
    proc, translator, dispatcher: opts.dispatcher ?? createLinuxDispatcher(), vcpus: MAX_THREADS, maxSyscalls: opts.maxSyscalls,
    stateOf: (i) => (i === 0 ? bm.state : new DataView(shared.memory.buffer, vcpuEnv(shared, i) + CTRL_BYTES, translator.stateSize)),
    started: (v) => {
      if (workers === undefined) waiting.push(v);
      else startWorker(v);
    },
    ended: () => ended(),
  });
  const futexes = futexTableOf(mm);
  proc.threadHost = {
    clone: (parent, req) => threads.clone(parent, req),
    kick: (t) => {
      const v = threads.all.get(t);
      if (v === undefined || workers === undefined) return; // on this thread, signals are delivered after each call
      kctx.exclusive.kick(v.index);
      futexes.interrupt(t.tid);
    },
  };
  const startWorker = (v: GuestVcpu): void => {
    workers!.start({
      vcpu: v.index,
      tid: v.t.tid,
      handle: (nr, a, raw) => {
        let go: boolean | Promise<boolean>;
        if (nr === VcpuEvent.KICK) go = threads.kick(v);
        else if (nr === VcpuEvent.FAULT) go = threads.fault(v, a);
        else go = threads.syscall(v, nr, a, raw);
        return typeof go === "boolean" ? reply(go) : go.then(reply);
      },
      exited: (error) => {
        threads.release(v.index);
        if (error !== undefined) failed(error);
        else if (threads.all.get(v.t) === v && threads.result === undefined) failed(new Error(`vCPU worker of thread ${v.t.tid} ended without exiting`));
      },
    });
  };

  const main = threads.addMain(mainThread, 0);
  let unforward: (() => void) | undefined;
  let ticker: Worker | undefined;
  try {
    // The first thread runs here until it clones: a single-threaded program never pays for
    // a worker (README.md: start-up figures). At the first clone it moves to a worker too.
    const always = opts.vcpuWorkers === "always";
    if (opts.hostSignals === true) {
      unforward = forwardHostSignals(proc);
      // The first thread computing here would keep the event loop (and the signal
      // listeners) from running: a ticker kicks it every 50 ms, and runHere then yields.
      if (!always) ticker = startTicker(shared.memory.buffer as SharedArrayBuffer, kctx.exclusive.words.byteOffset + kctx.exclusive.exitRequestByteOffset(0));
    }
    while (!always) {
      let go = runHere(bm.cpu, main, threads, translator, () => waiting.length > 0, ticker !== undefined);
      if (typeof go !== "boolean") {
        // Blocked in a system call: let the event loop settle it. The interval keeps Node
        // alive meanwhile, so a guest deadlock hangs as on Linux instead of ending.
        const keepAlive = setInterval(() => {}, 1 << 30);
        try {
          go = await go;
        } finally {
          clearInterval(keepAlive);
        }
      }
      if (!go || waiting.length > 0) break;
    }
    void ticker?.terminate();
    ticker = undefined;
    if (threads.result === undefined && (always || waiting.length > 0)) {
      bm.cpu.close();
      workers = new VcpuWorkers({
        shared, pid: proc.pid, futexes: futexes.buffer, pageFlags: mm.pages.flags.buffer as SharedArrayBuffer, pagesLo: mm.pages.lo, pageBits: mm.pages.pageBits,
        localCalls: opts.kernel.strace === undefined, relay, debugLocks, ...(opts.log !== undefined ? { log: opts.log.config } : {}),
      });
      for (const v of [main, ...waiting.splice(0)]) if (threads.all.get(v.t) === v) startWorker(v);
      await done;
    }
    const r = threads.result ?? { status: 0 };
    return workers === undefined ? r : { ...r, parallelism: { workers: workers.counters.workers, maxRunning: workers.counters.max, tbFlushes: kctx.flushCount } };
  } finally {
    void ticker?.terminate();
    unforward?.();
    opts.log?.exit([bm.cpu]);
    if (workers !== undefined) {
      for (const v of threads.all.values()) {
        kctx.exclusive.kick(v.index);
        futexes.interrupt(v.t.tid);
      }
      await workers.stopAll();
    }
    files.closeAll();
    opts.kernel.processes.delete(proc.pid);
  }
}

function reply(go: boolean): bigint {
  return go ? VcpuReply.CONTINUE : VcpuReply.STOP;
}

/**
 * Runs vCPU `cpu` (thread `v`) on this thread until it blocks (a Promise), stops (false) or
 * `move()` says it moves to a worker (true). With `yieldOnKick`, a kick (the host-signal
 * ticker's) returns a Promise settled after the event loop has turned once.
 */
function runHere(cpu: Vcpu, v: GuestVcpu, threads: GuestThreads, translator: Translator, move: () => boolean, yieldOnKick = false): boolean | Promise<boolean> {
  for (;;) {
    const req = classifyExit(cpuExec(cpu), v.st, translator);
    let go: boolean | Promise<boolean>;
    if (req.kind === "kick") {
      go = threads.kick(v);
      if (go && yieldOnKick) return new Promise((resolve) => setImmediate(() => resolve(threads.kick(v))));
    }
    else if (req.kind === "fault") go = threads.fault(v, req.args);
    else go = threads.syscall(v, req.nr, req.args, req.raw);
    if (go !== true || move()) return go;
  }
}
