/**
 * MAP_SHARED file mappings written back to their file. wasmu maps a file by copying its
 * bytes into guest memory (the guest's memory is one wasm memory, not the host's page
 * cache), so the writes a guest makes through a shared mapping reach the file when Linux
 * guarantees they are visible to read(): at msync, munmap (and an mmap over the range),
 * mremap (the old range), execve and the end of the process. Between two of those points,
 * read() of the file does not see the mapping's writes yet (Linux's page cache would).
 * Only the bytes inside the file are written (a mapping never extends its file, as on
 * Linux, where a store beyond the end is SIGBUS).
 *
 * Owned by the kernel thread (no lock): each process has one, copied by fork.
 *
 * @module
 */
import type { OpenFile } from "../fs/open-file.js";
import type { AddressSpace } from "./address-space.js";

/** One shared file mapping: guest range [start, end) shows `file` from byte `offset`. */
interface Segment {
  start: number;
  end: number;
  offset: number;
  readonly file: OpenFile;
}

/** A process's shared file mappings. */
export class SharedFileMaps {
  private segments: Segment[] = [];

  /** Whether there is none (the common case: nothing to do at the flush points). */
  get empty(): boolean {
    return this.segments.length === 0;
  }

  /** Records a new shared mapping of `file` (a reference is taken) at [start, end) from `offset`. */
  add(start: number, end: number, file: OpenFile, offset: number): void {
    this.segments.push({ start, end, offset, file: file.ref() });
  }

  /** Writes the bytes of [start, end) that belong to shared file mappings back to their files. */
  flush(mm: AddressSpace, start = 0, end = Number.MAX_SAFE_INTEGER): void {
    for (const s of this.segments) {
      const a = Math.max(s.start, start);
      const b = Math.min(s.end, end);
      if (a >= b || !s.file.writable) continue;
      const st = s.file.stat();
      if (typeof st === "number") continue;
      const pos = s.offset + (a - s.start);
      const len = Math.min(b - a, Number(st.size) - pos);
      if (len <= 0) continue;
      const data = mm.memory.bytes.subarray(a - mm.memory.lo, a - mm.memory.lo + len);
      const r = s.file.pwrite(data, pos);
      // A pwrite that blocks (not a regular file) is not waited for: such files are not mapped.
      if (typeof r === "object") void r.then(() => {});
    }
  }

  /**
   * Writes back (unless `writeBack` is false: the range was already written back and has
   * moved, mremap) and forgets the parts of the mappings inside [start, end) (munmap, a
   * mapping over them).
   */
  drop(mm: AddressSpace, start: number, end: number, writeBack = true): void {
    if (this.segments.length === 0) return;
    if (writeBack) this.flush(mm, start, end);
    const next: Segment[] = [];
    for (const s of this.segments) {
      if (s.end <= start || s.start >= end) {
        next.push(s);
        continue;
      }
      // Keep what lies outside the range (each kept piece holds its own reference).
      if (s.start < start) next.push({ start: s.start, end: start, offset: s.offset, file: s.file.ref() });
      if (s.end > end) next.push({ start: end, end: s.end, offset: s.offset + (end - s.start), file: s.file.ref() });
      s.file.unref();
    }
    this.segments = next;
  }

  /** The segment that covers all of [start, end), if one does (mremap keeps a mapping shared). */
  covering(start: number, end: number): { readonly file: OpenFile; readonly offset: number } | undefined {
    const s = this.segments.find((x) => x.start <= start && x.end >= end);
    return s === undefined ? undefined : { file: s.file, offset: s.offset + (start - s.start) };
  }

  /** Writes everything back and releases the files (execve, the end of the process). */
  release(mm: AddressSpace): void {
    this.flush(mm);
    for (const s of this.segments) s.file.unref();
    this.segments = [];
  }

  /** A copy for a child process (fork): the same files, one more reference each. */
  fork(): SharedFileMaps {
    const c = new SharedFileMaps();
    c.segments = this.segments.map((s) => ({ ...s, file: s.file.ref() }));
    return c;
  }
}
