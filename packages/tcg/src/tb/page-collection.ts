/**
 * page_collection_lock / page_collection_unlock: lock every page of a guest-physical
 * range, and also every other page of the TBs found there, so that those TBs can be
 * invalidated (removed from both of their pages' lists) while the collection is held.
 *
 * Deadlock freedom: pages are locked in ascending page index with blocking locks. A TB
 * found on a locked page may have its other page *below* the highest page already held;
 * that page is only try-locked. If the try fails, every lock is dropped, the page is added
 * to the set to lock, and the whole set is locked again in ascending order (the retry
 * loop of QEMU's page_collection_lock; here the set only grows, so it terminates).
 *
 * A collection object belongs to one thread and is reused (no allocation per write).
 */
import type { SyncThread } from "../sync/sync-thread.js";
import type { PageTable } from "./page-desc.js";
import { NO_PAGE, type TbStore, TbField } from "./tb-desc.js";

/** A set of locked pages, owned by one thread. */
export class PageCollection {
  /** Locked pages, ascending. Valid between lock and unlock. */
  readonly pages: number[] = [];
  private readonly wanted: number[] = [];
  /** Number of times the last lock had to drop everything and retry (stats/tests). */
  retries = 0;
  private held = false;

  /**
   * @param table the page descriptors.
   * @param tbs the TB descriptors.
   */
  constructor(
    readonly table: PageTable,
    readonly tbs: TbStore,
  ) {}

  /** Whether `page` is in the locked set. */
  has(page: number): boolean {
    const p = this.pages;
    let lo = 0;
    let hi = p.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = p[mid]!;
      if (v === page) return true;
      if (v < page) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  private insertSorted(list: number[], page: number): void {
    let i = list.length;
    while (i > 0 && list[i - 1]! > page) i--;
    if (list[i - 1] !== page) list.splice(i, 0, page);
  }

  /**
   * Locks the pages of the byte range [start, end) (guest-physical addresses as numbers
   * below 2^53), plus the other pages of every TB on them.
   */
  lock(thread: SyncThread, start: number, end: number): void {
    if (this.held) throw new Error("page collection already locked");
    const t = this.table;
    const first = Math.floor(start / t.pageSize);
    const last = Math.floor((Math.max(end, start + 1) - 1) / t.pageSize);
    const wanted = this.wanted;
    wanted.length = 0;
    for (let p = first; p <= last && p < t.pageCount; p++) wanted.push(p);
    this.retries = 0;
    this.held = true;
    for (;;) {
      // Lock the wanted set in ascending order.
      const pages = this.pages;
      pages.length = 0;
      for (const p of wanted) {
        t.lock(thread, p);
        pages.push(p);
      }
      // Add the other pages of the TBs in the range.
      let retry = false;
      for (let p = first; p <= last && p < t.pageCount && !retry; p++) {
        let link = t.firstTb(p);
        while (link !== 0) {
          const tb = (link >>> 1) - 1;
          const n = link & 1;
          link = this.tbs.get(tb, TbField.PAGE_NEXT0 + n);
          const other = this.tbs.get(tb, n === 0 ? TbField.PHYS_PAGE1 : TbField.PHYS_PAGE0);
          if (other === NO_PAGE || this.has(other)) continue;
          const max = pages[pages.length - 1]!;
          if (other > max) {
            t.lock(thread, other);
            pages.push(other);
          } else if (t.tryLock(thread, other)) {
            this.insertSorted(pages, other);
          } else {
            this.insertSorted(wanted, other);
            retry = true;
            break;
          }
        }
      }
      if (!retry) return;
      this.retries++;
      this.releaseAll(thread);
    }
  }

  private releaseAll(thread: SyncThread): void {
    const pages = this.pages;
    for (let i = pages.length - 1; i >= 0; i--) this.table.unlock(thread, pages[i]!);
    pages.length = 0;
  }

  /** Unlocks every page of the collection. */
  unlock(thread: SyncThread): void {
    if (!this.held) throw new Error("page collection not locked");
    this.releaseAll(thread);
    this.held = false;
  }
}
