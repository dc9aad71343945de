/**
 * AF_INET / AF_INET6 datagram sockets through Node's `dgram`. The Node socket is made at
 * the first bind, connect or send (Linux's autobind happens at the same points); Node's
 * bind and connect are asynchronous, so those calls return Promises. Received datagrams
 * queue here with their sender (at most {@link UDP_QUEUE} of them; later ones are dropped,
 * as a full receive buffer drops them). A send completes when Node has handed the
 * datagram to the host (its callback).
 *
 * The objects belong to the kernel thread; no lock.
 *
 * @module
 */
import * as dgram from "node:dgram";
import { Errno } from "../errno.js";
import type { IoResult } from "../fs/open-file.js";
import { AF, MSG, type SockAddr } from "./sockaddr.js";
import { type Later, type Received, type SendRequest, Socket } from "./socket.js";
import { inetAddr, nodeErrno } from "./tcp-socket.js";

/** Datagrams queued for the guest before new ones are dropped. */
export const UDP_QUEUE = 1024;
/** The largest UDP payload. */
const UDP_MAX = 65507;

/** A UDP socket. */
export class UdpSocket extends Socket {
  private sock: dgram.Socket | undefined;
  private ready: Promise<number> | undefined;
  private readonly queue: { data: Uint8Array; from: SockAddr }[] = [];
  private peer: SockAddr | undefined;
  private closed = false;

  /**
   * @param domain AF_INET or AF_INET6.
   * @param flags O_NONBLOCK.
   */
  constructor(domain: number, flags: number) {
    super(domain, 2, 17, flags);
  }

  /** Creates and binds the Node socket (to `addr`, or an ephemeral port on any address). */
  private open(addr?: SockAddr): Promise<number> {
    if (this.ready !== undefined) return this.ready;
    const s = dgram.createSocket({ type: this.domain === AF.INET ? "udp4" : "udp6", ipv6Only: this.options.get(0x29_001a) === 1, reuseAddr: this.options.get(0x1_0002) === 1 });
    this.sock = s;
    s.on("message", (msg, rinfo) => {
      if (this.queue.length >= UDP_QUEUE) return;
      this.queue.push({ data: new Uint8Array(msg), from: inetAddr(this.domain, rinfo.address, rinfo.port) });
      this.waits.wake();
    });
    this.ready = new Promise((resolve) => {
      const onError = (e: unknown): void => {
        this.sock = undefined;
        this.ready = undefined;
        resolve(-nodeErrno(e));
      };
      s.once("error", onError);
      const a = addr !== undefined && addr.family !== AF.UNIX ? addr : undefined;
      s.bind({ port: a?.port ?? 0, address: a?.host ?? (this.domain === AF.INET ? "0.0.0.0" : "::"), exclusive: true }, () => {
        s.off("error", onError);
        s.on("error", () => {});
        resolve(0);
      });
    });
    return this.ready;
  }

  override bind(addr: SockAddr): number | Promise<number> {
    if (addr.family !== this.domain) return -Errno.EAFNOSUPPORT;
    if (this.ready !== undefined) return -Errno.EINVAL;
    return this.open(addr);
  }

  override connect(addr: SockAddr): number | Promise<number> {
    if (addr.family !== this.domain) return -Errno.EAFNOSUPPORT;
    return this.open().then((r) => {
      if (r < 0) return r;
      this.peer = addr;
      return 0;
    });
  }

  override send(req: SendRequest): IoResult {
    const to = req.to ?? this.peer;
    if (to === undefined) return -Errno.EDESTADDRREQ;
    if (to.family !== this.domain || to.family === AF.UNIX) return -Errno.EAFNOSUPPORT;
    if (req.data.length > UDP_MAX) return -Errno.EMSGSIZE;
    return this.open().then((r) => {
      if (r < 0) return r;
      return new Promise<number>((resolve) => {
        this.sock!.send(req.data, to.port, to.host, (e) => resolve(e ? -nodeErrno(e) : req.data.length));
      });
    });
  }

  override recv(max: number, flags: number): Later<Received> {
    const m = this.queue[0];
    if (m !== undefined) {
      if ((flags & MSG.PEEK) === 0) this.queue.shift();
      return { data: m.data.slice(0, max), full: m.data.length, from: m.from };
    }
    if (this.nonblocking(flags)) return -Errno.EAGAIN;
    // An unbound socket that receives gets an ephemeral port first (Linux autobinds on recvfrom too).
    const wait = this.waits.next();
    if (this.ready === undefined) void this.open();
    return wait.then(() => this.recv(max, flags));
  }

  override shutdown(how: number): number {
    if (how < 0 || how > 2) return -Errno.EINVAL;
    return this.peer === undefined ? -Errno.ENOTCONN : 0;
  }

  override readableBytes(): number {
    return this.queue[0]?.data.length ?? 0;
  }

  override localAddress(): SockAddr {
    try {
      const a = this.sock?.address();
      if (a !== undefined) return inetAddr(this.domain, a.address, a.port);
    } catch {
      // not bound yet
    }
    return inetAddr(this.domain, undefined, 0);
  }

  override peerAddress(): SockAddr | number {
    return this.peer ?? -Errno.ENOTCONN;
  }

  override pollState(): number {
    return (this.queue.length > 0 ? 1 : 0) | 4;
  }

  protected override release(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.sock?.close();
    } catch {
      // already closed
    }
  }
}
