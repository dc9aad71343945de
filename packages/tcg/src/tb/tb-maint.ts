/**
 * TB maintenance: creating and publishing TBs (tb_link_page), looking them up,
 * invalidating them by TB or by guest-physical range (tb_phys_invalidate,
 * tb_invalidate_phys_range, tb_invalidate_phys_page_fast) and tb_flush.
 *
 * Locking (tb-lock=off):
 *   - publishing: mmap_lock in user mode (asserted), then the TB's one or two page locks
 *     in ascending order, then (inside) the hash-bucket lock;
 *   - invalidation: the page locks of every page the TB is on (a page collection), then
 *     one at a time the TB's jmp_lock, a bucket lock, the destinations' jmp_locks;
 *   - tb_flush: exclusive work (every other vCPU stopped between TBs).
 * tb-lock=on: the caller additionally holds tb_lock around all of these (asserted as the
 * memory lock), as QEMU did before "tcg: remove tb_lock".
 * No function here throws to unwind: failures are return codes (e.g. {@link TB_BUFFER_FULL}).
 */
import type { PageCollection } from "./page-collection.js";
import { SMC_BITMAP_USE_THRESHOLD } from "./page-desc.js";
import type { TbContext } from "./tb-context.js";
import { TbHeader } from "./tb-context.js";
import { NO_PAGE, TbField, type TbInit, TB_STATE_INVALID } from "./tb-desc.js";
import { QHT_FULL, QHT_INSERTED, tbHash } from "./tb-hash.js";
import { jmpLock, jmpUnlock, tbAddJump, tbJmpUnlink, tbRemoveFromJmpList } from "./tb-jmp.js";

/** Returned by {@link tbCreate} / {@link tbLinkPage} when the code buffer or hash table is full: run tb_flush. */
export const TB_BUFFER_FULL = -2;

/** The outcome of {@link tbCreate}. */
export interface TbCreated {
  /** The TB to execute: the new one, or the identical one another thread published first. */
  readonly tb: number;
  /** Whether `tb` is someone else's (ours was discarded). */
  readonly existing: boolean;
}

/**
 * Looks up the TB for a key: the vCPU's jump cache first, then the hash table (filling
 * the jump cache on a hit). `vcpu = -1` (a thread that is not a vCPU) skips the jump
 * cache. Returns -1 on a miss. Takes no lock.
 */
export function tbLookup(ctx: TbContext, vcpu: number, pcLo: number, pcHi: number, flags: number, cflags: number, physPage: number): number {
  if (vcpu >= 0) {
    const cached = ctx.jmpCache.lookup(vcpu, pcLo, pcHi, flags, cflags);
    if (cached >= 0 && ctx.words[ctx.tbs.at(cached, TbField.PHYS_PAGE0)] === (physPage | 0)) return cached;
  }
  const tb = ctx.hash.lookup(tbHash(pcLo, pcHi, flags, cflags, physPage), pcLo, pcHi, flags, cflags, physPage);
  if (tb >= 0 && vcpu >= 0) ctx.jmpCache.set(vcpu, pcLo, tb);
  return tb;
}

/**
 * Publishes TB `tb` (descriptor initialised): adds it to its pages' lists and inserts it
 * in the hash table (tb_link_page). Returns `tb`, the index of an identical TB that was
 * published first (then `tb` is not published), or {@link TB_BUFFER_FULL}.
 */
export function tbLinkPage(ctx: TbContext, tb: number): number {
  ctx.assertMemoryLock();
  const tbs = ctx.tbs;
  const page0 = tbs.get(tb, TbField.PHYS_PAGE0);
  const page1 = tbs.get(tb, TbField.PHYS_PAGE1);
  tbs.set(tb, TbField.HASH, tbHash(tbs.get(tb, TbField.PC_LO), tbs.get(tb, TbField.PC_HI), tbs.get(tb, TbField.FLAGS), tbs.get(tb, TbField.CFLAGS), page0));
  const t = ctx.thread;
  ctx.pages.lockPair(t, page0, page1);
  try {
    ctx.pages.addTb(t, page0, tb, 0);
    if (page1 !== NO_PAGE) ctx.pages.addTb(t, page1, tb, 1);
    const r = ctx.hash.insert(t, tb);
    if (r === QHT_INSERTED) return tb;
    ctx.pages.removeTb(t, page0, tb);
    if (page1 !== NO_PAGE) ctx.pages.removeTb(t, page1, tb);
    return r === QHT_FULL ? TB_BUFFER_FULL : r;
  } finally {
    ctx.pages.unlockPair(t, page0, page1);
  }
}

/**
 * Allocates a TB for `key` from vCPU `ctx.vcpu`'s region, copies its code into the code
 * buffer and publishes it (the tail of tb_gen_code). Returns {@link TB_BUFFER_FULL} when
 * the buffer or the hash table is full.
 */
