/**
 * Processes: clone without CLONE_THREAD (fork, and vfork as glibc's posix_spawn asks for
 * it), execve / execveat, wait4 / waitid with Linux's status words and siginfo, kill to a
 * process, a process group or every process, and the process-group and session calls
 * for any process. Creation and image replacement go through the process's
 * {@link ProcessHost} (the runner); parents, children and zombies are the kernel's plain
 * objects (process/kernel.ts; README.md, process model).
 *
 * @module
 */
import { Errno } from "../errno.js";
import { Cld, SIGCHLD } from "../process/kernel.js";
import { type CloneRequest, type Process, type Thread, waitStatus } from "../process/process.js";
import { addr, int, uint } from "./abi.js";
import type { SyscallFamily, SyscallReturn } from "./dispatch.js";
import { get, getPath, put, putU32s } from "./guest-io.js";
import { untilSignal } from "./sigwait.js";
import { Clone } from "./threads.js";

/** wait options. */
export const W = { NOHANG: 1, UNTRACED: 2, STOPPED: 2, EXITED: 4, CONTINUED: 8, NOWAIT: 0x0100_0000, NOTHREAD: 0x2000_0000, ALL: 0x4000_0000, CLONE: 0x8000_0000 } as const;
/** waitid id types. */
const P_ALL = 0;
const P_PID = 1;
const P_PGID = 2;
/** sizeof(struct rusage) on 64-bit. */
const RUSAGE_SIZE = 144;
/** Most argv + envp strings execve takes (Linux's limit is in bytes; this bounds a runaway array). */
const MAX_ARG_STRINGS = 0x7fff_ffff;
/** Linux's MAX_ARG_STRLEN (32 pages). */
const MAX_ARG_STRLEN = 32 * 4096;

/** Children of `p` that a wait for `sel` (wait4's pid or a waitid id) may collect. */
function matching(p: Process, sel: { readonly kind: "all" } | { readonly kind: "pid"; readonly pid: number } | { readonly kind: "pgid"; readonly pgid: number }): Process[] {
  return [...p.children].filter((c) => sel.kind === "all" || (sel.kind === "pid" ? c.pid === sel.pid : c.pgid === sel.pgid));
}

/**
 * The common part of wait4 and waitid: finds an ended child among `candidates()` (ECHILD
 * when there is none at all), or waits for one (interruptible: -ERESTARTSYS), or 0 with
 * WNOHANG. `collect` writes the results and returns the call's value.
 */
/** What wait4/waitid reports of a child: its end, or a stop or continue (job control). */
type ChildEvent = { readonly kind: "exited" } | { readonly kind: "stopped"; readonly signo: number } | { readonly kind: "continued" };

/**
 * The event of `c` that `options` asks for: its end (with `exits`), a stop not yet
 * reported (WUNTRACED / WSTOPPED), a continue not yet reported (WCONTINUED).
 */
function childEvent(c: Process, options: number, exits: boolean): ChildEvent | undefined {
  if (c.ended !== undefined) return exits ? { kind: "exited" } : undefined;
  const r = c.jobReport;
  if (r?.kind === "stopped" && (options & W.UNTRACED) !== 0) return r;
  if (r?.kind === "continued" && (options & W.CONTINUED) !== 0) return r;
  return undefined;
}

function waitChild(t: Thread, options: number, candidates: () => Process[], collect: (c: Process, e: ChildEvent) => number, none: () => number = () => 0, exits = true): SyscallReturn {
  const attempt = (): number | undefined => {
    const cs = candidates();
    if (cs.length === 0) return -Errno.ECHILD;
    for (const c of cs) {
      const e = childEvent(c, options, exits);
      if (e !== undefined) return collect(c, e);
    }
    if ((options & W.NOHANG) !== 0) return none();
    return undefined;
  };
  const first = attempt();
  if (first !== undefined) return first;
  const loop = async (): Promise<number> => {
    for (;;) {
      if ((await untilSignal(t, t.proc.childWait.next())) === "signal") return -Errno.ERESTARTSYS;
      const r = attempt();
      if (r !== undefined) return r;
    }
  };
  return loop();
}

