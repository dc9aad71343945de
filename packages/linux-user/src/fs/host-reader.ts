/**
 * Reads from a host descriptor that can block (a terminal, a pipe, a FIFO: the host's
 * stdin, mostly) without blocking the kernel thread, so that a signal interrupts a guest's
 * read as Linux's does (Ctrl-C during python's input() is KeyboardInterrupt, not a hang
 * until Enter) and the other guest threads and processes go on meanwhile.
 *
 * Node has no poll(2) for an arbitrary descriptor, setting O_NONBLOCK on the descriptor
 * itself would change the open file description the invoking shell shares (a terminal
 * left non-blocking breaks the shell), and a reader thread blocked in read(2) cannot be
 * stopped (Node joins it at exit: the run would hang). So the reader opens the same
 * object again through /proc/self/fd (a description of its own, as libuv does for
 * terminals), makes that one non-blocking, and polls it only while a guest read or poll
 * waits: every {@link POLL_MIN_MS}, backing off to {@link POLL_MAX_MS}.
 *
 * Bytes are read only when a guest read or poll asks, never ahead: what a poll read and
 * no read took yet is kept for the next read of any process of this run. A wait the guest
 * gave up on (a signal, EINTR, a poll's timeout) goes on polling until bytes come (kept
 * for the next read) or the run ends ({@link HostReader.close}): only then can bytes that
 * came meanwhile be lost to whoever reads the descriptor after wasmu. End of file is answered
 * once per read(2) that returned it (a terminal's Ctrl-D ends one read; the next blocks).
 * A socket cannot be opened again: it gets a {@link StreamReader}, a Node stream over the
 * descriptor itself (libuv makes that description non-blocking, which only the socket's
 * other users would notice; a socket given as stdin usually has none), paused between
 * the chunks guest reads ask for. Node's readSync cannot serve these descriptors: a host
 * signal arriving during it makes it return 0, which the guest would take for end of file.
 *
 * Thread: the kernel thread only.
 *
 * @module
 */
import * as fs from "node:fs";
import { Socket } from "node:net";
import { Errno, errnoFromHost } from "../errno.js";

/** The most bytes one host read takes. */
export const READER_CHUNK = 65536;
/** The first poll interval while a read waits, in ms. */
export const POLL_MIN_MS = 1;
/** The longest poll interval while a read waits, in ms. */
export const POLL_MAX_MS = 10;

/** What HostStream asks of a reader (see the module comment). */
export interface HostReader {
  /** A guest read into `buf`: bytes (as many as there are and fit), 0 at end of file, -errno, or -EAGAIN when none are there yet. */
  take(buf: Uint8Array): number;
  /** Whether a read would answer at once (poll's POLLIN); may start reading. */
  ready(): boolean;
  /** Settles when a read would answer at once, or when the reader is closed. */
  settled(): Promise<void>;
  /** The run ends: stop reading, release what the reader holds. */
  close(): void;
}

/**
 * A reader for host descriptor `fd` (a terminal, pipe, FIFO or socket), or undefined
 * when it has none (then it is read synchronously).
 */
export function openHostReader(fd: number): HostReader | undefined {
  return PollReader.open(fd) ?? StreamReader.open(fd);
}

