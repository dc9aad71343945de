/**
 * A guest process's address space: VMAs, page flags and brk over a {@link GuestMemory},
 * with Linux's mmap, munmap, mprotect, mremap and brk semantics (error codes, splitting,
 * top-down placement below the stack), every change under the process's mmap_lock, and
 * copy_from_user/copy_to_user style accessors for system calls.
 *
 * Layout (Linux's, scaled to the mappable window `[lo, top)` where `top = lo + size` plays
 * the part of TASK_SIZE; wasmu does not randomise):
 *
 * | what | where |
 * |------|-------|
 * | stack | ends at `top` ({@link AddressSpace.stackTop}) |
 * | mmap_base | `top - gap`, gap = stack rlimit + guard gap clamped to [128 MiB, 5/6 of the window] (mm/util.c's mmap_base) |
 * | non-fixed maps | top-down from mmap_base, then anywhere |
 * | ELF_ET_DYN_BASE | `2/3` of `top` (arch/riscv: `(TASK_SIZE / 3) * 2`), page aligned |
 * | lowest address | `mmap_min_addr` (65536 as Debian sets it) |
 *
 * All methods return a non-negative address / 0 on success or `-errno`, never throw for
 * guest input. Public methods take mmap_lock themselves. Page flags changes go to the
 * optional {@link PageFlagsMirror} too (under tcg: the page access table generated code
 * checks guest loads, stores and fetches against), and pages losing PROT_EXEC to the
 * {@link CodeHook}, in the same mmap_lock section.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { CodeHook } from "./code-hook.js";
import { MapFlag, MremapFlag, Prot } from "./constants.js";
import type { GuestMemory } from "./guest-memory.js";
import { localMmapLock, type MmapLock } from "./mmap-lock.js";
import { PAGE_EXEC, PAGE_READ, PAGE_VALID, PAGE_WRITE, PageFlags, type PageFlagsMirror, pageFlagsOfProt } from "./page-flags.js";
import { type Vma, VmaList } from "./vma-list.js";

/** Linux's default stack_guard_gap: 256 pages. */
export const STACK_GUARD_GAP = 256 * 4096;
/** Linux's mmap_base MIN_GAP: 128 MiB. */
const MIN_GAP = 128 << 20;
/** Debian's vm.mmap_min_addr. */
export const DEFAULT_MMAP_MIN_ADDR = 0x10000;
/** Default RLIMIT_STACK: 8 MiB. */
export const DEFAULT_STACK_LIMIT = 8 << 20;
/** Page flag bit (private to this file): the page was mapped at some time, so it may hold old bytes. */
const PAGE_TOUCHED = 0x80;

/** Options of {@link AddressSpace}. */
export interface AddressSpaceOptions {
  /** The guest memory (the window of mappable addresses). */
  readonly memory: GuestMemory;
  /** The process's mmap_lock (default: {@link localMmapLock}). */
  readonly lock?: MmapLock;
  /** Told about changes that may invalidate translated code. */
  readonly codeHook?: CodeHook;
  /** log2 of the page size (12). */
  readonly pageBits?: number;
  /** Lowest mappable address (default {@link DEFAULT_MMAP_MIN_ADDR}). */
  readonly mmapMinAddr?: number;
  /** RLIMIT_STACK, which sets the stack size and mmap_base (default 8 MiB). */
  readonly stackLimit?: number;
  /** Keep page flags in a SharedArrayBuffer (for vCPU workers). */
  readonly sharedFlags?: boolean;
  /**
   * Told every change of page flags (under mmap_lock), starting with "all unmapped": tcg's
   * page access table, which generated code checks accesses against (tcgPageAccess).
   */
  readonly flagsMirror?: PageFlagsMirror;
  /** The mirror already shows every page unmapped (a new or emptied table): it is not told again at the start. */
  readonly flagsMirrorUnmapped?: boolean;
}

/** File contents to copy into a new mapping (wasmu copies; MAP_SHARED writes do not reach the file). */
export interface MapBacking {
  /** Bytes of the file from the mapping's offset (may be shorter than the mapping: the rest is zero). */
  readonly data: Uint8Array;
  /** File offset of the mapping's first byte. */
  readonly offset: number;
  /** Name for /proc/self/maps (the file's path). */
  readonly name: string;
}

