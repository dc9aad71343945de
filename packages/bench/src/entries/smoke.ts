// `smoke`: a tiny entry that exercises every kind of workload in a few seconds, for CI
// and for checking the harness itself. Its figures mean nothing about wasmu.
import type { BenchEntry, Target } from "../entry.js";

/** Elements summed per call of the in-process micro-benchmark. */
const SUM_LENGTH = 100_000;

/** Fixed total work of the worker curve, split over the workers. */
const WORKER_TOTAL_ITERATIONS = 4_000_000;

/**
 * A node -e program: N worker threads share a fixed amount of work; with "lock" every
 * step takes one global spinlock (the shape of tb-lock=on), with "no-lock" none.
 */
const WORKERS_SCRIPT = `
const { Worker } = require("node:worker_threads");
const n = Number(process.argv[1]), lock = process.argv[2] === "lock", total = Number(process.argv[3]);
const sab = new SharedArrayBuffer(8);
const body = \`
const { workerData: { sab, iters, lock } } = require("node:worker_threads");
const a = new Int32Array(sab);
let x = 1;
for (let i = 0; i < iters; i++) {
  if (lock) while (Atomics.compareExchange(a, 0, 0, 1) !== 0);
  x = (Math.imul(x, 1103515245) + 12345) | 0;
  if (lock) Atomics.store(a, 0, 0);
}
Atomics.add(a, 1, x & 1);
\`;
let left = n;
for (let i = 0; i < n; i++)
  new Worker(body, { eval: true, workerData: { sab, iters: Math.floor(total / n), lock } }).on("exit", () => {
    if (--left === 0) console.log("done");
  });
`;

function workers(n: number, mode: "lock" | "no-lock"): Target {
  return {
    kind: "command",
    label: mode,
    argv: [process.execPath, "-e", WORKERS_SCRIPT, String(n), mode, String(WORKER_TOTAL_ITERATIONS)],
    expectStdout: "done",
  };
}

export const smokeEntry: BenchEntry = {
  name: "smoke",
  description:
    "The harness checking itself in seconds: an in-process micro-benchmark, a paired comparison of two commands, and a curve over worker threads.",
  requires: [{ kind: "command", command: "true", install: "coreutils" }],
  workloads: () => {
    const data = new Float64Array(SUM_LENGTH).map((_, i) => i % 7);
    return [
      {
        kind: "single",
        name: "sum",
        description: `sum of a Float64Array of ${SUM_LENGTH} elements, in-process`,
        target: {
          kind: "function",
          label: "sum",
          unit: "elem",
          minSampleMs: 20,
          run: () => {
            let s = 0;
            for (let i = 0; i < data.length; i++) s += data[i]!;
            if (s < 0) throw new Error("unreachable");
            return data.length;
          },
        },
      },
      {
        kind: "compare",
        name: "node-vs-true",
        description: "start-up of `node -e 0` against `true`",
        comparison: "node/true",
        baseline: { kind: "command", label: "true", argv: ["true"] },
        candidate: { kind: "command", label: "node", argv: [process.execPath, "-e", "0"] },
      },
      {
        kind: "curve",
        name: "workers",
        description: `${WORKER_TOTAL_ITERATIONS / 1e6} M steps split over worker threads, with and without a global lock`,
        xLabel: "worker threads",
        xs: [1, 2],
        modes: [
          { label: "lock", target: (n) => workers(n, "lock") },
          { label: "no-lock", target: (n) => workers(n, "no-lock") },
        ],
      },
    ];
  },
};
