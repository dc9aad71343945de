/**
 * Page flags of a guest address space: one byte per guest page of the mappable window,
 * optionally in a SharedArrayBuffer so that vCPU workers can read them without asking the
 * thread that owns the VMAs. Written only under mmap_lock.
 *
 * Every change can also go to a {@link PageFlagsMirror}: under tcg, the page access table
 * that generated code checks loads, stores and fetches against (tcg-page-access.ts).
 *
 * Protections map to flags as Linux maps them to riscv64 page-table bits: PROT_WRITE
 * implies read (a write-only PTE is reserved; Linux makes such a page readable), while
 * PROT_EXEC alone gives an execute-only page that loads fault on.
 *
 * @module
 */

/** The page is mapped. */
export const PAGE_VALID = 1;
/** Readable. */
export const PAGE_READ = 2;
/** Writable. */
export const PAGE_WRITE = 4;
/** Executable. */
export const PAGE_EXEC = 8;

/** Page flags from mmap protections (PROT_READ=1, WRITE=2, EXEC=4; PROT_WRITE implies read). */
export function pageFlagsOfProt(prot: number): number {
  return PAGE_VALID | ((prot & 3) !== 0 ? PAGE_READ : 0) | ((prot & 2) !== 0 ? PAGE_WRITE : 0) | ((prot & 4) !== 0 ? PAGE_EXEC : 0);
}

/** Receives every change of page flags (mmap_lock held). */
export interface PageFlagsMirror {
  /** Pages [start, end) (page-aligned guest addresses) now have `flags` (PAGE_* bits; other bits are the address space's own). */
  set(start: number, end: number, flags: number): void;
}

/** Per-page flags over guest addresses [lo, lo + pages * pageSize). */
export class PageFlags {
  /** One byte per page. */
  readonly flags: Uint8Array;

  /**
   * @param lo guest address of page 0.
   * @param pages number of pages.
   * @param pageBits log2 of the page size.
   * @param shared allocate in a SharedArrayBuffer.
   * @param mirror told about every change (and, from the constructor, that every page is unmapped).
   * @param mirrorUnmapped the mirror already shows every page unmapped (a new or emptied page
   *   access table): the constructor does not tell it again.
   */
  constructor(
    readonly lo: number,
    readonly pages: number,
    readonly pageBits = 12,
    shared = false,
    private readonly mirror?: PageFlagsMirror,
    mirrorUnmapped = false,
  ) {
    this.flags = new Uint8Array(shared ? new SharedArrayBuffer(pages) : new ArrayBuffer(pages));
    if (!mirrorUnmapped) mirror?.set(lo, lo + pages * 2 ** pageBits, 0);
    this.untouched = true;
  }

  /** No page's flags were set since the constructor (all 0, the mirror says unmapped). */
  private untouched: boolean;

  /** The flags of the page holding guest address `addr` (0 outside the window). */
  get(addr: number): number {
    const p = Math.floor((addr - this.lo) / 2 ** this.pageBits);
    return p >= 0 && p < this.pages ? this.flags[p]! : 0;
  }

  /** Sets the flags of every page in [start, end) (page aligned, inside the window). */
  set(start: number, end: number, flags: number): void {
    const s = (start - this.lo) / 2 ** this.pageBits;
    const e = (end - this.lo) / 2 ** this.pageBits;
    this.flags.fill(flags, s, e);
    this.mirror?.set(start, end, flags);
    this.untouched = false;
  }

  /** Takes every page's flags from `other` (a window of the same size: fork). */
  copyFrom(other: PageFlags): void {
    if (other.lo !== this.lo || other.pages !== this.pages || other.pageBits !== this.pageBits) throw new RangeError("page flags of another window");
    const size = 2 ** this.pageBits;
    // Runs of flags 0 (never mapped) are already so here when nothing was set yet.
    const skipZero = this.untouched;
    let p = 0;
    while (p < this.pages) {
      let q = p + 1;
      while (q < this.pages && other.flags[q] === other.flags[p]) q++;
      if (!(skipZero && other.flags[p] === 0)) this.set(this.lo + p * size, this.lo + q * size, other.flags[p]!);
      p = q;
    }
  }

  /** Whether every page in [start, end) has all of `need` (for access checks; [start, end) need not be aligned). */
  check(start: number, end: number, need: number): boolean {
    if (end <= start) return true;
    const s = Math.floor((start - this.lo) / 2 ** this.pageBits);
    const e = Math.floor((end - 1 - this.lo) / 2 ** this.pageBits);
    if (s < 0 || e >= this.pages) return false;
    for (let p = s; p <= e; p++) if ((this.flags[p]! & need) !== need) return false;
    return true;
  }
}
