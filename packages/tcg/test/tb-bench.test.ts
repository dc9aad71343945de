// Measurements of the TB machinery and lock costs (single thread, uncontended).
// Reported, not asserted; WASMU_BENCH=1 runs longer and prints the figures (they are in
// packages/tcg/README.md).
import { beforeAll, describe, expect, it } from "vitest";
import * as srcMutex from "../src/sync/mutex.js";
import * as srcSeqlock from "../src/sync/seqlock.js";
import * as srcSpinlock from "../src/sync/spinlock.js";
import * as srcThread from "../src/sync/sync-thread.js";
import * as srcContext from "../src/tb/tb-context.js";
import { NO_PAGE } from "../src/tb/tb-desc.js";
import * as srcHash from "../src/tb/tb-hash.js";
import * as srcMaint from "../src/tb/tb-maint.js";
import { distModule } from "./sync-workers.js";

const FULL = process.env.WASMU_BENCH === "1";

// The full run measures the built dist/ code (vitest's transform routes every call to an
// imported function through a module-namespace getter, which inflates small functions).
let M = { ...srcMutex, ...srcSeqlock, ...srcSpinlock, ...srcThread, ...srcContext, ...srcHash, ...srcMaint };
beforeAll(async () => {
  if (!FULL) return;
  const parts = ["sync/mutex.js", "sync/seqlock.js", "sync/spinlock.js", "sync/sync-thread.js", "tb/tb-context.js", "tb/tb-hash.js", "tb/tb-maint.js"];
  const mods = await Promise.all(parts.map((p) => import(distModule(p)) as Promise<Partial<typeof M>>));
  M = Object.assign({}, M, ...mods) as typeof M;
});
const N = FULL ? 2_000_000 : 20_000;

// CPU time of this process (not wall time): steadier on a machine shared with other work.
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function nsPerOp(n: number, f: () => void): number {
  f(); // warm-up pass
  const t0 = cpuMs();
  f();
  return Math.round(((cpuMs() - t0) * 1e6 * 10) / n) / 10;
}

describe("TB machinery costs", () => {
  it("measures lookups, creation, invalidation and lock operations", () => {
    const { mutexLock, mutexUnlock, seqReadBegin, seqReadRetry, spinLock, spinUnlock, createSyncThread, attachTbContext, createTbShared, tbHash } = M;
    const { TB_BUFFER_FULL, tbCreate, tbLookup, tbPhysInvalidate } = M;
    const figures: Record<string, number> = {};
    for (const debug of [false, true]) {
      const shared = createTbShared({ maxTbs: 65536, codeBytes: 1 << 22, regions: 8, vcpus: 2, guestPages: 4096 });
      const ctx = attachTbContext(shared, createSyncThread(0, { debug }), 0);
      const code = new Uint8Array(64);
      const keys = 20_000;
      const pcs: number[] = [];
      const tag = debug ? " (lock checker on)" : "";
      let t0 = cpuMs();
      for (let i = 0; i < keys; i++) {
        const pc = 0x10000 + i * 52;
        pcs.push(pc);
        const r = tbCreate(ctx, { pcLo: pc, pcHi: 0, flags: 0, cflags: 0, physPage0: pc >>> 12, physPage1: NO_PAGE, size: 48, icount: 12 }, code);
        if (r === TB_BUFFER_FULL) throw new Error("full");
      }
      figures[`tbCreate (alloc + link) ns${tag}`] = Math.round(((cpuMs() - t0) * 1e6) / keys);
      figures[`hash.lookup hit ns${tag}`] = nsPerOp(N, () => {
        for (let i = 0; i < N; i++) {
          const pc = pcs[i % keys]!;
          if (ctx.hash.lookup(tbHash(pc, 0, 0, 0, pc >>> 12), pc, 0, 0, 0, pc >>> 12) < 0) throw new Error("miss");
        }
      });
      figures[`hash.lookup miss ns${tag}`] = nsPerOp(N, () => {
        for (let i = 0; i < N; i++) {
          const pc = pcs[i % keys]! + 2;
          if (ctx.hash.lookup(tbHash(pc, 0, 0, 0, pc >>> 12), pc, 0, 0, 0, pc >>> 12) >= 0) throw new Error("hit");
        }
      });
      figures[`tbLookup via jump cache ns${tag}`] = nsPerOp(N, () => {
        for (let i = 0; i < N; i++) {
          const pc = pcs[i & 1023]!;
          if (tbLookup(ctx, 0, pc, 0, 0, 0, pc >>> 12) < 0) throw new Error("miss");
        }
      });
      t0 = cpuMs();
      for (let i = 0; i < keys; i += 2) {
        const pc = pcs[i]!;
        tbPhysInvalidate(ctx, tbLookup(ctx, 0, pc, 0, 0, 0, pc >>> 12));
      }
      figures[`tbPhysInvalidate ns${tag}`] = Math.round(((cpuMs() - t0) * 1e6) / (keys / 2));
    }
    const w = new Int32Array(new SharedArrayBuffer(64));
    figures["spinlock lock+unlock ns"] = nsPerOp(N, () => {
      for (let i = 0; i < N; i++) {
        spinLock(w, 0, 1, true);
        spinUnlock(w, 0);
      }
    });
    figures["mutex lock+unlock ns"] = nsPerOp(N, () => {
      for (let i = 0; i < N; i++) {
        mutexLock(w, 1, 1, true);
        mutexUnlock(w, 1);
      }
    });
    figures["seqlock read section (2 words) ns"] = nsPerOp(N, () => {
      let s = 0;
      for (let i = 0; i < N; i++) {
        let v: number;
        let q: number;
        do {
          q = seqReadBegin(w, 2);
          v = Atomics.load(w, 3) + Atomics.load(w, 4);
        } while (seqReadRetry(w, 2, q));
        s += v;
      }
      if (s !== 0) throw new Error("?");
    });
    if (FULL) console.table(figures);
    expect(Object.keys(figures).length).toBeGreaterThan(8);
  });
});
