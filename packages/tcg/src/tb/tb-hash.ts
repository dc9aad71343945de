/**
 * The TB hash table (after QEMU's qht): lock-free lookups, per-bucket locks for writers,
 * a per-bucket seqlock so that readers see consistent buckets.
 *
 * Layout (words of the TB arena, from `base`):
 *   word 0          OVERFLOW_NEXT: overflow buckets handed out so far (atomic counter)
 *   then buckets of {@link BUCKET_WORDS} words (64 bytes, one cache line): first the
 *   `bucketCount` head buckets (selected by `hash & (bucketCount - 1)`), then the
 *   overflow pool.
 *   bucket word 0   LOCK   spinlock; only head buckets' locks are used
 *               1   SEQ    seqlock counter; only head buckets' counters are used
 *           2..7    HASH[i] the full 32-bit hash of entry i
 *           8..13   TB[i]   tb + 1, 0 = empty slot
 *              14   NEXT   overflow bucket index + 1, 0 = end of chain
 *
 * Protection: every entry, NEXT link and overflow bucket of a chain is written only with
 * the head bucket's LOCK held, inside SEQ write sections. Lookups take no lock: they read
 * the chain and validate with SEQ. The TB word of an entry is read with `Atomics.load`
 * (it pairs with the insert's `Atomics.store`, so the descriptor's key, written before,
 * is visible); hash words and descriptor keys are plain reads (hash words are only a
 * filter, keys are immutable while published). A hit is confirmed against the key, so
 * even a torn hash/TB pair could only return a TB with exactly the requested key.
 *
 * Lock order: page locks (held by tb_link_page / tbPhysInvalidate) < bucket lock. A
 * thread holds at most one bucket lock and takes no other lock inside it.
 *
 * Entries of a chain are kept dense (remove moves the chain's last entry into the hole,
 * as qht does), so lookups and inserts stop at the first empty slot. Overflow buckets are
 * never returned to the pool while the table is live (a reader may be walking them; an
 * emptied tail bucket is simply refilled by later inserts); the pool is reset by
 * tb_flush, which runs exclusively. There is no
 * resizing: size the table for the TB capacity (one entry per TB fits in
 * capacity / ENTRIES head buckets; 2x that keeps chains short).
 */
import { seqReadBegin, seqReadRetry, seqWriteBegin, seqWriteEnd } from "../sync/seqlock.js";
import { spinLock, spinUnlock } from "../sync/spinlock.js";
import { LockClass } from "../sync/lock-checker.js";
import type { SyncThread } from "../sync/sync-thread.js";
import { type TbStore, TbField, TB_WORDS } from "./tb-desc.js";

/** Entries per bucket. */
export const BUCKET_ENTRIES = 6;
/** Words per bucket. */
export const BUCKET_WORDS = 16;
const B_LOCK = 0;
const B_SEQ = 1;
const B_HASH = 2;
const B_TB = 8;
const B_NEXT = 14;

/** Result of {@link TbHashTable.insert} when the overflow pool is exhausted. */
export const QHT_FULL = -2;
/** Result of {@link TbHashTable.insert} when the TB was inserted. */
export const QHT_INSERTED = -1;

/**
 * The hash of a TB key (QEMU hashes phys_pc, pc, flags, cflags with xxhash; this is a
 * murmur3-style mix of the same words).
 */
export function tbHash(pcLo: number, pcHi: number, flags: number, cflags: number, physPage: number): number {
  let h = Math.imul(pcLo ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ pcHi, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ flags, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16) ^ cflags, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15) ^ physPage, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Words the table needs for `bucketCount` head buckets and `overflowCount` spares. */
export function tbHashWords(bucketCount: number, overflowCount: number): number {
  return BUCKET_WORDS + (bucketCount + overflowCount) * BUCKET_WORDS;
}

/** The shared TB hash table: a view over the TB arena. */
export class TbHashTable {
  private readonly mask: number;
  private readonly buckets: number;

