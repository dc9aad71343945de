/**
 * The soft TLB of a system-mode vCPU (QEMU's CPUTLB, accel/tcg/cputlb.c): the memory
 * access strategy of both tiers in system mode (lower-memory.ts emits the probe, the same
 * code for compiled TBs and the interpreter's handlers).
 *
 * Layout, in the vCPU's block of the shared memory (exec-shared.ts reserves it after the
 * interpreter's area when `ExecParams.softTlb` is set):
 *
 * | offset | what |
 * |--------|------|
 * | 0 | scratch (8 bytes): the value of the last MMIO load, which generated code then loads as if it were RAM |
 * | 64 + i × {@link TLB_BYTES} | the TLB of MMU index i: {@link TLB_ENTRIES} entries of 32 bytes |
 *
 * An entry: i64 read tag, i64 write tag (the page's virtual address, or -1: no such
 * access through this entry), i32 addend (wasm address of the page minus the low 32 bits
 * of its virtual address), i32 guest page (the TB machinery's page index, for
 * {@link dropWriteAll}). Generated code compares `(addr + bytes - align) & (pageMask |
 * (align - 1))` with a tag: a hit gives the wasm address `wrap(addr) + addend`; a miss,
 * a misaligned access or one crossing into the next page calls the slow path.
 *
 * What never gets an entry: MMIO (every access goes to the slow path, which calls the
 * bus), write access to ROM, and write access to RAM pages holding translated code (the
 * notdirty path: the slow path invalidates the TBs the store overlaps, then stores).
 *
 * Concurrency: a TLB belongs to its vCPU: only the thread running it fills and flushes it
 * (remote fences reach a hart as an IPI and the hart flushes its own TLB). The one
 * exception is {@link dropWriteAll}: a vCPU that translates the first TB of a page clears
 * the write tags of that page in every vCPU's TLB (QEMU's tlb_reset_dirty), with atomic
 * stores. A fill that makes an entry writable stores the write tag atomically and then
 * reads the page's CODE bit (page-access.ts) again, and the translating vCPU sets the CODE
 * bit before it scans: one of the two sees the other (both sequentially consistent), so
 * no writable entry for a code page survives. No lock.
 *
 * @module
 */
import { TLB_ADDEND, TLB_ENTRY_BYTES, TLB_TAG_READ, TLB_TAG_WRITE } from "../backend/wasm/lower-memory.js";

/** Offset of the entry's guest page index (i32; -1 for none). */
const TLB_PAGE = 20;

/** log2 of the entries per TLB. */
export const TLB_ENTRY_BITS = 10;
/** Entries per TLB. */
export const TLB_ENTRIES = 1 << TLB_ENTRY_BITS;
/** Bytes of one MMU index's TLB. */
export const TLB_BYTES = TLB_ENTRIES * TLB_ENTRY_BYTES;
/** Bytes before the first TLB (the MMIO scratch slot, padded). */
const TLB_HEADER = 64;

/** Bytes of the TLB area of a vCPU with `mmuIndexes` MMU indexes. */
export function tlbAreaBytes(mmuIndexes: number): number {
  return TLB_HEADER + mmuIndexes * TLB_BYTES;
}

/** A vCPU's soft TLBs, one per MMU index, seen from JavaScript (its slow path). */
export class SoftTlb {
  private readonly i64: BigInt64Array;
  private readonly i32: Int32Array;
  /** Wasm address of the MMIO scratch slot. */
  readonly scratch: number;
  private readonly pageMask: bigint;
  /** Fills since creation (statistics). */
  fills = 0;
  /** Full flushes since creation. */
  flushes = 0;

