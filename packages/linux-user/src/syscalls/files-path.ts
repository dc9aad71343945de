/**
 * Path-taking file calls, every one through the sysroot: openat, newfstatat, fstat,
 * statx, readlinkat, faccessat, faccessat2, getcwd, chdir, fchdir, unlinkat, mkdirat,
 * renameat2, utimensat. openat and readlinkat answer the guest's own /proc files (fs/proc.ts).
 *
 * @module
 */
import * as fs from "node:fs";
import { Errno, errnoFromHost } from "../errno.js";
import { statOfHost, HostFile } from "../fs/host-file.js";
import { openProcFile, readProcLink } from "../fs/proc.js";
import type { Thread } from "../process/process.js";
import { addr, AT, encodeStat, encodeStatx, type FileStat, int, O, uint } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { fileOf, pathAt, resolveAt } from "./files-common.js";
import { get, getPath, put } from "./guest-io.js";
import { encodeBytes, hostPath } from "../fs/host-path.js";

const RENAME_NOREPLACE = 1;
const RENAME_EXCHANGE = 2;
const RENAME_WHITEOUT = 4;
const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;

function host<T>(f: () => T): T | number {
  try {
    return f();
  } catch (e) {
    return -errnoFromHost(e);
  }
}

function openat(t: Thread, dirfd: number, ptr: number, flags: number, mode: number): number {
  const p = getPath(t, ptr);
  if (typeof p === "number") return p;
  if (p.startsWith("/proc/")) {
    const pf = openProcFile(t, p);
    if (typeof pf === "number") return pf;
    if (pf !== undefined) return (flags & O.ACCMODE) !== O.RDONLY ? (pf.unref(), -Errno.EACCES) : t.proc.files.install(pf, (flags & O.CLOEXEC) !== 0);
  }
  const follow = (flags & O.NOFOLLOW) === 0 && (flags & (O.CREAT | O.EXCL)) !== (O.CREAT | O.EXCL);
  const h = resolveAt(t, dirfd, p, follow);
  if (typeof h === "number") return h;
  const f = HostFile.open(h, flags | O.LARGEFILE, (mode & 0o7777) & ~t.proc.umask);
  if (typeof f === "number") return f;
  return t.proc.files.install(f, (flags & O.CLOEXEC) !== 0);
}

/** The stat of (dirfd, path) with *at flags: AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW. */
function statAt(t: Thread, dirfd: number, ptr: number, flags: number): FileStat | number {
  const p = getPath(t, ptr);
  if (typeof p === "number") return p;
  if (p === "" && (flags & AT.EMPTY_PATH) !== 0) {
    if (dirfd === AT.FDCWD) return host(() => statOfHost(fs.statSync(hostPath(t.proc.cwd), { bigint: true })));
    const f = fileOf(t, dirfd);
    return typeof f === "number" ? f : f.stat();
  }
  const follow = (flags & AT.SYMLINK_NOFOLLOW) === 0;
  const h = resolveAt(t, dirfd, p, follow);
  if (typeof h === "number") return h;
  return host(() => statOfHost(follow ? fs.statSync(hostPath(h), { bigint: true }) : fs.lstatSync(hostPath(h), { bigint: true })));
}

function access(t: Thread, dirfd: number, ptr: number, mode: number, flags: number): number {
  if ((mode & ~7) !== 0) return -Errno.EINVAL;
  if ((flags & ~(AT.EACCESS | AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH)) !== 0) return -Errno.EINVAL;
  const h = pathAt(t, dirfd, ptr, (flags & AT.SYMLINK_NOFOLLOW) === 0);
  if (typeof h === "number") return h;
  return host(() => (fs.accessSync(hostPath(h), mode), 0));
}

function readlinkat(t: Thread, dirfd: number, ptr: number, buf: number, size: number): number {
  if (size <= 0) return -Errno.EINVAL;
  const p = getPath(t, ptr);
  if (typeof p === "number") return p;
  let target: Uint8Array;
  const link = p.startsWith("/proc/") ? readProcLink(t, p) : undefined;
  if (typeof link === "number") return link;
  if (link !== undefined) {
    target = encodeBytes(link);
  } else {
    const h = resolveAt(t, dirfd, p, false);
    if (typeof h === "number") return h;
    const r = host(() => fs.readlinkSync(hostPath(h), { encoding: "buffer" }));
    if (typeof r === "number") return r;
    target = r;
  }
  const n = Math.min(size, target.length);
  const w = put(t, buf, target.subarray(0, n));
  return w < 0 ? w : n;
}

function chdirTo(t: Thread, h: string): number {
  const st = host(() => fs.statSync(hostPath(h)));
  if (typeof st === "number") return st;
  if (!st.isDirectory()) return -Errno.ENOTDIR;
  t.proc.cwd = h;
  return 0;
}

/** A utimensat time (timespec) as seconds for node:fs, or the current value for UTIME_OMIT. */
function timeArg(sec: bigint, nsec: bigint, current: number): number | undefined {
  if (nsec === BigInt(UTIME_NOW)) return Date.now() / 1000;
  if (nsec === BigInt(UTIME_OMIT)) return current;
  if (nsec < 0n || nsec >= 1_000_000_000n) return undefined;
  return Number(sec) + Number(nsec) / 1e9;
}

