// Stress tests of the shared TB machinery: many worker_threads hammer one TB arena.
// Workers run dist/tb/testing/tb-stress.js (build first). The lock checker is on unless
// WASMU_DEBUG_TCG=0. After the workers finish, the main thread checks the arena's
// invariants (tb-invariants.ts): hash table, page lists and jump lists agree.
import { describe, expect, it } from "vitest";
import { createSyncThread } from "../src/sync/sync-thread.js";
import { attachTbContext, createTbShared, type TbShared } from "../src/tb/tb-context.js";
import { checkTbInvariants } from "../src/tb/testing/tb-invariants.js";
import { stressKey, type TbMixResult } from "../src/tb/testing/tb-stress.js";
import { tbFind } from "../src/tb/tb-maint.js";
import { DEBUG_TCG, distModule, runInWorker, runWorkers, TORTURE_SCALE } from "./sync-workers.js";

/**
 * Resolves once `count` readers have announced themselves in word [1] of `stop`, so the
 * writers start only when every reader runs (worker start-up on a loaded machine can
 * otherwise outlast the whole write phase, leaving the readers nothing to race with).
 */
async function readersStarted(stop: SharedArrayBuffer, count: number): Promise<void> {
  const words = new Int32Array(stop);
  while (Atomics.load(words, 1) < count) await new Promise((resolve) => setTimeout(resolve, 1));
}

// A broken protocol tends to hang rather than fail; this bound only catches a hang, so it
// is far above any slow run: 30 s failed a case that takes 2 s on an idle machine when the
// machine was loaded twelvefold (scripts/torture.sh next to a CI run).
const STRESS_TIMEOUT_MS = 600_000 * TORTURE_SCALE;

const stress = distModule("tb/testing/tb-stress.js");
const PAGES = 32;
const KEYS = 600;

function arena(extra: { tbLockMode?: boolean; userMode?: boolean; maxTbs?: number; regions?: number } = {}): TbShared {
  return createTbShared({ maxTbs: extra.maxTbs ?? 65536, codeBytes: extra.maxTbs === undefined ? 1 << 22 : 1 << 16, regions: extra.regions ?? 32, vcpus: 8, guestPages: PAGES, ...extra });
}

function sum(rs: TbMixResult[], k: Exclude<keyof TbMixResult, "firstTorn">): number {
  return rs.reduce((s, r) => s + r[k], 0);
}

function invariants(shared: TbShared): string[] {
  return checkTbInvariants(attachTbContext(shared, createSyncThread(100, { debug: true }), -1));
}

describe.each([
  { mode: "tb-lock=off", tbLockMode: false, userMode: false },
  { mode: "tb-lock=on", tbLockMode: true, userMode: false },
  { mode: "user mode (mmap_lock)", tbLockMode: false, userMode: true },
])("TB machinery under concurrency, $mode", ({ tbLockMode, userMode }) => {
  it("4 writers (lookup/create, chain, invalidate TBs and ranges) + 2 lock-free readers keep every structure consistent", async () => {
    const shared = arena({ tbLockMode, userMode });
    const stop = new SharedArrayBuffer(8);
    const readers = [4, 5].map((vcpu) =>
      runInWorker<{ lookups: number; hits: number; torn: number }>(stress, "readerWorker", { shared, vcpu, seed: 99 + vcpu, keys: KEYS, pages: PAGES, stop }),
    );
    await readersStarted(stop, 2);
    const writers = await runWorkers<TbMixResult>(stress, "tbMixWorker", 4, (vcpu) => ({
      shared,
      vcpu,
      debug: DEBUG_TCG,
      seed: 1 + vcpu * 7919,
      ops: 12_000 * TORTURE_SCALE,
      keys: KEYS,
      pages: PAGES,
      pct: { chain: 25, invalidate: 6, invalidateRange: 2 },
    }));
    Atomics.store(new Int32Array(stop), 0, 1);
    const rs = await Promise.all(readers);
    expect(writers.map((w) => w.firstTorn ?? "")).toEqual(["", "", "", ""]);
    expect(sum(writers, "torn")).toBe(0);
    expect(sum(writers, "full")).toBe(0);
    for (const r of rs) expect(r.torn).toBe(0);
    expect(sum(writers, "created")).toBeGreaterThan(KEYS / 2);
    expect(sum(writers, "chained")).toBeGreaterThan(100);
    expect(sum(writers, "invalidated")).toBeGreaterThan(100);
    expect(rs[0]!.lookups).toBeGreaterThan(1000);
    expect(invariants(shared)).toEqual([]);
  }, STRESS_TIMEOUT_MS);
});

