/**
 * The VMAs of a guest address space: a sorted array of non-overlapping page-aligned
 * ranges with their attributes, with the split/remove/insert operations that mmap,
 * munmap, mprotect and mremap are built from. Not locked itself: the owning
 * {@link AddressSpace} holds mmap_lock around every change.
 *
 * Addresses are JavaScript numbers: the mappable window is at most 4 GiB (a wasm32
 * memory), far below 2^53.
 *
 * @module
 */

/** One mapping (Linux's vm_area_struct, reduced to what user mode needs). */
export interface Vma {
  /** First address (page aligned). */
  readonly start: number;
  /** End address, exclusive (page aligned). */
  readonly end: number;
  /** PROT_READ | PROT_WRITE | PROT_EXEC. */
  readonly prot: number;
  /** MAP_SHARED (else private). */
  readonly shared: boolean;
  /** Not backed by a file. */
  readonly anonymous: boolean;
  /** A stack that Linux would grow downwards (MAP_GROWSDOWN, the initial stack): keeps a guard gap below. */
  readonly growsDown: boolean;
  /** What /proc/self/maps would name it: a path, "[stack]", "[heap]", or "". */
  readonly name: string;
  /** File offset of `start` (file mappings). */
  readonly offset: number;
}

/** A sorted list of VMAs. */
export class VmaList {
  private vmas: Vma[] = [];

  /** All VMAs in address order (read only). */
  get all(): readonly Vma[] {
    return this.vmas;
  }

  /** Index of the first VMA with `end > addr` (vmas.length when none). */
  indexAfter(addr: number): number {
    let lo = 0;
    let hi = this.vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.vmas[mid]!.end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The VMA containing `addr`, if any. */
  find(addr: number): Vma | undefined {
    const v = this.vmas[this.indexAfter(addr)];
    return v !== undefined && v.start <= addr ? v : undefined;
  }

  /** The first VMA ending after `addr` (Linux's find_vma), if any. */
  findAfter(addr: number): Vma | undefined {
    return this.vmas[this.indexAfter(addr)];
  }

  /** Whether any VMA overlaps [start, end). */
  overlaps(start: number, end: number): boolean {
    const v = this.findAfter(start);
    return v !== undefined && v.start < end;
  }

  /** Whether [start, end) is covered by VMAs without holes. */
  covered(start: number, end: number): boolean {
    let at = start;
    for (let i = this.indexAfter(start); i < this.vmas.length && at < end; i++) {
      const v = this.vmas[i]!;
      if (v.start > at) return false;
      at = v.end;
    }
    return at >= end;
  }

  /** Splits the VMA containing `addr` (if it straddles it) so that a VMA boundary falls on `addr`. */
  splitAt(addr: number): void {
    const i = this.indexAfter(addr);
    const v = this.vmas[i];
    if (v === undefined || v.start >= addr) return;
    const lo: Vma = { ...v, end: addr };
    const hi: Vma = { ...v, start: addr, offset: v.offset + (addr - v.start) };
    this.vmas.splice(i, 1, lo, hi);
  }

  /** Removes every mapping in [start, end) (splitting at the edges); returns what was removed. */
  remove(start: number, end: number): Vma[] {
    this.splitAt(start);
    this.splitAt(end);
    const i = this.indexAfter(start);
    let j = i;
    while (j < this.vmas.length && this.vmas[j]!.start < end) j++;
    return this.vmas.splice(i, j - i);
  }

  /** Inserts `v` (its range must be free), merging with compatible anonymous neighbours. */
  insert(v: Vma): void {
    const i = this.indexAfter(v.start);
    let merged = v;
    let from = i;
    let to = i;
    const prev = this.vmas[i - 1];
    if (prev !== undefined && prev.end === v.start && mergeable(prev, v)) {
      merged = { ...prev, end: v.end };
      from = i - 1;
    }
    const next = this.vmas[i];
    if (next !== undefined && next.start === v.end && mergeable(v, next)) {
      merged = { ...merged, end: next.end };
      to = i + 1;
    }
    this.vmas.splice(from, to - from, merged);
  }

  /** Replaces the VMAs inside [start, end) by copies with `change` applied (after splitting at the edges). */
  update(start: number, end: number, change: (v: Vma) => Vma): void {
    this.splitAt(start);
    this.splitAt(end);
    for (let i = this.indexAfter(start); i < this.vmas.length && this.vmas[i]!.start < end; i++) this.vmas[i] = change(this.vmas[i]!);
    this.coalesce();
  }

  /** A copy of the list (fork). */
  clone(): VmaList {
    const c = new VmaList();
    c.vmas = this.vmas.slice();
    return c;
  }

  private coalesce(): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const last = out[out.length - 1];
      if (last !== undefined && last.end === v.start && mergeable(last, v)) out[out.length - 1] = { ...last, end: v.end };
      else out.push(v);
    }
    this.vmas = out;
  }
}

/** Linux merges adjacent anonymous private VMAs with equal attributes (vma_merge). */
function mergeable(a: Vma, b: Vma): boolean {
  return a.anonymous && b.anonymous && !a.shared && !b.shared && a.prot === b.prot && a.growsDown === b.growsDown && a.name === b.name;
}
