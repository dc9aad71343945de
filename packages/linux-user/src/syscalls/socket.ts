/**
 * The socket system calls: socket, socketpair, bind, listen, accept, accept4, connect,
 * getsockname, getpeername, sendto, recvfrom, sendmsg, recvmsg (with SCM_RIGHTS),
 * setsockopt, getsockopt, shutdown. They decode the guest's structures (sockaddr, msghdr,
 * iovec, cmsghdr), check what Linux checks before the socket sees the call (ENOTSOCK,
 * EINVAL flags, EFAULT), and hand the rest to the socket kinds in src/net: AF_UNIX in
 * the emulator, AF_INET / AF_INET6 TCP and UDP through Node. Other families (netlink,
 * packet) are EAFNOSUPPORT, which glibc's getaddrinfo copes with (it then assumes both
 * IPv4 and IPv6 are configured).
 *
 * @module
 */
import { Errno } from "../errno.js";
import { decodeBytes } from "../fs/host-path.js";
import type { OpenFile } from "../fs/open-file.js";
import { AF, decodeSockAddr, encodeSockAddr, MSG, SOCK, type SockAddr } from "../net/sockaddr.js";
import type { Received, SendRequest, Socket } from "../net/socket.js";
import { TcpSocket } from "../net/tcp-socket.js";
import { UdpSocket } from "../net/udp-socket.js";
import { UnixSocket } from "../net/unix-socket.js";
import type { Thread } from "../process/process.js";
import { addr, AT, int, O, type SyscallArgs } from "./abi.js";
import type { SyscallFamily, SyscallReturn } from "./dispatch.js";
import { fileOf, installPair, MAX_RW_COUNT, resolveAt } from "./files-common.js";
import { get, getU64s, put, putU32s } from "./guest-io.js";
import { interruptibleIo, withSigpipe } from "./sigwait.js";

/** Socket option levels and names (asm-generic/socket.h, linux/in.h, linux/tcp.h). */
export const SOL = { SOCKET: 1, IP: 0, TCP: 6, UDP: 17, IPV6: 41 } as const;
/** SOL_SOCKET option names. */
export const SO = {
  DEBUG: 1, REUSEADDR: 2, TYPE: 3, ERROR: 4, DONTROUTE: 5, BROADCAST: 6, SNDBUF: 7, RCVBUF: 8, KEEPALIVE: 9, OOBINLINE: 10,
  NO_CHECK: 11, PRIORITY: 12, LINGER: 13, REUSEPORT: 15, PASSCRED: 16, PEERCRED: 17, RCVLOWAT: 18, SNDLOWAT: 19,
  RCVTIMEO: 20, SNDTIMEO: 21, ACCEPTCONN: 30, SNDBUFFORCE: 32, RCVBUFFORCE: 33, PROTOCOL: 38, DOMAIN: 39,
} as const;
/** SCM_RIGHTS (cmsg_type at SOL_SOCKET). */
const SCM_RIGHTS = 1;
/** Linux's SCM_MAX_FD. */
const SCM_MAX_FD = 253;
/** Largest sockaddr a call accepts (sizeof(struct sockaddr_storage)). */
const SOCKADDR_MAX = 128;
/** Linux's default socket buffer (net.core.wmem_default / rmem_default). */
const DEFAULT_BUF = 212992;

/** Integer options kept as values, by level << 16 | name; their defaults. */
const INT_OPTIONS = new Map<number, number>([
  [key(SOL.SOCKET, SO.DEBUG), 0], [key(SOL.SOCKET, SO.REUSEADDR), 0], [key(SOL.SOCKET, SO.DONTROUTE), 0],
  [key(SOL.SOCKET, SO.BROADCAST), 0], [key(SOL.SOCKET, SO.KEEPALIVE), 0], [key(SOL.SOCKET, SO.OOBINLINE), 0],
  [key(SOL.SOCKET, SO.NO_CHECK), 0], [key(SOL.SOCKET, SO.PRIORITY), 0], [key(SOL.SOCKET, SO.REUSEPORT), 0],
  [key(SOL.SOCKET, SO.PASSCRED), 0], [key(SOL.SOCKET, SO.RCVLOWAT), 1], [key(SOL.SOCKET, SO.SNDLOWAT), 1],
  [key(SOL.TCP, 1), 0], [key(SOL.TCP, 2), 536], [key(SOL.TCP, 4), 7200], [key(SOL.TCP, 5), 75], [key(SOL.TCP, 6), 9],
  [key(SOL.IP, 1), 0], [key(SOL.IP, 2), 64], [key(SOL.IPV6, 26), 0], [key(SOL.IPV6, 16), 64],
]);

