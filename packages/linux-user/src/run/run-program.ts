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
  ACCESS_UNMAPPED_PAGE, attachTbContext, BareMetal, copyTbArena, cpuExec, CpuOffset, createExecShared, createRiscvTarget, createSyncThread, CTRL_BYTES, DEFAULT_MAX_TBS, defaultRegionCount, type ExecShared, resetTbArena,
  type TbContext, type Translator, type Vcpu, vcpuEnv, xOffset,
} from "@wasmu/tcg";
import { accessSync, constants as fsConstants, readFileSync, statSync } from "node:fs";
import { posix } from "node:path";
import { Errno, errnoFromHost } from "../errno.js";
import { FdTable } from "../fs/fd-table.js";
import { decodeBytes, encodeBytes, hostPath } from "../fs/host-path.js";
import { readProcLink } from "../fs/proc.js";
import { HostStream, hostStdinWasClosed } from "../fs/host-file.js";
import { forwardHostSignals, startTicker } from "../signals/host-signals.js";
import type { Worker } from "node:worker_threads";
import type { OpenFile } from "../fs/open-file.js";
import { LoadError } from "../loader/elf-image.js";
import { MapFlag, Prot } from "../mm/constants.js";
import { SIGRETURN_TRAMPOLINE } from "../signals/frame.js";
import { loadProgram } from "../loader/load-elf.js";
import { AddressSpace, zeroTouched } from "../mm/address-space.js";
import { tcgCodeHook } from "../mm/code-hook.js";
import { tcgPageAccess } from "../mm/tcg-page-access.js";
import { flatGuestMemory, guestMemoryOfExec } from "../mm/guest-memory.js";
import { tbContextMmapLock } from "../mm/mmap-lock.js";
import type { Kernel } from "../process/kernel.js";
import { type CloneRequest, Process, type ProcessHost, Rlimit, type Thread } from "../process/process.js";
import { Clone } from "../syscalls/threads.js";
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
  /**
   * Signals the invoking process left ignored: the first process starts with them ignored
   * (SIG_IGN), as Linux's execve keeps ignored dispositions and qemu-riscv64's signal_init
   * copies them (a program started in the background by a non-interactive shell ignores
   * SIGINT and SIGQUIT). SIGKILL and SIGSTOP cannot be ignored and are left out.
   */
  readonly ignoredSignals?: readonly number[];
  /** Guest window bytes (default {@link DEFAULT_GUEST_WINDOW}). */
  readonly guestWindow?: number;
  /** The stack size (RLIMIT_STACK) of the first program (default 8 MiB). */
  readonly stackSize?: number;
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

/** How long a process runs on the kernel thread before it lets the others run (between two system calls). */
const TIME_SLICE_MS = 20;
/** The largest RLIMIT_STACK an exec'd image's stack follows (beyond it: the default 8 MiB). */
const MAX_EXEC_STACK = 256 * 1024 * 1024;
/** Linux's BINPRM_MAX_RECURSION: `#!` interpreters that are scripts themselves, at most this deep. */
const MAX_SCRIPT_DEPTH = 4;
/** Linux's BINPRM_BUF_SIZE: the `#!` line must fit in the first 256 bytes. */
const BINPRM_BUF_SIZE = 256;

/** A tcg execution environment with the kernel thread's vCPU 0 and TB context over it. */
interface Environment {
  readonly translator: Translator;
  readonly shared: ExecShared;
  readonly relay: ModuleRelay;
  readonly bm: BareMetal;
  readonly kctx: TbContext;
  /** vCPU 0's CPU state as created (a reused environment starts from it). */
  readonly pristine: Uint8Array;
  /** A reused environment: the page flags of its last process (pages it ever mapped may hold its bytes). */
  readonly stale?: Uint8Array | undefined;
}

/**
 * Ended images whose environments are kept for reuse: creating one costs ~15 ms of CPU
 * (the 131,072-entry TB table, the worker's instances) and page faults on first touch.
 */
const POOL_SIZE = 2;

/**
 * One image of a process: a tcg execution environment (guest RAM, TB arena, CPU states),
 * the address space over it, and vCPU 0 (run on the kernel thread) with its registers set.
 * execve builds a new one; fork builds one holding a copy of the parent's.
 */
