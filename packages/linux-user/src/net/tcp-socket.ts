/**
 * AF_INET / AF_INET6 stream sockets through Node's `net`: a guest listener is a
 * `net.Server`, a guest connection a `net.Socket`, so guests reach each other over the
 * host's loopback and can talk to host programs too. Node binds and listens in one step,
 * so bind() starts the server (a Promise settled at "listening" or with the bind error:
 * EADDRINUSE, EADDRNOTAVAIL, EACCES) and listen() only opens the accept queue; a
 * connection that arrives between the two waits in Node's queue, where Linux would
 * refuse it. listen() without bind() binds an ephemeral port, as Linux's autobind.
 *
 * Data: what Node delivers ("data" events) is queued here and read by recv; past
 * {@link TCP_RX_HIGH} bytes the Node socket is paused (TCP flow control then acts on the
 * peer). Writes are handed to Node at once; a blocking write whose data Node could not
 * flush waits for "drain", a non-blocking one is EAGAIN while Node holds more than
 * {@link TCP_TX_HIGH} bytes. A non-blocking connect is EINPROGRESS, then POLLOUT and
 * SO_ERROR, as on Linux.
 *
 * The objects belong to the kernel thread (Node's event loop there); no lock.
 *
 * @module
 */
import * as net from "node:net";
import { Errno, errnoFromHost } from "../errno.js";
import type { IoResult } from "../fs/open-file.js";
import { AF, MSG, type SockAddr } from "./sockaddr.js";
import { type Later, type Received, type SendRequest, SHUT, Socket } from "./socket.js";

/** Bytes queued for the guest before the Node socket is paused. */
export const TCP_RX_HIGH = 262144;
/** Bytes Node may hold unsent before a non-blocking send is EAGAIN. */
export const TCP_TX_HIGH = 262144;

/** The guest's view of a Node address. */
export function inetAddr(domain: number, host: string | undefined, port: number | undefined): SockAddr {
  const h = host ?? (domain === AF.INET ? "0.0.0.0" : "::");
  if (domain === AF.INET) return { family: AF.INET, host: h.startsWith("::ffff:") ? h.slice(7) : h, port: port ?? 0 };
  return { family: AF.INET6, host: net.isIPv4(h) ? `::ffff:${h}` : h, port: port ?? 0 };
}

/** The errno of a Node socket error ("ECONNREFUSED", ...). */
export function nodeErrno(e: unknown): number {
  return errnoFromHost(e) || Errno.EIO;
}

/** A TCP socket. */
export class TcpSocket extends Socket {
  private server: net.Server | undefined;
  private conn: net.Socket | undefined;
  private acceptQueue: net.Socket[] | undefined;
  private connecting: Promise<number> | undefined;
  private readonly rx: Buffer[] = [];
  private rxSize = 0;
  private rxEof = false;
  private shut = 0;
  private closed = false;
  /** The address bind() asked for (Node binds at listen or connect). */
  private bound: SockAddr | undefined;

  /**
   * @param domain AF_INET or AF_INET6.
   * @param flags O_NONBLOCK.
   * @param conn an accepted connection.
   */
  constructor(domain: number, flags: number, conn?: net.Socket) {
    super(domain, 1, 6, flags);
    if (conn !== undefined) this.attach(conn);
  }

  override get listening(): boolean {
    return this.acceptQueue !== undefined;
  }

  private attach(c: net.Socket): void {
    this.conn = c;
    c.setNoDelay(true);
    c.on("data", (b: Buffer) => {
      this.rx.push(b);
      this.rxSize += b.length;
      if (this.rxSize > TCP_RX_HIGH) c.pause();
      this.waits.wake();
    });
    c.on("end", () => {
      this.rxEof = true;
      this.waits.wake();
    });
    c.on("error", (e) => {
      this.soError = nodeErrno(e);
      this.rxEof = true;
      this.waits.wake();
    });
    c.on("close", () => {
      this.rxEof = true;
      this.waits.wake();
    });
    c.on("drain", () => this.waits.wake());
  }