function key(level: number, name: number): number {
  return (level << 16) | name;
}

/** The socket of `fd`: -EBADF, -ENOTSOCK, or the socket. */
function socketOf(t: Thread, fd: number): Socket | number {
  const f = fileOf(t, fd);
  if (typeof f === "number") return f;
  return f.kind === "socket" ? (f as Socket) : -Errno.ENOTSOCK;
}

/** A sockaddr argument of `len` bytes for `s`: the address, or -errno. */
function sockAddrArg(t: Thread, s: Socket, ptr: number, len: number): SockAddr | number {
  if (len < 0 || len > SOCKADDR_MAX) return -Errno.EINVAL;
  const b = get(t, ptr, len);
  if (typeof b === "number") return b;
  return decodeSockAddr(b, s.domain);
}

/** The host path of a pathname unix address (bind: the last component not followed), if it is one. */
function unixHost(t: Thread, a: SockAddr, follow: boolean): string | undefined | number {
  if (a.family !== AF.UNIX || a.path.length === 0 || a.path[0] === 0) return undefined;
  return resolveAt(t, AT.FDCWD, decodeBytes(a.path), follow);
}

/** Writes address `a` to (ptr, *lenPtr) as Linux does: truncated to the buffer, the full length stored. */
function putSockAddr(t: Thread, a: SockAddr | undefined, ptr: number, lenPtr: number): number {
  if (ptr === 0 || lenPtr === 0) return 0;
  const lb = get(t, lenPtr, 4);
  if (typeof lb === "number") return lb;
  const room = new DataView(lb.buffer, lb.byteOffset, 4).getInt32(0, true);
  if (room < 0) return -Errno.EINVAL;
  const enc = a === undefined ? new Uint8Array(0) : encodeSockAddr(a);
  const r = room > 0 && enc.length > 0 ? put(t, ptr, enc.subarray(0, Math.min(room, enc.length))) : 0;
  return r < 0 ? r : putU32s(t, lenPtr, enc.length);
}

/** The sender address a receive reports: none for an unnamed unix socket (Linux's msg_namelen 0). */
function senderOf(r: Received): SockAddr | undefined {
  const f = r.from;
  return f !== undefined && f.family === AF.UNIX && f.path.length === 0 ? undefined : f;
}

/** Settles a later result with `f`. */
function then<T>(r: T | number | Promise<T | number>, f: (v: T | number) => number | Promise<number>): SyscallReturn {
  return r instanceof Promise ? r.then(f) : f(r);
}

function createSocket(t: Thread, domain: number, typeArg: number, protocol: number): Socket | number {
  const type = typeArg & SOCK.TYPE_MASK;
  if ((typeArg & ~(SOCK.TYPE_MASK | SOCK.NONBLOCK | SOCK.CLOEXEC)) !== 0) return -Errno.EINVAL;
  const flags = (typeArg & SOCK.NONBLOCK) !== 0 ? O.NONBLOCK : 0;
  switch (domain) {
    case AF.UNIX: {
      if (type !== SOCK.STREAM && type !== SOCK.DGRAM && type !== SOCK.SEQPACKET && type !== SOCK.RAW) return -Errno.ESOCKTNOSUPPORT;
      if (protocol !== 0 && protocol !== AF.UNIX) return -Errno.EPROTONOSUPPORT;
      // Linux's unix_create makes a SOCK_RAW unix socket a datagram socket.
      const s = new UnixSocket(type === SOCK.RAW ? SOCK.DGRAM : type, flags);
      s.umask = t.proc.umask;
      return s;
    }
    case AF.INET: case AF.INET6:
      if (type === SOCK.STREAM && (protocol === 0 || protocol === 6)) return new TcpSocket(domain, flags);
      if (type === SOCK.DGRAM && (protocol === 0 || protocol === 17)) return new UdpSocket(domain, flags);
      return type === SOCK.STREAM || type === SOCK.DGRAM || type === SOCK.RAW || type === SOCK.SEQPACKET ? -Errno.EPROTONOSUPPORT : -Errno.ESOCKTNOSUPPORT;
    default:
      return -Errno.EAFNOSUPPORT;
  }
}