  /**
   * @param words the TB arena's word view.
   * @param base word index of the table (its header word).
   * @param bucketCount head buckets (a power of two).
   * @param overflowCount overflow buckets in the pool.
   * @param tbs the descriptors whose keys the table compares.
   */
  constructor(
    readonly words: Int32Array,
    readonly base: number,
    readonly bucketCount: number,
    readonly overflowCount: number,
    readonly tbs: TbStore,
  ) {
    if (bucketCount <= 0 || (bucketCount & (bucketCount - 1)) !== 0) throw new RangeError("bucketCount must be a power of two");
    this.mask = bucketCount - 1;
    this.buckets = base + BUCKET_WORDS;
  }

  private bucketWord(bucket: number): number {
    return this.buckets + bucket * BUCKET_WORDS;
  }

  /**
   * Finds the published TB with this key, or -1. Takes no lock. `hash` must be
   * `tbHash(pcLo, pcHi, flags, cflags, physPage)`.
   */
  lookup(hash: number, pcLo: number, pcHi: number, flags: number, cflags: number, physPage: number): number {
    pcLo |= 0;
    pcHi |= 0;
    flags |= 0;
    cflags |= 0;
    physPage |= 0;
    const w = this.words;
    const head = this.bucketWord(hash & this.mask);
    const tbw = this.tbs.words;
    const tbBase = this.tbs.base;
    for (;;) {
      const seq = seqReadBegin(w, head + B_SEQ);
      let b = head;
      scan: for (;;) {
        for (let i = 0; i < BUCKET_ENTRIES; i++) {
          // The hash word is only a filter: a plain read is enough (and ~10x cheaper than
          // Atomics.load on V8 11). The TB word is read atomically: it is the publication
          // point, so the descriptor reads after it see the key written before insert.
          const h = w[b + B_HASH + i];
          if (h !== hash) {
            // Entries are dense: the first empty slot ends the chain (a concurrent
            // remove may be moving an entry; the SEQ check below then retries).
            if (h === 0 && w[b + B_TB + i] === 0) break scan;
            continue;
          }
          const t = Atomics.load(w, b + B_TB + i) - 1;
          if (t < 0) break scan;
          const d = tbBase + t * TB_WORDS;
          if (
            tbw[d + TbField.PC_LO] === pcLo &&
            tbw[d + TbField.PC_HI] === pcHi &&
            tbw[d + TbField.FLAGS] === flags &&
            tbw[d + TbField.CFLAGS] === cflags &&
            tbw[d + TbField.PHYS_PAGE0] === physPage
          ) {
            return t;
          }
        }
        const next = Atomics.load(w, b + B_NEXT) - 1;
        if (next < 0) break;
        b = this.bucketWord(next);
      }
      if (!seqReadRetry(w, head + B_SEQ, seq)) return -1;
    }
  }

  private lockHead(thread: SyncThread, bucket: number): number {
    const head = this.bucketWord(bucket);
    thread.checker?.acquire(LockClass.qhtBucket, bucket);
    spinLock(this.words, head + B_LOCK, thread.owner, thread.canBlock);
    return head;
  }

  private unlockHead(thread: SyncThread, bucket: number, head: number): void {
    spinUnlock(this.words, head + B_LOCK);
    thread.checker?.release(LockClass.qhtBucket, bucket);
  }

