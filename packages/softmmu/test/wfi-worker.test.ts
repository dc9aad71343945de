// A hart in WFI in another worker wakes when a device on this thread raises its interrupt:
// the shared pending words and the wake sequence of HartInterrupts, across real threads.
// The worker loads the package's built dist/: skip loudly without it, fail under CI.
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { expect, it } from "vitest";
import { CLINT_MTIMECMP, Clint, HartInterrupts, MIP_MEIP, MIP_MSIP, MIP_MTIP } from "../src/index.js";
import { IN_CI } from "./support/tools.js";

const dist = new URL("../dist/index.js", import.meta.url);
const built = existsSync(dist);
if (!built && !IN_CI) console.warn(`SKIP: ${dist.pathname} is not built (pnpm build in packages/softmmu)`);

const clock = { nowNs: () => process.hrtime.bigint() };

function hartWorker(shared: unknown, hart: number, mask: number): { worker: Worker; result: Promise<number>; waiting: Promise<void> } {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    import(workerData.dist).then(({ HartInterrupts }) => {
      const hi = HartInterrupts.attach(workerData.shared, { nowNs: () => process.hrtime.bigint() });
      parentPort.postMessage("waiting");
      parentPort.postMessage(hi.waitForInterrupt(workerData.hart, workerData.mask));
    }).catch((e) => parentPort.postMessage({ error: String(e) }));`;
  const worker = new Worker(code, { eval: true, execArgv: [], env: { ...process.env, NODE_OPTIONS: "" }, workerData: { dist: dist.href, shared, hart, mask } });
  let onWaiting!: () => void;
  let onError!: (e: Error) => void;
  const waiting = new Promise<void>((r, j) => {
    onWaiting = r;
    onError = j;
  });
  const result = new Promise<number>((resolve, rejectResult) => {
    const reject = (e: Error) => {
      onError(e);
      rejectResult(e);
    };
    worker.on("message", (m: unknown) => {
      if (m === "waiting") onWaiting();
      else if (typeof m === "number") resolve(m);
      else reject(new Error(`hart worker: ${(m as { error: string }).error}`));
    });
    worker.on("error", reject);
  });
  result.catch(() => {}); // surfaced through `waiting` or awaited by the test
  return { worker, result, waiting };
}

it.runIf(built || IN_CI)("wakes a hart sleeping in WFI in another worker: an IPI through the CLINT, then its timer", async () => {
  const hi = HartInterrupts.create(2, clock);
  const clint = new Clint(hi);
  const a = hartWorker(hi.shared, 1, MIP_MSIP | MIP_MEIP);
  await a.waiting;
  clint.write(4, 4, 1n); // msip of hart 1
  expect((await a.result) & MIP_MSIP).toBe(MIP_MSIP);
  await a.worker.terminate();

  hi.setMtimecmp(0, 0xffff_ffff_ffff_ffffn); // "never" (it starts at 0: MTIP pending from reset)
  const b = hartWorker(hi.shared, 0, MIP_MTIP);
  await b.waiting;
  // Another hart moves hart 0's timer from "never" to 1 ms ahead: the sleeper recomputes.
  clint.write(CLINT_MTIMECMP, 8, hi.mtime() + 10_000n);
  expect((await b.result) & MIP_MTIP).toBe(MIP_MTIP);
  await b.worker.terminate();
});
