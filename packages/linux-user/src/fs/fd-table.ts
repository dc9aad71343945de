/**
 * A process's file descriptor table: guest descriptor numbers to open file descriptions
 * plus the per-descriptor FD_CLOEXEC flag, lowest free number first, bounded by
 * RLIMIT_NOFILE. {@link FdTable.fork} copies it (sharing the descriptions, as fork does);
 * {@link FdTable.closeOnExec} closes the FD_CLOEXEC ones (execve).
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { OpenFile } from "./open-file.js";

/** One descriptor. */
export interface FdEntry {
  /** The open file description. */
  readonly file: OpenFile;
  /** FD_CLOEXEC. */
  cloexec: boolean;
}

/** Linux's default soft RLIMIT_NOFILE. */
export const DEFAULT_NOFILE = 1024;

/** A file descriptor table. */
export class FdTable {
  private readonly fds = new Map<number, FdEntry>();
  /** RLIMIT_NOFILE (soft): descriptors must stay below it. */
  limit = DEFAULT_NOFILE;

  /** The entry of `fd`, if open. */
  entry(fd: number): FdEntry | undefined {
    return this.fds.get(fd);
  }

  /** The description of `fd`, if open. */
  get(fd: number): OpenFile | undefined {
    return this.fds.get(fd)?.file;
  }

  /** Open descriptors in increasing order. */
  get open(): number[] {
    return [...this.fds.keys()].sort((a, b) => a - b);
  }

  /**
   * Installs `file` (whose reference the table takes over) at the lowest free number
   * >= `min`: the descriptor, or -EMFILE (then `file` is released).
   */
  install(file: OpenFile, cloexec: boolean, min = 0): number {
    let fd = min;
    while (this.fds.has(fd)) fd++;
    if (fd >= this.limit) {
      file.unref();
      return -Errno.EMFILE;
    }
    this.fds.set(fd, { file, cloexec });
    return fd;
  }

  /** Installs `file` at exactly `fd`, closing what was there (dup2/dup3). -EBADF beyond the limit. */
  installAt(fd: number, file: OpenFile, cloexec: boolean): number {
    if (fd < 0 || fd >= this.limit) {
      file.unref();
      return -Errno.EBADF;
    }
    const old = this.fds.get(fd);
    this.fds.set(fd, { file, cloexec });
    old?.file.unref();
    return fd;
  }

  /** close(2): 0 or -EBADF. */
  close(fd: number): number {
    const e = this.fds.get(fd);
    if (e === undefined) return -Errno.EBADF;
    this.fds.delete(fd);
    e.file.unref();
    return 0;
  }

  /** A copy for a child process: same descriptions, one more reference each. */
  fork(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    for (const [fd, e] of this.fds) t.fds.set(fd, { file: e.file.ref(), cloexec: e.cloexec });
    return t;
  }

  /** execve: closes every FD_CLOEXEC descriptor. */
  closeOnExec(): void {
    for (const [fd, e] of [...this.fds]) if (e.cloexec) this.close(fd);
  }

  /** Closes everything (process exit). */
  closeAll(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd);
  }
}