/** A NULL-terminated array of string pointers (execve's argv / envp): the strings or -errno. */
function stringArray(t: Thread, ptr: number): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (ptr === 0) return out;
  for (let i = 0; i < MAX_ARG_STRINGS; i++) {
    const b = get(t, ptr + i * 8, 8);
    if (typeof b === "number") return b;
    const p = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
    if (p === 0) return out;
    const s = t.proc.mm.readCString(p, MAX_ARG_STRLEN);
    if (typeof s === "number") return s === -Errno.ENAMETOOLONG ? -Errno.E2BIG : s;
    out.push(s);
  }
  return -Errno.E2BIG;
}

function execve(t: Thread, pathPtr: number, argvPtr: number, envpPtr: number): number {
  const path = getPath(t, pathPtr);
  if (typeof path === "number") return path;
  const argv = stringArray(t, argvPtr);
  if (typeof argv === "number") return argv;
  const envp = stringArray(t, envpPtr);
  if (typeof envp === "number") return envp;
  const host = t.proc.host;
  if (host === undefined) return -Errno.ENOSYS;
  return host.exec(t, path, argv, envp);
}

/** The process `pid` names for the group and session calls (0: the caller), or undefined. */
function processOf(t: Thread, pid: number): Process | undefined {
  if (pid === 0) return t.proc;
  const p = t.proc.kernel.processes.get(pid);
  return p !== undefined && p.ended === undefined ? p : undefined;
}

/** sizeof(struct clone_args): Linux 5.7's 88 bytes, and the first version's 64. */
const CLONE_ARGS_SIZE = 88;
const CLONE_ARGS_SIZE_VER0 = 64;
/** clone3's CLONE_CLEAR_SIGHAND. */
const CLONE_CLEAR_SIGHAND = 0x1_0000_0000n;

/** clone and clone3: a thread (CLONE_THREAD), or a process (fork, vfork): the new id or -errno. */
function cloneWith(t: Thread, req: CloneRequest): SyscallReturn {
  const flags = req.flags;
  if ((flags & Clone.THREAD) !== 0 && (flags & Clone.SIGHAND) === 0) return -Errno.EINVAL;
  if ((flags & Clone.SIGHAND) !== 0 && (flags & Clone.VM) === 0) return -Errno.EINVAL;
  if ((flags & Clone.THREAD) !== 0) {
    const host = t.proc.threadHost;
    return host === undefined ? -Errno.EAGAIN : host.clone(t, req);
  }
  // A process sharing the parent's memory without vfork's suspension (CLONE_VM alone)
  // cannot be built on separate guest memories: refused rather than run wrongly.
  if ((flags & Clone.VM) !== 0 && (flags & Clone.VFORK) === 0) {
    t.proc.kernel.warnOnce("clone-vm", `wasmu: clone(CLONE_VM) without CLONE_VFORK or CLONE_THREAD is not supported (flags 0x${flags.toString(16)})`);
    return -Errno.ENOSYS;
  }
  const host = t.proc.host;
  return host === undefined ? -Errno.ENOSYS : host.fork(t, req);
}