interface Image extends Environment {
  readonly mm: AddressSpace;
  /** The rt_sigreturn trampoline's address (0: none). */
  sigTrampoline: number;
  /** Whether its threads run in vCPU workers (from the first clone on), not on the kernel thread. */
  inWorkers: boolean;
  /** What execve gives the process (absent for a fork image). */
  readonly exec?: { readonly path: string; readonly argv: readonly (string | Uint8Array)[]; readonly auxv: readonly (readonly [number, bigint])[] };
}

/** Which program execve runs (after `#!` lines) and with which argv. */
interface ExecTarget {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly argv: readonly (string | Uint8Array)[];
}

/**
 * All guest processes of one wasmu run, on this (the kernel) thread: each process runs its
 * images in turn (execve), each image with its vCPU 0 here until its first clone and its
 * threads in vCPU workers after that (README.md, process model).
 */
class ProcessRunner {
  /** Processes whose run has not finished, and the promise of that run. */
  readonly live = new Map<Process, Promise<unknown>>();
  /** Processes currently wanting the kernel thread (for time slicing). */
  private runnable = 0;
  /**
   * With host signals: one ticker worker for the run (signals/host-signals.ts) that kicks
   * the vCPU running on the kernel thread every 50 ms, so that a computing guest lets the
   * event loop run (signal listeners, other processes); pointed at each process's vCPU 0
   * when it takes the kernel thread.
   */
  private ticker: Worker | undefined;
  private tickerTarget: SharedArrayBuffer | undefined;

  /** The dispatcher every process uses. */
  private readonly dispatcher: SyscallDispatcher;

  constructor(private readonly opts: RunOptions) {
    this.dispatcher = opts.dispatcher ?? createLinuxDispatcher();
  }

  get kernel(): Kernel {
    return this.opts.kernel;
  }

  /**
   * A fresh execution environment and an empty address space over it; with `fork`, a copy
   * of that address space; with `code` too (the image `fork` belongs to, its threads
   * stopped on the kernel thread, `fromVcpu` the one forking), a copy of that image's
   * translated code: the child runs the parent's TBs instead of translating them again
   * (README.md, process model).
   */
  private environment(fork?: AddressSpace, stackSize = this.opts.stackSize, code?: { readonly image: Image; readonly fromVcpu: number }): Image {
    const env = this.pool.pop() ?? this.newEnvironment();
    const { shared, relay, bm, kctx } = env;
    const size = shared.params.ramSize;
    if (code !== undefined) {
      // The parent's compiled modules of its current flush generation (older ones place
      // TBs that no longer exist).
      const generation = code.image.kctx.flushCount;
      relay.seed(code.image.relay.current.filter((m) => m.generation === generation));
    }
    // Page flags go to the access table generated code checks (loads, stores, fetches: SIGSEGV).
    const mmOpts = {
      memory: guestMemoryOfExec(shared), lock: tbContextMmapLock(kctx), codeHook: tcgCodeHook(kctx, GUEST_WINDOW_BASE, size), sharedFlags: true,
      // tcg's table starts with every page unmapped, and recycle() leaves it so.
      flagsMirror: tcgPageAccess(kctx.pages.access, GUEST_WINDOW_BASE), flagsMirrorUnmapped: true,
    };
    // A reused environment's memory still holds its last process's pages: a fork compares
    // them with the parent's, a new program needs them zero.
    if (fork === undefined && env.stale !== undefined) zeroTouched(env.stale, mmOpts.memory.bytes, 1 << shared.tb.params.pageBits);
    const mm = fork !== undefined ? fork.fork(mmOpts, env.stale) : new AddressSpace({ ...mmOpts, ...(stackSize !== undefined ? { stackLimit: stackSize } : {}) });
    if (code !== undefined) {
      // The access bytes become the parent's: the permissions the address space's copy
      // just mirrored, and the CODE bits of the parent's TBs.
      copyTbArena(code.image.shared.tb, shared.tb, { fromVcpu: code.fromVcpu, toVcpu: 0 });
      const pw = code.image.bm.worker;
      // TBs the parent queued for compilation are marked queued in the copied arena: the
      // child queues them too, or it would never compile them.
      bm.worker.generation = code.image.kctx.flushCount;
      bm.worker.hotQueue.push(...pw.hotQueue);
      bm.worker.hotSince = pw.hotSince;
    }
    return { ...env, stale: undefined, mm, sigTrampoline: 0, inWorkers: false };
  }