/** The bytes of an iovec array (sendmsg), or -errno. */
function gather(t: Thread, iov: number, cnt: number): Uint8Array | number {
  if (cnt < 0 || cnt > 1024) return -Errno.EMSGSIZE;
  const raw = getU64s(t, iov, cnt * 2);
  if (typeof raw === "number") return raw;
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < cnt; i++) {
    const len = Math.min(Number(raw[i * 2 + 1]!), MAX_RW_COUNT - total);
    if (len <= 0) continue;
    const b = get(t, addr(raw[i * 2]!), len);
    if (typeof b === "number") return b;
    parts.push(b);
    total += len;
  }
  const all = Buffer.concat(parts);
  return new Uint8Array(all.buffer, all.byteOffset, all.length);
}

/** Copies `data` into an iovec array (recvmsg): 0 or -errno. */
function scatter(t: Thread, iov: number, cnt: number, data: Uint8Array): number {
  const raw = getU64s(t, iov, cnt * 2);
  if (typeof raw === "number") return raw;
  let at = 0;
  for (let i = 0; i < cnt && at < data.length; i++) {
    const len = Math.min(Number(raw[i * 2 + 1]!), data.length - at);
    if (len <= 0) continue;
    const p = addr(raw[i * 2]!);
    const r = put(t, p, data.subarray(at, at + len));
    if (r < 0) return r;
    t.proc.mm.wrote(p, len);
    at += len;
  }
  return 0;
}

/** The room an iovec array offers. */
function iovRoom(t: Thread, iov: number, cnt: number): number {
  if (cnt < 0 || cnt > 1024) return -Errno.EMSGSIZE;
  const raw = getU64s(t, iov, cnt * 2);
  if (typeof raw === "number") return raw;
  let n = 0;
  for (let i = 0; i < cnt; i++) n = Math.min(MAX_RW_COUNT, n + Number(BigInt.asUintN(53, raw[i * 2 + 1]!)));
  return n;
}

/** The descriptions an SCM_RIGHTS control buffer names (one reference each), or -errno. */
function rightsOf(t: Thread, ctl: number, len: number): OpenFile[] | undefined | number {
  if (ctl === 0 || len === 0) return undefined;
  const b = get(t, ctl, len);
  if (typeof b === "number") return b;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const files: OpenFile[] = [];
  const fail = (e: number): number => {
    for (const f of files) f.unref();
    return e;
  };
  for (let at = 0; at + 16 <= len; ) {
    const clen = Number(v.getBigUint64(at, true));
    const level = v.getInt32(at + 8, true);
    const type = v.getInt32(at + 12, true);
    if (clen < 16 || at + clen > len) return fail(-Errno.EINVAL);
    if (level === SOL.SOCKET && type === SCM_RIGHTS) {
      const n = (clen - 16) >> 2;
      if (files.length + n > SCM_MAX_FD) return fail(-Errno.EINVAL);
      for (let i = 0; i < n; i++) {
        const f = t.proc.files.get(v.getInt32(at + 16 + i * 4, true));
        if (f === undefined) return fail(-Errno.EBADF);
        files.push(f.ref());
      }
    } else if (level === SOL.SOCKET) {
      return fail(-Errno.EINVAL);
    }
    at += (clen + 7) & ~7;
  }
  return files.length > 0 ? files : undefined;
}

function doSend(t: Thread, s: Socket, req: SendRequest): SyscallReturn {
  if ((req.flags & ~(MSG.OOB | MSG.DONTROUTE | MSG.DONTWAIT | MSG.EOR | MSG.NOSIGNAL | 0x800 | 0x8000 | 0x20000)) !== 0) return -Errno.EOPNOTSUPP;
  const host = req.to !== undefined ? unixHost(t, req.to, true) : undefined;
  if (typeof host === "number") return host;
  const r = s instanceof UnixSocket ? s.send(req, host) : s.send(req);
  const done = (n: number): number => {
    if (n < 0) for (const f of req.rights ?? []) f.unref();
    return n;
  };
  const out = typeof r === "number" ? done(r) : r.then(done);
  return (req.flags & MSG.NOSIGNAL) !== 0 || s.type === SOCK.DGRAM ? out : withSigpipe(t, out);
}

