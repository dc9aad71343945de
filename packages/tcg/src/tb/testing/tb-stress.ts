/**
 * Worker bodies for the TB-machinery stress tests (test/tb-*.test.ts). The tests start
 * worker_threads that import this file from dist/ and call one of these functions with
 * a posted TB arena. Plain functions over shared memory; no Node APIs. Not part of the
 * package's public API.
 */
import { createSyncThread } from "../../sync/sync-thread.js";
import { attachTbContext, type TbContext, type TbShared } from "../tb-context.js";
import { NO_PAGE, TbField, type TbInit } from "../tb-desc.js";
import { tbHash } from "../tb-hash.js";
import { tbAddJump } from "../tb-jmp.js";
import { doTbFlush, TB_BUFFER_FULL, tbCreate, tbFind, tbInvalidatePhysRange, tbLookup, tbPhysInvalidate } from "../tb-maint.js";

/** A small deterministic PRNG (xorshift32). */
export class Rng {
  private s: number;
  /** @param seed any non-zero integer. */
  constructor(seed: number) {
    this.s = seed | 0 || 0x1234567;
  }
  /** The next value in [0, n). */
  below(n: number): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x;
    return (x >>> 0) % n;
  }
}

/**
 * The key of test TB number `i` over `pages` guest pages: several TBs per page, some
 * crossing into the next page (so they live on two pages' lists).
 */
export function stressKey(i: number, pages: number): TbInit {
  const page = i % pages;
  const slot = Math.floor(i / pages);
  if (slot >= 140) throw new RangeError("stressKey: too many keys per page");
  let off: number;
  let size: number;
  if (i % 5 === 0) {
    // Every fifth TB starts at the end of its page and ends 16 bytes into the next one.
    off = 4094 - 2 * slot;
    size = 2 * slot + 18;
  } else {
    off = (slot * 232 + 64) % 3800;
    size = 16 + (i % 7) * 16;
  }
  let physPage1 = NO_PAGE;
  if (off + size > 4096) {
    if (page + 1 < pages) physPage1 = page + 1;
    else size = 4096 - off;
  }
  return { pcLo: page * 4096 + off, pcHi: 0, flags: i % 3, cflags: 0, physPage0: page, physPage1, size, icount: size >> 2 };
}

const fakeCode = new Uint8Array(40);

/** Common arguments of the TB workers. */
export interface TbWorkerArgs {
  /** The arena. */
  readonly shared: TbShared;
  /** vCPU index (also the thread index). */
  readonly vcpu: number;
  /** Enable the lock checker. */
  readonly debug: boolean;
  /** PRNG seed. */
  readonly seed: number;
  /** Operations to run. */
  readonly ops: number;
  /** Number of distinct TB keys. */
  readonly keys: number;
  /** Guest pages the keys spread over. */
  readonly pages: number;
  /** Percentages of operations (the rest are lookup-or-create). */
  readonly pct: { readonly chain: number; readonly invalidate: number; readonly invalidateRange: number };
}

/** Counters returned by {@link tbMixWorker}. */
export interface TbMixResult {
  /** Lookups that hit. */
  hits: number;
  /** TBs this worker published. */
  created: number;
  /** Creations that found an identical TB published first. */
  lostRaces: number;
  /** Jumps chained. */
  chained: number;
  /** TBs invalidated. */
  invalidated: number;
  /** Lookups that returned a TB whose descriptor does not match the key (must be 0). */
  torn: number;
  /** Creations refused because the buffer was full. */
  full: number;
  /** Description of the first torn result, for diagnosis. */
  firstTorn?: string;
}

function attach(a: TbWorkerArgs): TbContext {
  return attachTbContext(a.shared, createSyncThread(a.vcpu, { debug: a.debug }), a.vcpu);
}

function lookupKey(ctx: TbContext, k: TbInit): number {
  return tbLookup(ctx, ctx.vcpu, k.pcLo, k.pcHi, k.flags, k.cflags, k.physPage0);
}