export function tbCreate(ctx: TbContext, key: TbInit, code: Uint8Array): TbCreated | typeof TB_BUFFER_FULL {
  const a = ctx.regions.alloc(ctx.thread, ctx.vcpu, code.length);
  if (a === null) return TB_BUFFER_FULL;
  ctx.code.set(code, a.codeOffset);
  ctx.tbs.init(a.tb, key, a.region, a.codeOffset, code.length);
  const r = tbLinkPage(ctx, a.tb);
  if (r === a.tb) return { tb: r, existing: false };
  // Never published: mark it so that nothing mistakes it for a live TB, then give the
  // space back if nothing was allocated after it.
  Atomics.or(ctx.words, ctx.tbs.at(a.tb, TbField.STATE), TB_STATE_INVALID);
  ctx.regions.undo(ctx.vcpu, a, code.length);
  if (r === TB_BUFFER_FULL) return TB_BUFFER_FULL;
  return { tb: r, existing: true };
}

/**
 * Invalidates TB `tb` with the locks of all its pages held (do_tb_phys_invalidate):
 * marks it invalid under its jmp_lock, removes it from the hash table, its pages' lists
 * and every jump cache, closes its outgoing jumps and resets its incoming ones. Returns
 * false if it was already removed by someone else.
 */
export function tbPhysInvalidateLocked(ctx: TbContext, tb: number): boolean {
  const t = ctx.thread;
  const tbs = ctx.tbs;
  const page0 = tbs.get(tb, TbField.PHYS_PAGE0);
  const page1 = tbs.get(tb, TbField.PHYS_PAGE1);
  if (t.checker !== null) {
    ctx.assertMemoryLock();
    t.checker.assertPageLocked(page0);
    if (page1 !== NO_PAGE) t.checker.assertPageLocked(page1);
  }
  jmpLock(ctx, tb);
  Atomics.or(ctx.words, tbs.at(tb, TbField.STATE), TB_STATE_INVALID);
  jmpUnlock(ctx, tb);
  if (!ctx.hash.remove(t, tb)) return false;
  ctx.pages.removeTb(t, page0, tb);
  if (page1 !== NO_PAGE) ctx.pages.removeTb(t, page1, tb);
  ctx.jmpCache.invalidateTb(tb);
  tbRemoveFromJmpList(ctx, tb, 0);
  tbRemoveFromJmpList(ctx, tb, 1);
  tbJmpUnlink(ctx, tb);
  return true;
}

/** Invalidates one TB, taking its page locks (tb_phys_invalidate). */
export function tbPhysInvalidate(ctx: TbContext, tb: number): boolean {
  const page0 = ctx.tbs.get(tb, TbField.PHYS_PAGE0);
  const page1 = ctx.tbs.get(tb, TbField.PHYS_PAGE1);
  ctx.pages.lockPair(ctx.thread, page0, page1);
  try {
    return tbPhysInvalidateLocked(ctx, tb);
  } finally {
    ctx.pages.unlockPair(ctx.thread, page0, page1);
  }
}

/**
 * Invalidates the TBs of `page` that overlap the byte range [start, end) (absolute
 * guest-physical addresses); every page of those TBs is locked by `pages`
 * (tb_invalidate_phys_page_range__locked). Returns the number invalidated.
 */
export function tbInvalidatePhysPageRangeLocked(ctx: TbContext, pages: PageCollection, page: number, start: number, end: number): number {
  const pt = ctx.pages;
  const tbs = ctx.tbs;
  ctx.thread.checker?.assertPageLocked(page);
  const pageStart = page * pt.pageSize;
  const mask = pt.pageSize - 1;
  const victims: number[] = [];
  pt.forEachTb(page, (tb, n) => {
    const size = tbs.get(tb, TbField.SIZE);
    const inPage = tbs.get(tb, TbField.PC_LO) & mask;
    let tbStart: number;
    let tbEnd: number;
    if (n === 0) {
      tbStart = pageStart + inPage;
      tbEnd = tbStart + size;
    } else {
      tbStart = pageStart;
      tbEnd = pageStart + inPage + size - pt.pageSize;
    }
    if (tbStart < end && start < tbEnd) victims.push(tb);
  });
  let n = 0;
  for (const tb of victims) {
    const page1 = tbs.get(tb, TbField.PHYS_PAGE1);
    if (!pages.has(tbs.get(tb, TbField.PHYS_PAGE0)) || (page1 !== NO_PAGE && !pages.has(page1))) {
      throw new Error(`page collection misses a page of tb ${tb}`); // a caller bug, not a race
    }
    if (tbPhysInvalidateLocked(ctx, tb)) n++;
  }
  if (pt.firstTb(page) === 0) pt.dropBitmap(ctx.thread, page);
  return n;
}

/**
 * Invalidates every TB overlapping [start, end) (tb_invalidate_phys_range): locks the
 * page collection, invalidates page by page, unlocks. Returns the number invalidated.
 */