  /**
   * Inserts TB `tb` (its key and HASH field already written). If a TB with the same key
   * is present, nothing is inserted and that TB is returned ("another thread translated
   * it first"). Returns {@link QHT_INSERTED} on success, {@link QHT_FULL} when the chain
   * needs an overflow bucket and the pool is empty (the caller flushes).
   */
  insert(thread: SyncThread, tb: number): number {
    const w = this.words;
    const tbs = this.tbs;
    const hash = tbs.get(tb, TbField.HASH);
    const pcLo = tbs.get(tb, TbField.PC_LO);
    const pcHi = tbs.get(tb, TbField.PC_HI);
    const flags = tbs.get(tb, TbField.FLAGS);
    const cflags = tbs.get(tb, TbField.CFLAGS);
    const page = tbs.get(tb, TbField.PHYS_PAGE0);
    const bucket = hash & this.mask;
    const head = this.lockHead(thread, bucket);
    try {
      let freeSlot = -1;
      let last = head;
      scan: for (let b = head; b >= 0; ) {
        for (let i = 0; i < BUCKET_ENTRIES; i++) {
          const t = Atomics.load(w, b + B_TB + i) - 1;
          if (t < 0) {
            freeSlot = b + i; // dense: the first empty slot is the end of the chain
            break scan;
          }
          if (
            Atomics.load(w, b + B_HASH + i) === hash &&
            tbs.keyEquals(t, pcLo, pcHi, flags, cflags) &&
            tbs.get(t, TbField.PHYS_PAGE0) === page
          ) {
            return t;
          }
        }
        last = b;
        const next = Atomics.load(w, b + B_NEXT) - 1;
        b = next < 0 ? -1 : this.bucketWord(next);
      }
      if (freeSlot >= 0) {
        seqWriteBegin(w, head + B_SEQ);
        Atomics.store(w, freeSlot + B_HASH, hash);
        Atomics.store(w, freeSlot + B_TB, tb + 1);
        seqWriteEnd(w, head + B_SEQ);
        return QHT_INSERTED;
      }
      const spare = Atomics.add(w, this.base, 1);
      if (spare >= this.overflowCount) {
        Atomics.sub(w, this.base, 1);
        return QHT_FULL;
      }
      const nb = this.bucketWord(this.bucketCount + spare);
      // The new bucket is unreachable until linked: fill it first, link it last.
      Atomics.store(w, nb + B_HASH, hash);
      Atomics.store(w, nb + B_TB, tb + 1);
      seqWriteBegin(w, head + B_SEQ);
      Atomics.store(w, last + B_NEXT, this.bucketCount + spare + 1);
      seqWriteEnd(w, head + B_SEQ);
      return QHT_INSERTED;
    } finally {
      this.unlockHead(thread, bucket, head);
    }
  }

  /**
   * Removes TB `tb` (by its HASH field); returns whether it was present. The chain's last
   * entry moves into the hole (as qht does), keeping entries dense so that lookups stop at
   * the first empty slot.
   */
  remove(thread: SyncThread, tb: number): boolean {
    const w = this.words;
    const hash = this.tbs.get(tb, TbField.HASH);
    const bucket = hash & this.mask;
    const head = this.lockHead(thread, bucket);
    try {
      let hole = -1;
      let lastSlot = -1;
      scan: for (let b = head; b >= 0; ) {
        for (let i = 0; i < BUCKET_ENTRIES; i++) {
          const v = Atomics.load(w, b + B_TB + i);
          if (v === 0) break scan;
          if (v === tb + 1) hole = b + i;
          lastSlot = b + i;
        }
        const next = Atomics.load(w, b + B_NEXT) - 1;
        b = next < 0 ? -1 : this.bucketWord(next);
      }
      if (hole < 0) return false;
      seqWriteBegin(w, head + B_SEQ);
      if (hole !== lastSlot) {
        Atomics.store(w, hole + B_HASH, Atomics.load(w, lastSlot + B_HASH));
        Atomics.store(w, hole + B_TB, Atomics.load(w, lastSlot + B_TB));
      }
      Atomics.store(w, lastSlot + B_TB, 0);
      Atomics.store(w, lastSlot + B_HASH, 0);
      seqWriteEnd(w, head + B_SEQ);
      return true;
    } finally {
      this.unlockHead(thread, bucket, head);
    }
  }

  /** Calls `fn` for every TB in the table (not atomic as a whole; for stats and checks). */
  forEach(fn: (tb: number) => void): void {
    const w = this.words;
    for (let h = 0; h < this.bucketCount; h++) {
      scan: for (let b = this.bucketWord(h); b >= 0; ) {
        for (let i = 0; i < BUCKET_ENTRIES; i++) {
          const t = Atomics.load(w, b + B_TB + i) - 1;
          if (t < 0) break scan;
          fn(t);
        }
        const next = Atomics.load(w, b + B_NEXT) - 1;
        b = next < 0 ? -1 : this.bucketWord(next);
      }
    }
  }

  /** Number of overflow buckets in use. */
  get overflowUsed(): number {
    return Atomics.load(this.words, this.base);
  }

  /** Empties the table and the overflow pool (tb_flush; every vCPU is stopped). */
  clear(): void {
    this.words.fill(0, this.base, this.base + tbHashWords(this.bucketCount, this.overflowCount));
  }
}