  /** A new execution environment (tcg's, its vCPU 0 for the kernel thread and the kernel thread's TB context), all zero. */
  private newEnvironment(): Environment {
    const translator = createRiscvTarget();
    const size = this.opts.guestWindow ?? DEFAULT_GUEST_WINDOW;
    const shared = createExecShared({
      ramBase: BigInt(GUEST_WINDOW_BASE), ramSize: size, stateSize: translator.stateSize, vcpus: MAX_THREADS,
      // Code regions as for REGION_VCPUS vCPUs whatever MAX_THREADS is: regions sized for 1024
      // would hold 16 TBs each; threads beyond them share regions (a full buffer flushes).
      tb: { regions: defaultRegionCount(REGION_VCPUS, this.opts.tbArena?.maxTbs ?? DEFAULT_MAX_TBS), ...this.opts.tbArena, userMode: true, tbLockMode: this.opts.tbLock ?? false },
      pageProtection: true,
      tier: this.opts.tier?.mode ?? "auto",
      ...(this.opts.tier?.hotThreshold !== undefined ? { hotThreshold: this.opts.tier.hotThreshold } : {}),
      ...(this.opts.tier?.tierBatch !== undefined ? { tierBatch: this.opts.tier.tierBatch } : {}),
    });
    const relay = new ModuleRelay();
    const debugLocks = this.opts.debugLocks ?? false;
    const bm = new BareMetal({ translator, shared, vcpu: 0, registry: relay.registry(), debugLocks });
    this.opts.log?.attach(bm.cpu);
    // The kernel thread's own lock identity (vCPU workers use their vCPU index).
    const kctx = attachTbContext(shared.tb, createSyncThread(MAX_THREADS, { debug: debugLocks }), 0);
    const st = bm.state;
    const pristine = new Uint8Array(st.buffer, st.byteOffset, translator.stateSize).slice();
    return { translator, shared, relay, bm, kctx, pristine };
  }

  /** Environments of ended images, ready for reuse (README.md, process model: at most {@link POOL_SIZE}). */
  private readonly pool: Environment[] = [];

  /**
   * Image `img` will not run again (its process ended or exec'd, and everything that
   * reads its memory — shared file write-back, a vfork parent's copy — is done): its
   * environment goes back to the pool, emptied, unless the pool is full or it ran
   * threads in workers (their vCPUs left the kernel thread's).
   */
  private recycle(img: Image): void {
    if (img.inWorkers || this.pool.length >= POOL_SIZE) return;
    const { shared, relay, bm, kctx, translator } = img;
    // Its TBs gone (a new flush generation), page access bytes back to "unmapped", vCPU 0
    // as new; the pages it mapped are zeroed or overwritten by the next user (environment()).
    resetTbArena(shared.tb, 1);
    kctx.pages.access.bytes.fill(ACCESS_UNMAPPED_PAGE);
    bm.worker.reset(kctx.flushCount);
    relay.reset();
    const st = bm.state;
    new Uint8Array(st.buffer, st.byteOffset, translator.stateSize).set(img.pristine);
    kctx.exclusive.clearExitRequest(0);
    bm.cpu.cflagsNext = -1;
    const stats = bm.cpu.stats as unknown as Record<string, number>;
    for (const k of Object.keys(stats)) stats[k] = 0;
    this.pool.push({ translator, shared, relay, bm, kctx, pristine: img.pristine, stale: img.mm.pages.flags });
  }