function sendto(t: Thread, fd: number, buf: number, len: number, flags: number, to: number, tolen: number): SyscallReturn {
  const s = socketOf(t, fd);
  if (typeof s === "number") return s;
  const n = Math.min(len, MAX_RW_COUNT);
  const data = get(t, buf, n);
  if (typeof data === "number") return data;
  let dest: SockAddr | undefined;
  if (to !== 0) {
    const a = sockAddrArg(t, s, to, tolen);
    if (typeof a === "number") return a;
    dest = a;
  }
  return doSend(t, s, { data, flags, ...(dest !== undefined ? { to: dest } : {}) });
}

/** SO_RCVTIMEO of `s` in ns (0: none). */
export function rcvTimeout(s: Socket): bigint {
  return BigInt(s.options.get(key(SOL.SOCKET, SO.RCVTIMEO)) ?? 0) * 1000n;
}

/** A receive that a handled signal interrupts (EINTR) and SO_RCVTIMEO ends (EAGAIN) while it waits. */
function recvWait(t: Thread, s: Socket, max: number, flags: number): Received | number | Promise<Received | number> {
  return (flags & MSG.DONTWAIT) !== 0 ? s.recv(max, flags) : interruptibleIo<Received>(t, s, () => s.recv(max, flags), rcvTimeout(s));
}

function recvfrom(t: Thread, fd: number, buf: number, len: number, flags: number, from: number, fromLen: number): SyscallReturn {
  const s = socketOf(t, fd);
  if (typeof s === "number") return s;
  const n = Math.min(len, MAX_RW_COUNT);
  return then(recvWait(t, s, n, flags), (r) => {
    if (typeof r === "number") return r;
    for (const f of r.rights ?? []) f.unref();
    if (r.data.length > 0) {
      const w = put(t, buf, r.data);
      if (w < 0) return w;
      t.proc.mm.wrote(buf, r.data.length);
    }
    const a = putSockAddr(t, senderOf(r), from, fromLen);
    if (a < 0) return a;
    return (flags & MSG.TRUNC) !== 0 && s.type !== SOCK.STREAM ? r.full : r.data.length;
  });
}

/** struct msghdr of riscv64 (56 bytes). */
interface MsgHdr {
  name: number;
  namelen: number;
  iov: number;
  iovlen: number;
  control: number;
  controllen: number;
}

function msgHdr(t: Thread, ptr: number): MsgHdr | number {
  const b = get(t, ptr, 56);
  if (typeof b === "number") return b;
  const v = new DataView(b.buffer, b.byteOffset, 56);
  return {
    name: addr(v.getBigUint64(0, true)), namelen: v.getInt32(8, true), iov: addr(v.getBigUint64(16, true)), iovlen: Number(v.getBigUint64(24, true)),
    control: addr(v.getBigUint64(32, true)), controllen: Number(v.getBigUint64(40, true)),
  };
}

function sendmsg(t: Thread, fd: number, msgPtr: number, flags: number): SyscallReturn {
  const s = socketOf(t, fd);
  if (typeof s === "number") return s;
  const m = msgHdr(t, msgPtr);
  if (typeof m === "number") return m;
  const data = gather(t, m.iov, m.iovlen);
  if (typeof data === "number") return data;
  let dest: SockAddr | undefined;
  if (m.name !== 0 && m.namelen > 0) {
    const a = sockAddrArg(t, s, m.name, m.namelen);
    if (typeof a === "number") return a;
    dest = a;
  }
  const rights = rightsOf(t, m.control, m.controllen);
  if (typeof rights === "number") return rights;
  if (rights !== undefined && s.domain !== AF.UNIX) {
    for (const f of rights) f.unref();
    return -Errno.EINVAL;
  }
  return doSend(t, s, { data, flags, ...(dest !== undefined ? { to: dest } : {}), ...(rights !== undefined ? { rights } : {}) });
}

