import { describe, expect, it } from "vitest";
import { createSyncThread } from "../src/sync/sync-thread.js";
import { LockOrderError } from "../src/sync/lock-checker.js";
import type { TbContext } from "../src/tb/tb-context.js";
import { attachTbContext, createTbShared, type TbParams } from "../src/tb/tb-context.js";
import { NO_PAGE, TbField, type TbInit } from "../src/tb/tb-desc.js";
import { QHT_FULL, QHT_INSERTED, tbHash } from "../src/tb/tb-hash.js";
import { tbAddJump, tbIncomingJumps, tbJmpTarget } from "../src/tb/tb-jmp.js";
import {
  doTbFlush, TB_BUFFER_FULL, tbCreate, tbFind, tbInvalidatePhysPageFast, tbInvalidatePhysRange, tbLookup, tbPhysInvalidate,
} from "../src/tb/tb-maint.js";
import { SMC_BITMAP_USE_THRESHOLD } from "../src/tb/page-desc.js";
import { checkTbInvariants } from "../src/tb/testing/tb-invariants.js";

const code = new Uint8Array(24);

function ctxFor(p: Partial<TbParams> = {}): TbContext {
  const shared = createTbShared({ maxTbs: 256, codeBytes: 64 * 1024, regions: 4, vcpus: 2, guestPages: 16, ...p });
  return attachTbContext(shared, createSyncThread(0, { debug: true }), 0);
}

function key(pc: number, size = 16, flags = 0): TbInit {
  const page0 = Math.floor(pc / 4096);
  const page1 = Math.floor((pc + size - 1) / 4096);
  return { pcLo: pc, pcHi: 0, flags, cflags: 0, physPage0: page0, physPage1: page1 === page0 ? NO_PAGE : page1, size, icount: size / 4 };
}

function create(ctx: TbContext, k: TbInit): number {
  const r = tbCreate(ctx, k, code);
  if (r === TB_BUFFER_FULL) throw new Error("full");
  return (r).tb;
}

function lookup(ctx: TbContext, k: TbInit): number {
  return tbLookup(ctx, 0, k.pcLo, k.pcHi, k.flags, k.cflags, k.physPage0);
}

