/**
 * Node host services of the virt machine, kept apart from the browser-clean package
 * (import them from `@wasmu/softmmu/node`): hart workers on `worker_threads`, the
 * monotonic clock of `process.hrtime` (one time base for every thread) and timers.
 */
import { MessageChannel, Worker } from "node:worker_threads";
import type { HartMessage, HartWorkerData } from "../machine/hart-worker.js";
import type { HartWorkerFactory, HartWorkerHandle } from "../machine/virt-run.js";
import type { MonotonicClock, TimerService, WallClock } from "../host.js";

/**
 * Set by a bundler (as the `wasmu` bin does for linux-user's worker): the hart worker
 * entry's URL relative to the bundle.
 */
declare const WASMU_BUNDLED_HART_WORKER: string | undefined;

/** The compiled worker entry (dist/node/hart-worker-entry.js: the same relative URL from src/node and dist/node). */
const ENTRY = typeof WASMU_BUNDLED_HART_WORKER === "string"
  ? new URL(WASMU_BUNDLED_HART_WORKER, import.meta.url)
  : new URL("../../dist/node/hart-worker-entry.js", import.meta.url);

/** Hart workers as `worker_threads` Workers running dist/node/hart-worker-entry.js. */
export function nodeHartWorkers(): HartWorkerFactory {
  return (data: HartWorkerData, onMessage: (m: HartMessage) => void, onError: (e: Error) => void): HartWorkerHandle => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(ENTRY, { workerData: { data, port: port2 }, transferList: [port2], execArgv: [], env: { ...process.env, NODE_OPTIONS: "" } });
    port1.on("message", (m: HartMessage) => onMessage(m));
    worker.on("error", (e) => onError(e instanceof Error ? e : new Error(String(e))));
    port1.unref();
    return {
      post: (m) => port1.postMessage(m),
      terminate: () => { port1.close(); void worker.terminate(); },
    };
  };
}

/** process.hrtime: the same time base in every thread of the process. */
export const nodeClock: MonotonicClock = { nowNs: () => process.hrtime.bigint() };

export const nodeWallClock: WallClock = { realtimeNs: () => BigInt(Date.now()) * 1_000_000n };

/** setTimeout timers that do not keep the process alive by themselves. */
export const nodeTimers: TimerService = {
  schedule(delayNs: bigint, callback: () => void): () => void {
    const t = setTimeout(callback, Number(delayNs / 1_000_000n));
    t.unref();
    return () => clearTimeout(t);
  },
};