/** The mmap, munmap, mprotect, mremap, brk state of one guest process. */
export class AddressSpace {
  /** Guest memory. */
  readonly memory: GuestMemory;
  /** Page flags (readable by other threads when `sharedFlags`). */
  readonly pages: PageFlags;
  /** The VMAs. */
  readonly vmas: VmaList;
  /** The mmap_lock. */
  readonly lock: MmapLock;
  /** Page size. */
  readonly pageSize: number;
  /** End of the mappable window (TASK_SIZE). */
  readonly top: number;
  /** Lowest mappable address. */
  readonly mmapMinAddr: number;
  /** Where top-down placement of non-fixed maps starts. */
  readonly mmapBase: number;
  /** Top of the initial stack. */
  readonly stackTop: number;
  /** RLIMIT_STACK. */
  readonly stackLimit: number;
  /** Load bias base for ET_DYN executables (ELF_ET_DYN_BASE). */
  readonly elfEtDynBase: number;
  /** Start of the brk area (set by the loader with {@link initBrk}). */
  startBrk = 0;
  /** The current program break (unaligned, as the guest asked). */
  brkValue = 0;
  private readonly hook: CodeHook | undefined;
  private readonly mask: number;

  /** @param opts see {@link AddressSpaceOptions}. */
  constructor(opts: AddressSpaceOptions) {
    this.memory = opts.memory;
    const pageBits = opts.pageBits ?? 12;
    this.pageSize = 2 ** pageBits;
    this.mask = this.pageSize - 1;
    const { lo, size } = opts.memory;
    if (lo % this.pageSize !== 0 || size % this.pageSize !== 0) throw new RangeError("guest memory must be page aligned");
    this.top = lo + size;
    this.pages = new PageFlags(lo, size / this.pageSize, pageBits, opts.sharedFlags ?? false, opts.flagsMirror, opts.flagsMirrorUnmapped ?? false);
    this.vmas = new VmaList();
    this.lock = opts.lock ?? localMmapLock();
    this.hook = opts.codeHook;
    this.mmapMinAddr = Math.max(lo, opts.mmapMinAddr ?? DEFAULT_MMAP_MIN_ADDR);
    this.stackLimit = opts.stackLimit ?? DEFAULT_STACK_LIMIT;
    this.stackTop = this.top;
    const maxGap = Math.floor(size / 6) * 5;
    const gap = Math.min(Math.max(this.stackLimit + STACK_GUARD_GAP, MIN_GAP), maxGap);
    this.mmapBase = this.pageDown(this.top - gap);
    this.elfEtDynBase = this.pageDown(Math.floor(this.top / 3) * 2);
  }

  /** `a` rounded down to a page. */
  pageDown(a: number): number {
    return a - (a % this.pageSize);
  }

  /** `a` rounded up to a page. */
  pageUp(a: number): number {
    return this.pageDown(a + this.mask);
  }

  /** Runs `f` under mmap_lock. */
  locked<T>(f: () => T): T {
    this.lock.lock();
    try {
      return f();
    } finally {
      this.lock.unlock();
    }
  }

  // ---- mmap ---------------------------------------------------------------------------

  /**
   * mmap(2): maps `len` bytes with `prot` and `flags` (MAP_*), at `addr` when MAP_FIXED
   * or MAP_FIXED_NOREPLACE, else near the hint `addr` or top-down from mmap_base. File
   * mappings pass `backing` (MAP_ANONYMOUS ignores it). Returns the address or -errno.
   */
  mmap(addr: number, len: number, prot: number, flags: number, backing?: MapBacking): number {
    const type = flags & MapFlag.TYPE;
    if (type !== MapFlag.SHARED && type !== MapFlag.PRIVATE && type !== MapFlag.SHARED_VALIDATE) return -Errno.EINVAL;
    if (len <= 0) return -Errno.EINVAL;
    const size = this.pageUp(len);
    if (size > this.memory.size) return -Errno.ENOMEM;
    const fixed = (flags & (MapFlag.FIXED | MapFlag.FIXED_NOREPLACE)) !== 0;
    const anonymous = (flags & MapFlag.ANONYMOUS) !== 0 || backing === undefined;
    if (!anonymous && backing.offset % this.pageSize !== 0) return -Errno.EINVAL;
    return this.locked(() => {
      let at: number;
      if (fixed) {
        if (addr % this.pageSize !== 0) return -Errno.EINVAL;
        if (addr < this.mmapMinAddr) return -Errno.EPERM;
        if (addr + size > this.top) return -Errno.ENOMEM;
        if (this.vmas.overlaps(addr, addr + size)) {
          if ((flags & MapFlag.FIXED) === 0) return -Errno.EEXIST;
          this.unmapLocked(addr, addr + size);
        }
        at = addr;
      } else {
        at = this.findFree(size, addr);
        if (at < 0) return -Errno.ENOMEM;
      }
      const vma: Vma = {
        start: at,
        end: at + size,
        prot: prot & (Prot.READ | Prot.WRITE | Prot.EXEC),
        shared: type !== MapFlag.PRIVATE,
        anonymous,
        growsDown: (flags & MapFlag.GROWSDOWN) !== 0,
        name: anonymous ? "" : backing.name,
        offset: anonymous ? 0 : backing.offset,
      };
      this.populate(at, at + size, anonymous ? undefined : backing.data);
      this.vmas.insert(vma);
      this.pages.set(at, at + size, pageFlagsOfProt(vma.prot) | PAGE_TOUCHED);
      return at;
    });
  }