  /** Loads a program into a fresh image: the image, or why it cannot be loaded. */
  load(path: string, bytes: Uint8Array, argv: readonly (string | Uint8Array)[], envp: readonly (string | Uint8Array)[], stackSize?: number): Image | LoadError {
    const img0 = this.environment(undefined, stackSize ?? this.opts.stackSize);
    const loaded = loadProgram(img0.mm, { path, bytes, readInterpreter: this.opts.readInterpreter, argv, envp });
    if (loaded instanceof LoadError) {
      this.recycle(img0);
      return loaded;
    }
    const img: Image = { ...img0, exec: { path, argv, auxv: loaded.stack.auxv } };
    const mm = img.mm;
    this.opts.log?.loaded(loaded, mm, bytes, this.opts.readInterpreter);
    // The rt_sigreturn trampoline, on a page of its own where Linux has the vDSO.
    const tramp = mm.mmap(0, mm.pageSize, Prot.READ | Prot.EXEC, MapFlag.PRIVATE | MapFlag.ANONYMOUS);
    if (tramp >= 0) {
      mm.poke(tramp, SIGRETURN_TRAMPOLINE);
      mm.locked(() => mm.vmas.update(tramp, tramp + mm.pageSize, (v) => ({ ...v, name: "[vdso]" })));
      img.sigTrampoline = tramp;
    }
    img.bm.state.setBigUint64(xOffset(2), BigInt(loaded.sp), true);
    img.translator.setPc(img.bm.state, BigInt(loaded.pc));
    return img;
  }

  /**
   * What execve of `path` from `proc` runs, as Linux's bprm_execve finds it: the file
   * through the sysroot; ENOENT, EACCES for a directory, a special file or no execute
   * permission; a `#!` line (the interpreter and at most one argument, split as
   * binfmt_script splits it) leads to its interpreter, at most {@link MAX_SCRIPT_DEPTH} deep
   * (ELOOP). Whether an ELF file is one wasmu runs is the loader's answer (ENOEXEC).
   */
  private execTarget(proc: Process, path: string, argv: readonly (string | Uint8Array)[], depth = 0): ExecTarget | number {
    if (path === "") return -Errno.ENOENT;
    // Guest paths are bytes (fs/host-path.ts): a name that is not UTF-8 reaches the host as it is.
    const host = hostPath(this.kernel.sysroot.resolve(path, proc.cwd));
    let bytes: Uint8Array;
    try {
      const st = statSync(host);
      if (!st.isFile()) return -Errno.EACCES;
      accessSync(host, fsConstants.X_OK);
      bytes = new Uint8Array(readFileSync(host));
    } catch (e) {
      return -errnoFromHost(e);
    }
    if (bytes[0] !== 0x23 || bytes[1] !== 0x21) return { path, bytes, argv };
    if (depth >= MAX_SCRIPT_DEPTH) return -Errno.ELOOP;
    // binfmt_script: the first line (within BINPRM_BUF_SIZE bytes), spaces and tabs around
    // the interpreter, everything after it (trimmed) as one argument.
    const buf = bytes.subarray(2, Math.min(bytes.length, BINPRM_BUF_SIZE));
    const nl = buf.indexOf(0x0a);
    const text = decodeBytes(nl >= 0 ? buf.subarray(0, nl) : buf).replace(/^[ \t]+/, "");
    if (nl < 0) {
      // No newline in the buffer: Linux accepts it only if the interpreter name ends inside it.
      if (!/[ \t]/.test(text) && bytes.length > BINPRM_BUF_SIZE) return -Errno.ENOEXEC;
    }
    const m = /^([^ \t\0]*)[ \t]*(.*?)[ \t]*$/s.exec(text.split("\0")[0]!)!;
    const interp = m[1]!;
    if (interp === "") return -Errno.ENOEXEC;
    const next = [encodeBytes(interp), ...(m[2] !== "" ? [encodeBytes(m[2]!)] : []), encodeBytes(path), ...argv.slice(1)];
    return this.execTarget(proc, interp, next, depth + 1);
  }

  /** The {@link ProcessHost} of `proc` while `image` runs with `threads`. */
  private host(proc: Process, image: Image, threads: GuestThreads): ProcessHost {
    return {
      fork: (parent, req) => this.fork(parent, req, image, threads),
      exec: (t, path, argv, envp) => {
        // /proc/self/exe (busybox runs its applets through it) and /proc/self/fd/N (fexecve) name files.
        const link = readProcLink(t, path);
        if (typeof link === "number") return link;
        const target = this.execTarget(proc, link !== undefined && link.startsWith("/") ? link : path, argv);
        if (typeof target === "number") return target;
        // The new stack follows the process's RLIMIT_STACK, as Linux's setup_arg_pages (unlimited: the default).
        const stack = proc.limits[Rlimit.STACK]!.cur;
        const img = this.load(target.path, target.bytes, target.argv, envp, stack < BigInt(MAX_EXEC_STACK) ? Number(stack) : undefined);
        if (img instanceof LoadError) return -img.errno;
        t.exec = img;
        return 0;
      },
    };
  }