export function tbInvalidatePhysRange(ctx: TbContext, start: number, end: number): number {
  ctx.assertMemoryLock();
  const pages = ctx.collection;
  const ps = ctx.pages.pageSize;
  pages.lock(ctx.thread, start, end);
  try {
    let n = 0;
    const last = Math.min(Math.floor((end - 1) / ps), ctx.pages.pageCount - 1);
    for (let p = Math.floor(start / ps); p <= last; p++) n += tbInvalidatePhysPageRangeLocked(ctx, pages, p, Math.max(start, p * ps), Math.min(end, (p + 1) * ps));
    return n;
  } finally {
    pages.unlock(ctx.thread);
  }
}

/**
 * A guest write of `len` bytes (len <= 8, aligned) at `start` hit a page holding code;
 * the caller holds `pages` locked over [start, start + len) (tb_invalidate_phys_page_fast,
 * the notdirty-write path). Counts the write; after {@link SMC_BITMAP_USE_THRESHOLD}
 * writes the page gets a code bitmap, and writes that miss every TB cost no scan.
 * Returns the number of TBs invalidated.
 */
export function tbInvalidatePhysPageFast(ctx: TbContext, pages: PageCollection, start: number, len: number): number {
  const pt = ctx.pages;
  const page = Math.floor(start / pt.pageSize);
  if (page >= pt.pageCount) return 0;
  ctx.thread.checker?.assertPageLocked(page);
  if (pt.firstTb(page) === 0) return 0;
  if (pt.bitmapOf(page) < 0 && pt.bumpWriteCount(page) >= SMC_BITMAP_USE_THRESHOLD) pt.buildBitmap(ctx.thread, page);
  if (pt.bitmapOf(page) >= 0 && !pt.bitmapHit(page, start - page * pt.pageSize, len)) return 0;
  return tbInvalidatePhysPageRangeLocked(ctx, pages, page, start, start + len);
}

/**
 * Empties the translation cache with every other vCPU stopped (do_tb_flush): the hash
 * table, page lists and bitmaps, jump caches, regions and descriptors; then bumps the
 * flush count (workers drop their compiled modules when they see it change).
 * Returns false if a flush already happened since `observedFlushCount`.
 */
export function doTbFlush(ctx: TbContext, observedFlushCount: number): boolean {
  if (ctx.flushCount !== observedFlushCount) return false;
  ctx.hash.clear();
  ctx.pages.flushTbLists(ctx.thread);
  ctx.jmpCache.clearAll();
  ctx.regions.reset();
  ctx.tbs.clearAll();
  Atomics.add(ctx.words, TbHeader.FLUSH_COUNT, 1);
  return true;
}

/**
 * tb_flush from vCPU `ctx.vcpu`'s loop (between TBs, inside cpu_exec_start): runs
 * {@link doTbFlush} as exclusive work. The caller holds no lock. Returns whether this
 * call flushed.
 */
export function tbFlush(ctx: TbContext, observedFlushCount: number): boolean {
  ctx.thread.checker?.assertNoLocksHeld();
  return ctx.exclusive.runSafeWork(ctx.thread, ctx.vcpu, () => doTbFlush(ctx, observedFlushCount));
}

/**
 * QEMU's tb_find: the TB for `key`, translating it on a miss, then chaining the previous
 * TB's exit slot to it. `translate` produces the code (the front end + back end); it runs
 * with mmap_lock held in user mode and with tb_lock held in the tb-lock=on mode, which
 * is also held around the chaining (as before "tcg: remove tb_lock"); with tb-lock=off
 * chaining takes only the destination's jmp_lock. Pass `lastTb = -1` when the previous
 * TB did not exit through a jump slot. Returns {@link TB_BUFFER_FULL} when the caller must
 * run {@link tbFlush} (between TBs, holding no lock) and retry.
 */
export function tbFind(ctx: TbContext, key: TbInit, translate: (key: TbInit) => Uint8Array, lastTb: number, lastSlot: number): number {
  let tb = tbLookup(ctx, ctx.vcpu, key.pcLo, key.pcHi, key.flags, key.cflags, key.physPage0);
  let tbLocked = false;
  if (tb < 0) {
    if (ctx.userMode) ctx.mmapLock();
    ctx.tbLockIfEnabled();
    tbLocked = true;
    const r = tbCreate(ctx, key, translate(key));
    if (ctx.userMode) ctx.mmapUnlock();
    if (r === TB_BUFFER_FULL) {
      ctx.tbUnlockIfEnabled();
      return TB_BUFFER_FULL;
    }
    tb = r.tb;
    if (ctx.vcpu >= 0) ctx.jmpCache.set(ctx.vcpu, key.pcLo, tb);
  }
  if (lastTb >= 0) {
    if (!tbLocked) {
      ctx.tbLockIfEnabled();
      tbLocked = true;
    }
    tbAddJump(ctx, lastTb, lastSlot, tb);
  }
  if (tbLocked) ctx.tbUnlockIfEnabled();
  return tb;
}