/** A non-blocking second description of a host descriptor, and the bytes read from it that no guest read took yet. */
class PollReader implements HostReader {
  private readonly data = new Uint8Array(READER_CHUNK);
  /** Bytes read and not yet given to the guest: data[stashAt, stashEnd). */
  private stashAt = 0;
  private stashEnd = 0;
  /** A host read returned end of file (0) or an error (-errno), not yet answered. */
  private pendingResult: number | undefined;
  private waiter: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly fd: number) {}

  /** A reader for host descriptor `fd`, or undefined when it cannot be opened again (then read it synchronously). */
  static open(fd: number): PollReader | undefined {
    try {
      const c = fs.constants;
      // (Node opens every descriptor close-on-exec.)
      return new PollReader(fs.openSync(`/proc/self/fd/${fd}`, c.O_RDONLY | c.O_NONBLOCK | c.O_NOCTTY));
    } catch {
      return undefined;
    }
  }

  /** A guest read into `buf`: bytes (as many as there are and fit), 0 at end of file, -errno, or -EAGAIN when none are there yet. */
  take(buf: Uint8Array): number {
    if (!this.fill()) return -Errno.EAGAIN;
    if (this.stashEnd > this.stashAt) {
      const n = Math.min(buf.length, this.stashEnd - this.stashAt);
      buf.set(this.data.subarray(this.stashAt, this.stashAt + n));
      this.stashAt += n;
      return n;
    }
    const r = this.pendingResult!;
    this.pendingResult = undefined;
    return r;
  }

  /** Whether a read would answer at once (poll's POLLIN). */
  ready(): boolean {
    return this.fill();
  }

  /** Settles when a read would answer at once (polling the descriptor meanwhile), or when the reader is closed. */
  settled(): Promise<void> {
    if (this.closed || this.fill()) return Promise.resolve();
    this.waiter ??= new Promise<void>((resolve) => {
      let ms = POLL_MIN_MS;
      const done = (): void => {
        this.waiter = undefined;
        this.wake = undefined;
        this.timer = undefined;
        resolve();
      };
      const poll = (): void => {
        if (this.closed || this.fill()) return done();
        ms = Math.min(ms * 2, POLL_MAX_MS);
        this.timer = setTimeout(poll, ms);
      };
      this.wake = done;
      this.timer = setTimeout(poll, ms);
    });
    return this.waiter;
  }

  /** The run ends: polling stops (a pending wait settles), the second description is closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already gone: nothing to release.
    }
  }

  /** Whether bytes or a result are there to answer a read; tries one non-blocking host read when not. */
  private fill(): boolean {
    if (this.stashEnd > this.stashAt || this.pendingResult !== undefined) return true;
    if (this.closed) {
      this.pendingResult = -Errno.EBADF;
      return true;
    }
    try {
      const n = fs.readSync(this.fd, this.data, 0, READER_CHUNK, null);
      if (n > 0) {
        this.stashAt = 0;
        this.stashEnd = n;
      } else {
        this.pendingResult = 0;
      }
      return true;
    } catch (e) {
      const err = errnoFromHost(e);
      if (err === Errno.EAGAIN) return false;
      this.pendingResult = -err;
      return true;
    }
  }
}

/** A socket descriptor read through a paused Node stream: one chunk at a time, as guest reads ask. */
class StreamReader implements HostReader {
  private readonly chunks: Buffer[] = [];
  /** End of file (0) or an error (-errno): final for a socket. */
  private final: number | undefined;
  private wakers: (() => void)[] = [];
  private closed = false;

  private constructor(private readonly sock: Socket) {
    sock.pause();
    sock.unref();
    sock.on("data", (b: Buffer) => {
      this.chunks.push(b);
      this.idle();
    });
    sock.on("end", () => {
      this.final = 0;
      this.idle();
    });
    sock.on("error", (e) => {
      this.final = -errnoFromHost(e);
      this.idle();
    });
  }

  static open(fd: number): StreamReader | undefined {
    try {
      if (!fs.fstatSync(fd).isSocket()) return undefined;
      return new StreamReader(new Socket({ fd, readable: true, writable: false, allowHalfOpen: true }));
    } catch {
      return undefined;
    }
  }

  take(buf: Uint8Array): number {
    const c = this.chunks[0];
    if (c !== undefined) {
      const n = Math.min(buf.length, c.length);
      buf.set(c.subarray(0, n));
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
      return n;
    }
    if (this.final !== undefined) return this.final;
    if (this.closed) return -Errno.EBADF;
    this.want();
    return -Errno.EAGAIN;
  }

  ready(): boolean {
    if (this.chunks.length > 0 || this.final !== undefined || this.closed) return true;
    this.want();
    return false;
  }

  settled(): Promise<void> {
    if (this.ready()) return Promise.resolve();
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.pause();
    this.sock.unref();
    this.idle();
  }

  /** Asks for the next chunk; the loop stays alive while a guest waits for it. */
  private want(): void {
    if (this.closed) return;
    this.sock.ref();
    this.sock.resume();
  }

  /** A chunk, the end or an error came (or the reader closed): pause, let the loop end, wake the waiters. */
  private idle(): void {
    this.sock.pause();
    this.sock.unref();
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }
}
