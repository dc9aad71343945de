/**
 * The rest of the everyday file calls: fchmod, fchmodat, fchown, fchownat, symlinkat,
 * linkat, truncate, statfs, fstatfs, fadvise64, close_range, getrusage.
 *
 * @module
 */
import * as fs from "node:fs";
import { Errno, errnoFromHost } from "../errno.js";
import type { Thread } from "../process/process.js";
import { addr, AT, encodeTimeval, int, long, uint } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { fileOf, pathAt, resolveAt } from "./files-common.js";
import { getPath, put } from "./guest-io.js";
import { hostPath } from "../fs/host-path.js";

const CLOSE_RANGE_UNSHARE = 2;
const CLOSE_RANGE_CLOEXEC = 4;

function host(f: () => void): number {
  try {
    f();
    return 0;
  } catch (e) {
    return -errnoFromHost(e);
  }
}

/** struct statfs (120 bytes) of a host path. */
function statfs(t: Thread, h: string, buf: number): number {
  let s: fs.StatsFs;
  try {
    s = fs.statfsSync(hostPath(h));
  } catch (e) {
    return -errnoFromHost(e);
  }
  const b = new Uint8Array(120);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, BigInt(s.type), true);
  v.setBigInt64(8, BigInt(s.bsize), true);
  [s.blocks, s.bfree, s.bavail, s.files, s.ffree].forEach((x, i) => v.setBigUint64(16 + i * 8, BigInt(x), true));
  v.setBigInt64(64, 255n, true); // f_namelen
  v.setBigInt64(72, BigInt(s.bsize), true); // f_frsize
  return put(t, buf, b);
}

function fdPath(t: Thread, fd: number): string | number {
  const f = fileOf(t, fd);
  if (typeof f === "number") return f;
  return f.hostPath ?? -Errno.EINVAL;
}

/** The remaining file handlers. */
export const fileMoreSyscalls: SyscallFamily = {
  fchmod: (t, a) => {
    const h = fdPath(t, int(a[0]));
    return typeof h === "number" ? h : host(() => fs.chmodSync(hostPath(h), uint(a[1]) & 0o7777));
  },
  fchmodat: (t, a) => {
    const h = pathAt(t, int(a[0]), addr(a[1]), true);
    return typeof h === "number" ? h : host(() => fs.chmodSync(hostPath(h), uint(a[2]) & 0o7777));
  },
  // fchmodat2 (Linux 6.6): fchmodat with flags; a symbolic link's own mode cannot change (EOPNOTSUPP, as on Linux).
  fchmodat2: (t, a) => {
    const flags = uint(a[3]);
    if ((flags & ~(AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH)) !== 0) return -Errno.EINVAL;
    const nofollow = (flags & AT.SYMLINK_NOFOLLOW) !== 0;
    const h = pathAt(t, int(a[0]), addr(a[1]), !nofollow);
    if (typeof h === "number") return h;
    try {
      if (nofollow && fs.lstatSync(h).isSymbolicLink()) return -Errno.EOPNOTSUPP;
    } catch (e) {
      return -errnoFromHost(e);
    }
    return host(() => fs.chmodSync(h, uint(a[2]) & 0o7777));
  },
  fchown: (t, a) => {
    const h = fdPath(t, int(a[0]));
    return typeof h === "number" ? h : host(() => fs.chownSync(hostPath(h), int(a[1]), int(a[2])));
  },
  fchownat: (t, a) => {
    const flags = uint(a[4]);
    if ((flags & ~(AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH)) !== 0) return -Errno.EINVAL;
    const nofollow = (flags & AT.SYMLINK_NOFOLLOW) !== 0;
    const h = pathAt(t, int(a[0]), addr(a[1]), !nofollow);
    return typeof h === "number" ? h : host(() => (nofollow ? fs.lchownSync : fs.chownSync)(h, int(a[2]), int(a[3])));
  },
  symlinkat: (t, a) => {
    const target = getPath(t, addr(a[0]));
    if (typeof target === "number") return target;
    const h = pathAt(t, int(a[1]), addr(a[2]), false);
    return typeof h === "number" ? h : host(() => fs.symlinkSync(hostPath(target), hostPath(h)));
  },
  linkat: (t, a) => {
    const flags = uint(a[4]);
    if ((flags & ~(AT.SYMLINK_FOLLOW | AT.EMPTY_PATH)) !== 0) return -Errno.EINVAL;
    const from = pathAt(t, int(a[0]), addr(a[1]), (flags & AT.SYMLINK_FOLLOW) !== 0);
    if (typeof from === "number") return from;
    const to = pathAt(t, int(a[2]), addr(a[3]), false);
    return typeof to === "number" ? to : host(() => fs.linkSync(hostPath(from), hostPath(to)));
  },
  truncate: (t, a) => {
    if (long(a[1]) < 0) return -Errno.EINVAL;
    const h = pathAt(t, AT.FDCWD, addr(a[0]), true);
    return typeof h === "number" ? h : host(() => fs.truncateSync(hostPath(h), long(a[1])));
  },
  statfs: (t, a) => {
    const p = getPath(t, addr(a[0]));
    if (typeof p === "number") return p;
    const h = resolveAt(t, AT.FDCWD, p, true);
    return typeof h === "number" ? h : statfs(t, h, addr(a[1]));
  },
  fstatfs: (t, a) => {
    const h = fdPath(t, int(a[0]));
    return typeof h === "number" ? h : statfs(t, h, addr(a[1]));
  },
  fadvise64: (t, a) => {
    const f = fileOf(t, int(a[0]));
    if (typeof f === "number") return f;
    if (f.kind === "pipe") return -Errno.ESPIPE;
    return int(a[3]) < 0 || int(a[3]) > 5 ? -Errno.EINVAL : 0;
  },
  close_range: (t, a) => {
    const first = uint(a[0]);
    const last = uint(a[1]);
    const flags = uint(a[2]);
    if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) !== 0 || first > last) return -Errno.EINVAL;
    for (const fd of t.proc.files.open) {
      if (fd < first || fd > last) continue;
      if ((flags & CLOSE_RANGE_CLOEXEC) !== 0) t.proc.files.entry(fd)!.cloexec = true;
      else t.proc.files.close(fd);
    }
    return 0;
  },
  getrusage: (t, a) => {
    const who = int(a[0]);
    if (who !== 0 && who !== -1 && who !== 1) return -Errno.EINVAL; // RUSAGE_SELF, CHILDREN, THREAD
    const b = new Uint8Array(144);
    if (who !== -1) {
      const u = process.cpuUsage();
      b.set(encodeTimeval(BigInt(u.user) * 1000n), 0);
      b.set(encodeTimeval(BigInt(u.system) * 1000n), 16);
      new DataView(b.buffer).setBigInt64(32, BigInt(Math.round(process.memoryUsage().rss / 1024)), true); // ru_maxrss (KiB)
    }
    return put(t, addr(a[1]), b);
  },
};
