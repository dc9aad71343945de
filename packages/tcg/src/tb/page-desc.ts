/**
 * Page descriptors (QEMU's PageDesc) and page locks, for every guest-physical page that
 * may hold code, plus the pool of self-modifying-code bitmaps.
 *
 * Layout (words from `base`):
 *   page p: 4 words at base + 4p
 *     LOCK         spinlock word (rank `page`; several nest in ascending page index)
 *     FIRST_TB     head of the page's TB list: link ((tb + 1) << 1 | n), n = which of the
 *                  TB's pages this is; the list continues through the TB's PAGE_NEXTn
 *     WRITE_COUNT  writes seen by tb_invalidate_phys_page_fast since the last bitmap reset
 *     BITMAP       code bitmap index + 1 (0 = none)
 *   then the page access bytes (page-access.ts): one byte per page, ceil(pageCount / 4)
 *     words; generated code reads them on guest accesses
 *   then the bitmap pool header: POOL_LOCK, POOL_TOP (number of free bitmaps on the stack)
 *   then the free stack (`bitmapCount` words of bitmap indices)
 *   then `bitmapCount` bitmaps of pageSize/32 words (bit i set = byte i holds code)
 *
 * Protection: FIRST_TB, WRITE_COUNT, BITMAP and the bitmap's bits, and the TBs'
 * PAGE_NEXTn links into this page's list, are protected by the page's LOCK (QEMU:
 * mmap_lock in user mode; here the page lock in both modes). POOL_TOP and the free stack
 * are protected by POOL_LOCK (rank `bitmapPool`, the innermost lock). A page's access byte:
 * its CODE bit follows FIRST_TB (set when the list becomes non-empty, cleared when it
 * becomes empty, under the page's LOCK); its permission bits belong to the embedder's
 * memory lock (page-access.ts).
 *
 * Lock order: mmap_lock < page locks in ascending page index < jmp_lock / bucket lock /
 * pool lock. {@link pageLockPair} and `pageCollectionLock` are the only ways to take
 * several page locks.
 */
import { spinLock, spinTryLock, spinUnlock } from "../sync/spinlock.js";
import { LockClass } from "../sync/lock-checker.js";
import type { SyncThread } from "../sync/sync-thread.js";
import { PageAccessTable } from "./page-access.js";
import { encodeTbLink, linkSlot, linkTb, type TbStore, TbField, NO_PAGE } from "./tb-desc.js";

/** Words per page descriptor. */
export const PAGE_WORDS = 4;
const P_LOCK = 0;
const P_FIRST_TB = 1;
const P_WRITE_COUNT = 2;
const P_BITMAP = 3;

/**
 * Code writes to a page before it gets a code bitmap (QEMU's SMC_BITMAP_USE_THRESHOLD):
 * below it every write invalidates the page's overlapping TBs directly; at it the page
 * builds a bitmap so that writes to its data bytes stop costing a TB scan.
 */
export const SMC_BITMAP_USE_THRESHOLD = 10;

/** The page descriptors and the bitmap pool, as views over the TB arena. */
export class PageTable {
  private readonly poolBase: number;
  private readonly stackBase: number;
  private readonly bitmapsBase: number;
  /** Words per code bitmap. */
  readonly bitmapWords: number;
  /** Bytes per page. */
  readonly pageSize: number;
  /** The page access bytes (CODE bit maintained here, permissions by the embedder). */
  readonly access: PageAccessTable;

