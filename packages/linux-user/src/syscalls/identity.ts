/**
 * Identity and limits: process and thread ids, user and group ids, uname (machine
 * "riscv64"), resource limits (prlimit64, getrlimit, setrlimit), getrandom, sysinfo,
 * umask, CPU affinity.
 *
 * @module
 */
import * as os from "node:os";
import { Errno } from "../errno.js";
import { type Limit, RLIM_NLIMITS, Rlimit, type Thread } from "../process/process.js";
import { addr, int, type SyscallArgs, uint } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { cfield, getU64s, put, putU32s, putU64s } from "./guest-io.js";

/** getrandom returns at most this much per call (Linux: MAX_RW_COUNT, in practice 32 MiB - 1). */
const GETRANDOM_MAX = (1 << 25) - 1;
const GRND_ALL = 1 | 2 | 4;

function isRoot(t: Thread): boolean {
  return t.proc.creds.euid === 0;
}

/** setuid-family rule: an unprivileged process may only pick among its real, effective and saved ids. */
function mayUseId(t: Thread, id: number, kind: "u" | "g"): boolean {
  const c = t.proc.creds;
  if (isRoot(t) || id === -1) return true;
  return kind === "u" ? id === c.uid || id === c.euid || id === c.suid : id === c.gid || id === c.egid || id === c.sgid;
}

function setres(t: Thread, kind: "u" | "g", r: number, e: number, s: number): number {
  if (![r, e, s].every((x) => mayUseId(t, x, kind))) return -Errno.EPERM;
  const c = t.proc.creds;
  if (kind === "u") {
    if (r !== -1) c.uid = r;
    if (e !== -1) c.euid = e;
    if (s !== -1) c.suid = s;
  } else {
    if (r !== -1) c.gid = r;
    if (e !== -1) c.egid = e;
    if (s !== -1) c.sgid = s;
  }
  return 0;
}

/** prlimit64's core: old and/or new limits of this process. */
function prlimit(t: Thread, pid: number, resource: number, newPtr: number, oldPtr: number): number {
  if (pid !== 0 && pid !== t.proc.pid) return t.proc.kernel.processes.has(pid) ? -Errno.EPERM : -Errno.ESRCH;
  if (resource < 0 || resource >= RLIM_NLIMITS) return -Errno.EINVAL;
  const lim = t.proc.limits;
  let next: Limit | undefined;
  if (newPtr !== 0) {
    const v = getU64s(t, newPtr, 2);
    if (typeof v === "number") return v;
    const [cur, max] = v as [bigint, bigint];
    if (cur > max) return -Errno.EINVAL;
    if (max > lim[resource]!.max && !isRoot(t)) return -Errno.EPERM;
    if (resource === Rlimit.NOFILE && max > 1048576n) return -Errno.EPERM;
    next = { cur, max };
  }
  if (oldPtr !== 0) {
    const r = putU64s(t, oldPtr, lim[resource]!.cur, lim[resource]!.max);
    if (r < 0) return r;
  }
  if (next !== undefined) {
    lim[resource] = next;
    if (resource === Rlimit.NOFILE) t.proc.files.limit = Number(next.cur > 1048576n ? 1048576n : next.cur);
  }
  return 0;
}

/** struct sysinfo (112 bytes on 64-bit). */
function sysinfo(t: Thread, a: number): number {
  const k = t.proc.kernel;
  const b = new Uint8Array(112);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, (k.clock.monotonicNs() - k.bootNs) / 1_000_000_000n, true);
  os.loadavg().forEach((l, i) => v.setBigUint64(8 + i * 8, BigInt(Math.round(l * 65536)), true));
  const total = BigInt(t.proc.mm.memory.size);
  const free = BigInt(Math.min(os.freemem(), t.proc.mm.memory.size));
  v.setBigUint64(32, total, true);
  v.setBigUint64(40, free, true);
  v.setUint16(80, Math.min(k.processes.size, 0xffff), true);
  v.setUint32(104, 1, true);
  return put(t, a, b);
}

/** prctl options wasmu answers (linux/prctl.h). */
export const Pr = {
  SET_PDEATHSIG: 1, GET_PDEATHSIG: 2, GET_DUMPABLE: 3, SET_DUMPABLE: 4, SET_NAME: 15, GET_NAME: 16,
  CAPBSET_READ: 23, SET_NO_NEW_PRIVS: 38, GET_NO_NEW_PRIVS: 39, SET_VMA: 0x53564d41,
} as const;

/** prctl(2): the process attributes programs set at start-up (name, dumpable, death signal); others EINVAL. */
function prctl(t: Thread, op: number, a2: bigint): number {
  const p = t.proc;
  switch (op) {
    case Pr.SET_NAME: {
      const s = p.mm.readCString(addr(a2), 4096);
      if (typeof s === "number") return s;
      p.comm = Buffer.from(s.subarray(0, 15)).toString("latin1");
      return 0;
    }
    case Pr.GET_NAME: return put(t, addr(a2), cfield(p.comm, 16));
    case Pr.GET_DUMPABLE: return p.dumpable ? 1 : 0;
    case Pr.SET_DUMPABLE: {
      if (a2 > 1n) return -Errno.EINVAL;
      p.dumpable = a2 === 1n;
      return 0;
    }
    case Pr.SET_PDEATHSIG: return a2 > 64n ? -Errno.EINVAL : ((p.pdeathsig = Number(a2)), 0);
    case Pr.GET_PDEATHSIG: return putU32s(t, addr(a2), p.pdeathsig);
    case Pr.CAPBSET_READ: return a2 <= 40n ? 1 : -Errno.EINVAL;
    case Pr.SET_NO_NEW_PRIVS: return a2 === 1n ? 0 : -Errno.EINVAL;
    case Pr.GET_NO_NEW_PRIVS: return 0;
    case Pr.SET_VMA: return 0;
    default: return -Errno.EINVAL;
  }
}