  /** fork / vfork from thread `t` of a process running `image`: the child's pid (for vfork, once it has exec'd or ended). */
  private fork(t: Thread, req: CloneRequest, image: Image, threads: GuestThreads): number | Promise<number> {
    const v = threads.all.get(t);
    if (v === undefined) return -Errno.EAGAIN;
    const parent = t.proc;
    const kernel = this.kernel;
    // A parent running on the kernel thread is stopped here (in this call): its translated
    // code can be copied. One running in workers may be translating meanwhile.
    const child0 = this.environment(parent.mm, undefined, image.inWorkers ? undefined : { image, fromVcpu: v.index });
    const img: Image = { ...child0, sigTrampoline: image.sigTrampoline };
    // The calling thread's registers, returning 0 from the call (on the given stack, if any).
    const tr = img.translator;
    const st = img.bm.state;
    new Uint8Array(st.buffer, st.byteOffset, tr.stateSize).set(new Uint8Array(v.st.buffer, v.st.byteOffset, tr.stateSize));
    st.setUint32(CpuOffset.EXC_PENDING, 0, true);
    st.setBigUint64(xOffset(10), 0n, true);
    if (req.stack !== 0n) st.setBigUint64(xOffset(2), req.stack, true);
    if ((req.flags & Clone.SETTLS) !== 0) st.setBigUint64(xOffset(4), req.tls, true);
    tr.setPc(st, v.st.getBigUint64(CpuOffset.EXC_PC, true) + 4n);

    const pid = kernel.allocId();
    const c = new Process(kernel, pid, parent.pid, img.mm, parent.files.fork(), { ...parent.creds, groups: [...parent.creds.groups] }, parent.exe, parent.cwd);
    c.umask = parent.umask;
    c.pgid = parent.pgid;
    c.sid = parent.sid;
    parent.limits.forEach((l, i) => (c.limits[i] = { ...l }));
    c.files.limit = parent.files.limit;
    c.comm = parent.comm;
    c.auxv = parent.auxv;
    c.cmdline = parent.cmdline;
    c.sigTrampoline = parent.sigTrampoline;
    c.dumpable = parent.dumpable;
    for (const [sig, act] of parent.sigactions) c.sigactions.set(sig, act);
    c.parent = parent;
    c.sharedMaps = parent.sharedMaps.fork();
    c.exitSignal = req.flags & 0xff;
    parent.children.add(c);
    kernel.processes.set(pid, c);
    const ct = c.addThread(pid);
    ct.sigmask = t.sigmask;
    ct.altstack = { ...t.altstack };
    const pidBytes = new Uint8Array(new Uint32Array([pid]).buffer);
    if ((req.flags & Clone.CHILD_SETTID) !== 0) img.mm.write(req.ctid, pidBytes);
    if ((req.flags & Clone.CHILD_CLEARTID) !== 0) ct.clearChildTid = req.ctid;
    if ((req.flags & Clone.PARENT_SETTID) !== 0) parent.mm.write(req.ptid, pidBytes);

    let vforked: Promise<number> | undefined;
    if ((req.flags & Clone.VFORK) !== 0) {
      vforked = new Promise<number>((resolve) => {
        c.vforkDone = () => {
          // CLONE_VM: the child ran on a copy of the parent's memory while the parent slept;
          // what it wrote there (posix_spawn's error code) goes back, as if shared.
          if ((req.flags & Clone.VM) !== 0) copyBack(img.mm, parent.mm);
          resolve(pid);
        };
      });
    }
    // The child runs once the parent's call has returned (after this call's continuation on
    // the kernel thread); it is a live process of the run from now on (the end of the run
    // kills and awaits it even if it has not started yet).
    this.start(c, img, true).catch((e: unknown) => {
      // A failure of wasmu itself in a child (not a guest error): the run reports it.
      this.failure ??= e instanceof Error ? e : new Error(String(e));
    });
    return vforked ?? pid;
  }