  /**
   * @param words the TB arena's word view.
   * @param base word index of page 0's descriptor.
   * @param pageCount number of guest pages.
   * @param pageBits log2 of the page size.
   * @param bitmapCount bitmaps in the pool.
   * @param tbs the descriptors.
   */
  constructor(
    readonly words: Int32Array,
    readonly base: number,
    readonly pageCount: number,
    readonly pageBits: number,
    readonly bitmapCount: number,
    readonly tbs: TbStore,
  ) {
    if (tbs.words !== words) throw new Error("page descriptors and TB descriptors must share one arena");
    this.pageSize = 1 << pageBits;
    this.bitmapWords = this.pageSize >>> 5;
    const accessAt = base + PageTable.accessWordOffset(pageCount);
    this.access = new PageAccessTable(new Uint8Array(words.buffer, words.byteOffset + accessAt * 4, pageCount), pageBits);
    this.poolBase = accessAt + Math.ceil(pageCount / 4);
    this.stackBase = this.poolBase + 2;
    this.bitmapsBase = this.stackBase + bitmapCount;
  }

  /** Words needed. */
  static words(pageCount: number, pageBits: number, bitmapCount: number): number {
    return pageCount * PAGE_WORDS + Math.ceil(pageCount / 4) + 2 + bitmapCount + bitmapCount * ((1 << pageBits) >>> 5);
  }

  /** Word offset (from the page table's base) of the page access bytes. */
  static accessWordOffset(pageCount: number): number {
    return pageCount * PAGE_WORDS;
  }

  /**
   * Prepares the bitmap free stack (at creation). `zeroed` says the table's words are
   * already all zero (a memory just created): filling them would touch every page of it,
   * 4.3 MiB of RSS for a 1 GiB guest window.
   */
  init(zeroed = false): void {
    if (!zeroed) this.words.fill(0, this.base, this.base + PageTable.words(this.pageCount, this.pageBits, this.bitmapCount));
    for (let i = 0; i < this.bitmapCount; i++) this.words[this.stackBase + i] = i;
    Atomics.store(this.words, this.poolBase + 1, this.bitmapCount);
  }

  /**
   * Empties every page's TB list, write count and bitmap (and clears its CODE bit), each under its page lock, then
   * refills the bitmap pool (tb_flush's page_flush_tb; vCPUs are stopped, but a non-vCPU
   * thread may still be inside a page collection).
   */
  flushTbLists(thread: SyncThread): void {
    const w = this.words;
    for (let p = 0; p < this.pageCount; p++) {
      const at = this.base + p * PAGE_WORDS;
      if (Atomics.load(w, at + P_FIRST_TB) === 0 && Atomics.load(w, at + P_BITMAP) === 0 && Atomics.load(w, at + P_WRITE_COUNT) === 0) continue;
      this.lock(thread, p);
      Atomics.store(w, at + P_FIRST_TB, 0);
      Atomics.store(w, at + P_WRITE_COUNT, 0);
      Atomics.store(w, at + P_BITMAP, 0);
      this.access.clearCode(p);
      this.unlock(thread, p);
    }
    thread.checker?.acquire(LockClass.bitmapPool, 0);
    spinLock(w, this.poolBase, thread.owner, thread.canBlock);
    for (let i = 0; i < this.bitmapCount; i++) w[this.stackBase + i] = i;
    w[this.poolBase + 1] = this.bitmapCount;
    spinUnlock(w, this.poolBase);
    thread.checker?.release(LockClass.bitmapPool, 0);
  }

  private checkPage(page: number): void {
    if (page < 0 || page >= this.pageCount) throw new RangeError(`page ${page} out of range`);
  }

  // ---- locks ------------------------------------------------------------------------

  /** Locks one page (blocking). The checker enforces ascending order among pages. */
  lock(thread: SyncThread, page: number): void {
    this.checkPage(page);
    thread.checker?.acquire(LockClass.page, page);
    spinLock(this.words, this.base + page * PAGE_WORDS + P_LOCK, thread.owner, thread.canBlock);
  }

  /** Tries to lock one page out of order; returns whether it was locked. */
  tryLock(thread: SyncThread, page: number): boolean {
    this.checkPage(page);
    if (!spinTryLock(this.words, this.base + page * PAGE_WORDS + P_LOCK, thread.owner)) return false;
    thread.checker?.acquiredTry(LockClass.page, page);
    return true;
  }

