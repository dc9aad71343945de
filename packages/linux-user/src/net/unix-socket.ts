/**
 * AF_UNIX sockets inside the emulator: stream, datagram and seqpacket, socketpair, named
 * sockets on host paths and in the abstract namespace, SCM_RIGHTS. Every guest process
 * lives in one kernel (README.md, process model), so a connection is two
 * {@link UnixChannel}s between two {@link UnixSocket} objects, as a pipe is one.
 *
 * Names: binding a pathname makes a real socket inode at the host path (Node's pipe server
 * binds a temporary name in the same directory, which is hard-linked to the path and then
 * closed, so the inode stays, as Linux leaves it, and libuv's unlink on close only removes
 * the temporary name). Sockets are found again by the inode's (dev, ino), so unlink,
 * rename and a new bind on the same path behave as on Linux. The abstract namespace
 * (a name starting with NUL) is a map of this module (one per Node process, as one
 * network namespace). A connect to a socket inode no guest bound is ECONNREFUSED.
 *
 * The registry and every object here belong to the kernel thread; no lock.
 *
 * @module
 */
import * as fs from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { Errno, errnoFromHost } from "../errno.js";
import type { IoResult, OpenFile } from "../fs/open-file.js";
import { AF, MSG, SOCK, type SockAddr, UNNAMED } from "./sockaddr.js";
import { type Later, type Received, type SendRequest, SHUT, Socket } from "./socket.js";
import { hostPath } from "../fs/host-path.js";

/** Bytes a stream connection buffers in one direction (Linux's default socket buffer). */
export const UNIX_STREAM_CAPACITY = 212992;
/** Datagrams a unix datagram socket queues (net.unix.max_dgram_qlen is 512 on current kernels). */
export const UNIX_DGRAM_QLEN = 512;

/** One message or write in a channel. */
interface Chunk {
  data: Uint8Array;
  /** Descriptions passed with it (SCM_RIGHTS). */
  readonly rights?: readonly OpenFile[];
  /** The sender's address (datagrams). */
  readonly from?: SockAddr;
}

/** One direction of a connection (or a datagram socket's inbox). */
export class UnixChannel {
  readonly chunks: Chunk[] = [];
  /** Bytes queued. */
  size = 0;
  /** No more data will come (the writer closed or shut down writing): reads see EOF. */
  eof = false;
  /** Nobody will read (the reader closed or shut down reading): writes fail with EPIPE. */
  closed = false;

  /** @param wake called after every change (wakes both ends' sleepers). */
  constructor(public wake: () => void) {}

  push(c: Chunk): void {
    this.chunks.push(c);
    this.size += c.data.length;
    this.wake();
  }

  /** Drops everything queued (the reader is gone), releasing passed descriptions. */
  drain(): void {
    for (const c of this.chunks) for (const f of c.rights ?? []) f.unref();
    this.chunks.length = 0;
    this.size = 0;
  }
}

/** Named sockets by key: "dev:ino" of the host inode, or "@" + hex of an abstract name. */
const registry = new Map<string, UnixSocket>();

function abstractKey(path: Uint8Array): string {
  return `@${Buffer.from(path).toString("hex")}`;
}

