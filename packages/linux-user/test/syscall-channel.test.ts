import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { IN_CI } from "./support/real-programs.js";
import { SyscallChannel, SyscallDispatcher, syscallNr, identitySyscalls, type SyscallArgs } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

// The worker imports the built package (turbo builds before testing).
const dist = new URL("../dist/index.js", import.meta.url);

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.url).then(({ SyscallChannel }) => {
  const ch = new SyscallChannel(workerData.sab);
  const z = [0n, 0n, 0n, 0n, 0n, 0n];
  const pid = ch.call(${172}, z);
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) ch.call(${178}, z);
  const us = ((performance.now() - t0) * 1000) / 2000;
  const slow = ch.call(${124}, z);
  const unknown = ch.call(999, z);
  parentPort.postMessage({ pid, slow, unknown, us });
});
`;

// The worker loads the package's built dist/: skip loudly without it, fail under CI.
if (!existsSync(dist) && !IN_CI) console.warn(`SKIP: ${fileURLToPath(dist)} is not built (pnpm build in packages/linux-user)`);
it.runIf(!existsSync(dist) && IN_CI)("has the built dist/ in CI", () => {
  expect.fail(`${fileURLToPath(dist)} is not built`);
});

describe.runIf(existsSync(dist))("the worker-to-kernel system call slot", () => {
  it("carries calls from a worker to the dispatcher on this thread, blocking ones included", async () => {
    const p = new FakeProcess();
    const dispatcher = new SyscallDispatcher([
      identitySyscalls,
      { sched_yield: () => new Promise<bigint>((resolve) => setTimeout(() => resolve(7n), 20)) },
    ]);
    const ch = SyscallChannel.create();
    const served = ch.serve((nr: number, a: SyscallArgs) => dispatcher.dispatch(p.thread, nr, a));
    const w = new Worker(WORKER, { eval: true, execArgv: [], workerData: { sab: ch.buffer, url: dist.href } });
    const msg = await new Promise<{ pid: bigint; slow: bigint; unknown: bigint; us: number }>((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
    });
    ch.close();
    await served;
    await w.terminate();
    expect(msg.pid).toBe(4242n);
    expect(msg.slow).toBe(7n);
    expect(msg.unknown).toBe(-38n);
    expect(msg.us).toBeLessThan(1000);
    expect(syscallNr("sched_yield")).toBe(124);
  });
});