  /** Maps a named anonymous private region at a fixed address (loader: stack, bss, heap). Returns the address or -errno. */
  mapFixedAnon(start: number, end: number, prot: number, name = "", growsDown = false): number {
    const flags = MapFlag.PRIVATE | MapFlag.ANONYMOUS | MapFlag.FIXED | (growsDown ? MapFlag.GROWSDOWN : 0);
    const r = this.mmap(start, end - start, prot, flags);
    if (r >= 0 && name !== "") this.locked(() => this.vmas.update(start, end, (v) => ({ ...v, name })));
    return r;
  }

  /** The highest free, suitably guarded range of `size` bytes: at the hint if it fits, else top-down. -1 if none. */
  private findFree(size: number, hint: number): number {
    if (hint !== 0) {
      const a = this.pageUp(hint);
      if (a >= this.mmapMinAddr && a + size <= this.top && this.isFreeGuarded(a, a + size)) return a;
    }
    const below = this.topDown(size, this.mmapMinAddr, this.mmapBase);
    return below >= 0 ? below : this.topDown(size, this.mmapMinAddr, this.top);
  }

  /** Whether [start, end) is free and outside every stack's guard gap. */
  private isFreeGuarded(start: number, end: number): boolean {
    const next = this.vmas.findAfter(start);
    if (next === undefined) return true;
    return end <= gapStart(next);
  }

  private topDown(size: number, low: number, high: number): number {
    const all = this.vmas.all;
    let i = this.vmas.indexAfter(high);
    // The gap below VMA i (or below `high` when i is past the end or starts above high).
    for (;;) {
      const next = all[i];
      const prev = all[i - 1];
      let gapHi = next === undefined ? this.top : gapStart(next);
      if (gapHi > high) gapHi = high;
      const gapLo = prev === undefined ? low : Math.max(low, prev.end);
      if (gapHi - gapLo >= size) return this.pageDown(gapHi - size);
      if (prev === undefined || prev.end <= low) return -1;
      i--;
    }
  }

  /** Zero-fills pages that may hold old bytes, then copies `data` at `start`. */
  private populate(start: number, end: number, data: Uint8Array | undefined): void {
    const bytes = this.memory.bytes;
    const lo = this.memory.lo;
    const flags = this.pages.flags;
    const first = (start - lo) / this.pageSize;
    const last = (end - lo) / this.pageSize;
    for (let p = first; p < last; p++) {
      if ((flags[p]! & PAGE_TOUCHED) !== 0) bytes.fill(0, p * this.pageSize, (p + 1) * this.pageSize);
    }
    if (data !== undefined && data.length > 0) bytes.set(data.subarray(0, end - start), start - lo);
  }

  // ---- munmap -------------------------------------------------------------------------

  /** munmap(2). Returns 0 or -errno. */
  munmap(addr: number, len: number): number {
    if (addr % this.pageSize !== 0 || len <= 0) return -Errno.EINVAL;
    const end = addr + this.pageUp(len);
    if (addr < this.memory.lo || end > this.top) return -Errno.EINVAL;
    this.locked(() => this.unmapLocked(addr, end));
    return 0;
  }