  override bind(addr: SockAddr): number | Promise<number> {
    if (addr.family !== this.domain) return -Errno.EAFNOSUPPORT;
    if (this.bound !== undefined || this.conn !== undefined) return -Errno.EINVAL;
    this.bound = addr;
    return this.startServer(addr);
  }

  private startServer(addr: SockAddr): Promise<number> {
    if (addr.family === AF.UNIX) return Promise.resolve(-Errno.EINVAL);
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false });
    this.server = server;
    const queue: net.Socket[] = [];
    server.on("connection", (c) => {
      queue.push(c);
      this.waits.wake();
    });
    this.acceptQueuePending = queue;
    return new Promise((resolve) => {
      const onError = (e: unknown): void => {
        this.server = undefined;
        this.bound = undefined;
        resolve(-nodeErrno(e));
      };
      server.once("error", onError);
      server.listen({ host: addr.host, port: addr.port, exclusive: true, ipv6Only: this.domain === AF.INET6 && this.options.get(0x29_001a) === 1, backlog: 511 }, () => {
        server.off("error", onError);
        server.on("error", () => {});
        const a = server.address();
        if (a !== null && typeof a === "object") this.bound = inetAddr(this.domain, a.address, a.port);
        resolve(0);
      });
    });
  }

  private acceptQueuePending: net.Socket[] | undefined;

  override listen(_backlog: number): number | Promise<number> {
    if (this.conn !== undefined) return -Errno.EINVAL;
    const open = (): number => {
      this.acceptQueue = this.acceptQueuePending;
      this.waits.wake();
      return 0;
    };
    if (this.server !== undefined) return open();
    const any: SockAddr = this.domain === AF.INET ? { family: AF.INET, host: "0.0.0.0", port: 0 } : { family: AF.INET6, host: "::", port: 0 };
    return this.startServer(any).then((r) => (r < 0 ? r : open()));
  }

  override accept(flags: number): Later<Socket> {
    const q = this.acceptQueue;
    if (q === undefined) return -Errno.EINVAL;
    const c = q.shift();
    if (c !== undefined) return new TcpSocket(this.domain, flags, c);
    if (this.nonblocking()) return -Errno.EAGAIN;
    return this.waits.next().then(() => this.accept(flags));
  }

  override connect(addr: SockAddr): number | Promise<number> {
    if (addr.family !== this.domain || addr.family === AF.UNIX) return -Errno.EAFNOSUPPORT;
    if (this.acceptQueue !== undefined) return -Errno.EISCONN;
    if (this.conn !== undefined) return this.connecting !== undefined ? -Errno.EALREADY : -Errno.EISCONN;
    const local = this.bound;
    if (this.server !== undefined) {
      // Bound for a connect: give the port back to Node's connect.
      this.server.close();
      this.server = undefined;
    }
    const c = net.connect({
      host: addr.host, port: addr.port, allowHalfOpen: true,
      ...(local !== undefined && local.family !== AF.UNIX ? { localAddress: local.host, localPort: local.port } : {}),
      family: this.domain === AF.INET ? 4 : 6,
    });
    this.attach(c);
    this.connecting = new Promise((resolve) => {
      c.once("connect", () => {
        this.connecting = undefined;
        this.waits.wake();
        resolve(0);
      });
      c.once("error", (e) => {
        this.connecting = undefined;
        this.conn = undefined;
        const err = nodeErrno(e);
        this.soError = err;
        this.waits.wake();
        resolve(-err);
      });
    });
    if (this.nonblocking()) return -Errno.EINPROGRESS;
    return this.connecting.then((r) => {
      if (r < 0) this.soError = 0; // reported by connect itself
      return r;
    });
  }

  override send(req: SendRequest): IoResult {
    const c = this.conn;
    if (c === undefined) return this.soError !== 0 ? -this.takeError() : -Errno.EPIPE;
    if (this.connecting !== undefined) return this.nonblocking(req.flags) ? -Errno.EAGAIN : this.connecting.then((r) => (r < 0 ? r : this.send(req)));
    if ((this.shut & 2) !== 0 || c.destroyed || !c.writable) return -Errno.EPIPE;
    if (this.nonblocking(req.flags) && c.writableLength > TCP_TX_HIGH) return -Errno.EAGAIN;
    const ok = c.write(req.data);
    if (ok || this.nonblocking(req.flags)) return req.data.length;
    return new Promise((resolve) => {
      const done = (): void => {
        c.off("drain", done);
        c.off("close", done);
        resolve(req.data.length);
      };
      c.once("drain", done);
      c.once("close", done);
    });
  }

  private takeError(): number {
    const e = this.soError;
    this.soError = 0;
    return e;
  }

  override recv(max: number, flags: number): Later<Received> {
    if (this.conn === undefined) return this.soError !== 0 ? -this.takeError() : -Errno.ENOTCONN;
    if (this.connecting !== undefined) return this.nonblocking(flags) ? -Errno.EAGAIN : this.connecting.then((r) => (r < 0 ? r : this.recv(max, flags)));
    const waitAll = (flags & MSG.WAITALL) !== 0 && (flags & MSG.PEEK) === 0;
    if (this.rxSize > 0 && (!waitAll || this.rxSize >= max || this.rxEof)) return this.take(max, (flags & MSG.PEEK) !== 0);
    if (this.rxEof || (this.shut & 1) !== 0) {
      if (this.rxSize > 0) return this.take(max, false);
      return this.soError !== 0 ? -this.takeError() : { data: new Uint8Array(0), full: 0 };
    }
    if (this.nonblocking(flags)) return this.rxSize > 0 ? this.take(max, (flags & MSG.PEEK) !== 0) : -Errno.EAGAIN;
    return this.waits.next().then(() => this.recv(max, flags));
  }

  private take(max: number, peek: boolean): Received {
    const all = Buffer.concat(this.rx);
    const n = Math.min(max, all.length);
    const data = new Uint8Array(all.subarray(0, n));
    if (!peek) {
      this.rx.length = 0;
      if (n < all.length) this.rx.push(all.subarray(n));
      this.rxSize -= n;
      if (this.rxSize <= TCP_RX_HIGH / 2 && this.conn?.isPaused() === true) this.conn.resume();
    }
    return { data, full: n };
  }

  override shutdown(how: number): number {
    if (how < SHUT.RD || how > SHUT.RDWR) return -Errno.EINVAL;
    const c = this.conn;
    if (c === undefined || this.connecting !== undefined) return -Errno.ENOTCONN;
    if (how !== SHUT.RD) {
      this.shut |= 2;
      c.end();
    }
    if (how !== SHUT.WR) this.shut |= 1;
    this.waits.wake();
    return 0;
  }

  override readableBytes(): number {
    return this.rxSize;
  }

  override localAddress(): SockAddr {
    const c = this.conn;
    if (c !== undefined && c.localPort !== undefined) return inetAddr(this.domain, c.localAddress, c.localPort);
    return this.bound ?? inetAddr(this.domain, undefined, 0);
  }

  override peerAddress(): SockAddr | number {
    const c = this.conn;
    if (c === undefined || this.connecting !== undefined || c.remotePort === undefined) return -Errno.ENOTCONN;
    return inetAddr(this.domain, c.remoteAddress, c.remotePort);
  }

  override pollState(): number {
    if (this.acceptQueue !== undefined) return this.acceptQueue.length > 0 ? 1 : 0;
    const c = this.conn;
    if (c === undefined) return this.soError !== 0 ? 4 | 8 | 0x10 : 4 | 0x10; // never connected: POLLOUT | POLLHUP, as Linux
    if (this.connecting !== undefined) return 0;
    let m = 0;
    if (this.rxSize > 0 || this.rxEof || (this.shut & 1) !== 0) m |= 1;
    if (!c.destroyed && c.writable && c.writableLength <= TCP_TX_HIGH) m |= 4;
    if (this.soError !== 0) m |= 8;
    if (this.rxEof && (c.destroyed || !c.writable)) m |= 0x10;
    return m;
  }

  protected override release(): void {
    if (this.closed) return;
    this.closed = true;
    this.server?.close();
    for (const c of this.acceptQueue ?? this.acceptQueuePending ?? []) c.destroy();
    this.conn?.end();
    this.conn?.destroySoon();
  }
}
