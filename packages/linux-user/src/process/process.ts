/**
 * A guest process and its threads, as the kernel side of wasmu sees them: the address
 * space, the file descriptor table, the working directory and umask, credentials and
 * resource limits (shared by the threads), and per thread the tid, the signal mask and
 * the clear_child_tid / robust-list addresses. The process model (README.md) says where
 * these objects live and how fork/execve will copy or replace them.
 *
 * @module
 */
import type { AddressSpace } from "../mm/address-space.js";
import type { FdTable } from "../fs/fd-table.js";
import type { AltStack, SavedRegs, SigInfo } from "../signals/frame.js";
import type { Kernel } from "./kernel.js";
import { WaitList } from "../fs/wait-list.js";
import { SharedFileMaps } from "../mm/shared-file-maps.js";

/** User and group ids of a process. */
export interface Credentials {
  /** Real, effective and saved user ids. */
  uid: number;
  /** See {@link uid}. */
  euid: number;
  /** See {@link uid}. */
  suid: number;
  /** Real, effective and saved group ids. */
  gid: number;
  /** See {@link gid}. */
  egid: number;
  /** See {@link gid}. */
  sgid: number;
  /** Supplementary groups. */
  groups: number[];
}

/** RLIM_INFINITY. */
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/** Resource limit numbers (asm-generic/resource.h). */
export const Rlimit = {
  CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, RSS: 5, NPROC: 6, NOFILE: 7, MEMLOCK: 8, AS: 9, LOCKS: 10,
  SIGPENDING: 11, MSGQUEUE: 12, NICE: 13, RTPRIO: 14, RTTIME: 15,
} as const;
/** Number of resource limits. */
export const RLIM_NLIMITS = 16;

/** One resource limit. */
export interface Limit {
  /** Soft limit. */
  cur: bigint;
  /** Hard limit. */
  max: bigint;
}

/** Linux's defaults for a process started from a login shell (ulimit -a on Debian). */
export function defaultLimits(stack: number): Limit[] {
  const inf = (): Limit => ({ cur: RLIM_INFINITY, max: RLIM_INFINITY });
  const l: Limit[] = Array.from({ length: RLIM_NLIMITS }, inf);
  l[Rlimit.STACK] = { cur: BigInt(stack), max: RLIM_INFINITY };
  l[Rlimit.CORE] = { cur: 0n, max: RLIM_INFINITY };
  l[Rlimit.NOFILE] = { cur: 1024n, max: 1048576n };
  l[Rlimit.NPROC] = { cur: 63459n, max: 63459n };
  l[Rlimit.MEMLOCK] = { cur: 8n << 20n, max: 8n << 20n };
  l[Rlimit.SIGPENDING] = { cur: 63459n, max: 63459n };
  l[Rlimit.MSGQUEUE] = { cur: 819200n, max: 819200n };
  l[Rlimit.NICE] = { cur: 0n, max: 0n };
  l[Rlimit.RTPRIO] = { cur: 0n, max: 0n };
  return l;
}

/** A signal's disposition (struct sigaction of riscv64: handler, flags, mask; no restorer). */
export interface SigAction {
  /** SIG_DFL (0), SIG_IGN (1) or the handler's address. */
  readonly handler: bigint;
  /** SA_* flags. */
  readonly flags: bigint;
  /** Signals blocked while the handler runs. */
  readonly mask: bigint;
}

/** Why a thread stops running guest code after a system call. */
export interface ThreadExit {
  /** exit status (low 8 bits reach the parent). */
  readonly status: number;
  /** exit_group (the whole process) vs exit (this thread). */
  readonly group: boolean;
  /** The signal that killed the process (its default action), if that is why. */
  readonly signal?: number;
}

/** What clone(2) asked for (CLONE_* flags and the pointers). */
export interface CloneRequest {
  /** CLONE_* flags (low bits: the exit signal). */
  readonly flags: number;
  /** The child's stack pointer (0: the parent's). */
  readonly stack: bigint;
  /** CLONE_PARENT_SETTID target. */
  readonly ptid: number;
  /** CLONE_SETTLS value for tp. */
  readonly tls: bigint;
  /** CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID target. */
  readonly ctid: number;
}

/** Whoever runs the process's vCPUs: creates threads (the runner implements it). */
export interface ThreadHost {
  /** Starts a thread for `parent`'s clone: the new tid or -errno. */
  clone(parent: Thread, req: CloneRequest): number;
  /**
   * Thread `t` has a new deliverable signal: make it look soon (a thread running in a
   * worker leaves its loop at the next TB boundary; a futex wait ends with EINTR).
   */
  kick(t: Thread): void;
}

/**
 * The runner's side of process creation and program replacement (run-program.ts
 * implements it; README.md, process model).
 */
export interface ProcessHost {
  /** fork / clone without CLONE_THREAD from `parent`: the child's pid or -errno. */
  fork(parent: Thread, req: CloneRequest): number | Promise<number>;
  /**
   * execve of `path` (a guest path) for thread `t`: -errno when it cannot be loaded (the
   * caller goes on), or 0 with `t.exec` set (the runner then replaces the image after the call).
   */
  exec(t: Thread, path: string, argv: readonly (string | Uint8Array)[], envp: readonly (string | Uint8Array)[]): number;
}

/** How a process ended, as wait4 and SIGCHLD report it. */
export interface ProcessEnd {
  /** The exit code (0..255) when it exited. */
  readonly code: number;
  /** The signal that killed it, if it was killed. */
  readonly signal?: number;
  /** Whether that signal dumps core (WCOREDUMP; wasmu writes no core file). */
  readonly core?: boolean;
}