  private unmapLocked(start: number, end: number): void {
    const removed = this.vmas.remove(start, end);
    for (const v of removed) {
      this.pages.set(v.start, v.end, PAGE_TOUCHED);
      if ((v.prot & Prot.EXEC) !== 0) this.hook?.invalidate(v.start, v.end);
    }
  }

  // ---- mprotect -----------------------------------------------------------------------

  /** mprotect(2). Returns 0 or -errno (ENOMEM at the first unmapped page; earlier pages keep the change, as Linux). */
  mprotect(addr: number, len: number, prot: number): number {
    if (addr % this.pageSize !== 0) return -Errno.EINVAL;
    if ((prot & ~(Prot.READ | Prot.WRITE | Prot.EXEC | Prot.GROWSDOWN | Prot.GROWSUP)) !== 0) return -Errno.EINVAL;
    if ((prot & Prot.GROWSDOWN) !== 0 && (prot & Prot.GROWSUP) !== 0) return -Errno.EINVAL;
    if (len === 0) return 0;
    const end = addr + this.pageUp(len);
    if (end > this.top || len < 0) return -Errno.ENOMEM;
    const p = prot & (Prot.READ | Prot.WRITE | Prot.EXEC);
    return this.locked(() => {
      let start = addr;
      if ((prot & Prot.GROWSDOWN) !== 0) {
        const v = this.vmas.find(addr);
        if (v === undefined || !v.growsDown) return -Errno.EINVAL;
        start = v.start;
      }
      let at = start;
      let result = 0;
      const all = this.vmas.all;
      for (let i = this.vmas.indexAfter(start); at < end; i++) {
        const v = all[i];
        if (v === undefined || v.start > at) {
          result = -Errno.ENOMEM;
          break;
        }
        at = Math.min(v.end, end);
      }
      const upTo = result === 0 ? end : at;
      if (upTo > start) this.protectLocked(start, upTo, p);
      return result;
    });
  }

  private protectLocked(start: number, end: number, prot: number): void {
    const changes: [number, number, number][] = [];
    for (let i = this.vmas.indexAfter(start); i < this.vmas.all.length; i++) {
      const v = this.vmas.all[i]!;
      if (v.start >= end) break;
      changes.push([Math.max(v.start, start), Math.min(v.end, end), v.prot]);
    }
    this.vmas.update(start, end, (v) => ({ ...v, prot }));
    this.pages.set(start, end, pageFlagsOfProt(prot) | PAGE_TOUCHED);
    for (const [s, e, old] of changes) {
      if ((old & Prot.EXEC) !== 0 && (prot & Prot.EXEC) === 0) this.hook?.invalidate(s, e);
      if ((old & Prot.WRITE) === 0 && (prot & Prot.WRITE) !== 0) this.hook?.writable?.(s, e);
    }
  }

  // ---- mremap -------------------------------------------------------------------------

  /** mremap(2). Returns the (possibly new) address or -errno. */
  mremap(oldAddr: number, oldLen: number, newLen: number, flags: number, newAddr: number): number {
    if ((flags & ~(MremapFlag.MAYMOVE | MremapFlag.FIXED | MremapFlag.DONTUNMAP)) !== 0) return -Errno.EINVAL;
    if ((flags & MremapFlag.FIXED) !== 0 && (flags & MremapFlag.MAYMOVE) === 0) return -Errno.EINVAL;
    if ((flags & MremapFlag.DONTUNMAP) !== 0) return -Errno.EINVAL; // not supported by wasmu (Linux: only some private anonymous maps)
    if (oldAddr % this.pageSize !== 0) return -Errno.EINVAL;
    const oldSize = this.pageUp(oldLen);
    const newSize = this.pageUp(newLen);
    if (newSize === 0 || oldSize === 0) return -Errno.EINVAL;
    if (oldAddr + oldSize > this.top || newSize > this.memory.size) return -Errno.EINVAL;
    return this.locked(() => {
      const vma = this.vmas.find(oldAddr);
      if (vma === undefined) return -Errno.EFAULT;
      if ((flags & MremapFlag.FIXED) !== 0) {
        if (newAddr % this.pageSize !== 0) return -Errno.EINVAL;
        if (newAddr < oldAddr + oldSize && oldAddr < newAddr + newSize) return -Errno.EINVAL;
        if (newAddr < this.mmapMinAddr) return -Errno.EPERM;
        if (newAddr + newSize > this.top) return -Errno.ENOMEM;
        if (oldAddr + Math.min(oldSize, newSize) > vma.end) return -Errno.EFAULT;
        return this.moveLocked(vma, oldAddr, oldSize, newSize, newAddr);
      }
      if (newSize <= oldSize) {
        if (newSize < oldSize) this.unmapLocked(oldAddr + newSize, oldAddr + oldSize);
        return oldAddr;
      }
      if (oldAddr + oldSize > vma.end) return -Errno.EFAULT;
      // Grow in place when the pages after the old end are free.
      const end = oldAddr + newSize;
      if (oldAddr + oldSize === vma.end && end <= this.top && this.isFreeGuarded(vma.end, end)) {
        this.populate(vma.end, end, undefined);
        this.vmas.insert({ ...vma, start: vma.end, end, offset: vma.offset + (vma.end - vma.start) });
        this.pages.set(vma.end, end, pageFlagsOfProt(vma.prot) | PAGE_TOUCHED);
        return oldAddr;
      }
      if ((flags & MremapFlag.MAYMOVE) === 0) return -Errno.ENOMEM;
      const to = this.findFree(newSize, 0);
      if (to < 0) return -Errno.ENOMEM;
      return this.moveLocked(vma, oldAddr, oldSize, newSize, to);
    });
  }