describe("jump chains on a hot set of 24 TBs", () => {
  it("concurrent tbAddJump / unlink / invalidate / re-create on the same TBs keep jump lists exact", async () => {
    const shared = arena();
    const writers = await runWorkers<TbMixResult>(stress, "tbMixWorker", 4, (vcpu) => ({
      shared,
      vcpu,
      debug: DEBUG_TCG,
      seed: 1000 + vcpu,
      ops: 12_000 * TORTURE_SCALE,
      keys: 24,
      pages: 4,
      pct: { chain: 60, invalidate: 15, invalidateRange: 3 },
    }));
    expect(writers.map((w) => w.firstTorn ?? "")).toEqual(["", "", "", ""]);
    expect(sum(writers, "full")).toBe(0);
    expect(sum(writers, "chained")).toBeGreaterThan(1000);
    expect(sum(writers, "invalidated")).toBeGreaterThan(1000);
    expect(invariants(shared)).toEqual([]);
  }, STRESS_TIMEOUT_MS);
});

describe("lock-free lookups in a churning chain", () => {
  it("never miss a TB that stays published while its bucket chain is rewritten (one head bucket)", async () => {
    const shared = createTbShared({ maxTbs: 65536, codeBytes: 1 << 22, regions: 32, vcpus: 8, guestPages: PAGES, hashBuckets: 1, hashOverflow: 40 });
    const pinned = 30;
    const keys = 150;
    const main = attachTbContext(shared, createSyncThread(100, { debug: true }), 0);
    // Interleave pinned and churned entries in the chain, so that removals of churned
    // entries move pinned ones (the chain's last entry fills each hole).
    for (let i = 0; i < pinned; i++) {
      expect(tbFind(main, stressKey(pinned + i, PAGES), () => new Uint8Array(8), -1, 0)).toBeGreaterThanOrEqual(0);
      expect(tbFind(main, stressKey(i, PAGES), () => new Uint8Array(8), -1, 0)).toBeGreaterThanOrEqual(0);
    }
    const stop = new SharedArrayBuffer(8);
    const readers = [5, 6].map((vcpu) =>
      runInWorker<{ lookups: number; misses: number; torn: number }>(stress, "pinnedReaderWorker", { shared, vcpu, seed: vcpu, keys, pages: PAGES, stop, pinned }),
    );
    await readersStarted(stop, 2);
    const churn = await runWorkers<TbMixResult>(stress, "churnWorker", 3, (i) => ({
      shared,
      vcpu: i + 1,
      debug: DEBUG_TCG,
      seed: 17 + i,
      ops: 6000 * TORTURE_SCALE,
      keys,
      pages: PAGES,
      pct: { chain: 0, invalidate: 0, invalidateRange: 0 },
      pinned,
    }));
    Atomics.store(new Int32Array(stop), 0, 1);
    const rs = await Promise.all(readers);
    expect(sum(churn, "full")).toBe(0);
    expect(sum(churn, "invalidated")).toBeGreaterThan(1000);
    for (const r of rs) {
      expect(r.misses).toBe(0);
      expect(r.torn).toBe(0);
      expect(r.lookups).toBeGreaterThan(1000);
    }
    expect(invariants(shared)).toEqual([]);
  }, STRESS_TIMEOUT_MS);
});