function recvmsg(t: Thread, fd: number, msgPtr: number, flags: number): SyscallReturn {
  const s = socketOf(t, fd);
  if (typeof s === "number") return s;
  const m = msgHdr(t, msgPtr);
  if (typeof m === "number") return m;
  const room = iovRoom(t, m.iov, m.iovlen);
  if (room < 0) return room;
  return then(recvWait(t, s, room, flags & ~MSG.CMSG_CLOEXEC), (r: Received | number) => {
    if (typeof r === "number") return r;
    // Linux reports MSG_CMSG_CLOEXEC back in msg_flags.
    let outFlags = (r.full > r.data.length && s.type !== SOCK.STREAM ? MSG.TRUNC : 0) | (flags & MSG.CMSG_CLOEXEC);
    const w = scatter(t, m.iov, m.iovlen, r.data);
    if (w < 0) {
      for (const f of r.rights ?? []) f.unref();
      return w;
    }
    // Control data: SCM_RIGHTS as new descriptors, as many as fit (MSG_CTRUNC otherwise).
    let ctlLen = 0;
    const rights = r.rights ?? [];
    if (rights.length > 0) {
      const fit = m.control === 0 ? 0 : Math.max(0, Math.min(rights.length, Math.floor((m.controllen - 16) / 4)));
      if (fit < rights.length) outFlags |= MSG.CTRUNC;
      const fds: number[] = [];
      for (let i = 0; i < rights.length; i++) {
        if (i >= fit) {
          rights[i]!.unref();
          continue;
        }
        const nfd = t.proc.files.install(rights[i]!, (flags & MSG.CMSG_CLOEXEC) !== 0);
        if (nfd < 0) {
          outFlags |= MSG.CTRUNC;
          continue;
        }
        fds.push(nfd);
      }
      if (fds.length > 0) {
        const clen = 16 + fds.length * 4;
        const c = new Uint8Array(clen);
        const cv = new DataView(c.buffer);
        cv.setBigUint64(0, BigInt(clen), true);
        cv.setInt32(8, SOL.SOCKET, true);
        cv.setInt32(12, SCM_RIGHTS, true);
        fds.forEach((x, i) => cv.setInt32(16 + i * 4, x, true));
        const e = put(t, m.control, c);
        if (e < 0) return e;
        ctlLen = Math.min(m.controllen, (clen + 7) & ~7);
      }
    }
    // msg_namelen, msg_controllen and msg_flags go back into the header.
    let namelen = 0;
    const sender = senderOf(r);
    if (m.name !== 0 && sender !== undefined) {
      const enc = encodeSockAddr(sender);
      const e = put(t, m.name, enc.subarray(0, Math.max(0, Math.min(m.namelen, enc.length))));
      if (e < 0) return e;
      namelen = enc.length;
    }
    const hb = new Uint8Array(4);
    new DataView(hb.buffer).setInt32(0, namelen, true);
    const e1 = put(t, msgPtr + 8, hb);
    if (e1 < 0) return e1;
    const cb = new Uint8Array(8);
    new DataView(cb.buffer).setBigUint64(0, BigInt(ctlLen), true);
    const e2 = put(t, msgPtr + 40, cb);
    if (e2 < 0) return e2;
    const e3 = putU32s(t, msgPtr + 48, outFlags);
    if (e3 < 0) return e3;
    return (flags & MSG.TRUNC) !== 0 && s.type !== SOCK.STREAM ? r.full : r.data.length;
  });
}

function getsockopt(t: Thread, fd: number, level: number, name: number, val: number, lenPtr: number): number {
  const s = socketOf(t, fd);
  if (typeof s === "number") return s;
  const lb = get(t, lenPtr, 4);
  if (typeof lb === "number") return lb;
  const room = new DataView(lb.buffer, lb.byteOffset, 4).getInt32(0, true);
  if (room < 0) return -Errno.EINVAL;
  let out: Uint8Array;
  const int32 = (x: number): Uint8Array => new Uint8Array(new Int32Array([x]).buffer);
  const k = key(level, name);
  if (level === SOL.SOCKET && name === SO.TYPE) out = int32(s.type);
  else if (level === SOL.SOCKET && name === SO.ERROR) {
    out = int32(s.soError);
    s.soError = 0;
  } else if (level === SOL.SOCKET && name === SO.DOMAIN) out = int32(s.domain);
  else if (level === SOL.SOCKET && name === SO.PROTOCOL) out = int32(s.protocol);
  else if (level === SOL.SOCKET && name === SO.ACCEPTCONN) out = int32(s.listening ? 1 : 0);
  else if (level === SOL.SOCKET && (name === SO.SNDBUF || name === SO.RCVBUF)) out = int32(s.options.get(k) ?? DEFAULT_BUF);
  else if (level === SOL.SOCKET && name === SO.LINGER) out = new Uint8Array(new Int32Array([s.options.get(k) ?? 0, s.options.get(key(SOL.SOCKET, 0x7fff)) ?? 0]).buffer);
  else if (level === SOL.SOCKET && (name === SO.RCVTIMEO || name === SO.SNDTIMEO)) {
    out = new Uint8Array(16);
    const us = s.options.get(k) ?? 0;
    new DataView(out.buffer).setBigInt64(0, BigInt(Math.floor(us / 1e6)), true);
    new DataView(out.buffer).setBigInt64(8, BigInt(us % 1e6), true);
  } else if (level === SOL.SOCKET && name === SO.PEERCRED) {
    if (s.domain !== AF.UNIX) return -Errno.ENODATA;
    const c = t.proc.creds;
    out = new Uint8Array(new Int32Array([t.proc.pid, c.euid, c.egid]).buffer);
  } else if (INT_OPTIONS.has(k) && !(level === SOL.TCP && s.type !== SOCK.STREAM) && !(level !== SOL.SOCKET && s.domain === AF.UNIX)) {
    out = int32(s.options.get(k) ?? INT_OPTIONS.get(k)!);
  } else return -Errno.ENOPROTOOPT;
  const n = Math.min(room, out.length);
  const w = put(t, val, out.subarray(0, n));
  if (w < 0) return w;
  return putU32s(t, lenPtr, n);
}