function describeTorn(ctx: TbContext, tb: number, k: TbInit, where: string): string {
  const fields = Object.entries(TbField).map(([n, f]) => `${n}=${ctx.tbs.get(tb, f)}`).join(" ");
  return `${where}: tb ${tb} for key ${JSON.stringify(k)}: ${fields}`;
}

function noteTorn(ctx: TbContext, tb: number, k: TbInit, r: TbMixResult, where: string): void {
  r.torn++;
  r.firstTorn ??= describeTorn(ctx, tb, k, where);
}

function matches(ctx: TbContext, tb: number, k: TbInit): boolean {
  const t = ctx.tbs;
  return (
    t.keyEquals(tb, k.pcLo, k.pcHi, k.flags, k.cflags) &&
    t.get(tb, TbField.PHYS_PAGE0) === k.physPage0 &&
    t.get(tb, TbField.SIZE) === k.size &&
    t.get(tb, TbField.PHYS_PAGE1) === (k.physPage1 === k.physPage0 ? NO_PAGE : k.physPage1)
  );
}

/** Looks up or translates the TB of key `i`; -1 when the buffer is full. */
function findOrCreate(ctx: TbContext, k: TbInit, r: TbMixResult): number {
  let tb = lookupKey(ctx, k);
  if (tb >= 0) {
    r.hits++;
    if (!matches(ctx, tb, k)) noteTorn(ctx, tb, k, r, "lookup");
    return tb;
  }
  if (ctx.userMode) ctx.mmapLock();
  ctx.tbLockIfEnabled();
  const c = tbCreate(ctx, k, fakeCode);
  ctx.tbUnlockIfEnabled();
  if (ctx.userMode) ctx.mmapUnlock();
  if (c === TB_BUFFER_FULL) {
    r.full++;
    return -1;
  }
  if (c.existing) r.lostRaces++;
  else r.created++;
  tb = c.tb;
  if (!matches(ctx, tb, k)) noteTorn(ctx, tb, k, r, c.existing ? "create (existing)" : "create");
  ctx.jmpCache.set(ctx.vcpu, k.pcLo, tb);
  return tb;
}

/**
 * Hammers the hash table, page lists, jump lists and page collections: lookup-or-create
 * of random keys (concurrent creators of the same key race in tb_link_page), chaining
 * random pairs, invalidating single TBs and random page ranges.
 */
export function tbMixWorker(a: TbWorkerArgs): TbMixResult {
  const ctx = attach(a);
  const rng = new Rng(a.seed);
  const r: TbMixResult = { hits: 0, created: 0, lostRaces: 0, chained: 0, invalidated: 0, torn: 0, full: 0 };
  const { chain, invalidate, invalidateRange } = a.pct;
  // TBs seen recently: by the time they are chained they may have been invalidated by
  // another worker (as a vCPU's last_tb can be), which tbAddJump must handle.
  const recent = new Int32Array(16).fill(-1);
  const pick = (): number => {
    const old = recent[rng.below(16)]!;
    if (old >= 0 && rng.below(2) === 0) return old;
    const tb = findOrCreate(ctx, stressKey(rng.below(a.keys), a.pages), r);
    if (tb >= 0) recent[rng.below(16)] = tb;
    return tb;
  };
  for (let i = 0; i < a.ops; i++) {
    const op = rng.below(100);
    if (op < chain) {
      const from = pick();
      const to = pick();
      if (from < 0 || to < 0) continue;
      ctx.tbLockIfEnabled();
      if (tbAddJump(ctx, from, rng.below(2), to)) r.chained++;
      ctx.tbUnlockIfEnabled();
    } else if (op < chain + invalidate) {
      const tb = lookupKey(ctx, stressKey(rng.below(a.keys), a.pages));
      if (tb < 0) continue;
      if (ctx.userMode) ctx.mmapLock();
      ctx.tbLockIfEnabled();
      if (tbPhysInvalidate(ctx, tb)) r.invalidated++;
      ctx.tbUnlockIfEnabled();
      if (ctx.userMode) ctx.mmapUnlock();
    } else if (op < chain + invalidate + invalidateRange) {
      const page = rng.below(a.pages);
      const start = page * 4096 + rng.below(4096);
      const end = Math.min(start + 1 + rng.below(3 * 4096), a.pages * 4096);
      if (ctx.userMode) ctx.mmapLock();
      ctx.tbLockIfEnabled();
      r.invalidated += tbInvalidatePhysRange(ctx, start, end);
      ctx.tbUnlockIfEnabled();
      if (ctx.userMode) ctx.mmapUnlock();
    } else {
      findOrCreate(ctx, stressKey(rng.below(a.keys), a.pages), r);
    }
  }
  ctx.thread.checker?.assertNoLocksHeld();
  return r;
}

