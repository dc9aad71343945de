/**
 * Open file descriptions over host files: {@link HostFile} for what openat opens
 * (regular files and directories with the offset kept here; character devices and FIFOs
 * as streams) and {@link HostStream} for the host's own stdin, stdout and stderr.
 *
 * Host I/O here is synchronous (node:fs *Sync): fine for files. A read of the host's
 * stdin when it is a terminal, a pipe, a FIFO or a socket goes through a non-blocking reader
 * (host-reader.ts), so that it waits like a pipe's read: interruptible by signals, the
 * other guest threads and processes running meanwhile. (A terminal or FIFO the guest
 * opens by path is still read synchronously.)
 *
 * @module
 */
import * as fs from "node:fs";
import { isatty } from "node:tty";
import { Errno, errnoFromHost } from "../errno.js";
import { type FileStat, O, S } from "../syscalls/abi.js";
import { type HostReader, openHostReader } from "./host-reader.js";
import { OpenFile, type TerminalSize } from "./open-file.js";
import { decodeBytes, hostPath } from "./host-path.js";

/** A FileStat of a host bigint stat. */
export function statOfHost(s: fs.BigIntStats): FileStat {
  return {
    dev: s.dev, ino: s.ino, mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid), gid: Number(s.gid),
    rdev: s.rdev, size: s.size, blksize: Number(s.blksize), blocks: s.blocks,
    atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, birthtimeNs: s.birthtimeNs,
  };
}

/** Host open(2) flags for guest (asm-generic) open flags; O_CLOEXEC and O_LARGEFILE are the emulator's business. */
export function hostOpenFlags(guest: number): number {
  const c = fs.constants;
  let h = guest & O.ACCMODE;
  const map: [number, number | undefined][] = [
    [O.CREAT, c.O_CREAT], [O.EXCL, c.O_EXCL], [O.NOCTTY, c.O_NOCTTY], [O.TRUNC, c.O_TRUNC], [O.APPEND, c.O_APPEND],
    [O.NONBLOCK, c.O_NONBLOCK], [O.DIRECTORY, c.O_DIRECTORY], [O.NOFOLLOW, c.O_NOFOLLOW], [O.NOATIME, c.O_NOATIME],
    [O.DSYNC, c.O_DSYNC],
  ];
  for (const [g, hv] of map) if ((guest & g) !== 0 && hv !== undefined) h |= hv;
  if ((guest & O.PATH) !== 0) h = (h & ~O.ACCMODE) | O.RDONLY;
  return h;
}

/** d_type values of linux_dirent64. */
const DT = { UNKNOWN: 0, FIFO: 1, CHR: 2, DIR: 4, BLK: 6, REG: 8, LNK: 10, SOCK: 12 } as const;

function dtype(d: fs.Dirent<string | Buffer>): number {
  if (d.isFile()) return DT.REG;
  if (d.isDirectory()) return DT.DIR;
  if (d.isSymbolicLink()) return DT.LNK;
  if (d.isCharacterDevice()) return DT.CHR;
  if (d.isBlockDevice()) return DT.BLK;
  if (d.isFIFO()) return DT.FIFO;
  if (d.isSocket()) return DT.SOCK;
  return DT.UNKNOWN;
}

interface DirEntry {
  readonly ino: bigint;
  readonly type: number;
  readonly name: Uint8Array;
}

/** A host file or directory opened by the guest. */
export class HostFile extends OpenFile {
  /** "file" (regular: positioned I/O), "dir", or "stream" (devices, FIFOs, sockets). */
  readonly kind: "file" | "dir" | "stream";
  private offset = 0;
  /** A character device other than a terminal (/dev/null, /dev/zero, /dev/urandom): lseek succeeds at 0, as their Linux drivers answer. */
  private readonly seeksToZero: boolean;
  private entries: DirEntry[] | undefined;
  private closed = false;

  /**
   * @param fd the host descriptor (owned: closed on the last unref).
   * @param path the host path it was opened by.
   * @param flags guest access mode and status flags.
   */
  constructor(
    readonly fd: number,
    private readonly path: string,
    flags: number,
  ) {
    super(flags);
    const mode = Number(fs.fstatSync(fd).mode) & S.IFMT;
    this.kind = mode === S.IFDIR ? "dir" : mode === S.IFREG ? "file" : "stream";
    this.seeksToZero = mode === S.IFCHR && !isatty(fd);
  }

  /**
   * Opens host path `path` with guest flags and creation mode; the file or -errno.
   * O_TMPFILE is not supported (EOPNOTSUPP).
   */
  static open(path: string, flags: number, mode: number): HostFile | number {
    if ((flags & O.TMPFILE) === O.TMPFILE) return -Errno.EOPNOTSUPP;
    let fd: number;
    try {
      fd = fs.openSync(hostPath(path), hostOpenFlags(flags), mode);
    } catch (e) {
      return -errnoFromHost(e);
    }
    return new HostFile(fd, path, flags & ~(O.CREAT | O.EXCL | O.TRUNC | O.NOCTTY | O.CLOEXEC));
  }