describe("region allocator under concurrency", () => {
  it("4 vCPUs taking 8192 one-TB regions at the same time never share a TB", async () => {
    const maxTbs = 8192;
    const shared = createTbShared({ maxTbs, codeBytes: maxTbs * 8, regions: maxTbs, vcpus: 4, guestPages: 1 });
    const owners = new SharedArrayBuffer(4 * maxTbs);
    const barrier = new SharedArrayBuffer(4);
    const res = await runWorkers<[number, number]>(stress, "regionWorker", 4, (vcpu) => ({ shared, vcpu, debug: DEBUG_TCG, owners, barrier, threads: 4 }));
    expect(res.map((r) => r[1])).toEqual([0, 0, 0, 0]);
    expect(res.reduce((s, r) => s + r[0], 0)).toBe(maxTbs);
    expect(new Int32Array(owners).every((o) => o !== 0)).toBe(true);
  }, STRESS_TIMEOUT_MS);
});

describe("page_collection_lock under concurrency", () => {
  it("random overlapping ranges: exclusive ownership, no deadlock, while two-page TBs come and go", async () => {
    const shared = arena();
    const marks = new SharedArrayBuffer(4 * (PAGES + 1));
    const collectors = runWorkers<{ collections: number; retries: number; violations: number }>(stress, "pageLockWorker", 3, (vcpu) => ({
      shared,
      vcpu,
      debug: DEBUG_TCG,
      seed: 31 + vcpu,
      ops: 6000 * TORTURE_SCALE,
      keys: KEYS,
      pages: PAGES,
      pct: { chain: 0, invalidate: 0, invalidateRange: 0 },
      marks,
    }));
    const churn = runInWorker<TbMixResult>(stress, "tbMixWorker", {
      shared,
      vcpu: 3,
      debug: DEBUG_TCG,
      seed: 5,
      ops: 8000 * TORTURE_SCALE,
      keys: KEYS,
      pages: PAGES,
      pct: { chain: 10, invalidate: 20, invalidateRange: 20 },
    });
    const [res, mix] = await Promise.all([collectors, churn]);
    for (const r of res) {
      expect(r.violations).toBe(0);
      expect(r.collections).toBeGreaterThan(1000);
    }
    expect(mix.torn).toBe(0);
    expect(invariants(shared)).toEqual([]);
  }, STRESS_TIMEOUT_MS);
});

describe.each([
  { mode: "tb-lock=off", tbLockMode: false, userMode: false },
  { mode: "tb-lock=on", tbLockMode: true, userMode: false },
  { mode: "user mode", tbLockMode: false, userMode: true },
])("exclusive work and tb_flush, $mode", ({ tbLockMode, userMode }) => {
  it("4 vCPUs (tbFind with chaining) fill a small buffer and flush it as safe work; no vCPU runs during a section", async () => {
    const shared = arena({ maxTbs: 256, regions: 8, tbLockMode, userMode });
    const marks = new SharedArrayBuffer(4 * 16);
    const res = await runWorkers<{ tbs: number; flushes: number; sections: number; r: TbMixResult }>(stress, "vcpuWorker", 4, (vcpu) => ({
      shared,
      vcpu,
      debug: DEBUG_TCG,
      seed: 77 + vcpu,
      ops: 15_000 * TORTURE_SCALE,
      keys: KEYS,
      pages: PAGES,
      pct: { chain: 0, invalidate: 0, invalidateRange: 0 },
      marks,
      flushPerMille: 1,
    }));
    const m = new Int32Array(marks);
    expect(m[1]).toBe(0); // violations: progress or running vCPUs seen during a section
    const flushes = res.reduce((s, r) => s + r.flushes, 0);
    expect(flushes).toBeGreaterThan(2);
    expect(m[2]).toBe(res.reduce((s, r) => s + r.sections, 0));
    const ctx = attachTbContext(shared, createSyncThread(100), -1);
    expect(ctx.flushCount).toBe(flushes);
    for (const r of res) expect(r.r.torn).toBe(0);
    expect(invariants(shared)).toEqual([]);
  }, STRESS_TIMEOUT_MS);
});