/** The process handlers. */
export const processSyscalls: SyscallFamily = {
  clone: (t, a) => cloneWith(t, { flags: Number(BigInt.asUintN(32, a[0])), stack: a[1], ptid: addr(a[2]), tls: a[3], ctid: addr(a[4]) }),
  clone3: (t, a) => {
    // struct clone_args (88 bytes in Linux 5.7+; a shorter one, down to 64, is the older layout).
    const size = Number(BigInt.asUintN(64, a[1]));
    if (size < CLONE_ARGS_SIZE_VER0 || size > 4096) return -Errno.EINVAL;
    const raw = get(t, addr(a[0]), Math.min(size, CLONE_ARGS_SIZE));
    if (typeof raw === "number") return raw;
    const b = new Uint8Array(CLONE_ARGS_SIZE);
    b.set(raw);
    const f = (i: number): bigint => new DataView(b.buffer).getBigUint64(i * 8, true);
    const flags = f(0);
    const exitSignal = f(4);
    const stack = f(5);
    const stackSize = f(6);
    // Bits clone3 defines beyond clone's, and what wasmu cannot do: pidfds, set_tid (needs CAP_SYS_ADMIN), cgroups.
    if ((flags & ~(0xffff_ff00n | CLONE_CLEAR_SIGHAND)) !== 0n || exitSignal > 64n) return -Errno.EINVAL;
    if ((flags & BigInt(Clone.PIDFD)) !== 0n) return -Errno.EINVAL;
    if (f(8) !== 0n || f(9) !== 0n) return -Errno.EPERM;
    if ((stack === 0n) !== (stackSize === 0n)) return -Errno.EINVAL;
    const r = cloneWith(t, {
      flags: Number(flags & 0xffff_ff00n) | Number(exitSignal), stack: stack === 0n ? 0n : stack + stackSize, ptid: Number(BigInt.asUintN(53, f(3))),
      tls: f(7), ctid: Number(BigInt.asUintN(53, f(2))),
    });
    // CLONE_CLEAR_SIGHAND: the child's handled signals go back to SIG_DFL (ignored ones stay).
    const clear = (pid: number | bigint): number | bigint => {
      const c = t.proc.kernel.processes.get(Number(pid));
      if ((flags & CLONE_CLEAR_SIGHAND) !== 0n && c !== undefined && c !== t.proc) {
        for (const [sig, act] of [...c.sigactions]) if (act.handler !== 1n) c.sigactions.delete(sig);
      }
      return pid;
    };
    return r instanceof Promise ? r.then(clear) : typeof r === "number" && r > 0 ? clear(r) : r;
  },
  execve: (t, a) => execve(t, addr(a[0]), addr(a[1]), addr(a[2])),
  execveat: (t, a) => {
    // Paths relative to the cwd (AT_FDCWD) or absolute only; AT_EMPTY_PATH (fexecve) is not supported yet.
    const path = getPath(t, addr(a[1]));
    if (typeof path === "number") return path;
    if (int(a[0]) !== -100 && !path.startsWith("/")) return -Errno.ENOSYS;
    return execve(t, addr(a[1]), addr(a[2]), addr(a[3]));
  },
  wait4: (t, a) => {
    const pid = int(a[0]);
    const status = addr(a[1]);
    const options = uint(a[2]);
    const rusage = addr(a[3]);
    if ((options & ~(W.NOHANG | W.UNTRACED | W.CONTINUED | W.NOTHREAD | W.ALL | W.CLONE)) !== 0) return -Errno.EINVAL;
    // INT_MIN is refused (its negation is no group): Linux's -ESRCH.
    if (pid === -0x8000_0000) return -Errno.ESRCH;
    const sel = pid === -1 ? { kind: "all" as const } : pid > 0 ? { kind: "pid" as const, pid } : { kind: "pgid" as const, pgid: pid === 0 ? t.proc.pgid : -pid };
    return waitChild(t, options, () => matching(t.proc, sel), (c, e) => {
      // Linux's status words: exited or killed (waitStatus), stopped (signal << 8 | 0x7f), continued (0xffff).
      const word = e.kind === "exited" ? waitStatus(c.ended!) : e.kind === "stopped" ? (e.signo << 8) | 0x7f : 0xffff;
      const r = (status !== 0 ? putU32s(t, status, word) : 0) || (rusage !== 0 ? put(t, rusage, new Uint8Array(RUSAGE_SIZE)) : 0);
      if (r < 0) return r;
      if (e.kind === "exited") t.proc.kernel.reap(c);
      else c.jobReport = undefined;
      return c.pid;
    });
  },
  waitid: (t, a) => {
    const idtype = int(a[0]);
    const id = int(a[1]);
    const infop = addr(a[2]);
    const options = uint(a[3]);
    const rusage = addr(a[4]);
    if ((options & ~(W.NOHANG | W.STOPPED | W.EXITED | W.CONTINUED | W.NOWAIT | W.NOTHREAD | W.ALL | W.CLONE)) !== 0) return -Errno.EINVAL;
    if ((options & (W.EXITED | W.STOPPED | W.CONTINUED)) === 0) return -Errno.EINVAL;
    let sel;
    if (idtype === P_ALL) sel = { kind: "all" as const };
    else if (idtype === P_PID) {
      if (id <= 0) return -Errno.EINVAL;
      sel = { kind: "pid" as const, pid: id };
    } else if (idtype === P_PGID) {
      if (id < 0) return -Errno.EINVAL;
      sel = { kind: "pgid" as const, pgid: id === 0 ? t.proc.pgid : id };
    } else return -Errno.EINVAL;
    return waitChild(t, options, () => matching(t.proc, sel), (c, ev) => {
      const info = new Uint8Array(128);
      const v = new DataView(info.buffer);
      v.setInt32(0, SIGCHLD, true);
      if (ev.kind === "exited") {
        const e = c.ended!;
        v.setInt32(8, e.signal === undefined ? Cld.EXITED : e.core === true ? Cld.DUMPED : Cld.KILLED, true);
        v.setInt32(24, e.signal ?? e.code, true);
      } else {
        v.setInt32(8, ev.kind === "stopped" ? Cld.STOPPED : Cld.CONTINUED, true);
        v.setInt32(24, ev.kind === "stopped" ? ev.signo : 18, true);
      }
      v.setInt32(16, c.pid, true);
      v.setUint32(20, c.creds.uid, true);
      const w = (infop !== 0 ? put(t, infop, info) : 0) || (rusage !== 0 ? put(t, rusage, new Uint8Array(RUSAGE_SIZE)) : 0);
      if (w < 0) return w;
      if ((options & W.NOWAIT) === 0) {
        if (ev.kind === "exited") t.proc.kernel.reap(c);
        else c.jobReport = undefined;
      }
      return 0;
    }, () => (infop === 0 ? 0 : put(t, infop, new Uint8Array(128))), (options & W.EXITED) !== 0); // WNOHANG, nothing to collect: Linux zeroes the siginfo
  },
  getpgid: (t, a) => processOf(t, int(a[0]))?.pgid ?? -Errno.ESRCH,
  getsid: (t, a) => processOf(t, int(a[0]))?.sid ?? -Errno.ESRCH,
  setpgid: (t, a) => {
    const pid = int(a[0]);
    const pgid = int(a[1]);
    if (pgid < 0) return -Errno.EINVAL;
    const p = processOf(t, pid);
    // The caller itself or one of its children (Linux: ESRCH otherwise).
    if (p === undefined || (p !== t.proc && p.parent !== t.proc)) return -Errno.ESRCH;
    if (p !== t.proc && p.sid !== t.proc.sid) return -Errno.EPERM;
    if (p.sid === p.pid) return -Errno.EPERM; // a session leader
    const target = pgid === 0 ? p.pid : pgid;
    if (target !== p.pid && ![...t.proc.kernel.processes.values()].some((q) => q.ended === undefined && q.pgid === target && q.sid === p.sid)) return -Errno.EPERM;
    p.pgid = target;
    return 0;
  },
  setsid: (t) => {
    const p = t.proc;
    // A process group leader, or the id taken by a group: EPERM.
    if ([...p.kernel.processes.values()].some((q) => q.ended === undefined && q.pgid === p.pid)) return -Errno.EPERM;
    p.sid = p.pgid = p.pid;
    return p.pid;
  },
};

