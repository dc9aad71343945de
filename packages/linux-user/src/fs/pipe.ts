/**
 * Pipes inside the emulator (pipe2): a buffer with a read end and a write end, each an
 * {@link OpenFile}. Every guest process lives in the same kernel (README.md, process
 * model), so a pipe shared across fork is just this object. A read of an empty pipe with
 * writers left, or a write to a full one, returns a Promise that settles when the other
 * end moves (or -EAGAIN with O_NONBLOCK); writing with no reader left is EPIPE (the
 * SIGPIPE is the caller's to raise).
 *
 * @module
 */
import { Errno } from "../errno.js";
import { type FileStat, O } from "../syscalls/abi.js";
import { type IoResult, OpenFile, syntheticStat } from "./open-file.js";
import { WaitList } from "./wait-list.js";

/** Linux's default pipe capacity (16 pages). */
export const PIPE_CAPACITY = 65536;
/** Writes up to PIPE_BUF bytes are atomic. */
export const PIPE_BUF = 4096;

let nextPipeIno = 1000n;

/** The shared state of one pipe. */
export class PipeBuffer {
  /** Buffered chunks (oldest first). */
  private chunks: Uint8Array[] = [];
  /** Bytes buffered. */
  size = 0;
  /** Open read / write descriptions. */
  readers = 0;
  /** See {@link readers}. */
  writers = 0;
  /** Capacity (F_SETPIPE_SZ). */
  capacity = PIPE_CAPACITY;
  /** Inode number for fstat. */
  readonly ino = nextPipeIno++;
  private readonly waits = new WaitList();

  /** Wakes every waiter (data, space, or an end closed). */
  wake(): void {
    this.waits.wake();
  }

  /** A promise settled at the next change. */
  changed(): Promise<void> {
    return this.waits.next();
  }

  /** Takes up to buf.length bytes. */
  take(buf: Uint8Array): number {
    let n = 0;
    while (n < buf.length && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    return n;
  }

  /** Appends bytes (the caller checked the space). */
  put(b: Uint8Array): void {
    this.chunks.push(b.slice());
    this.size += b.length;
  }
}

/** One end of a pipe. */
export class PipeEnd extends OpenFile {
  /** Always "pipe". */
  readonly kind = "pipe";

  /**
   * @param pipe the shared buffer.
   * @param end which end.
   * @param flags status flags (O_NONBLOCK).
   */
  constructor(
    readonly pipe: PipeBuffer,
    readonly end: "read" | "write",
    flags: number,
  ) {
    super((end === "read" ? O.RDONLY : O.WRONLY) | (flags & O.NONBLOCK));
    if (end === "read") pipe.readers++;
    else pipe.writers++;
  }

  protected override release(): void {
    if (this.end === "read") this.pipe.readers--;
    else this.pipe.writers--;
    this.pipe.wake();
  }

  override read(buf: Uint8Array): IoResult {
    if (this.end !== "read") return -Errno.EBADF;
    if (buf.length === 0) return 0;
    const p = this.pipe;
    if (p.size > 0) {
      const n = p.take(buf);
      p.wake();
      return n;
    }
    if (p.writers === 0) return 0;
    if ((this.flags & O.NONBLOCK) !== 0) return -Errno.EAGAIN;
    return p.changed().then(() => this.read(buf));
  }

  override write(buf: Uint8Array): IoResult {
    if (this.end !== "write") return -Errno.EBADF;
    return this.writeFrom(buf, 0);
  }

  private writeFrom(buf: Uint8Array, done: number): IoResult {
    const p = this.pipe;
    if (p.readers === 0) return done > 0 ? done : -Errno.EPIPE;
    const rest = buf.length - done;
    if (rest === 0) return done;
    const space = p.capacity - p.size;
    // Writes of at most PIPE_BUF bytes go in whole or not at all.
    const fits = rest <= PIPE_BUF ? (space >= rest ? rest : 0) : Math.min(space, rest);
    if (fits > 0) {
      p.put(buf.subarray(done, done + fits));
      p.wake();
      return this.writeFrom(buf, done + fits);
    }
    if ((this.flags & O.NONBLOCK) !== 0) return done > 0 ? done : -Errno.EAGAIN;
    return p.changed().then(() => this.writeFrom(buf, done));
  }

  override stat(): FileStat {
    return syntheticStat(0o10600, this.pipe.ino);
  }

  override pollState(): number {
    const p = this.pipe;
    if (this.end === "read") return (p.size > 0 ? 1 : 0) | (p.writers === 0 ? 0x10 : 0);
    return p.readers === 0 ? 8 : p.capacity - p.size >= PIPE_BUF ? 4 : 0;
  }

  override changed(): Promise<void> {
    return this.pipe.changed();
  }
}

/** pipe2: a new pipe's read and write ends. */
export function createPipe(flags: number): [PipeEnd, PipeEnd] {
  const p = new PipeBuffer();
  return [new PipeEnd(p, "read", flags), new PipeEnd(p, "write", flags)];
}