/** Linux's wait status word of an end (WIFEXITED: code << 8; WIFSIGNALED: signal | 0x80 for core). */
export function waitStatus(e: ProcessEnd): number {
  return e.signal !== undefined ? e.signal | (e.core === true ? 0x80 : 0) : (e.code & 0xff) << 8;
}

/** A thread's registers as the signal code reads and writes them (the runner provides it over the vCPU state). */
export interface CpuRegs {
  /** A snapshot of pc, x1..x31, f0..f31 and fcsr. */
  read(): SavedRegs;
  /** Sets them all. */
  write(r: SavedRegs): void;
}

/** One guest thread (one vCPU worker when running). */
export class Thread {
  /** Signals sent to this thread and not delivered yet (blocked, or waiting for the runner). */
  readonly pending: SigInfo[] = [];
  /** sigaltstack (disabled by default). */
  altstack: AltStack = { sp: 0, flags: 2, size: 0 };
  /** The registers, while the thread runs (rt_sigreturn needs them). */
  cpu: CpuRegs | undefined;
  /** Set by rt_sigreturn: the registers were restored, a0 and the pc must not be touched. */
  sigreturned = false;
  /** CLONE_CHILD_CLEARTID / set_tid_address: written 0 and futex-woken when the thread exits. */
  clearChildTid = 0;
  /** set_robust_list head and length. */
  robustList = { head: 0, len: 0 };
  /** Blocked signals (bit n-1 for signal n). */
  sigmask = 0n;
  /** Set by exit/exit_group: the runner stops this thread (or the process) after the call. */
  exit: ThreadExit | undefined;
  /** Set by a successful execve: the new image (opaque to the kernel), which the runner switches to after the call. */
  exec: unknown;

  /**
   * @param tid thread id (the pid for the main thread).
   * @param proc the process.
   */
  constructor(
    readonly tid: number,
    readonly proc: Process,
  ) {}
}

/** One guest process. */
export class Process {
  /** Its threads by tid. */
  readonly threads = new Map<number, Thread>();
  /** Host path of the working directory. */
  cwd: string;
  /** File-creation mask. */
  umask = 0o022;
  /** Process group and session. */
  pgid: number;
  /** See {@link pgid}. */
  sid: number;
  /** Resource limits by RLIMIT_* number. */
  readonly limits: Limit[];
  /** The command name (PR_SET_NAME; /proc/self/comm): the executable's base name at most 15 bytes. */
  comm: string;
  /** The auxv the program started with (/proc/self/auxv). */
  auxv: readonly (readonly [number, bigint])[] = [];
  /** argv as NUL-terminated strings (/proc/self/cmdline). */
  cmdline: Uint8Array = new Uint8Array(0);
  /** Creates threads (clone with CLONE_THREAD); undefined when the runner cannot. */
  threadHost: ThreadHost | undefined;
  /** Address of the rt_sigreturn trampoline page (the runner maps it), 0 when none. */
  sigTrampoline = 0;
  /** PR_SET_DUMPABLE. */
  dumpable = true;
  /** PR_SET_PDEATHSIG. */
  pdeathsig = 0;
  /** Signal dispositions by signal number (absent: SIG_DFL); shared by the threads, reset by execve. */
  readonly sigactions = new Map<number, SigAction>();
  /** Creates child processes and replaces the image (the runner); undefined when it cannot. */
  host: ProcessHost | undefined;
  /** The parent, while it is a guest process (undefined: the host, or reparented to "init"). */
  parent: Process | undefined;
  /** Children, running or zombies, until reaped. */
  readonly children = new Set<Process>();
  /** Set when the process has ended: a zombie until its parent reaps it. */
  ended: ProcessEnd | undefined;
  /** The signal its parent gets when it ends (clone's low byte; SIGCHLD for fork). */
  exitSignal = 17;
  /** Wakes the waits of this process's wait4/waitid (a child ended). */
  readonly childWait = new WaitList();
  /** MAP_SHARED file mappings, written back to their files at msync, munmap, execve and exit. */
  sharedMaps = new SharedFileMaps();
  /** A vfork parent's wake-up: called when this child execs or ends. */
  vforkDone: (() => void) | undefined;
  /** Set while the process is stopped (job control): `resumed` settles at SIGCONT or SIGKILL (kernel.ts). */
  stopped: { readonly signo: number; readonly resumed: Promise<void>; readonly resume: () => void } | undefined;
  /** A stop or a continue its parent has not collected yet (wait4 WUNTRACED / WCONTINUED, waitid WSTOPPED / WCONTINUED). */
  jobReport: { readonly kind: "stopped"; readonly signo: number } | { readonly kind: "continued" } | undefined;

  /**
   * @param kernel the kernel it runs under.
   * @param pid process id.
   * @param ppid parent's pid.
   * @param mm address space.
   * @param files descriptor table.
   * @param creds credentials.
   * @param exe guest path of the executable (/proc/self/exe).
   * @param cwd host path of the working directory.
   */
  constructor(
    readonly kernel: Kernel,
    readonly pid: number,
    public ppid: number,
    public mm: AddressSpace,
    public files: FdTable,
    public creds: Credentials,
    public exe: string,
    cwd: string,
  ) {
    this.cwd = cwd;
    this.comm = (exe.split("/").pop() ?? exe).slice(0, 15);
    this.pgid = pid;
    this.sid = pid;
    this.limits = defaultLimits(mm.stackLimit);
  }

  /** The main thread (tid = pid). */
  get mainThread(): Thread {
    return this.threads.get(this.pid)!;
  }

  /** Adds a thread. */
  addThread(tid: number): Thread {
    const t = new Thread(tid, this);
    this.threads.set(tid, t);
    return t;
  }
}