  /** Moves [oldAddr, oldAddr + oldSize) of `vma` to `to`, growing or shrinking to newSize. */
  private moveLocked(vma: Vma, oldAddr: number, oldSize: number, newSize: number, to: number): number {
    const keep = Math.min(oldSize, newSize, vma.end - oldAddr);
    const saved = this.memory.bytes.slice(oldAddr - this.memory.lo, oldAddr - this.memory.lo + keep);
    this.unmapLocked(oldAddr, oldAddr + oldSize);
    this.unmapLocked(to, to + newSize);
    this.populate(to, to + newSize, saved);
    this.vmas.insert({ ...vma, start: to, end: to + newSize, offset: vma.offset + (oldAddr - vma.start) });
    this.pages.set(to, to + newSize, pageFlagsOfProt(vma.prot) | PAGE_TOUCHED);
    return to;
  }

  // ---- brk ----------------------------------------------------------------------------

  /** Sets the start of the brk area (the page-aligned end of the executable's bss). */
  initBrk(addr: number): void {
    this.startBrk = this.pageUp(addr);
    this.brkValue = this.startBrk;
  }

  /**
   * brk(2), as the kernel does it: returns the new break, or the old one when the request
   * is below the start, would run into another mapping (keeping a page and the guard gap),
   * or is out of the window.
   */
  brk(newBrk: number): number {
    if (newBrk < this.startBrk || newBrk > this.top) return this.brkValue;
    return this.locked(() => {
      const oldPage = this.pageUp(this.brkValue);
      const newPage = this.pageUp(newBrk);
      if (newPage === oldPage) {
        this.brkValue = newBrk;
        return newBrk;
      }
      if (newPage < oldPage) {
        this.unmapLocked(newPage, oldPage);
        this.brkValue = newBrk;
        return newBrk;
      }
      const next = this.vmas.findAfter(oldPage);
      if (next !== undefined && newPage + this.pageSize > gapStart(next)) return this.brkValue;
      if (newPage + this.pageSize > this.top) return this.brkValue;
      this.populate(oldPage, newPage, undefined);
      this.vmas.insert({ start: oldPage, end: newPage, prot: Prot.READ | Prot.WRITE, shared: false, anonymous: true, growsDown: false, name: "[heap]", offset: 0 });
      this.pages.set(oldPage, newPage, pageFlagsOfProt(Prot.READ | Prot.WRITE) | PAGE_TOUCHED);
      this.brkValue = newBrk;
      return newBrk;
    });
  }

  // ---- guest access for system calls (copy_from_user / copy_to_user) -------------------

  /** Whether [addr, addr + len) is mapped with every flag of `need` (PAGE_READ, PAGE_WRITE). */
  accessible(addr: number, len: number, need: number): boolean {
    return len === 0 || (addr >= this.memory.lo && addr + len <= this.top && this.pages.check(addr, addr + len, need));
  }