  /** Unlocks one page. */
  unlock(thread: SyncThread, page: number): void {
    spinUnlock(this.words, this.base + page * PAGE_WORDS + P_LOCK);
    thread.checker?.release(LockClass.page, page);
  }

  /** The owner id holding the page lock, or 0 (for tests and dumps). */
  lockOwner(page: number): number {
    return Atomics.load(this.words, this.base + page * PAGE_WORDS + P_LOCK);
  }

  /** Locks the one or two pages of a TB in ascending order (page_lock_pair). */
  lockPair(thread: SyncThread, page0: number, page1: number): void {
    if (page1 === NO_PAGE || page1 === page0) {
      this.lock(thread, page0);
    } else if (page0 < page1) {
      this.lock(thread, page0);
      this.lock(thread, page1);
    } else {
      this.lock(thread, page1);
      this.lock(thread, page0);
    }
  }

  /** Unlocks what {@link lockPair} locked. */
  unlockPair(thread: SyncThread, page0: number, page1: number): void {
    if (page1 !== NO_PAGE && page1 !== page0) this.unlock(thread, page1);
    this.unlock(thread, page0);
  }

  // ---- TB lists (page lock held) ------------------------------------------------------

  /** The first link of the page's TB list (0 = empty). Page lock held. */
  firstTb(page: number): number {
    return Atomics.load(this.words, this.base + page * PAGE_WORDS + P_FIRST_TB);
  }

  /**
   * Calls `fn(tb, n)` for each TB on the page (n = which of the TB's pages). Page lock held:
   * the list words are then only written by this thread, so plain reads suffice (the
   * lock's atomic acquire orders them after the previous holder's writes).
   */
  forEachTb(page: number, fn: (tb: number, n: number) => void): void {
    const w = this.words;
    let link = w[this.base + page * PAGE_WORDS + P_FIRST_TB]!;
    while (link !== 0) {
      const tb = linkTb(link);
      const n = linkSlot(link);
      link = w[this.tbs.at(tb, TbField.PAGE_NEXT0 + n)]!;
      fn(tb, n);
    }
  }

  /** Adds TB `tb` as its page `n` to `page`'s list (tb_page_add). Page lock held. */
  addTb(thread: SyncThread, page: number, tb: number, n: number): void {
    thread.checker?.assertPageLocked(page);
    const at = this.base + page * PAGE_WORDS;
    this.tbs.set(tb, TbField.PAGE_NEXT0 + n, Atomics.load(this.words, at + P_FIRST_TB));
    Atomics.store(this.words, at + P_FIRST_TB, encodeTbLink(tb, n));
    this.access.setCode(page);
    this.dropBitmap(thread, page);
  }

  /** Removes TB `tb` from `page`'s list (tb_page_remove); returns whether it was there. Page lock held. */
  removeTb(thread: SyncThread, page: number, tb: number): boolean {
    thread.checker?.assertPageLocked(page);
    const w = this.words;
    // Plain reads: the page lock is held (see forEachTb).
    let prev = this.base + page * PAGE_WORDS + P_FIRST_TB;
    let link = w[prev]!;
    while (link !== 0) {
      const t = linkTb(link);
      const n = linkSlot(link);
      const nextAt = this.tbs.at(t, TbField.PAGE_NEXT0 + n);
      if (t === tb) {
        Atomics.store(w, prev, w[nextAt]!);
        if (Atomics.load(w, this.base + page * PAGE_WORDS + P_FIRST_TB) === 0) this.access.clearCode(page);
        this.dropBitmap(thread, page);
        return true;
      }
      prev = nextAt;
      link = w[prev]!;
    }
    return false;
  }

  // ---- self-modifying-code bitmap (page lock held) ------------------------------------