describe("TB arena", () => {
  it("is postable: a second context over the same buffer sees the same TBs", () => {
    const a = ctxFor();
    const tb = create(a, key(0x1000));
    const b = attachTbContext(a.shared, createSyncThread(1), 1);
    expect(tbLookup(b, 1, 0x1000, 0, 0, 0, 1)).toBe(tb);
    expect(structuredClone(a.shared).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it("lets a non-vCPU thread look up (no jump cache) but not allocate", () => {
    const a = ctxFor();
    const tb = create(a, key(0x1000));
    const io = attachTbContext(a.shared, createSyncThread(9), -1);
    expect(tbLookup(io, -1, 0x1000, 0, 0, 0, 1)).toBe(tb);
    expect(() => tbCreate(io, key(0x2000), code)).toThrow(RangeError);
  });

  it("can live inside a shared WebAssembly.Memory", () => {
    const mem = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
    const shared = createTbShared({ maxTbs: 64, codeBytes: 4096, regions: 1, vcpus: 1, guestPages: 4 }, mem.buffer as unknown as SharedArrayBuffer, 65536);
    const ctx = attachTbContext(shared, createSyncThread(0), 0);
    const tb = create(ctx, key(0x10));
    const addr = ctx.tbFieldAddress(tb, TbField.JMP_TARGET0);
    expect(addr).toBeGreaterThan(65536);
    new Int32Array(mem.buffer)[addr / 4] = 42; // what generated code would see
    expect(tbJmpTarget(ctx, tb, 0)).toBe(41);
  });
});

describe("TB hash table", () => {
  it("inserts, finds, returns the existing TB for a duplicate key, removes", () => {
    const ctx = ctxFor();
    const k = key(0x2000, 32, 1);
    const a = create(ctx, k);
    expect(lookup(ctx, k)).toBe(a);
    expect(lookup(ctx, { ...k, flags: 2 })).toBe(-1);
    const r = tbCreate(ctx, k, code);
    expect(r).toEqual({ tb: a, existing: true });
    expect(ctx.hash.remove(ctx.thread, a)).toBe(true);
    expect(ctx.hash.remove(ctx.thread, a)).toBe(false);
    expect(ctx.hash.lookup(tbHash(k.pcLo, 0, 1, 0, 2), k.pcLo, 0, 1, 0, 2)).toBe(-1);
  });

  it("chains overflow buckets and reports a full pool", () => {
    const ctx = ctxFor({ hashBuckets: 1, hashOverflow: 2 });
    const tbs: number[] = [];
    let i = 0;
    for (;;) {
      const r = tbCreate(ctx, key(0x100 + i * 0x20), code);
      if (r === TB_BUFFER_FULL) break;
      tbs.push((r).tb);
      i++;
    }
    expect(tbs.length).toBe(18); // 6 entries in the head bucket + 2 overflow buckets
    tbs.forEach((tb, j) => expect(lookup(ctx, key(0x100 + j * 0x20))).toBe(tb));
    expect(ctx.hash.overflowUsed).toBe(2);
    // a freed slot is reused without another bucket
    expect(tbPhysInvalidate(ctx, tbs[3]!)).toBe(true);
    expect(tbCreate(ctx, key(0x3000), code)).not.toBe(TB_BUFFER_FULL);
    expect(checkTbInvariants(ctx)).toEqual([]);
    expect(ctx.hash.insert(ctx.thread, tbs[0]!)).toBe(tbs[0]); // already present
    void QHT_FULL;
    void QHT_INSERTED;
  });
});

describe("jump cache", () => {
  it("confirms hits against the key and the invalid bit", () => {
    const ctx = ctxFor();
    const k = key(0x1800);
    const tb = create(ctx, k);
    ctx.jmpCache.set(0, k.pcLo, tb);
    expect(ctx.jmpCache.lookup(0, k.pcLo, 0, 0, 0)).toBe(tb);
    expect(ctx.jmpCache.lookup(0, k.pcLo, 0, 1, 0)).toBe(-1);
    expect(ctx.jmpCache.lookup(1, k.pcLo, 0, 0, 0)).toBe(-1);
    tbPhysInvalidate(ctx, tb);
    expect(ctx.jmpCache.lookup(0, k.pcLo, 0, 0, 0)).toBe(-1);
  });
});

describe("regions", () => {
  it("gives each vCPU its own region and reports a full buffer", () => {
    const ctx = ctxFor({ maxTbs: 8, regions: 2, codeBytes: 4096 });
    const r0 = ctx.regions.alloc(ctx.thread, 0, 100)!;
    const r1 = ctx.regions.alloc(ctx.thread, 1, 100)!;
    expect(r0.region).not.toBe(r1.region);
    expect(r0.tb).toBe(0);
    expect(r1.tb).toBe(4);
    for (let i = 0; i < 3; i++) expect(ctx.regions.alloc(ctx.thread, 0, 100)).not.toBeNull();
    expect(ctx.regions.alloc(ctx.thread, 0, 100)).toBeNull(); // region 0 full, no region left
    expect(ctx.regions.regionsInUse).toBe(2);
  });

  it("switches region when the code does not fit", () => {
    const ctx = ctxFor({ maxTbs: 64, regions: 4, codeBytes: 4096 });
    const a = ctx.regions.alloc(ctx.thread, 0, 1000)!;
    const b = ctx.regions.alloc(ctx.thread, 0, 100)!;
    expect(b.region).not.toBe(a.region);
  });
});

describe("pages, invalidation and code bitmaps", () => {
  it("puts a two-page TB on both lists and invalidates it from either page", () => {
    const ctx = ctxFor();
    const k = key(0x1ff8, 32);
    const tb = create(ctx, k);
    const seen: [number, number][] = [];
    ctx.pages.lock(ctx.thread, 2);
    ctx.pages.forEachTb(2, (t, n) => seen.push([t, n]));
    ctx.pages.unlock(ctx.thread, 2);
    expect(seen).toEqual([[tb, 1]]);
    expect(tbInvalidatePhysRange(ctx, 0x2004, 0x2005)).toBe(1);
    expect(lookup(ctx, k)).toBe(-1);
    expect(checkTbInvariants(ctx)).toEqual([]);
  });

  it("only invalidates TBs overlapping the range", () => {
    const ctx = ctxFor();
    const a = create(ctx, key(0x3000, 16));
    const b = create(ctx, key(0x3010, 16));
    expect(tbInvalidatePhysRange(ctx, 0x3010, 0x3011)).toBe(1);
    expect(ctx.tbs.isInvalid(a)).toBe(false);
    expect(ctx.tbs.isInvalid(b)).toBe(true);
  });

  it("switches to a code bitmap after the write threshold", () => {
    const ctx = ctxFor();
    const tb = create(ctx, key(0x4100, 16));
    const pc = ctx.collection;
    for (let i = 0; i < SMC_BITMAP_USE_THRESHOLD + 2; i++) {
      pc.lock(ctx.thread, 0x4800, 0x4804);
      expect(tbInvalidatePhysPageFast(ctx, pc, 0x4800, 4)).toBe(0); // data write, same page
      pc.unlock(ctx.thread);
    }
    expect(ctx.pages.bitmapOf(4)).toBeGreaterThanOrEqual(0);
    pc.lock(ctx.thread, 0x4108, 0x4110);
    expect(tbInvalidatePhysPageFast(ctx, pc, 0x4108, 8)).toBe(1);
    pc.unlock(ctx.thread);
    expect(ctx.tbs.isInvalid(tb)).toBe(true);
    expect(ctx.pages.bitmapOf(4)).toBe(-1); // the page has no TB left: bitmap dropped
    expect(ctx.pages.bitmapsFree).toBe(64);
  });

  it("page collections also lock the other page of TBs found in the range", () => {
    const ctx = ctxFor();
    create(ctx, key(0x5ff0, 32)); // pages 5 and 6
    const pc = ctx.collection;
    pc.lock(ctx.thread, 0x6000, 0x6001);
    expect(pc.pages).toEqual([5, 6]);
    pc.unlock(ctx.thread);
    expect(ctx.pages.lockOwner(5)).toBe(0);
  });

  it("page lock asserts catch unlocked access in debug builds", () => {
    const ctx = ctxFor();
    const tb = create(ctx, key(0x7000));
    expect(() => ctx.pages.addTb(ctx.thread, 7, tb, 0)).toThrow(LockOrderError);
  });
});

describe("chaining", () => {
  it("adds a jump once, refuses invalid destinations, unlinks on invalidation", () => {
    const ctx = ctxFor();
    const a = create(ctx, key(0x1000));
    const b = create(ctx, key(0x1100));
    const c = create(ctx, key(0x1200));
    expect(tbAddJump(ctx, a, 0, b)).toBe(true);
    expect(tbAddJump(ctx, a, 0, c)).toBe(false); // slot taken
    expect(tbAddJump(ctx, c, 1, b)).toBe(true);
    expect(tbJmpTarget(ctx, a, 0)).toBe(b);
    expect(tbIncomingJumps(ctx, b)).toEqual([[c, 1], [a, 0]]);
    // invalidating the destination resets both incoming jumps
    tbPhysInvalidate(ctx, b);
    expect(tbJmpTarget(ctx, a, 0)).toBe(-1);
    expect(tbJmpTarget(ctx, c, 1)).toBe(-1);
    expect(tbAddJump(ctx, a, 0, b)).toBe(false);
    // the slot can be chained again to a valid TB
    expect(tbAddJump(ctx, a, 0, c)).toBe(true);
    // invalidating the source removes it from the destination's list and closes the slot
    tbPhysInvalidate(ctx, a);
    expect(tbIncomingJumps(ctx, c)).toEqual([]);
    expect(ctx.tbs.get(a, TbField.JMP_DEST0) & 1).toBe(1);
    expect(checkTbInvariants(ctx)).toEqual([]);
  });

  it("tb-lock=on: chaining and linking assert the global lock", () => {
    const ctx = ctxFor({ tbLockMode: true });
    expect(() => tbCreate(ctx, key(0x1000), code)).toThrow(/tbLock/);
    ctx.tbLockIfEnabled();
    const a = create(ctx, key(0x1000));
    const b = create(ctx, key(0x1100));
    expect(tbAddJump(ctx, a, 0, b)).toBe(true);
    ctx.tbUnlockIfEnabled();
    expect(() => tbAddJump(ctx, b, 0, a)).toThrow(/tbLock/);
  });

  it("user mode: linking asserts mmap_lock", () => {
    const ctx = ctxFor({ userMode: true });
    expect(() => tbCreate(ctx, key(0x1000), code)).toThrow(/mmap/);
    ctx.mmapLock();
    create(ctx, key(0x1000));
    ctx.mmapUnlock();
  });
});

describe("tb_flush", () => {
  it("empties everything and bumps the flush count once per observed count", () => {
    const ctx = ctxFor();
    const a = create(ctx, key(0x1000));
    const b = create(ctx, key(0x1ff8, 32));
    tbAddJump(ctx, a, 0, b);
    ctx.jmpCache.set(0, 0x1000, a);
    const seen = ctx.flushCount;
    expect(doTbFlush(ctx, seen)).toBe(true);
    expect(doTbFlush(ctx, seen)).toBe(false);
    expect(ctx.flushCount).toBe(seen + 1);
    expect(lookup(ctx, key(0x1000))).toBe(-1);
    expect(ctx.regions.tbsInUse).toBe(0);
    expect(checkTbInvariants(ctx)).toEqual([]);
    expect(create(ctx, key(0x1000))).toBe(0);
  });
});

describe("tbFind", () => {
  it.each([
    { tbLockMode: false, userMode: false },
    { tbLockMode: true, userMode: false },
    { tbLockMode: false, userMode: true },
    { tbLockMode: true, userMode: true },
  ])("translates on a miss only, chains the previous TB, takes the mode's locks itself (%o)", (mode) => {
    const ctx = ctxFor(mode);
    let translations = 0;
    const translate = (): Uint8Array => {
      translations++;
      return code;
    };
    const a = tbFind(ctx, key(0x1000), translate, -1, 0);
    const b = tbFind(ctx, key(0x1100), translate, a, 1);
    expect(tbFind(ctx, key(0x1000), translate, b, 0)).toBe(a);
    expect(translations).toBe(2);
    expect(tbJmpTarget(ctx, a, 1)).toBe(b);
    expect(tbJmpTarget(ctx, b, 0)).toBe(a);
    expect(ctx.thread.checker!.heldCount).toBe(0);
    expect(checkTbInvariants(ctx)).toEqual([]);
  });

  it("reports a full buffer with no lock held", () => {
    const ctx = ctxFor({ maxTbs: 4, regions: 1, tbLockMode: true });
    for (let i = 0; i < 4; i++) expect(tbFind(ctx, key(0x1000 + i * 64), () => code, -1, 0)).toBeGreaterThanOrEqual(0);
    expect(tbFind(ctx, key(0x2000), () => code, -1, 0)).toBe(TB_BUFFER_FULL);
    expect(ctx.thread.checker!.heldCount).toBe(0);
  });
});