function inodeKey(st: fs.BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

/** Makes a socket inode at host path `host` with permission bits `mode`: its key, or -errno. */
function makeSocketInode(host: string, mode: number): string | number {
  const dir = dirname(host);
  try {
    fs.accessSync(hostPath(dir), fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    return -errnoFromHost(e);
  }
  if (fs.existsSync(hostPath(host)) || isDanglingLink(host)) return -Errno.EADDRINUSE;
  const tmp = join(dir, `.wasmu-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const server = createServer();
  server.on("error", () => {});
  try {
    server.listen(tmp);
    if (!fs.existsSync(hostPath(tmp))) return -Errno.ENAMETOOLONG;
    fs.chmodSync(hostPath(tmp), mode);
    fs.linkSync(hostPath(tmp), hostPath(host));
    return inodeKey(fs.lstatSync(hostPath(host), { bigint: true }));
  } catch (e) {
    const err = errnoFromHost(e);
    return -(err === Errno.EEXIST ? Errno.EADDRINUSE : err);
  } finally {
    server.close(); // libuv unlinks the temporary name; the linked path keeps the inode
  }
}

function isDanglingLink(p: string): boolean {
  try {
    return fs.lstatSync(hostPath(p)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The socket a connect or sendto to `addr` (pathname resolved to host path `host`) reaches, or -errno. */
function lookup(addr: SockAddr, host: string | undefined): UnixSocket | number {
  if (addr.family !== AF.UNIX || addr.path.length === 0) return -Errno.EINVAL;
  if (addr.path[0] === 0) return registry.get(abstractKey(addr.path)) ?? -Errno.ECONNREFUSED;
  if (host === undefined) return -Errno.ENOENT;
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(hostPath(host), { bigint: true });
  } catch (e) {
    return -errnoFromHost(e);
  }
  if (!st.isSocket()) return -Errno.ECONNREFUSED;
  return registry.get(inodeKey(st)) ?? -Errno.ECONNREFUSED;
}

let autobindCounter = 0;

/** An AF_UNIX socket. */
export class UnixSocket extends Socket {
  /** The bound name (unnamed until bind or autobind). */
  private name: SockAddr = UNNAMED;
  private key: string | undefined;
  /** Connected stream/seqpacket: what we read and what we write. */
  private rx: UnixChannel | undefined;
  private tx: UnixChannel | undefined;
  private peer: UnixSocket | undefined;
  private peerName: SockAddr | undefined;
  /** Datagram sockets: the inbox. */
  private readonly inbox: UnixChannel;
  /** Listening: connections not accepted yet, and the backlog limit. */
  private backlog: UnixSocket[] | undefined;
  private backlogMax = 0;
  private shut = 0;
  /** The file-creation mask a pathname bind applies (the process's umask; set by the caller). */
  umask = 0o022;

  /**
   * @param type SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET.
   * @param flags O_NONBLOCK.
   */
  constructor(type: number, flags: number) {
    super(AF.UNIX, type, 0, flags);
    this.inbox = new UnixChannel(() => this.waits.wake());
  }

  /** socketpair(2): two connected sockets. */
  static pair(type: number, flags: number): [UnixSocket, UnixSocket] {
    const a = new UnixSocket(type, flags);
    const b = new UnixSocket(type, flags);
    UnixSocket.join(a, b);
    return [a, b];
  }

  private static join(a: UnixSocket, b: UnixSocket): void {
    const wake = (): void => {
      a.waits.wake();
      b.waits.wake();
    };
    a.peer = b;
    b.peer = a;
    a.peerName = b.name;
    b.peerName = a.name;
    if (a.type !== SOCK.DGRAM) {
      const ab = new UnixChannel(wake);
      const ba = new UnixChannel(wake);
      a.tx = ab;
      b.rx = ab;
      b.tx = ba;
      a.rx = ba;
    }
  }

  override get listening(): boolean {
    return this.backlog !== undefined;
  }

  override bind(addr: SockAddr, host?: string): number {
    if (addr.family !== AF.UNIX) return -Errno.EINVAL;
    if (this.key !== undefined) return -Errno.EINVAL;
    let path = addr.path;
    if (path.length === 0) {
      // Autobind: an abstract name of five hex digits.
      do path = new Uint8Array([0, ...Buffer.from((autobindCounter++ & 0xfffff).toString(16).padStart(5, "0"))]);
      while (registry.has(abstractKey(path)));
    }
    let key: string | number;
    if (path[0] === 0) {
      key = abstractKey(path);
      if (registry.has(key)) return -Errno.EADDRINUSE;
    } else {
      if (host === undefined) return -Errno.ENOENT;
      key = makeSocketInode(host, 0o777 & ~this.umask);
      if (typeof key === "number") return key;
    }
    this.key = key;
    this.name = { family: AF.UNIX, path };
    registry.set(key, this);
    return 0;
  }

  override listen(backlog: number): number {
    if (this.type === SOCK.DGRAM) return -Errno.EOPNOTSUPP;
    if (this.rx !== undefined) return -Errno.EINVAL;
    if (this.key === undefined) return -Errno.EINVAL;
    this.backlog ??= [];
    this.backlogMax = Math.max(0, Math.min(backlog, 4096));
    this.waits.wake();
    return 0;
  }

  override accept(flags: number): Later<Socket> {
    if (this.backlog === undefined) return -Errno.EINVAL;
    const s = this.backlog.shift();
    if (s !== undefined) {
      s.flags = (s.flags & ~0o4000) | (flags & 0o4000);
      this.waits.wake();
      return s;
    }
    if (this.nonblocking()) return -Errno.EAGAIN;
    return this.waits.next().then(() => this.accept(flags));
  }

  override connect(addr: SockAddr, host?: string): number | Promise<number> {
    if (addr.family !== AF.UNIX) return -Errno.EINVAL;
    const target = lookup(addr, host);
    if (this.type === SOCK.DGRAM) {
      if (typeof target === "number") return target;
      if (target.type !== SOCK.DGRAM) return -Errno.EPROTOTYPE;
      this.peer = target;
      this.peerName = target.name;
      return 0;
    }
    if (this.rx !== undefined) return -Errno.EISCONN;
    if (this.backlog !== undefined) return -Errno.EINVAL;
    if (typeof target === "number") return target;
    if (target.type !== this.type) return -Errno.EPROTOTYPE;
    if (target.backlog === undefined) return -Errno.ECONNREFUSED;
    if (target.backlog.length > target.backlogMax) {
      if (this.nonblocking()) return -Errno.EAGAIN;
      return target.waits.next().then(() => this.connect(addr, host));
    }
    const server = new UnixSocket(this.type, 0);
    server.name = target.name;
    UnixSocket.join(this, server);
    target.backlog.push(server);
    target.waits.wake();
    return 0;
  }

  override send(req: SendRequest, toHost?: string): IoResult {
    if (this.type === SOCK.DGRAM) return this.sendDgram(req, toHost);
    if (req.to !== undefined && this.tx === undefined) return -Errno.EOPNOTSUPP;
    const tx = this.tx;
    if (tx === undefined) return -Errno.ENOTCONN;
    return this.sendStream(tx, req, 0);
  }

  private sendStream(tx: UnixChannel, req: SendRequest, done: number): IoResult {
    if ((this.shut & 2) !== 0 || tx.closed) return done > 0 ? done : -Errno.EPIPE;
    const rest = req.data.length - done;
    const space = UNIX_STREAM_CAPACITY - tx.size;
    if (this.type === SOCK.SEQPACKET && req.data.length > UNIX_STREAM_CAPACITY) return -Errno.EMSGSIZE;
    const fits = this.type === SOCK.SEQPACKET ? (space >= rest ? rest : 0) : Math.min(space, rest);
    if (fits > 0 || (rest === 0 && this.type === SOCK.SEQPACKET)) {
      tx.push({ data: req.data.subarray(done, done + fits), ...(done === 0 && req.rights !== undefined ? { rights: req.rights } : {}) });
      if (done + fits === req.data.length) return req.data.length;
      return this.sendStream(tx, req, done + fits);
    }
    if (this.nonblocking(req.flags)) return done > 0 ? done : -Errno.EAGAIN;
    return this.waits.next().then(() => this.sendStream(tx, req, done));
  }

  private sendDgram(req: SendRequest, toHost?: string): IoResult {
    let target: UnixSocket | number;
    if (req.to !== undefined) target = lookup(req.to, toHost);
    else if (this.peer !== undefined) target = this.peer.key !== undefined || this.peer.peer === this ? this.peer : -Errno.ECONNREFUSED;
    else return -Errno.ENOTCONN;
    if (typeof target === "number") return target;
    if (target.type !== SOCK.DGRAM) return -Errno.EPROTOTYPE;
    if (target.peer !== undefined && target.peer !== this && req.to !== undefined) return -Errno.EPERM;
    if (req.data.length > UNIX_STREAM_CAPACITY) return -Errno.EMSGSIZE;
    const box = target.inbox;
    if (box.closed) return -Errno.ECONNREFUSED;
    if (box.chunks.length >= UNIX_DGRAM_QLEN) {
      if (this.nonblocking(req.flags)) return -Errno.EAGAIN;
      return target.waits.next().then(() => this.sendDgram(req, toHost));
    }
    box.push({ data: req.data, from: this.name, ...(req.rights !== undefined ? { rights: req.rights } : {}) });
    this.waits.wake();
    return req.data.length;
  }

  override recv(max: number, flags: number): Later<Received> {
    const ch = this.type === SOCK.DGRAM ? this.inbox : this.rx;
    if (ch === undefined) return this.type === SOCK.STREAM ? -Errno.EINVAL : -Errno.ENOTCONN;
    if (ch.chunks.length > 0) return this.type === SOCK.STREAM ? this.takeStream(ch, max, flags) : this.takeMessage(ch, max, flags);
    if (ch.eof || (this.shut & 1) !== 0) return { data: new Uint8Array(0), full: 0 };
    if (this.nonblocking(flags)) return -Errno.EAGAIN;
    return this.waits.next().then(() => this.recv(max, flags));
  }

  /** Bytes of a stream: up to `max`, not across a chunk that carries descriptions. */
  private takeStream(ch: UnixChannel, max: number, flags: number): Received {
    const peek = (flags & MSG.PEEK) !== 0;
    const parts: Uint8Array[] = [];
    let n = 0;
    let rights: readonly OpenFile[] | undefined;
    let i = 0;
    while (n < max && i < ch.chunks.length) {
      const c = ch.chunks[i]!;
      if (c.rights !== undefined && n > 0) break; // descriptions start a read of their own
      const k = Math.min(c.data.length, max - n);
      parts.push(c.data.subarray(0, k));
      n += k;
      if (c.rights !== undefined) rights = peek ? c.rights.map((f) => f.ref()) : c.rights;
      if (peek) i++;
      else if (k === c.data.length) ch.chunks.splice(i, 1);
      else ch.chunks[i] = { data: c.data.subarray(k) }; // the descriptions went with the first byte
      if (c.rights !== undefined) break;
    }
    const data = Buffer.concat(parts);
    if (!peek) {
      ch.size -= n;
      ch.wake();
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), full: n, ...(rights !== undefined ? { rights } : {}) };
  }

  /** One datagram or record (the rest of a longer one is dropped, MSG_TRUNC tells). */
  private takeMessage(ch: UnixChannel, max: number, flags: number): Received {
    const c = ch.chunks[0]!;
    const peek = (flags & MSG.PEEK) !== 0;
    if (!peek) {
      ch.chunks.shift();
      ch.size -= c.data.length;
      ch.wake();
    }
    const rights = c.rights === undefined ? undefined : peek ? c.rights.map((f) => f.ref()) : c.rights;
    return {
      data: c.data.slice(0, max), full: c.data.length, ...(c.from !== undefined ? { from: c.from } : {}), ...(rights !== undefined ? { rights } : {}),
    };
  }

  override shutdown(how: number): number {
    if (how < SHUT.RD || how > SHUT.RDWR) return -Errno.EINVAL;
    if (this.type !== SOCK.DGRAM && this.rx === undefined) return -Errno.ENOTCONN;
    const bits = how === SHUT.RD ? 1 : how === SHUT.WR ? 2 : 3;
    this.shut |= bits;
    if ((bits & 2) !== 0 && this.tx !== undefined) {
      this.tx.eof = true;
      this.tx.wake();
    }
    if ((bits & 1) !== 0 && this.rx !== undefined) {
      this.rx.closed = true;
      this.rx.wake();
    }
    this.waits.wake();
    return 0;
  }

  override localAddress(): SockAddr {
    return this.name;
  }

  override readableBytes(): number {
    if (this.type === SOCK.DGRAM) return this.inbox.chunks[0]?.data.length ?? 0;
    return this.type === SOCK.SEQPACKET ? this.rx?.chunks[0]?.data.length ?? 0 : this.rx?.size ?? 0;
  }

  override peerAddress(): SockAddr | number {
    return this.peerName ?? -Errno.ENOTCONN;
  }

  override pollState(): number {
    if (this.backlog !== undefined) return this.backlog.length > 0 ? 1 : 0;
    if (this.type === SOCK.DGRAM) {
      const out = this.peer === undefined || this.peer.inbox.chunks.length < UNIX_DGRAM_QLEN ? 4 : 0;
      return (this.inbox.chunks.length > 0 ? 1 : 0) | out;
    }
    const rx = this.rx;
    const tx = this.tx;
    if (rx === undefined || tx === undefined) return 4 | 0x10; // unconnected stream: POLLOUT | POLLHUP, as Linux
    let m = 0;
    if (rx.chunks.length > 0 || rx.eof || (this.shut & 1) !== 0) m |= 1;
    if (!tx.closed && UNIX_STREAM_CAPACITY - tx.size > 0) m |= 4;
    if (tx.closed) m |= 4 | 8;
    if ((rx.eof && tx.closed) || this.shut === 3) m |= 0x10;
    return m;
  }

  protected override release(): void {
    if (this.key !== undefined && registry.get(this.key) === this) registry.delete(this.key);
    for (const s of this.backlog ?? []) s.unref();
    this.backlog = undefined;
    if (this.rx !== undefined) {
      this.rx.closed = true;
      this.rx.drain();
      this.rx.wake();
    }
    if (this.tx !== undefined) {
      this.tx.eof = true;
      this.tx.wake();
    }
    this.inbox.closed = true;
    this.inbox.drain();
    if (this.peer?.peer === this && this.type === SOCK.DGRAM) this.peer.waits.wake();
  }
}
