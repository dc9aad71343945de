/**
 * File I/O on descriptors: read, write, readv, writev, pread64, pwrite64, lseek,
 * getdents64, ftruncate, fsync, fdatasync, sendfile, copy_file_range.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { IoResult, OpenFile } from "../fs/open-file.js";
import type { Thread } from "../process/process.js";
import { addr, int, long, O } from "./abi.js";
import type { SyscallFamily, SyscallReturn } from "./dispatch.js";
import { fileOf, MAX_RW_COUNT } from "./files-common.js";
import { getU64s } from "./guest-io.js";
import { interruptibleIo, withSigpipe } from "./sigwait.js";
import { rcvTimeout } from "./socket.js";
import { Socket } from "../net/socket.js";

/** Linux's UIO_MAXIOV. */
const UIO_MAXIOV = 1024;

function count(a: bigint): number {
  const n = BigInt.asUintN(64, a);
  return n > BigInt(MAX_RW_COUNT) ? MAX_RW_COUNT : Number(n);
}

/** After a read into guest memory: tells the address space what was written. */
function afterRead(t: Thread, buf: number, r: IoResult): SyscallReturn {
  const done = (n: number): number => {
    if (n > 0) t.proc.mm.wrote(buf, n);
    return n;
  };
  return typeof r === "number" ? done(r) : r.then(done);
}

function readInto(t: Thread, fd: number, buf: number, n: number, op: (f: OpenFile, view: Uint8Array) => IoResult): SyscallReturn {
  const f = fileOf(t, fd);
  if (typeof f === "number") return f;
  if (!f.readable) return -Errno.EBADF;
  if (f.kind === "dir") return -Errno.EISDIR;
  if (n === 0) return 0;
  const view = buf < 0 ? undefined : t.proc.mm.view(buf, n, true);
  if (view === undefined) return -Errno.EFAULT;
  return afterRead(t, buf, interruptibleIo<never>(t, f, () => op(f, view), f instanceof Socket ? rcvTimeout(f) : 0n));
}

function writeFrom(t: Thread, fd: number, buf: number, n: number, op: (f: OpenFile, data: Uint8Array) => IoResult): SyscallReturn {
  const f = fileOf(t, fd);
  if (typeof f === "number") return f;
  if (!f.writable) return -Errno.EBADF;
  if (n === 0) return 0;
  const view = buf < 0 ? undefined : t.proc.mm.view(buf, n, false);
  if (view === undefined) return -Errno.EFAULT;
  return op(f, view);
}

/** The (base, len) pairs of an iovec array, or -errno. */
function iovecs(t: Thread, ptr: number, cnt: number): [number, number][] | number {
  if (cnt < 0 || cnt > UIO_MAXIOV) return -Errno.EINVAL;
  const raw = getU64s(t, ptr, cnt * 2);
  if (typeof raw === "number") return raw;
  const out: [number, number][] = [];
  let total = 0n;
  for (let i = 0; i < cnt; i++) {
    const len = raw[i * 2 + 1]!;
    total += len;
    if (total > 0x7fff_ffff_ffff_ffffn) return -Errno.EINVAL;
    out.push([Number(BigInt.asUintN(53, raw[i * 2]!)), Number(len > BigInt(MAX_RW_COUNT) ? BigInt(MAX_RW_COUNT) : len)]);
  }
  return out;
}

function readv(t: Thread, fd: number, ptr: number, cnt: number, pos: number | undefined): SyscallReturn {
  const v = iovecs(t, ptr, cnt);
  if (typeof v === "number") return v;
  const total = Math.min(MAX_RW_COUNT, v.reduce((s, [, l]) => s + l, 0));
  for (const [b, l] of v) if (l > 0 && t.proc.mm.view(b, l, true) === undefined) return -Errno.EFAULT;
  const f = fileOf(t, fd);
  if (typeof f === "number") return f;
  if (!f.readable) return -Errno.EBADF;
  const tmp = new Uint8Array(total);
  const scatter = (n: number): number => {
    if (n <= 0) return n;
    let off = 0;
    for (const [b, l] of v) {
      if (off >= n) break;
      const k = Math.min(l, n - off);
      t.proc.mm.write(b, tmp.subarray(off, off + k));
      off += k;
    }
    return n;
  };
  const r = interruptibleIo<never>(t, f, () => (pos === undefined ? f.read(tmp) : f.pread(tmp, pos)));
  return typeof r === "number" ? scatter(r) : r.then(scatter);
}