  /**
   * A view (no copy) of guest bytes [addr, addr + len) for reading (`write` false) or
   * writing, or undefined when not accessible (the system call returns EFAULT). After
   * writing through it, call {@link wrote}.
   */
  view(addr: number, len: number, write: boolean): Uint8Array | undefined {
    if (!this.accessible(addr, len, write ? PAGE_WRITE : PAGE_READ)) return undefined;
    const o = addr - this.memory.lo;
    return this.memory.bytes.subarray(o, o + len);
  }

  /** Reports a host write of guest bytes [addr, addr + len): executable pages lose their translations. */
  wrote(addr: number, len: number): void {
    if (this.hook === undefined || len === 0 || !this.pages.check(addr, addr + len, 0)) return;
    let exec = false;
    for (let a = this.pageDown(addr); a < addr + len; a += this.pageSize) if ((this.pages.get(a) & PAGE_EXEC) !== 0) exec = true;
    if (exec) this.locked(() => this.hook?.invalidate(addr, addr + len));
  }

  /** Copies guest bytes out (copy_from_user); undefined on EFAULT. */
  read(addr: number, len: number): Uint8Array | undefined {
    return this.view(addr, len, false)?.slice();
  }

  /** Copies bytes into the guest (copy_to_user); false on EFAULT. */
  write(addr: number, data: Uint8Array): boolean {
    const v = this.view(addr, data.length, true);
    if (v === undefined) return false;
    v.set(data);
    this.wrote(addr, data.length);
    return true;
  }

  /** Writes bytes regardless of page protections (the loader filling read-only segments). */
  poke(addr: number, data: Uint8Array): void {
    const o = addr - this.memory.lo;
    if (o < 0 || o + data.length > this.memory.size) throw new RangeError(`0x${addr.toString(16)} is outside guest memory`);
    this.memory.bytes.set(data, o);
    this.wrote(addr, data.length);
  }

  /** Reads a NUL-terminated string of at most `max` bytes: the string, -EFAULT or -ENAMETOOLONG. */
  readCString(addr: number, max = 4096): Uint8Array | number {
    const lo = this.memory.lo;
    const bytes = this.memory.bytes;
    for (let i = 0; i < max; i++) {
      const a = addr + i;
      if (i === 0 || a % this.pageSize === 0) {
        if (!this.accessible(a, 1, PAGE_READ)) return -Errno.EFAULT;
      }
      if (bytes[a - lo] === 0) return bytes.slice(addr - lo, a - lo);
    }
    return -Errno.ENAMETOOLONG;
  }

  /**
   * A copy of this address space's mappings, flags, brk and mapped bytes into `memory`
   * (fork). `memory` must be fresh (all zero): only pages holding a non-zero byte are
   * copied, so a large mapping the parent never touched costs a scan, not a copy, and
   * leaves the child's pages uncommitted. Or `memory` was used by another address space
   * whose page flags were `stale` (a reused environment): the pages that one ever mapped
   * may hold its bytes; each of them is compared with the parent's page and written only
   * where it differs (a fork after a fork of the same parent rewrites little), and those
   * outside the parent's mappings are zeroed.
   */
  fork(opts: Omit<AddressSpaceOptions, "stackLimit" | "mmapMinAddr"> & { readonly memory: GuestMemory }, stale?: Uint8Array): AddressSpace {
    const child = new AddressSpace({ ...opts, stackLimit: this.stackLimit, mmapMinAddr: this.mmapMinAddr, pageBits: Math.log2(this.pageSize) });
    if (child.memory.lo !== this.memory.lo || child.memory.size !== this.memory.size) throw new RangeError("fork needs a memory of the same window");
    this.locked(() => {
      if (stale !== undefined) zeroTouched(stale, child.memory.bytes, this.pageSize, this.pages.flags);
      for (const v of this.vmas.all) {
        child.vmas.insert(v);
        const from = v.start - this.memory.lo;
        const to = v.end - this.memory.lo;
        if (stale === undefined) copyTouched(this.memory.bytes, child.memory.bytes, from, to, this.pageSize);
        else copyChanged(this.memory.bytes, child.memory.bytes, from, to, this.pageSize, stale);
      }
      child.pages.copyFrom(this.pages);
      child.startBrk = this.startBrk;
      child.brkValue = this.brkValue;
    });
    return child;
  }
}