function setsockopt(t: Thread, fd: number, level: number, name: number, val: number, len: number): number {
  const s = socketOf(t, fd);
  if (typeof s === "number") return s;
  const k = key(level, name);
  if (level === SOL.SOCKET && (name === SO.RCVTIMEO || name === SO.SNDTIMEO)) {
    if (len < 16) return -Errno.EINVAL;
    const v = getU64s(t, val, 2);
    if (typeof v === "number") return v;
    const sec = BigInt.asIntN(64, v[0]!);
    const usec = BigInt.asIntN(64, v[1]!);
    if (usec < 0n || usec >= 1_000_000n) return -Errno.EDOM;
    s.options.set(k, sec < 0n ? 0 : Number(sec) * 1e6 + Number(usec));
    return 0;
  }
  if (level === SOL.SOCKET && name === SO.LINGER) {
    if (len < 8) return -Errno.EINVAL;
    const b = get(t, val, 8);
    if (typeof b === "number") return b;
    const v = new DataView(b.buffer, b.byteOffset, 8);
    s.options.set(k, v.getInt32(0, true) !== 0 ? 1 : 0);
    s.options.set(key(SOL.SOCKET, 0x7fff), v.getInt32(4, true));
    return 0;
  }
  if (len < 4) return -Errno.EINVAL;
  const b = get(t, val, 4);
  if (typeof b === "number") return b;
  const x = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
  if (level === SOL.SOCKET && (name === SO.SNDBUF || name === SO.RCVBUF || name === SO.SNDBUFFORCE || name === SO.RCVBUFFORCE)) {
    // Linux doubles the value (bookkeeping overhead) within [min, 2 * max].
    const snd = name === SO.SNDBUF || name === SO.SNDBUFFORCE;
    const v = Math.max(snd ? 4608 : 2304, Math.min(Math.max(x, 0), DEFAULT_BUF) * 2);
    s.options.set(key(SOL.SOCKET, snd ? SO.SNDBUF : SO.RCVBUF), v);
    return 0;
  }
  if (level === SOL.SOCKET && (name === SO.TYPE || name === SO.ERROR || name === SO.DOMAIN || name === SO.PROTOCOL || name === SO.ACCEPTCONN || name === SO.PEERCRED)) return -Errno.ENOPROTOOPT;
  if (!INT_OPTIONS.has(k)) return -Errno.ENOPROTOOPT;
  if (level === SOL.TCP && s.type !== SOCK.STREAM) return -Errno.ENOPROTOOPT;
  if (level !== SOL.SOCKET && s.domain === AF.UNIX) return -Errno.EOPNOTSUPP;
  if (level === SOL.IPV6 && s.domain !== AF.INET6) return -Errno.ENOPROTOOPT;
  const boolean = level === SOL.SOCKET && name !== SO.PRIORITY && name !== SO.RCVLOWAT && name !== SO.SNDLOWAT;
  s.options.set(k, boolean || (level === SOL.TCP && name === 1) || (level === SOL.IPV6 && name === 26) ? (x !== 0 ? 1 : 0) : x);
  return 0;
}