function writev(t: Thread, fd: number, ptr: number, cnt: number, pos: number | undefined): SyscallReturn {
  const v = iovecs(t, ptr, cnt);
  if (typeof v === "number") return v;
  const parts: Uint8Array[] = [];
  for (const [b, l] of v) {
    if (l === 0) continue;
    const view = t.proc.mm.view(b, l, false);
    if (view === undefined) return -Errno.EFAULT;
    parts.push(view);
  }
  const f = fileOf(t, fd);
  if (typeof f === "number") return f;
  if (!f.writable) return -Errno.EBADF;
  const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (data.length === 0) return 0;
  return pos === undefined ? f.write(data) : f.pwrite(data, pos);
}

/** sendfile(2): copies up to `n` bytes from `inFd` (at *offPtr when given, else its offset) to `outFd`. */
function sendfile(t: Thread, outFd: number, inFd: number, offPtr: number, n: number): SyscallReturn {
  const src = fileOf(t, inFd);
  const dst = fileOf(t, outFd);
  if (typeof src === "number") return src;
  if (typeof dst === "number") return dst;
  if (!src.readable || !dst.writable) return -Errno.EBADF;
  let pos: number | undefined;
  if (offPtr !== 0) {
    const v = getU64s(t, offPtr, 1);
    if (typeof v === "number") return v;
    pos = Number(BigInt.asIntN(64, v[0]!));
    if (pos < 0) return -Errno.EINVAL;
  }
  const buf = new Uint8Array(Math.min(n, 1 << 20));
  const got = pos === undefined ? src.read(buf) : src.pread(buf, pos);
  const finish = (r: number): SyscallReturn => {
    if (r <= 0) return r;
    const w = dst.write(buf.subarray(0, r));
    const done = (k: number): number => {
      if (k > 0 && pos !== undefined) t.proc.mm.write(offPtr, new Uint8Array(new BigInt64Array([BigInt(pos + k)]).buffer));
      return k;
    };
    return typeof w === "number" ? done(w) : w.then(done);
  };
  return typeof got === "number" ? finish(got) : got.then(finish);
}

/**
 * copy_file_range(2) between regular files: up to `n` bytes from `inFd` (at *offIn, or its
 * offset) to `outFd` (at *offOut, or its offset), by positioned reads and writes; the
 * offsets used advance. Linux's checks: flags must be 0, both descriptors regular files
 * (EISDIR for a directory, EINVAL otherwise), readable / writable and not O_APPEND (EBADF),
 * and overlapping ranges of one file are EINVAL.
 */
