// Contended lock throughput and tb-lock=on vs off on the TB stress workload. Reported,
// not asserted: runs only with WASMU_BENCH=1 (figures in packages/tcg/README.md).
import { describe, expect, it } from "vitest";
import { createTbShared } from "../src/tb/tb-context.js";
import type { TbMixResult } from "../src/tb/testing/tb-stress.js";
import { distModule, runWorkers } from "./sync-workers.js";

const FULL = process.env.WASMU_BENCH === "1";

describe.skipIf(!FULL)("lock and tb-lock throughput", () => {
  it("contended spinlock and mutex: ns per critical section", async () => {
    const url = distModule("sync/testing/sync-stress.js");
    const rows: Record<string, number | string>[] = [];
    for (const kind of ["spin", "mutex"] as const) {
      for (const threads of [1, 2, 4]) {
        const buffer = new SharedArrayBuffer(64);
        const iterations = 400_000;
        const ms = await runWorkers<number>(url, "lockThroughputWorker", threads, (index) => ({ buffer, index, threads, iterations, kind }));
        expect(new Int32Array(buffer)[1]).toBe(threads * iterations);
        const wall = Math.max(...ms);
        rows.push({ kind, threads, "ns per section (all threads)": Math.round((wall * 1e6) / (threads * iterations)) });
      }
    }
    console.table(rows);
  });

  it("TB workload (lookup/create/chain/invalidate): tb-lock=off vs on", async () => {
    const url = distModule("tb/testing/tb-stress.js");
    const rows: Record<string, number | string>[] = [];
    for (const tbLockMode of [false, true]) {
      for (const threads of [1, 2, 4]) {
        const shared = createTbShared({ maxTbs: 65536, codeBytes: 1 << 22, regions: 32, vcpus: 8, guestPages: 32, tbLockMode });
        const ops = 40_000 / threads;
        const t0 = performance.now();
        const res = await runWorkers<TbMixResult>(url, "tbMixWorker", threads, (vcpu) => ({
          shared,
          vcpu,
          debug: false,
          seed: 3 + vcpu,
          ops,
          keys: 600,
          pages: 32,
          pct: { chain: 25, invalidate: 6, invalidateRange: 2 },
        }));
        const ms = performance.now() - t0;
        expect(res.every((r) => r.torn === 0)).toBe(true);
        rows.push({ mode: tbLockMode ? "tb-lock=on" : "tb-lock=off", threads, "total ops": ops * threads, "wall ms (incl. worker start)": Math.round(ms) });
      }
    }
    console.table(rows);
  });
});