  /** Runs process `proc` from `image` (`later`: once the current call has returned) to its end, then hands it to the kernel (zombie). */
  start(proc: Process, image: Image, later = false): Promise<RunResult> {
    const run = (async () => {
      if (later) await new Promise<void>((resolve) => setImmediate(resolve));
      let r: RunResult;
      let last: Image;
      try {
        ({ result: r, image: last } = await this.runProcess(proc, image));
      } finally {
        proc.sharedMaps.release(proc.mm);
        proc.files.closeAll();
      }
      // No core file is written (RLIMIT_CORE is 0 by default, as QEMU leaves it): never WCOREDUMP.
      this.kernel.processEnded(proc, r.signal !== undefined ? { code: 0, signal: r.signal, core: false } : { code: r.status & 0xff });
      // Written back, copied back to a vfork parent: the memory is no longer read.
      this.recycle(last);
      // A zombie keeps its pid and status only: its guest memory, TB arena and vCPU
      // states (hundreds of MiB committed) must not wait for the parent's wait4 to be freed.
      proc.host = undefined;
      proc.threadHost = undefined;
      for (const t of proc.threads.values()) t.cpu = undefined;
      proc.threads.clear();
      proc.mm = this.endedMm();
      return r;
    })();
    const tracked = run.finally(() => this.live.delete(proc));
    this.live.set(proc, tracked);
    return run;
  }

  /** The first internal error of a child process's run (runProgram throws it). */
  failure: Error | undefined;

  private ended: AddressSpace | undefined;

  /** The (empty, tiny) address space every ended process points at instead of its own. */
  private endedMm(): AddressSpace {
    this.ended ??= new AddressSpace({ memory: flatGuestMemory(GUEST_WINDOW_BASE, 1 << 16) });
    return this.ended;
  }

  /** Runs `proc`'s images in turn (each execve replaces the last): how it ended. */
  private async runProcess(proc: Process, image: Image): Promise<{ readonly result: RunResult; readonly image: Image }> {
    for (;;) {
      const out = await this.runImage(proc, image);
      if (!("exec" in out)) return { result: out.result, image };
      // execve: the vfork parent wakes (with the memory the child shared), then the process
      // takes the new image: close-on-exec descriptors closed, handled signals back to
      // SIG_DFL (ignored ones stay ignored), one thread (the pid) with the caller's mask and
      // pending signals, no alternate stack.
      proc.vforkDone?.();
      proc.vforkDone = undefined;
      const by = out.by;
      const old = image;
      image = out.exec;
      const e = image.exec!;
      proc.sharedMaps.release(proc.mm);
      this.recycle(old);
      proc.mm = image.mm;
      proc.files.closeOnExec();
      for (const [sig, act] of [...proc.sigactions]) if (act.handler !== 1n) proc.sigactions.delete(sig);
      proc.threads.clear();
      proc.threadHost = undefined;
      const t = proc.addThread(proc.pid);
      t.sigmask = by.sigmask;
      t.pending.push(...by.pending);
      proc.exe = posix.resolve(this.kernel.sysroot.guestView(proc.cwd), e.path);
      proc.comm = (e.path.split("/").pop() ?? e.path).slice(0, 15);
      proc.auxv = e.auxv;
      proc.cmdline = concatArgs(e.argv);
      proc.sigTrampoline = image.sigTrampoline;
    }
  }

  /** Points the ticker (started on first use) at vCPU 0 of `image`; false without host signals. */
  private tick(image: Image): boolean {
    if (this.opts.hostSignals !== true) return false;
    const buffer = image.shared.memory.buffer as SharedArrayBuffer;
    const byteOffset = image.kctx.exclusive.words.byteOffset + image.kctx.exclusive.exitRequestByteOffset(0);
    if (this.ticker === undefined) this.ticker = startTicker(buffer, byteOffset);
    else if (this.tickerTarget !== buffer) this.ticker.postMessage({ buffer, byteOffset });
    this.tickerTarget = buffer;
    return true;
  }

  /** Stops the ticker (the end of the run). */
  stopTicker(): void {
    void this.ticker?.terminate();
    this.ticker = undefined;
  }