/** Arguments of {@link readerWorker}. */
export interface ReaderArgs {
  /** The arena. */
  readonly shared: TbShared;
  /** Thread index. */
  readonly vcpu: number;
  /** PRNG seed. */
  readonly seed: number;
  /** Keys and pages, as the writers use them. */
  readonly keys: number;
  /** Guest pages. */
  readonly pages: number;
  /**
   * Two words: stop once [0] becomes non-zero; [1] counts readers that have started, so
   * that a test can start its writers only once every reader is running (worker start-up
   * on a loaded machine can otherwise outlast the whole write phase).
   */
  readonly stop: SharedArrayBuffer;
}

/** A lock-free reader: hash-table lookups only, each hit checked against the key. */
export function readerWorker(a: ReaderArgs): { lookups: number; hits: number; torn: number } {
  const ctx = attachTbContext(a.shared, createSyncThread(a.vcpu), a.vcpu);
  const stop = new Int32Array(a.stop);
  Atomics.add(stop, 1, 1);
  Atomics.notify(stop, 1);
  const rng = new Rng(a.seed);
  let lookups = 0;
  let hits = 0;
  let torn = 0;
  while (Atomics.load(stop, 0) === 0) {
    for (let i = 0; i < 256; i++) {
      const k = stressKey(rng.below(a.keys), a.pages);
      const tb = ctx.hash.lookup(
        // the reader bypasses the jump cache on purpose
        hashOf(k),
        k.pcLo,
        k.pcHi,
        k.flags,
        k.cflags,
        k.physPage0,
      );
      lookups++;
      if (tb >= 0) {
        hits++;
        if (!matches(ctx, tb, k)) torn++;
      }
    }
  }
  return { lookups, hits, torn };
}

function hashOf(k: TbInit): number {
  return tbHash(k.pcLo, k.pcHi, k.flags, k.cflags, k.physPage0);
}

/** Arguments of {@link pageLockWorker}. */
export interface PageLockArgs extends TbWorkerArgs {
  /** One word per page: the owner id while a collection holds it. */
  readonly marks: SharedArrayBuffer;
}

/**
 * Locks random overlapping page ranges with page collections while other workers
 * create and invalidate two-page TBs; inside, checks that it alone holds every page.
 */
export function pageLockWorker(a: PageLockArgs): { collections: number; retries: number; violations: number; r: TbMixResult } {
  const ctx = attach(a);
  const rng = new Rng(a.seed);
  const marks = new Int32Array(a.marks);
  const r: TbMixResult = { hits: 0, created: 0, lostRaces: 0, chained: 0, invalidated: 0, torn: 0, full: 0 };
  let collections = 0;
  let retries = 0;
  let violations = 0;
  const me = ctx.thread.owner;
  for (let i = 0; i < a.ops; i++) {
    if (rng.below(4) === 0) {
      findOrCreate(ctx, stressKey(rng.below(a.keys), a.pages), r);
      continue;
    }
    const start = rng.below(a.pages * 4096);
    const end = Math.min(a.pages * 4096, start + 1 + rng.below(4 * 4096));
    const pc = ctx.collection;
    pc.lock(ctx.thread, start, end);
    retries += pc.retries;
    for (const p of pc.pages) if (Atomics.compareExchange(marks, p, 0, me) !== 0) violations++;
    for (let k = 0; k < 20; k++) Atomics.add(marks, a.pages, 1);
    for (const p of pc.pages) if (Atomics.compareExchange(marks, p, me, 0) !== me) violations++;
    pc.unlock(ctx.thread);
    collections++;
  }
  ctx.thread.checker?.assertNoLocksHeld();
  return { collections, retries, violations, r };
}