  override get hostPath(): string {
    return this.path;
  }

  protected override release(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already gone: nothing to report on close of the last reference
    }
  }

  override read(buf: Uint8Array): number {
    if (this.kind === "dir") return -Errno.EISDIR;
    if (!this.readable) return -Errno.EBADF;
    const n = this.io(() => fs.readSync(this.fd, buf, 0, buf.length, this.kind === "file" ? this.offset : null));
    if (n > 0 && this.kind === "file") this.offset += n;
    return n;
  }

  override write(buf: Uint8Array): number {
    if (!this.writable) return -Errno.EBADF;
    if (this.kind !== "file") return this.io(() => fs.writeSync(this.fd, buf, 0, buf.length, null));
    if ((this.flags & O.APPEND) !== 0) {
      const size = this.size();
      if (size < 0) return size;
      this.offset = size;
    }
    const n = this.io(() => fs.writeSync(this.fd, buf, 0, buf.length, this.offset));
    if (n > 0) this.offset += n;
    return n;
  }

  override pread(buf: Uint8Array, pos: number): number {
    if (this.kind === "dir") return -Errno.EISDIR;
    if (this.kind !== "file") return -Errno.ESPIPE;
    if (!this.readable) return -Errno.EBADF;
    return this.io(() => fs.readSync(this.fd, buf, 0, buf.length, pos));
  }

  override pwrite(buf: Uint8Array, pos: number): number {
    if (this.kind !== "file") return -Errno.ESPIPE;
    if (!this.writable) return -Errno.EBADF;
    return this.io(() => fs.writeSync(this.fd, buf, 0, buf.length, pos));
  }

  override seek(offset: number, whence: number): number {
    if (this.kind === "stream") return this.seeksToZero ? 0 : -Errno.ESPIPE;
    let base: number;
    switch (whence) {
      case 0: base = 0; break;
      case 1: base = this.offset; break;
      case 2: {
        if (this.kind === "dir") return -Errno.EINVAL;
        base = this.size();
        if (base < 0) return base;
        break;
      }
      case 3: case 4: { // SEEK_DATA, SEEK_HOLE: no holes known
        const size = this.size();
        if (size < 0) return size;
        if (offset >= size) return -Errno.ENXIO;
        base = 0;
        if (whence === 4) return (this.offset = size);
        break;
      }
      default: return -Errno.EINVAL;
    }
    const pos = base + offset;
    if (pos < 0) return -Errno.EINVAL;
    this.offset = pos;
    if (this.kind === "dir" && pos === 0) this.entries = undefined;
    return pos;
  }

  override stat(): FileStat | number {
    try {
      return statOfHost(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return -errnoFromHost(e);
    }
  }

  override getdents(buf: Uint8Array): number {
    if (this.kind !== "dir") return -Errno.ENOTDIR;
    const entries = (this.entries ??= this.listDir());
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let at = 0;
    while (this.offset < entries.length) {
      const e = entries[this.offset]!;
      const reclen = (19 + e.name.length + 1 + 7) & ~7;
      if (at + reclen > buf.length) {
        if (at === 0) return -Errno.EINVAL;
        break;
      }
      dv.setBigUint64(at, e.ino, true);
      dv.setBigInt64(at + 8, BigInt(this.offset + 1), true);
      dv.setUint16(at + 16, reclen, true);
      dv.setUint8(at + 18, e.type);
      buf.fill(0, at + 19, at + reclen);
      buf.set(e.name, at + 19);
      at += reclen;
      this.offset++;
    }
    return at;
  }

  private listDir(): DirEntry[] {
    const enc = new TextEncoder();
    const self = this.stat();
    const ino = (p: string): bigint => {
      try {
        return fs.lstatSync(hostPath(p), { bigint: true }).ino;
      } catch {
        return 0n;
      }
    };
    const out: DirEntry[] = [
      { ino: typeof self === "number" ? 0n : self.ino, type: DT.DIR, name: enc.encode(".") },
      { ino: ino(`${this.path}/..`), type: DT.DIR, name: enc.encode("..") },
    ];
    // The host's readdir order (programs such as find print it): opendir, not readdirSync,
    // which sorts the names (libuv's scandir).
    const list: fs.Dirent<Buffer>[] = [];
    try {
      // encoding "buffer" works at run time (names as Buffers); @types/node 20 omits it.
      const dir = fs.opendirSync(hostPath(this.path), { bufferSize: 128, encoding: "buffer" as BufferEncoding });
      try {
        for (let d = dir.readSync(); d !== null; d = dir.readSync()) list.push(d as unknown as fs.Dirent<Buffer>);
      } finally {
        dir.closeSync();
      }
    } catch {
      // a directory removed meanwhile reads as empty
    }
    // Names are bytes (fs/host-path.ts): read as Buffers, given to the guest as they are.
    for (const d of list) out.push({ ino: ino(`${this.path}/${decodeBytes(d.name)}`), type: dtype(d), name: new Uint8Array(d.name) });
    return out;
  }

  override truncate(len: number): number {
    if (this.kind !== "file" || !this.writable) return -Errno.EINVAL;
    return this.io(() => (fs.ftruncateSync(this.fd, len), 0));
  }

  override sync(): number {
    if (this.kind === "stream") return -Errno.EINVAL;
    return this.io(() => (fs.fsyncSync(this.fd), 0));
  }

  override terminal(): TerminalSize | undefined {
    return this.kind === "stream" && isatty(this.fd) ? { rows: 24, cols: 80 } : undefined;
  }

  override mapData(offset: number, len: number): Uint8Array | number {
    if (this.kind !== "file") return -Errno.ENODEV;
    if (!this.readable) return -Errno.EACCES;
    const size = this.size();
    if (size < 0) return size;
    const n = Math.max(0, Math.min(len, size - offset));
    const buf = new Uint8Array(n);
    const r = n === 0 ? 0 : this.io(() => fs.readSync(this.fd, buf, 0, n, offset));
    return r < 0 ? r : buf.subarray(0, r);
  }

  private size(): number {
    try {
      return Number(fs.fstatSync(this.fd).size);
    } catch (e) {
      return -errnoFromHost(e);
    }
  }

  private io(f: () => number): number {
    try {
      return f();
    } catch (e) {
      return -errnoFromHost(e);
    }
  }
}