function accept(t: Thread, fd: number, addrPtr: number, lenPtr: number, flags: number): SyscallReturn {
  if ((flags & ~(SOCK.NONBLOCK | SOCK.CLOEXEC)) !== 0) return -Errno.EINVAL;
  const s = socketOf(t, fd);
  if (typeof s === "number") return s;
  if (s.type === SOCK.DGRAM) return -Errno.EOPNOTSUPP;
  return then(interruptibleIo<Socket>(t, s, () => s.accept((flags & SOCK.NONBLOCK) !== 0 ? O.NONBLOCK : 0), rcvTimeout(s)), (c) => {
    if (typeof c === "number") return c;
    const peer = c.peerAddress();
    const w = putSockAddr(t, typeof peer === "number" ? undefined : peer, addrPtr, lenPtr);
    if (w < 0) {
      c.unref();
      return w;
    }
    return t.proc.files.install(c, (flags & SOCK.CLOEXEC) !== 0);
  });
}

/** The socket handlers. */
/** bind(2) or (`connect`) connect(2) of socket a[0] to the address (a[1], a[2]); a unix path's last symlink is followed only by connect. */
function bindOrConnect(t: Thread, a: SyscallArgs, connect: boolean): number | Promise<number> {
  const s = socketOf(t, int(a[0]));
  if (typeof s === "number") return s;
  const sa = sockAddrArg(t, s, addr(a[1]), int(a[2]));
  if (typeof sa === "number") return sa;
  const host = unixHost(t, sa, connect);
  if (typeof host === "number") return host;
  if (s instanceof UnixSocket) return connect ? s.connect(sa, host) : s.bind(sa, host);
  return connect ? s.connect(sa) : s.bind(sa);
}

export const socketSyscalls: SyscallFamily = {
  socket: (t, a) => {
    const s = createSocket(t, int(a[0]), int(a[1]), int(a[2]));
    return typeof s === "number" ? s : t.proc.files.install(s, (int(a[1]) & SOCK.CLOEXEC) !== 0);
  },
  socketpair: (t, a) => {
    const domain = int(a[0]);
    const type = int(a[1]);
    if (domain !== AF.UNIX) return domain === AF.INET || domain === AF.INET6 ? -Errno.EOPNOTSUPP : -Errno.EAFNOSUPPORT;
    const probe = createSocket(t, domain, type, int(a[2]));
    if (typeof probe === "number") return probe;
    probe.unref();
    const [x, y] = UnixSocket.pair(probe.type, (type & SOCK.NONBLOCK) !== 0 ? O.NONBLOCK : 0);
    return installPair(t, x, y, (type & SOCK.CLOEXEC) !== 0, addr(a[3]));
  },
  bind: (t, a) => bindOrConnect(t, a, false),
  listen: (t, a) => {
    const s = socketOf(t, int(a[0]));
    return typeof s === "number" ? s : s.listen(int(a[1]));
  },
  accept: (t, a) => accept(t, int(a[0]), addr(a[1]), addr(a[2]), 0),
  accept4: (t, a) => accept(t, int(a[0]), addr(a[1]), addr(a[2]), int(a[3])),
  connect: (t, a) => bindOrConnect(t, a, true),
  getsockname: (t, a) => {
    const s = socketOf(t, int(a[0]));
    return typeof s === "number" ? s : putSockAddr(t, s.localAddress(), addr(a[1]), addr(a[2])) || 0;
  },
  getpeername: (t, a) => {
    const s = socketOf(t, int(a[0]));
    if (typeof s === "number") return s;
    const p = s.peerAddress();
    return typeof p === "number" ? p : putSockAddr(t, p, addr(a[1]), addr(a[2]));
  },
  sendto: (t, a) => sendto(t, int(a[0]), addr(a[1]), Number(BigInt.asUintN(32, a[2])), int(a[3]), addr(a[4]), int(a[5])),
  recvfrom: (t, a) => recvfrom(t, int(a[0]), addr(a[1]), Number(BigInt.asUintN(32, a[2])), int(a[3]), addr(a[4]), addr(a[5])),
  sendmsg: (t, a) => sendmsg(t, int(a[0]), addr(a[1]), int(a[2])),
  recvmsg: (t, a) => recvmsg(t, int(a[0]), addr(a[1]), int(a[2])),
  getsockopt: (t, a) => getsockopt(t, int(a[0]), int(a[1]), int(a[2]), addr(a[3]), addr(a[4])),
  setsockopt: (t, a) => setsockopt(t, int(a[0]), int(a[1]), int(a[2]), addr(a[3]), int(a[4])),
  shutdown: (t, a) => {
    const s = socketOf(t, int(a[0]));
    return typeof s === "number" ? s : s.shutdown(int(a[1]));
  },
};
