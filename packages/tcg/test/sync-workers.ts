// Test helper (not a test): runs a function exported by a built module of this package
// (dist/...) in N worker_threads and collects the results. Worker code is evaluated
// inline so that no JavaScript file has to live in test/.
import { Worker } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";

const here = dirname(fileURLToPath(import.meta.url));

/** file URL of a module under dist/ (the package must be built first: turbo's test depends on build). */
export function distModule(rel: string): string {
  const p = join(here, "..", "dist", rel);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`pnpm --filter @wasmu/tcg build\` first`);
  return pathToFileURL(p).href;
}

/** Whether the stress tests run with the debug lock checker (default on; WASMU_DEBUG_TCG=0 turns it off). */
export const DEBUG_TCG = process.env.WASMU_DEBUG_TCG !== "0";
/**
 * The concurrency torture cases (tb-stress, sync-locks) do a bounded number of operations,
 * never a wall-clock duration; WASMU_TORTURE=long multiplies them by 20 (scripts/torture.sh).
 */
export const TORTURE_SCALE = process.env.WASMU_TORTURE === "long" ? 20 : 1;

const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
import(workerData.url)
  .then((m) => m[workerData.fn](workerData.args))
  .then((r) => parentPort.postMessage({ ok: true, r }), (e) => parentPort.postMessage({ ok: false, e: String((e && e.stack) || e) }));
`;

/** Starts one worker running `fn(args)` from module `url`; resolves with its result. */
export function runInWorker<T>(url: string, fn: string, args: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { url, fn, args } });
    let settled = false;
    w.on("message", (msg: { ok: boolean; r?: T; e?: string }) => {
      settled = true;
      if (msg.ok) resolve(msg.r as T);
      else reject(new Error(`worker ${fn} failed: ${msg.e}`));
      void w.terminate();
    });
    w.on("error", (e) => {
      settled = true;
      reject(e);
    });
    w.on("exit", (code) => {
      if (!settled) reject(new Error(`worker ${fn} exited with ${code} before answering`));
    });
  });
}

/** Runs `fn` in `n` workers, worker i getting `argsFor(i)`. */
export function runWorkers<T>(url: string, fn: string, n: number, argsFor: (i: number) => unknown): Promise<T[]> {
  const all: Promise<T>[] = [];
  for (let i = 0; i < n; i++) all.push(runInWorker<T>(url, fn, argsFor(i)));
  return Promise.all(all);
}
