/**
 * The socket open file description: what socket(2), socketpair(2) and accept(2) put in
 * the descriptor table. {@link Socket} holds what every kind shares (domain, type,
 * protocol, the socket options wasmu keeps, the pending error of SO_ERROR, the wait list
 * poll and blocking calls sleep on) and answers the calls a kind does not support with
 * Linux's errors; unix-socket.ts (in the emulator), tcp-socket.ts and udp-socket.ts
 * (through Node's net and dgram) are the kinds.
 *
 * Blocking: a call that must wait returns a Promise settled by the event that ends the
 * wait (data, a connection, space), or -EAGAIN when the description is non-blocking or
 * the call passed MSG_DONTWAIT. Everything here runs on the kernel thread; the objects are
 * not shared with vCPU workers (README.md, process model), so no lock protects them.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { type IoResult, OpenFile, syntheticStat } from "../fs/open-file.js";
import { type FileStat, O } from "../syscalls/abi.js";
import { MSG, type SockAddr } from "./sockaddr.js";
import { WaitList } from "../fs/wait-list.js";

/** What a send carries. */
export interface SendRequest {
  /** The bytes (a copy the socket may keep). */
  readonly data: Uint8Array;
  /** The destination (sendto / sendmsg msg_name), if given. */
  readonly to?: SockAddr;
  /** Descriptions passed with SCM_RIGHTS (unix sockets); the socket takes a reference to each. */
  readonly rights?: readonly OpenFile[];
  /** MSG_* flags. */
  readonly flags: number;
}

/** What a receive returns. */
export interface Received {
  /** The bytes (at most what was asked for). */
  readonly data: Uint8Array;
  /** The datagram's full length (larger than data.length when it was truncated). */
  readonly full: number;
  /** The sender (datagram sockets), if known. */
  readonly from?: SockAddr;
  /** Descriptions received with SCM_RIGHTS (references owned by the caller). */
  readonly rights?: readonly OpenFile[];
}

/** A result or -errno, possibly later. */
export type Later<T> = T | number | Promise<T | number>;

/** shutdown(2)'s how. */
export const SHUT = { RD: 0, WR: 1, RDWR: 2 } as const;

let nextSocketIno = 50000n;

/** A socket (the base answers every socket call with Linux's error for an unsupported operation). */
export abstract class Socket extends OpenFile {
  /** Always "socket". */
  readonly kind = "socket";
  /** Inode number (fstat, /proc/self/fd: socket:[ino]). */
  readonly ino = nextSocketIno++;
  /** Socket options wasmu keeps as values (level << 16 | name -> int); see syscalls/socket.ts. */
  readonly options = new Map<number, number>();
  /** The pending error SO_ERROR reports and clears (a failed non-blocking connect). */
  soError = 0;
  /** Changes of readiness. */
  readonly waits = new WaitList();

  /**
   * @param domain AF_*.
   * @param type SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET.
   * @param protocol the protocol number socket() was given (or the default's).
   * @param flags status flags (O_NONBLOCK).
   */
  constructor(
    readonly domain: number,
    readonly type: number,
    readonly protocol: number,
    flags: number,
  ) {
    super(O.RDWR | (flags & O.NONBLOCK));
  }

  /** Whether a call with `msgFlags` must not block. */
  nonblocking(msgFlags = 0): boolean {
    return (this.flags & O.NONBLOCK) !== 0 || (msgFlags & MSG.DONTWAIT) !== 0;
  }

  /** bind(2). */
  bind(_addr: SockAddr): number | Promise<number> {
    return -Errno.EOPNOTSUPP;
  }

  /** listen(2). */
  listen(_backlog: number): number | Promise<number> {
    return -Errno.EOPNOTSUPP;
  }

  /** accept4(2): the new connected socket. */
  accept(_flags: number): Later<Socket> {
    return -Errno.EOPNOTSUPP;
  }

  /** connect(2). */
  connect(_addr: SockAddr): number | Promise<number> {
    return -Errno.EOPNOTSUPP;
  }

  /** sendto / sendmsg: bytes sent. */
  abstract send(req: SendRequest): IoResult;

  /** recvfrom / recvmsg of at most `max` bytes. */
  abstract recv(max: number, flags: number): Later<Received>;

  /** shutdown(2). */
  shutdown(_how: number): number {
    return -Errno.ENOTCONN;
  }

  /** getsockname(2). */
  abstract localAddress(): SockAddr;

  /** getpeername(2): the peer, or -ENOTCONN. */
  abstract peerAddress(): SockAddr | number;

  /** What FIONREAD reports: bytes a read would return now (a datagram socket: the next datagram's length). */
  abstract readableBytes(): number;

  /** Whether listen() was called (SO_ACCEPTCONN). */
  get listening(): boolean {
    return false;
  }

  /** The send and receive buffer sizes SO_SNDBUF / SO_RCVBUF report (Linux doubles what is set). */
  bufferSize(which: "snd" | "rcv"): number {
    return this.options.get(which === "snd" ? 0x1_0007 : 0x1_0008) ?? 212992;
  }

  override read(buf: Uint8Array): IoResult {
    const r = this.recv(buf.length, 0);
    const copy = (x: Received | number): number => {
      if (typeof x === "number") return x;
      buf.set(x.data);
      for (const f of x.rights ?? []) f.unref();
      return x.data.length;
    };
    return typeof r === "object" && r instanceof Promise ? r.then(copy) : copy(r);
  }

  override write(buf: Uint8Array): IoResult {
    return this.send({ data: buf.slice(), flags: 0 });
  }

  override stat(): FileStat {
    return { ...syntheticStat(0o140777, this.ino), dev: 0x8n, blksize: 4096 };
  }

  override changed(): Promise<void> {
    return this.waits.next();
  }
}