  /** Runs one image of `proc` until the process ends (its result) or execs (the new image and the thread that called execve). */
  private async runImage(proc: Process, image: Image): Promise<{ readonly result: RunResult } | { readonly exec: Image; readonly by: Thread }> {
    const opts = this.opts;
    const { translator, shared, relay, bm, kctx, mm } = image;
    const mainThread = proc.mainThread;
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
      proc, translator, dispatcher: this.dispatcher, vcpus: MAX_THREADS, maxSyscalls: opts.maxSyscalls,
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
    proc.host = this.host(proc, image, threads);
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
    this.runnable++;
    try {
      // The first thread runs here until it clones: a single-threaded program never pays for
      // a worker (README.md: start-up figures). At the first clone it moves to a worker too.
      const always = opts.vcpuWorkers === "always";
      // Signals that arrived before it runs (a forked child, a new image) are delivered first.
      // Blocked in a system call, stopped, or letting the other processes run: the event loop
      // settles it. The interval keeps Node alive meanwhile, so a guest deadlock hangs as on
      // Linux instead of ending.
      const offThread = async (p: Promise<boolean>): Promise<boolean> => {
        this.runnable--;
        const keepAlive = setInterval(() => {}, 1 << 30);
        try {
          return await p;
        } finally {
          clearInterval(keepAlive);
          this.runnable++;
        }
      };
      let go: boolean | Promise<boolean> = always || threads.kick(main);
      // Stopped before it ran (a SIGSTOP to a child that had not started): until SIGCONT.
      if (typeof go !== "boolean") go = await offThread(go);
      while (!always && go === true) {
        const ticking = this.tick(image);
        go = runHere(bm.cpu, main, threads, translator, () => waiting.length > 0, () => this.runnable > 1, ticking);
        if (typeof go !== "boolean") go = await offThread(go);
        if (waiting.length > 0) break;
      }
      if (threads.result === undefined && (always || waiting.length > 0)) {
        image.inWorkers = true;
        bm.cpu.close();
        workers = new VcpuWorkers({
          shared, pid: proc.pid, futexes: futexes.buffer, pageFlags: mm.pages.flags.buffer as SharedArrayBuffer, pagesLo: mm.pages.lo, pageBits: mm.pages.pageBits,
          localCalls: this.kernel.strace === undefined, relay, debugLocks: opts.debugLocks ?? false, ...(opts.log !== undefined ? { log: opts.log.config } : {}),
        });
        for (const v of [main, ...waiting.splice(0)]) if (threads.all.get(v.t) === v) startWorker(v);
        this.runnable--;
        try {
          await done;
        } finally {
          this.runnable++;
        }
      }
      if (threads.exec !== undefined) return { exec: threads.exec.image as Image, by: threads.exec.by };
      const r = threads.result ?? { status: 0 };
      return { result: workers === undefined ? r : { ...r, parallelism: { workers: workers.counters.workers, maxRunning: workers.counters.max, tbFlushes: kctx.flushCount } } };
    } finally {
      this.runnable--;
      opts.log?.exit([bm.cpu], { wasmBytes: shared.memory.buffer.byteLength });
      if (workers !== undefined) {
        for (const v of threads.all.values()) {
          kctx.exclusive.kick(v.index);
          futexes.interrupt(v.t.tid);
        }
        await workers.stopAll();
      }
    }
  }


  /**
   * The first process has ended: every process still running is killed (SIGKILL) and its
   * run awaited, so that no vCPU worker and no pending wait outlives wasmu's run.
   */
  async shutdown(): Promise<void> {
    while (this.live.size > 0) {
      for (const p of this.live.keys()) this.kernel.signalProcess(p, { signo: 9, code: 0, pid: 0, uid: 0 });
      await Promise.allSettled([...this.live.values()]);
    }
  }
}

/** argv as /proc/self/cmdline has it (NUL-terminated strings). */
function concatArgs(argv: readonly (string | Uint8Array)[]): Uint8Array {
  const parts = argv.map((a) => (typeof a === "string" ? new TextEncoder().encode(a) : a));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length + 1;
  }
  return out;
}

/**
 * A vfork child (CLONE_VM) ran on a copy of its parent's memory: the pages of the parent's
 * mappings the child changed are copied back (page by page, only those that differ).
 */