/** Arguments of {@link vcpuWorker}. */
export interface VcpuArgs extends TbWorkerArgs {
  /**
   * Words: [0] in-exclusive flag, [1] violations (a vCPU executed a TB during a section,
   * or two sections overlapped), [2] exclusive sections run, [4], [5] scratch,
   * [8 + v] TBs executed by vCPU v.
   */
  readonly marks: SharedArrayBuffer;
  /** Per mille of TB boundaries at which this vCPU requests a flush (besides "buffer full"). */
  readonly flushPerMille: number;
}

/**
 * A vCPU loop: cpu_exec_start, "execute" TBs (tbFind: lookup or translate, chaining the
 * previous TB to the next; counting progress and polling exit_request), cpu_exec_end. When the buffer is full, or at random, it runs a
 * tb_flush as exclusive work whose body checks that no other vCPU makes progress.
 */
export function vcpuWorker(a: VcpuArgs): { tbs: number; flushes: number; sections: number; r: TbMixResult } {
  const ctx = attach(a);
  const rng = new Rng(a.seed);
  const m = new Int32Array(a.marks);
  const ex = ctx.exclusive;
  const v = a.vcpu;
  const r: TbMixResult = { hits: 0, created: 0, lostRaces: 0, chained: 0, invalidated: 0, torn: 0, full: 0 };
  let tbs = 0;
  let flushes = 0;
  let sections = 0;
  ex.addCpu(ctx.thread, v);
  const safeFlush = (observed: number): void => {
    const did = ex.runSafeWork(ctx.thread, v, () => {
      if (Atomics.exchange(m, 0, 1) !== 0) Atomics.add(m, 1, 1);
      const before: number[] = [];
      for (let c = 0; c < ex.vcpus; c++) before.push(Atomics.load(m, 8 + c));
      // (RUNNING itself may blink to 1 while a vCPU's cpu_exec_start notices the pending
      // section and steps aside, so progress is what is checked.)
      // Give a running vCPU (if the protocol were broken) time to show progress.
      for (let k = 0; k < 2000; k++) Atomics.add(m, 4, 1);
      for (let c = 0; c < ex.vcpus; c++) if (c !== v && Atomics.load(m, 8 + c) !== before[c]) Atomics.add(m, 1, 1);
      const flushed = doTbFlush(ctx, observed);
      Atomics.add(m, 2, 1);
      Atomics.store(m, 0, 0);
      return flushed;
    });
    sections++;
    if (did) flushes++;
  };
  let done = 0;
  const translate = (): Uint8Array => {
    r.created++;
    return fakeCode;
  };
  while (done < a.ops) {
    ex.cpuExecStart(ctx.thread, v);
    // A flush may have happened while we were outside: TB numbers from before are stale.
    let lastTb = -1;
    for (let n = 0; n < 64 && done < a.ops; n++, done++) {
      if (ex.exitRequested(v)) {
        ex.clearExitRequest(v);
        break;
      }
      if (Atomics.load(m, 0) !== 0) Atomics.add(m, 1, 1);
      Atomics.add(m, 8 + v, 1);
      const observed = ctx.flushCount;
      const k = stressKey(rng.below(a.keys), a.pages);
      const tb = tbFind(ctx, k, translate, lastTb, rng.below(2));
      tbs++;
      if (tb >= 0 && !matches(ctx, tb, k)) noteTorn(ctx, tb, k, r, "tbFind");
      if (tb >= 0) r.hits++;
      lastTb = tb;
      if (tb < 0 || rng.below(1000) < a.flushPerMille) {
        safeFlush(observed);
        lastTb = -1;
      }
    }
    ex.cpuExecEnd(ctx.thread, v);
    if (rng.below(8) === 0) Atomics.wait(m, 5, 0, 0.05); // time outside the TB loop
  }
  ex.removeCpu(ctx.thread, v);
  ctx.thread.checker?.assertNoLocksHeld();
  return { tbs, flushes, sections, r };
}