/**
 * Zeroes every page whose `stale` flags say it was ever mapped (PAGE_TOUCHED) and that
 * holds a non-zero byte, except pages that `keep` flags as mapped (PAGE_VALID: a fork
 * writes those): after it the window is zero outside them, as in a fresh memory (guest
 * code and the kernel write only mapped pages). For an environment reused by another
 * process.
 */
export function zeroTouched(stale: Uint8Array, bytes: Uint8Array, page: number, keep?: Uint8Array): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zeroPage = ZERO_CHUNK.subarray(0, page);
  const perChunk = ZERO_CHUNK.length / page;
  for (let p = 0; p < stale.length; p++) {
    if ((stale[p]! & PAGE_TOUCHED) === 0 || (keep !== undefined && (keep[p]! & PAGE_VALID) !== 0)) continue;
    const o = p * page;
    // A whole zero chunk at once (a large mapping its last user never wrote).
    if (p % perChunk === 0 && p + perChunk <= stale.length && buf.subarray(o, o + ZERO_CHUNK.length).equals(ZERO_CHUNK)) {
      p += perChunk - 1;
      continue;
    }
    if (!buf.subarray(o, o + page).equals(zeroPage)) bytes.fill(0, o, o + page);
  }
}

/**
 * Makes pages [start, end) (byte offsets, page-aligned) of `to` equal to `from`'s, where
 * `to` is zero except on the pages `stale` flags as ever mapped: those are compared and
 * written where they differ, the others written where `from` is not zero.
 */
function copyChanged(from: Uint8Array, to: Uint8Array, start: number, end: number, page: number, stale: Uint8Array): void {
  const a = Buffer.from(from.buffer, from.byteOffset, from.byteLength);
  const b = Buffer.from(to.buffer, to.byteOffset, to.byteLength);
  const zeroPage = ZERO_CHUNK.subarray(0, page);
  const chunk = ZERO_CHUNK.length;
  for (let c = start; c < end; c += chunk) {
    const ce = Math.min(end, c + chunk);
    let touched = false;
    for (let o = c; o < ce && !touched; o += page) touched = (stale[o / page]! & PAGE_TOUCHED) !== 0;
    // A chunk the old user never mapped is zero here: only the parent's non-zero pages.
    if (!touched) {
      copyTouched(from, to, c, ce, page);
      continue;
    }
    // Equal already (most of a mapping the parent never wrote is zero on both sides).
    if (a.subarray(c, ce).equals(b.subarray(c, ce))) continue;
    for (let o = c; o < ce; o += page) {
      const src = a.subarray(o, o + page);
      if ((stale[o / page]! & PAGE_TOUCHED) !== 0 ? !src.equals(b.subarray(o, o + page)) : !src.equals(zeroPage)) to.set(src, o);
    }
  }
}

/** Zeros to compare guest memory with (a 64 KiB chunk at a time). */
const ZERO_CHUNK = Buffer.alloc(64 * 1024);

/**
 * Copies the pages of `[start, end)` (byte offsets, page-aligned) of `from` that are not
 * all zero into `to`. Zero runs are found by memcmp against a zero buffer (Buffer.equals),
 * 64 KiB at a time, then page by page inside a chunk that is not all zero: ~10x faster
 * than a JavaScript loop over words.
 */
function copyTouched(from: Uint8Array, to: Uint8Array, start: number, end: number, page: number): void {
  const src = Buffer.from(from.buffer, from.byteOffset, from.byteLength);
  const chunk = ZERO_CHUNK.length;
  const zeroPage = ZERO_CHUNK.subarray(0, page);
  for (let c = start; c < end; c += chunk) {
    const ce = Math.min(end, c + chunk);
    if (ce - c === chunk && src.subarray(c, ce).equals(ZERO_CHUNK)) continue;
    for (let p = c; p < ce; p += page) {
      if (!src.subarray(p, p + page).equals(zeroPage)) to.set(from.subarray(p, p + page), p);
    }
  }
}

/** The lowest address a new mapping below `v` may end at: its start, less the guard gap of a stack. */
function gapStart(v: Vma): number {
  return v.growsDown ? Math.max(0, v.start - STACK_GUARD_GAP) : v.start;
}

/** Page flags a guest access needs: PAGE_READ or PAGE_WRITE. */
export const ACCESS_READ = PAGE_READ;
/** See {@link ACCESS_READ}. */
export const ACCESS_WRITE = PAGE_WRITE;