function copyBack(from: AddressSpace, to: AddressSpace): void {
  const page = to.pageSize;
  const src = from.memory.bytes;
  const dst = to.memory.bytes;
  // memcmp of each page (Buffer.equals): ~10x a loop over words.
  const a = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  const b = Buffer.from(dst.buffer, dst.byteOffset, dst.byteLength);
  const lo = to.memory.lo;
  to.locked(() => {
    for (const v of to.vmas.all) {
      for (let x = v.start; x < v.end; x += page) {
        const o = x - lo;
        if (!a.subarray(o, o + page).equals(b.subarray(o, o + page))) to.poke(x, src.subarray(o, o + page));
      }
    }
  });
}

/** Loads and runs a program to its exit (with every process it creates). A {@link LoadError} when it cannot be loaded. */
export async function runProgram(opts: RunOptions): Promise<RunResult | LoadError> {
  const runner = new ProcessRunner(opts);
  const image = runner.load(opts.path, opts.bytes, opts.argv, opts.envp);
  if (image instanceof LoadError) return image;
  const files = new FdTable();
  // The host's stdin, unless it was closed (`<&-`: the guest's descriptor 0 is closed too).
  const stdio = opts.stdio ?? [hostStdinWasClosed() ? null : new HostStream(0, O.RDONLY | O.LARGEFILE), new HostStream(1, O.WRONLY | O.LARGEFILE), new HostStream(2, O.WRONLY | O.LARGEFILE)];
  stdio.forEach((f, fd) => {
    if (f !== null) files.installAt(fd, f, false);
  });
  // /proc/self/exe is absolute, as Linux gives it (glibc's _dl_get_origin asserts it).
  const cwd = opts.cwd ?? process.cwd();
  const mainThread: Thread = opts.kernel.createProcess({ mm: image.mm, files, exe: posix.resolve(cwd, opts.path), cwd });
  const proc = mainThread.proc;
  // The host's terminal is the controlling terminal of the first process's session.
  opts.kernel.terminal ??= { sid: proc.sid, pgrp: proc.pgid };
  proc.sigTrampoline = image.sigTrampoline;
  proc.auxv = image.exec!.auxv;
  proc.cmdline = concatArgs(opts.argv);
  for (const sig of opts.ignoredSignals ?? []) {
    if (sig >= 1 && sig <= 64 && sig !== 9 && sig !== 19) proc.sigactions.set(sig, { handler: 1n, flags: 0n, mask: 0n });
  }
  // The host's signals go to the first process (the one the user started).
  const unforward = opts.hostSignals === true ? forwardHostSignals(proc) : undefined;
  let result: RunResult;
  try {
    result = await runner.start(proc, image);
  } finally {
    unforward?.();
    await runner.shutdown();
    runner.stopTicker();
    // The host's stdin reader polls while a read waits: it stops with the run.
    for (const f of stdio) if (f instanceof HostStream) f.stopReader();
  }
  if (runner.failure !== undefined) throw runner.failure;
  return result;
}

function reply(go: boolean): bigint {
  return go ? VcpuReply.CONTINUE : VcpuReply.STOP;
}

/**
 * Runs vCPU `cpu` (thread `v`) on this thread until it blocks (a Promise), stops (false),
 * `move()` says it moves to a worker (true), or it has had its time slice while `others()`
 * want the thread (a Promise settled once they have run: true). With `yieldOnKick`, a kick
 * (the host-signal ticker's) also returns such a Promise.
 */
function runHere(
  cpu: Vcpu, v: GuestVcpu, threads: GuestThreads, translator: Translator, move: () => boolean, others: () => boolean, yieldOnKick = false,
): boolean | Promise<boolean> {
  const start = performance.now();
  for (;;) {
    const req = classifyExit(cpuExec(cpu), v.st, translator);
    let go: boolean | Promise<boolean>;
    if (req.kind === "kick") {
      go = threads.kick(v);
      // The ticker's kick: let the event loop turn (host signals, the other processes).
      if (go === true && yieldOnKick) return new Promise((resolve) => setImmediate(() => resolve(threads.kick(v))));
    }
    else if (req.kind === "fault") go = threads.fault(v, req.args);
    else go = threads.syscall(v, req.nr, req.args, req.raw);
    if (go !== true || move()) return go;
    if (others() && performance.now() - start > TIME_SLICE_MS) return new Promise((resolve) => setImmediate(() => resolve(threads.kick(v))));
  }
}