/** Arguments of {@link pinnedReaderWorker}. */
export interface PinnedReaderArgs extends ReaderArgs {
  /** Keys [0, pinned) are published before the workers start and never removed. */
  readonly pinned: number;
}

/**
 * Looks up the pinned keys (always published) while writers churn other keys in the same
 * buckets: a lock-free lookup must never miss a pinned TB, nor return a wrong one.
 */
export function pinnedReaderWorker(a: PinnedReaderArgs): { lookups: number; misses: number; torn: number } {
  const ctx = attachTbContext(a.shared, createSyncThread(a.vcpu), a.vcpu);
  const stop = new Int32Array(a.stop);
  Atomics.add(stop, 1, 1);
  Atomics.notify(stop, 1);
  const rng = new Rng(a.seed);
  let lookups = 0;
  let misses = 0;
  let torn = 0;
  while (Atomics.load(stop, 0) === 0) {
    for (let i = 0; i < 64; i++) {
      const k = stressKey(rng.below(a.pinned), a.pages);
      const tb = ctx.hash.lookup(hashOf(k), k.pcLo, k.pcHi, k.flags, k.cflags, k.physPage0);
      lookups++;
      if (tb < 0) misses++;
      else if (!ctx.tbs.keyEquals(tb, k.pcLo, k.pcHi, k.flags, k.cflags)) torn++;
    }
  }
  return { lookups, misses, torn };
}

/** Arguments of {@link churnWorker}. */
export interface ChurnArgs extends TbWorkerArgs {
  /** Keys below this index are pinned: never invalidated. */
  readonly pinned: number;
}

/** Creates and invalidates unpinned keys as fast as it can (hash-table churn). */
export function churnWorker(a: ChurnArgs): TbMixResult {
  const ctx = attach(a);
  const rng = new Rng(a.seed);
  const r: TbMixResult = { hits: 0, created: 0, lostRaces: 0, chained: 0, invalidated: 0, torn: 0, full: 0 };
  for (let i = 0; i < a.ops; i++) {
    const k = stressKey(a.pinned + rng.below(a.keys - a.pinned), a.pages);
    const tb = ctx.hash.lookup(hashOf(k), k.pcLo, k.pcHi, k.flags, k.cflags, k.physPage0);
    if (tb >= 0) {
      if (tbPhysInvalidate(ctx, tb)) r.invalidated++;
    } else {
      findOrCreate(ctx, k, r);
    }
  }
  return r;
}

/** Arguments of {@link regionWorker}. */
export interface RegionArgs {
  /** The arena. */
  readonly shared: TbShared;
  /** vCPU index. */
  readonly vcpu: number;
  /** Enable the lock checker. */
  readonly debug: boolean;
  /** One word per TB: the vCPU (+1) that allocated it. */
  readonly owners: SharedArrayBuffer;
  /** Start barrier: [0] arrivals; workers start together once it reaches `threads`. */
  readonly barrier: SharedArrayBuffer;
  /** Workers taking part. */
  readonly threads: number;
}

/**
 * Allocates TBs until the buffer is full (regions are small, so vCPUs keep taking new
 * ones concurrently); claims each TB index in `owners`. Returns [allocated, double claims].
 */
export function regionWorker(a: RegionArgs): [number, number] {
  const ctx = attach({ ...a, seed: 1, ops: 0, keys: 1, pages: 1, pct: { chain: 0, invalidate: 0, invalidateRange: 0 } });
  const owners = new Int32Array(a.owners);
  const barrier = new Int32Array(a.barrier);
  Atomics.add(barrier, 0, 1);
  while (Atomics.load(barrier, 0) < a.threads) {
    // spin: start together so that region takes really overlap
  }
  let n = 0;
  let doubles = 0;
  for (;;) {
    const got = ctx.regions.alloc(ctx.thread, a.vcpu, 8);
    if (got === null) break;
    if (Atomics.compareExchange(owners, got.tb, 0, a.vcpu + 1) !== 0) doubles++;
    n++;
  }
  return [n, doubles];
}

