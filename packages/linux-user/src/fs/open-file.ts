/**
 * Open file descriptions: what a guest file descriptor points at. Several descriptors
 * (dup, fork) share one description and with it the file offset and status flags, as in
 * Linux; the description is closed when its last descriptor goes ({@link OpenFile.ref},
 * {@link OpenFile.unref}).
 *
 * Node has no dup(2), pipe(2) or fork(2), so wasmu never hands guest descriptors to the
 * host one to one: regular files use positioned host I/O with the offset kept here, and
 * pipes live inside the emulator (pipe.ts) so that forked guest processes can share them.
 *
 * Every method returns a result or `-errno`; none throws for guest input. Methods that
 * may block (a pipe with no data) return a Promise.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { type FileStat, O } from "../syscalls/abi.js";

/** A count of bytes, or -errno; possibly later. */
export type IoResult = number | Promise<number>;

/** The window size a terminal reports (TIOCGWINSZ). */
export interface TerminalSize {
  /** Rows. */
  readonly rows: number;
  /** Columns. */
  readonly cols: number;
}

/** An open file description (the base class answers with Linux's errors for unsupported operations). */
export abstract class OpenFile {
  /** Access mode and status flags (O_ACCMODE, O_APPEND, O_NONBLOCK, ...). */
  flags: number;
  private refs = 1;

  /** @param flags access mode and status flags. */
  constructor(flags: number) {
    this.flags = flags;
  }

  /** What it is (for fstat, getdents and the errors of each call). */
  abstract readonly kind: "file" | "dir" | "stream" | "pipe" | "socket";

  /** The host path (files and directories): base of relative *at() lookups, fchdir. */
  get hostPath(): string | undefined {
    return undefined;
  }

  /** Whether reads are allowed by the access mode. */
  get readable(): boolean {
    return (this.flags & O.ACCMODE) !== O.WRONLY && (this.flags & O.PATH) === 0;
  }

  /** Whether writes are allowed by the access mode. */
  get writable(): boolean {
    return (this.flags & O.ACCMODE) !== O.RDONLY && (this.flags & O.PATH) === 0;
  }

  /** One more descriptor refers to this description. */
  ref(): this {
    this.refs++;
    return this;
  }

  /** A descriptor went away; the last one closes the description. */
  unref(): void {
    if (--this.refs === 0) this.release();
  }

  /** Releases host resources (last close). */
  protected release(): void {}

  /** read(2) at the file offset into `buf`. */
  read(_buf: Uint8Array): IoResult {
    return -Errno.EINVAL;
  }

  /** write(2) at the file offset (or the end with O_APPEND). */
  write(_buf: Uint8Array): IoResult {
    return -Errno.EINVAL;
  }

  /** pread64(2). */
  pread(_buf: Uint8Array, _pos: number): IoResult {
    return -Errno.ESPIPE;
  }

  /** pwrite64(2). */
  pwrite(_buf: Uint8Array, _pos: number): IoResult {
    return -Errno.ESPIPE;
  }

  /** lseek(2): the new offset or -errno. */
  seek(_offset: number, _whence: number): number {
    return -Errno.ESPIPE;
  }

  /** fstat(2). */
  abstract stat(): FileStat | number;

  /** getdents64(2): directory entries encoded into `buf`; bytes written, 0 at the end. */
  getdents(_buf: Uint8Array): number {
    return -Errno.ENOTDIR;
  }

  /** ftruncate(2). */
  truncate(_len: number): number {
    return -Errno.EINVAL;
  }

  /** fsync(2). */
  sync(): number {
    return -Errno.EINVAL;
  }

  /** The terminal's size when this is a terminal (TCGETS, TIOCGWINSZ), else undefined (ENOTTY). */
  terminal(): TerminalSize | undefined {
    return undefined;
  }

  /**
   * Readiness for poll: POLLIN (1) / POLLOUT (4) / POLLERR (8) / POLLHUP (0x10) bits.
   * Files and streams whose state the emulator cannot observe are always ready.
   */
  pollState(): number {
    return (this.readable ? 1 : 0) | (this.writable ? 4 : 0);
  }

  /**
   * Whether a read may have to wait for the description to change (a pipe, a socket, the
   * host's stdin on a terminal or pipe): such reads answer -EAGAIN and are waited for
   * through {@link changed}, interruptibly (sigwait.ts's interruptibleIo).
   */
  get mayBlock(): boolean {
    return this.kind === "pipe" || this.kind === "socket";
  }

  /** A promise settled when the readiness may have changed, or undefined when it never changes. */
  changed(): Promise<void> | undefined {
    return undefined;
  }

  /** Bytes for a file mapping: `len` bytes from `offset` (shorter at end of file), or -errno (ENODEV). */
  mapData(_offset: number, _len: number): Uint8Array | number {
    return -Errno.ENODEV;
  }
}

/** A stat for objects that have no host file (pipes, memory streams). */
export function syntheticStat(mode: number, ino: bigint): FileStat {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    dev: 0xcn, ino, mode, nlink: 1, uid: 0, gid: 0, rdev: 0n, size: 0n, blksize: 4096, blocks: 0n,
    atimeNs: now, mtimeNs: now, ctimeNs: now, birthtimeNs: 0n,
  };
}

/**
 * A stream kept in memory: reads come from `input`, writes are collected (tests; a
 * guest's stdio when the embedder captures it).
 */
export class MemoryStream extends OpenFile {
  /** Always "stream". */
  readonly kind = "stream";
  /** Everything written. */
  readonly output: Uint8Array[] = [];
  private input: Uint8Array;

  /**
   * @param input bytes reads return, then end of file.
   * @param tty report a terminal of this size (TCGETS succeeds).
   */
  constructor(input: Uint8Array = new Uint8Array(0), private readonly tty?: TerminalSize) {
    super(O.RDWR);
    this.input = input;
  }

  /** Everything written, as a string. */
  get text(): string {
    return Buffer.concat(this.output).toString("utf8");
  }

  override pollState(): number {
    return 1 | 4;
  }

  override read(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.input.length);
    buf.set(this.input.subarray(0, n));
    this.input = this.input.subarray(n);
    return n;
  }

  override write(buf: Uint8Array): number {
    this.output.push(buf.slice());
    return buf.length;
  }

  override stat(): FileStat {
    return syntheticStat(this.tty ? 0o20620 : 0o10600, 1n);
  }

  override terminal(): TerminalSize | undefined {
    return this.tty;
  }
}
