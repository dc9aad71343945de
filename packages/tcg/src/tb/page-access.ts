/**
 * The page access table: one byte per guest page of the window, in the TB arena (so in
 * the shared WebAssembly.Memory), that generated code reads on guest accesses. It serves
 * two checks with one load:
 *
 * - the store-side code-page check (self-modifying code): {@link ACCESS_CODE} is set while
 *   the page's TB list is not empty (maintained by page-desc.ts with the list);
 * - the user-mode page protections: {@link ACCESS_NO_READ}, {@link ACCESS_NO_WRITE},
 *   {@link ACCESS_NO_EXEC} and {@link ACCESS_UNMAPPED}, written by the embedder (linux-user's
 *   address space, under mmap_lock) through {@link PageAccessTable.protect}.
 *
 * The bits say what is *denied*, so an all-zero table (bare metal, no MMU) permits
 * everything and only the CODE bit matters. A load faults when a page it touches has
 * NO_READ; a store (or an atomic, which also needs NO_READ clear) takes its slow path
 * when a page it touches has NO_WRITE or CODE: one test for both, and the slow path
 * (`rt.notdirty`) decides between a fault and the SMC invalidation.
 *
 * Pages are numbered as everywhere in the TB machinery: window (RAM) offset >> pageBits.
 *
 * Protection: the byte's NO_* / UNMAPPED bits are written under the embedder's memory lock
 * (user mode: mmap_lock), its CODE bit under the page's lock (page-desc.ts). Writers use
 * atomic read-modify-writes of the byte (Atomics.or / and / compareExchange), so neither
 * loses the other's bits; readers (generated code, the fetch check, fault classification)
 * use plain loads and see the old or the new byte, as a TLB would.
 *
 * @module
 */

/** Loads are denied (the page is not readable). */
export const ACCESS_NO_READ = 1;
/** Stores and atomics are denied. */
export const ACCESS_NO_WRITE = 2;
/** Instruction fetch is denied. */
export const ACCESS_NO_EXEC = 4;
/** The page is not mapped at all (the fault is a MAPERR rather than an ACCERR); set with all three NO_* bits. */
export const ACCESS_UNMAPPED = 8;
/** The page holds translated code (its TB list is not empty): stores take the notdirty path. */
export const ACCESS_CODE = 16;
/** Every permission bit (what {@link PageAccessTable.protect} writes). */
export const ACCESS_PROT_MASK = ACCESS_NO_READ | ACCESS_NO_WRITE | ACCESS_NO_EXEC | ACCESS_UNMAPPED;
/** The byte of an unmapped page. */
export const ACCESS_UNMAPPED_PAGE = ACCESS_PROT_MASK;

/** What kind of access is being classified. */
export type AccessKind = "load" | "store" | "atomic" | "fetch";

/** Why an access to the window was refused. */
export type AccessDenial = "unmapped" | "protected";

/** The bits that deny an access of `kind`. */
export function accessDenyMask(kind: AccessKind): number {
  switch (kind) {
    case "load": return ACCESS_NO_READ;
    case "store": return ACCESS_NO_WRITE;
    case "atomic": return ACCESS_NO_READ | ACCESS_NO_WRITE;
    default: return ACCESS_NO_EXEC;
  }
}

/** Views of the access bytes of a TB arena's page table. */
export class PageAccessTable {
  /** Bytes per page. */
  readonly pageSize: number;

  /**
   * @param bytes one byte per page (a view into the arena).
   * @param pageBits log2 of the page size.
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly pageBits: number,
  ) {
    this.pageSize = 2 ** pageBits;
  }

  /** Number of pages. */
  get pages(): number {
    return this.bytes.length;
  }

  /** The byte of page `p` (0 = everything allowed, no code). */
  get(p: number): number {
    return this.bytes[p]!;
  }

  /**
   * Sets the permission bits (`bits` & {@link ACCESS_PROT_MASK}) of pages [first, end),
   * keeping their CODE bits. Caller holds the memory lock (mmap_lock in user mode); TBs of
   * pages that lose execute permission must be invalidated by the caller too.
   */
  protect(first: number, end: number, bits: number): void {
    if (first < 0 || end > this.bytes.length || first > end) throw new RangeError(`pages [${first}, ${end}) out of range`);
    const b = this.bytes;
    const want = bits & ACCESS_PROT_MASK;
    for (let p = first; p < end; p++) {
      let old = b[p]!;
      while ((old & ACCESS_PROT_MASK) !== want) {
        const seen = Atomics.compareExchange(b, p, old, (old & ~ACCESS_PROT_MASK) | want);
        if (seen === old) break;
        old = seen;
      }
    }
  }

  /**
   * Called (by the thread that set it) when a page's CODE bit goes from clear to set: system
   * mode drops the soft TLBs' write entries of the page there (exec/soft-tlb.ts).
   */
  onCodeSet: ((p: number) => void) | undefined = undefined;

  /** Marks page `p` as holding code. Page lock held. */
  setCode(p: number): void {
    const old = Atomics.or(this.bytes, p, ACCESS_CODE);
    if ((old & ACCESS_CODE) === 0 && this.onCodeSet !== undefined) this.onCodeSet(p);
  }

  /** Marks page `p` as holding no code. Page lock held. */
  clearCode(p: number): void {
    Atomics.and(this.bytes, p, ~ACCESS_CODE & 0xff);
  }

  /**
   * The first byte of the window range [offset, offset + bytes) (offsets from the window
   * start, inside it) on a page that denies an access of `kind`, with the reason; or
   * undefined when every page allows it. An access spans at most two pages.
   */
  firstDenied(offset: number, bytes: number, kind: AccessKind): { readonly offset: number; readonly denial: AccessDenial } | undefined {
    const deny = accessDenyMask(kind);
    const first = Math.floor(offset / this.pageSize);
    const last = Math.floor((offset + Math.max(bytes, 1) - 1) / this.pageSize);
    for (let p = first; p <= last && p < this.bytes.length; p++) {
      const v = this.bytes[p]!;
      if ((v & deny) !== 0) {
        return { offset: p === first ? offset : p * this.pageSize, denial: (v & ACCESS_UNMAPPED) !== 0 ? "unmapped" : "protected" };
      }
    }
    return undefined;
  }
}