  /**
   * @param buffer the shared memory's buffer.
   * @param base wasm address of the vCPU's TLB area (64-byte aligned).
   * @param mmuIndexes TLBs in the area.
   * @param pageBits log2 of the page size.
   */
  constructor(
    buffer: ArrayBufferLike,
    readonly base: number,
    readonly mmuIndexes: number,
    readonly pageBits: number,
  ) {
    this.i64 = new BigInt64Array(buffer, base, tlbAreaBytes(mmuIndexes) / 8);
    this.i32 = new Int32Array(buffer, base, tlbAreaBytes(mmuIndexes) / 4);
    this.scratch = base;
    this.pageMask = (1n << BigInt(pageBits)) - 1n;
    this.flushAll();
  }

  /** Wasm address of MMU index `idx`'s TLB (the value of the control block's TLB_PTR). */
  address(idx: number): number {
    return this.base + TLB_HEADER + idx * TLB_BYTES;
  }

  /** Forgets every entry of every MMU index (tlb_flush). */
  flushAll(): void {
    this.i64.fill(-1n, TLB_HEADER / 8);
    this.flushes++;
  }

  /** Forgets the entries of `vaddr`'s page in every MMU index (tlb_flush_page). */
  flushPage(vaddr: bigint): void {
    const page = BigInt.asIntN(64, vaddr & ~this.pageMask);
    const i = Number((vaddr >> BigInt(this.pageBits)) & BigInt(TLB_ENTRIES - 1));
    for (let idx = 0; idx < this.mmuIndexes; idx++) {
      const e = (TLB_HEADER + idx * TLB_BYTES + i * TLB_ENTRY_BYTES) / 8;
      if (this.i64[e + TLB_TAG_READ / 8] === page || this.i64[e + TLB_TAG_WRITE / 8] === page) {
        this.i64[e + TLB_TAG_READ / 8] = -1n;
        this.i64[e + TLB_TAG_WRITE / 8] = -1n;
      }
    }
  }

  /**
   * Maps `vaddr`'s page in MMU index `idx` to guest page `page` (the TB machinery's index;
   * -1 for ROM or other memory that never holds code) at wasm address `pageWasm`, readable
   * and/or writable (tlb_set_page). `hasCode` is re-read after a writable fill.
   */
  fill(idx: number, vaddr: bigint, pageWasm: number, page: number, read: boolean, write: boolean, hasCode?: () => boolean): void {
    const vpage = vaddr & ~this.pageMask;
    const i = Number((vaddr >> BigInt(this.pageBits)) & BigInt(TLB_ENTRIES - 1));
    const b = TLB_HEADER + idx * TLB_BYTES + i * TLB_ENTRY_BYTES;
    const tag = BigInt.asIntN(64, vpage);
    const w = (b + TLB_TAG_WRITE) / 8;
    Atomics.store(this.i64, w, -1n);
    this.i64[(b + TLB_TAG_READ) / 8] = read ? tag : -1n;
    this.i32[(b + TLB_ADDEND) / 4] = (pageWasm - Number(BigInt.asUintN(32, vpage))) | 0;
    this.i32[(b + TLB_PAGE) / 4] = page;
    if (write) {
      Atomics.store(this.i64, w, tag);
      if (hasCode?.() === true) Atomics.store(this.i64, w, -1n);
    }
    this.fills++;
  }
}

/**
 * Clears the write tags of every entry mapping guest page `page` in the TLBs of `vcpus`
 * vCPUs whose TLB areas are at `bases` (wasm addresses), so stores to it take the slow
 * path (tb_protect_code / tlb_reset_dirty). Any thread may call it.
 */
export function dropWriteAll(buffer: ArrayBufferLike, bases: readonly number[], mmuIndexes: number, page: number): void {
  for (const base of bases) {
    const i32 = new Int32Array(buffer, base, tlbAreaBytes(mmuIndexes) / 4);
    const i64 = new BigInt64Array(buffer, base, tlbAreaBytes(mmuIndexes) / 8);
    for (let b = TLB_HEADER; b < tlbAreaBytes(mmuIndexes); b += TLB_ENTRY_BYTES) {
      if (Atomics.load(i32, (b + TLB_PAGE) / 4) === page) Atomics.store(i64, (b + TLB_TAG_WRITE) / 8, -1n);
    }
  }
}