function utimensat(t: Thread, dirfd: number, ptr: number, times: number, flags: number): number {
  if ((flags & ~(AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH)) !== 0) return -Errno.EINVAL;
  let h: string | number;
  if (ptr === 0) {
    if (dirfd === AT.FDCWD) return -Errno.EFAULT;
    const f = fileOf(t, dirfd);
    if (typeof f === "number") return f;
    h = f.hostPath ?? -Errno.EBADF;
  } else {
    h = pathAt(t, dirfd, ptr, (flags & AT.SYMLINK_NOFOLLOW) === 0);
  }
  if (typeof h === "number") return h;
  const path = h;
  const nofollow = (flags & AT.SYMLINK_NOFOLLOW) !== 0;
  const cur = host(() => (nofollow ? fs.lstatSync(hostPath(path)) : fs.statSync(hostPath(path))));
  if (typeof cur === "number") return cur;
  let at = Date.now() / 1000;
  let mt = at;
  if (times !== 0) {
    const b = get(t, times, 32);
    if (typeof b === "number") return b;
    const v = new DataView(b.buffer, b.byteOffset, 32);
    const a = timeArg(v.getBigInt64(0, true), v.getBigInt64(8, true), cur.atimeMs / 1000);
    const m = timeArg(v.getBigInt64(16, true), v.getBigInt64(24, true), cur.mtimeMs / 1000);
    if (a === undefined || m === undefined) return -Errno.EINVAL;
    at = a;
    mt = m;
  }
  return host(() => ((nofollow ? fs.lutimesSync : fs.utimesSync)(path, at, mt), 0));
}

/** The path-taking file handlers. */
export const filePathSyscalls: SyscallFamily = {
  openat: (t, a) => openat(t, int(a[0]), addr(a[1]), uint(a[2]), uint(a[3])),
  newfstatat: (t, a) => {
    const flags = uint(a[3]);
    if ((flags & ~(AT.SYMLINK_NOFOLLOW | AT.NO_AUTOMOUNT | AT.EMPTY_PATH)) !== 0) return -Errno.EINVAL;
    const st = statAt(t, int(a[0]), addr(a[1]), flags);
    return typeof st === "number" ? st : put(t, addr(a[2]), encodeStat(st));
  },
  fstat: (t, a) => {
    const f = fileOf(t, int(a[0]));
    if (typeof f === "number") return f;
    const st = f.stat();
    return typeof st === "number" ? st : put(t, addr(a[1]), encodeStat(st));
  },
  statx: (t, a) => {
    const flags = uint(a[2]);
    if ((flags & ~(AT.SYMLINK_NOFOLLOW | AT.NO_AUTOMOUNT | AT.EMPTY_PATH | AT.STATX_SYNC_TYPE)) !== 0) return -Errno.EINVAL;
    if ((flags & AT.STATX_SYNC_TYPE) === AT.STATX_SYNC_TYPE) return -Errno.EINVAL;
    if ((uint(a[3]) & 0x8000_0000) !== 0) return -Errno.EINVAL; // STATX__RESERVED
    const st = statAt(t, int(a[0]), addr(a[1]), flags);
    return typeof st === "number" ? st : put(t, addr(a[4]), encodeStatx(st));
  },
  readlinkat: (t, a) => readlinkat(t, int(a[0]), addr(a[1]), addr(a[2]), int(a[3])),
  faccessat: (t, a) => access(t, int(a[0]), addr(a[1]), uint(a[2]), 0),
  faccessat2: (t, a) => access(t, int(a[0]), addr(a[1]), uint(a[2]), uint(a[3])),
  getcwd: (t, a) => {
    const s = encodeBytes(`${t.proc.kernel.sysroot.guestView(t.proc.cwd)}\0`);
    if (Number(BigInt.asUintN(64, a[1])) < s.length) return -Errno.ERANGE;
    const r = put(t, addr(a[0]), s);
    return r < 0 ? r : s.length;
  },
  chdir: (t, a) => {
    const h = pathAt(t, AT.FDCWD, addr(a[0]), true);
    return typeof h === "number" ? h : chdirTo(t, h);
  },
  fchdir: (t, a) => {
    const f = fileOf(t, int(a[0]));
    if (typeof f === "number") return f;
    return f.kind === "dir" && f.hostPath !== undefined ? chdirTo(t, f.hostPath) : -Errno.ENOTDIR;
  },
  unlinkat: (t, a) => {
    const flags = uint(a[2]);
    if ((flags & ~AT.REMOVEDIR) !== 0) return -Errno.EINVAL;
    const h = pathAt(t, int(a[0]), addr(a[1]), false);
    if (typeof h === "number") return h;
    return host(() => ((flags & AT.REMOVEDIR) !== 0 ? fs.rmdirSync(hostPath(h)) : fs.unlinkSync(hostPath(h)), 0));
  },
  mkdirat: (t, a) => {
    const h = pathAt(t, int(a[0]), addr(a[1]), false);
    if (typeof h === "number") return h;
    return host(() => (fs.mkdirSync(hostPath(h), (uint(a[2]) & 0o7777) & ~t.proc.umask), 0));
  },
  renameat2: (t, a) => {
    const flags = uint(a[4]);
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) !== 0) return -Errno.EINVAL;
    if ((flags & RENAME_NOREPLACE) !== 0 && (flags & RENAME_EXCHANGE) !== 0) return -Errno.EINVAL;
    if ((flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) !== 0) return -Errno.EINVAL; // not offered by node:fs
    const from = pathAt(t, int(a[0]), addr(a[1]), false);
    if (typeof from === "number") return from;
    const to = pathAt(t, int(a[2]), addr(a[3]), false);
    if (typeof to === "number") return to;
    if ((flags & RENAME_NOREPLACE) !== 0 && typeof host(() => fs.lstatSync(hostPath(to))) !== "number") return -Errno.EEXIST;
    return host(() => (fs.renameSync(hostPath(from), hostPath(to)), 0));
  },
  utimensat: (t, a) => utimensat(t, int(a[0]), addr(a[1]), addr(a[2]), uint(a[3])),
};