/**
 * Whether host descriptor 0 was closed when this process started (`wasmu PROG <&-`):
 * Node reopens a closed standard descriptor on /dev/null for reading and writing
 * (O_RDWR) before any JavaScript runs, where a shell's `</dev/null` and a parent's
 * ignored stdin open it read-only. The guest then finds descriptor 0 closed (EBADF), as
 * under Linux and QEMU. Needs /proc; false when it cannot tell.
 */
export function hostStdinWasClosed(): boolean {
  try {
    if (fs.readlinkSync("/proc/self/fd/0") !== "/dev/null") return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync("/proc/self/fdinfo/0", "utf8"));
    return flags !== null && (parseInt(flags[1]!, 8) & 3) === O.RDWR;
  } catch {
    return false;
  }
}

/** One of the host's own standard streams (or any host descriptor the embedder hands in; not closed). */
export class HostStream extends OpenFile {
  /** Always "stream". */
  readonly kind = "stream";

  /**
   * @param fd the host descriptor (0, 1, 2: borrowed, never closed).
   * @param flags guest access mode.
   * @param size the terminal size source when it is a terminal (e.g. process.stdout's).
   */
  constructor(
    readonly fd: number,
    flags: number,
    private readonly size?: () => TerminalSize,
  ) {
    super(flags);
  }

  /** The non-blocking reader of a descriptor that can block (undefined: not decided yet; null: read synchronously). */
  private reader: HostReader | null | undefined;

  /** The reader, when reads of this descriptor can block (a terminal, pipe, FIFO or socket); decided at the first use. */
  private blockingReader(): HostReader | null {
    if (this.reader !== undefined) return this.reader;
    let blocks = false;
    if (this.readable) {
      try {
        const st = fs.fstatSync(this.fd);
        blocks = st.isFIFO() || st.isSocket() || (st.isCharacterDevice() && isatty(this.fd));
      } catch {
        // A descriptor that cannot be examined is read as before.
      }
    }
    this.reader = (blocks ? openHostReader(this.fd) : undefined) ?? null;
    return this.reader;
  }

  /** The run ends: a reader stops polling and closes its description. */
  stopReader(): void {
    this.reader?.close();
  }

  override get mayBlock(): boolean {
    return this.blockingReader() !== null;
  }

  override pollState(): number {
    const r = this.blockingReader();
    return (this.readable && (r === null || r.ready()) ? 1 : 0) | (this.writable ? 4 : 0);
  }

  override changed(): Promise<void> | undefined {
    return this.blockingReader()?.settled();
  }

  override read(buf: Uint8Array): number {
    const reader = this.blockingReader();
    if (reader !== null) return reader.take(buf);
    for (;;) {
      try {
        return fs.readSync(this.fd, buf, 0, buf.length, null);
      } catch (e) {
        const err = errnoFromHost(e);
        if (err === Errno.EAGAIN && (this.flags & O.NONBLOCK) === 0) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        return -err;
      }
    }
  }

  override write(buf: Uint8Array): number {
    try {
      return fs.writeSync(this.fd, buf, 0, buf.length, null);
    } catch (e) {
      return -errnoFromHost(e);
    }
  }

  override stat(): FileStat | number {
    try {
      return statOfHost(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return -errnoFromHost(e);
    }
  }

  override terminal(): TerminalSize | undefined {
    if (!isatty(this.fd)) return undefined;
    return this.size?.() ?? { rows: 24, cols: 80 };
  }
}