  /** Counts a code write; returns the new count. Page lock held. */
  bumpWriteCount(page: number): number {
    return Atomics.add(this.words, this.base + page * PAGE_WORDS + P_WRITE_COUNT, 1) + 1;
  }

  /** The bitmap index of the page, or -1. Page lock held. */
  bitmapOf(page: number): number {
    return Atomics.load(this.words, this.base + page * PAGE_WORDS + P_BITMAP) - 1;
  }

  /**
   * Builds the page's code bitmap from its TB list (build_page_bitmap). Returns false
   * when the pool is empty (the page keeps invalidating without a bitmap). Page lock held.
   */
  buildBitmap(thread: SyncThread, page: number): boolean {
    thread.checker?.assertPageLocked(page);
    if (this.bitmapOf(page) >= 0) return true;
    const bm = this.poolPop(thread);
    if (bm < 0) return false;
    const w = this.words;
    const bb = this.bitmapsBase + bm * this.bitmapWords;
    w.fill(0, bb, bb + this.bitmapWords);
    const mask = this.pageSize - 1;
    this.forEachTb(page, (tb, n) => {
      const startInPage = this.tbs.get(tb, TbField.PC_LO) & mask;
      const size = this.tbs.get(tb, TbField.SIZE);
      let from: number;
      let to: number;
      if (n === 0) {
        from = startInPage;
        to = Math.min(this.pageSize, startInPage + size);
      } else {
        from = 0;
        to = (startInPage + size) - this.pageSize;
      }
      for (let i = from; i < to; i++) w[bb + (i >>> 5)]! |= 1 << (i & 31);
    });
    Atomics.store(w, this.base + page * PAGE_WORDS + P_BITMAP, bm + 1);
    return true;
  }

  /** Whether any byte of [offset, offset + len) of the page holds code, by its bitmap. */
  bitmapHit(page: number, offset: number, len: number): boolean {
    const bm = this.bitmapOf(page);
    if (bm < 0) return true;
    const bb = this.bitmapsBase + bm * this.bitmapWords;
    for (let i = offset; i < offset + len && i < this.pageSize; i++) {
      if ((this.words[bb + (i >>> 5)]! & (1 << (i & 31))) !== 0) return true;
    }
    return false;
  }

  /** Frees the page's bitmap and resets its write count (invalidate_page_bitmap). Page lock held. */
  dropBitmap(thread: SyncThread, page: number): void {
    const at = this.base + page * PAGE_WORDS;
    Atomics.store(this.words, at + P_WRITE_COUNT, 0);
    const bm = Atomics.load(this.words, at + P_BITMAP) - 1;
    if (bm < 0) return;
    Atomics.store(this.words, at + P_BITMAP, 0);
    this.poolPush(thread, bm);
  }

  private poolPop(thread: SyncThread): number {
    const w = this.words;
    thread.checker?.acquire(LockClass.bitmapPool, 0);
    spinLock(w, this.poolBase, thread.owner, thread.canBlock);
    const top = w[this.poolBase + 1]!;
    let bm = -1;
    if (top > 0) {
      bm = w[this.stackBase + top - 1]!;
      w[this.poolBase + 1] = top - 1;
    }
    spinUnlock(w, this.poolBase);
    thread.checker?.release(LockClass.bitmapPool, 0);
    return bm;
  }

  private poolPush(thread: SyncThread, bm: number): void {
    const w = this.words;
    thread.checker?.acquire(LockClass.bitmapPool, 0);
    spinLock(w, this.poolBase, thread.owner, thread.canBlock);
    const top = w[this.poolBase + 1]!;
    w[this.stackBase + top] = bm;
    w[this.poolBase + 1] = top + 1;
    spinUnlock(w, this.poolBase);
    thread.checker?.release(LockClass.bitmapPool, 0);
  }

  /** Free bitmaps in the pool. */
  get bitmapsFree(): number {
    return Atomics.load(this.words, this.poolBase + 1);
  }
}