function copyFileRange(t: Thread, inFd: number, offIn: number, outFd: number, offOut: number, n: number, flags: number): number {
  if (flags !== 0) return -Errno.EINVAL;
  const src = fileOf(t, inFd);
  const dst = fileOf(t, outFd);
  if (typeof src === "number") return src;
  if (typeof dst === "number") return dst;
  if (!src.readable || !dst.writable || (dst.flags & O.APPEND) !== 0) return -Errno.EBADF;
  if (src.kind === "dir" || dst.kind === "dir") return -Errno.EISDIR;
  if (src.kind !== "file" || dst.kind !== "file") return -Errno.EINVAL;
  const offset = (ptr: number, f: OpenFile): number => {
    if (ptr === 0) return f.seek(0, 1);
    const v = getU64s(t, ptr, 1);
    return typeof v === "number" ? v : Number(BigInt.asIntN(64, v[0]!));
  };
  const pin = offset(offIn, src);
  const pout = offset(offOut, dst);
  if (pin < 0 || pout < 0) return pin < 0 ? (offIn === 0 ? pin : -Errno.EINVAL) : (offOut === 0 ? pout : -Errno.EINVAL);
  if (src.hostPath !== undefined && src.hostPath === dst.hostPath && pin < pout + n && pout < pin + n) return -Errno.EINVAL;
  let done = 0;
  const chunk = new Uint8Array(Math.min(n, 1 << 20));
  while (done < n) {
    const r = src.pread(chunk.subarray(0, Math.min(chunk.length, n - done)), pin + done);
    if (typeof r !== "number") return -Errno.EINVAL; // regular files never wait
    if (r < 0) return done > 0 ? done : r;
    if (r === 0) break;
    const w = dst.pwrite(chunk.subarray(0, r), pout + done);
    if (typeof w !== "number") return -Errno.EINVAL;
    if (w < 0) return done > 0 ? done : w;
    done += w;
    if (w < r) break;
  }
  const advance = (ptr: number, f: OpenFile, from: number): number => {
    if (ptr === 0) return f.seek(from + done, 0) < 0 ? -Errno.EIO : 0;
    return t.proc.mm.write(ptr, new Uint8Array(new BigInt64Array([BigInt(from + done)]).buffer)) ? 0 : -Errno.EFAULT;
  };
  return advance(offIn, src, pin) || advance(offOut, dst, pout) || done;
}

/** The file I/O handlers. */
export const fileIoSyscalls: SyscallFamily = {
  read: (t, a) => readInto(t, int(a[0]), addr(a[1]), count(a[2]), (f, v) => f.read(v)),
  write: (t, a) => withSigpipe(t, writeFrom(t, int(a[0]), addr(a[1]), count(a[2]), (f, v) => f.write(v))),
  pread64: (t, a) => (long(a[3]) < 0 ? -Errno.EINVAL : readInto(t, int(a[0]), addr(a[1]), count(a[2]), (f, v) => f.pread(v, long(a[3])))),
  pwrite64: (t, a) => (long(a[3]) < 0 ? -Errno.EINVAL : writeFrom(t, int(a[0]), addr(a[1]), count(a[2]), (f, v) => f.pwrite(v, long(a[3])))),
  readv: (t, a) => readv(t, int(a[0]), addr(a[1]), int(a[2]), undefined),
  writev: (t, a) => withSigpipe(t, writev(t, int(a[0]), addr(a[1]), int(a[2]), undefined)),
  preadv: (t, a) => (long(a[3]) < 0 ? -Errno.EINVAL : readv(t, int(a[0]), addr(a[1]), int(a[2]), long(a[3]))),
  pwritev: (t, a) => (long(a[3]) < 0 ? -Errno.EINVAL : writev(t, int(a[0]), addr(a[1]), int(a[2]), long(a[3]))),
  copy_file_range: (t, a) => copyFileRange(t, int(a[0]), addr(a[1]), int(a[2]), addr(a[3]), count(a[4]), int(a[5])),
  sendfile: (t, a) => withSigpipe(t, sendfile(t, int(a[0]), int(a[1]), addr(a[2]), count(a[3]))),
  lseek: (t, a) => {
    const f = fileOf(t, int(a[0]));
    return typeof f === "number" ? f : f.seek(long(a[1]), int(a[2]));
  },
  getdents64: (t, a) => {
    const f = fileOf(t, int(a[0]));
    if (typeof f === "number") return f;
    const n = count(a[2]);
    const view = t.proc.mm.view(addr(a[1]), n, true);
    if (view === undefined) return -Errno.EFAULT;
    const r = f.getdents(view);
    if (r > 0) t.proc.mm.wrote(addr(a[1]), r);
    return r;
  },
  ftruncate: (t, a) => {
    const f = fileOf(t, int(a[0]));
    if (typeof f === "number") return f;
    return long(a[1]) < 0 ? -Errno.EINVAL : f.truncate(long(a[1]));
  },
  fsync: (t, a) => {
    const f = fileOf(t, int(a[0]));
    return typeof f === "number" ? f : f.sync();
  },
  fdatasync: (t, a) => {
    const f = fileOf(t, int(a[0]));
    return typeof f === "number" ? f : f.sync();
  },
};