/** The identity and limits handlers. */
export const identitySyscalls: SyscallFamily = {
  getpid: (t) => t.proc.pid,
  getppid: (t) => t.proc.ppid,
  gettid: (t) => t.tid,
  getuid: (t) => t.proc.creds.uid,
  geteuid: (t) => t.proc.creds.euid,
  getgid: (t) => t.proc.creds.gid,
  getegid: (t) => t.proc.creds.egid,
  getresuid: (t, a) => {
    const c = t.proc.creds;
    return putU32s(t, addr(a[0]), c.uid) || putU32s(t, addr(a[1]), c.euid) || putU32s(t, addr(a[2]), c.suid);
  },
  getresgid: (t, a) => {
    const c = t.proc.creds;
    return putU32s(t, addr(a[0]), c.gid) || putU32s(t, addr(a[1]), c.egid) || putU32s(t, addr(a[2]), c.sgid);
  },
  setuid: (t, a) => (isRoot(t) ? setres(t, "u", int(a[0]), int(a[0]), int(a[0])) : setres(t, "u", -1, int(a[0]), -1)),
  setgid: (t, a) => (isRoot(t) ? setres(t, "g", int(a[0]), int(a[0]), int(a[0])) : setres(t, "g", -1, int(a[0]), -1)),
  setresuid: (t, a) => setres(t, "u", int(a[0]), int(a[1]), int(a[2])),
  setresgid: (t, a) => setres(t, "g", int(a[0]), int(a[1]), int(a[2])),
  setreuid: (t, a) => setres(t, "u", int(a[0]), int(a[1]), -1),
  setregid: (t, a) => setres(t, "g", int(a[0]), int(a[1]), -1),
  getgroups: (t, a) => {
    const size = int(a[0]);
    const g = t.proc.creds.groups;
    if (size < 0) return -Errno.EINVAL;
    if (size === 0) return g.length;
    if (size < g.length) return -Errno.EINVAL;
    const r = putU32s(t, addr(a[1]), ...g);
    return r < 0 ? r : g.length;
  },
  uname: (t, a) => {
    const k = t.proc.kernel;
    const parts = ["Linux", k.uts.nodename, k.uts.release, k.uts.version, "riscv64", "(none)"];
    const b = new Uint8Array(65 * 6);
    parts.forEach((s, i) => b.set(cfield(s, 65), i * 65));
    return put(t, addr(a[0]), b);
  },
  prlimit64: (t, a) => prlimit(t, int(a[0]), int(a[1]), addr(a[2]), addr(a[3])),
  getrlimit: (t, a) => prlimit(t, 0, int(a[0]), 0, addr(a[1])),
  setrlimit: (t, a) => prlimit(t, 0, int(a[0]), addr(a[1]), 0),
  getrandom: (t, a: SyscallArgs) => {
    const flags = uint(a[2]);
    if ((flags & ~GRND_ALL) !== 0 || (flags & 6) === 6) return -Errno.EINVAL;
    const req = BigInt.asUintN(64, a[1]);
    const n = req > BigInt(GETRANDOM_MAX) ? GETRANDOM_MAX : Number(req);
    const buf = new Uint8Array(n);
    for (let o = 0; o < n; o += 65536) t.proc.kernel.random(buf.subarray(o, Math.min(n, o + 65536)));
    const r = put(t, addr(a[0]), buf);
    return r < 0 ? r : n;
  },
  sysinfo: (t, a) => sysinfo(t, addr(a[0])),
  umask: (t, a) => {
    const old = t.proc.umask;
    t.proc.umask = uint(a[0]) & 0o777;
    return old;
  },
  sched_getaffinity: (t, a) => {
    const pid = int(a[0]);
    if (pid !== 0 && !t.proc.threads.has(pid) && !t.proc.kernel.processes.has(pid)) return -Errno.ESRCH;
    const len = Number(BigInt.asUintN(32, a[1]));
    const bytes = Math.ceil(t.proc.kernel.cpus / 64) * 8;
    if (len < bytes || len % 8 !== 0) return -Errno.EINVAL;
    const mask = new Uint8Array(bytes);
    for (let c = 0; c < t.proc.kernel.cpus; c++) mask[c >> 3]! |= 1 << (c & 7);
    const r = put(t, addr(a[2]), mask);
    return r < 0 ? r : bytes;
  },
  sched_setaffinity: () => 0,
  prctl: (t, a) => prctl(t, int(a[0]), a[1]),
  getcpu: (t, a) => (addr(a[0]) !== 0 ? putU32s(t, addr(a[0]), 0) : 0) || (addr(a[1]) !== 0 ? putU32s(t, addr(a[1]), 0) : 0),
};
