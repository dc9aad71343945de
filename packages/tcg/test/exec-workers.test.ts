// vCPUs on real worker threads over one shared environment: the environment is posted,
// each worker owns its table and instances, compiled modules are posted from one worker to
// another (compile once per process), and two vCPUs translate and run concurrently
// (AMOs on a shared counter). Runs the built dist/ code (`pnpm --filter @wasmu/tcg build`).
import { describe, expect, it } from "vitest";
import { assembleProgram } from "@wasmu/isa";
import { createExecShared, CTRL_BYTES, CpuOffset, CPU_STATE_BYTES, vcpuEnv } from "../src/index.js";
import type { RunVcpuArgs, RunVcpuResult } from "../src/exec/testing/run-vcpu.js";
import { Worker } from "node:worker_threads";
import { DEBUG_TCG, distModule } from "./sync-workers.js";

const RAM = 0x8000_0000n;

function setup(src: string): { shared: ReturnType<typeof createExecShared>; args: (vcpu: number, extra?: Partial<RunVcpuArgs>) => RunVcpuArgs } {
  const shared = createExecShared({ ramBase: RAM, ramSize: 1 << 20, stateSize: CPU_STATE_BYTES, vcpus: 2 });
  const r = assembleProgram(src, RAM);
  if (!r.ok) throw new Error(r.error.message);
  new Uint8Array(shared.memory.buffer, shared.layout.ramOffset, 1 << 20).set(r.bytes);
  return {
    shared,
    args: (vcpu, extra = {}) => ({
      shared, vcpu, pc: RAM, debugLocks: DEBUG_TCG,
      translatorUrl: distModule("target/riscv/target.js"), translatorFn: "createRiscvTarget",
      ...extra,
    }),
  };
}

const reg = (shared: ReturnType<typeof createExecShared>, vcpu: number, i: number): bigint =>
  new DataView(shared.memory.buffer).getBigUint64(vcpuEnv(shared, vcpu) + CTRL_BYTES + CpuOffset.X + 8 * i, true);

const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
import(workerData.url)
  .then((m) => m.runVcpu(workerData.args))
  .then((r) => parentPort.postMessage({ ok: true, r }), (e) => parentPort.postMessage({ ok: false, e: String((e && e.stack) || e) }));
`;

/** Runs one vCPU in a new worker; the worker resolves @wasmu/isa to its dist (no source conditions). */
function run(args: RunVcpuArgs): Promise<RunVcpuResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, execArgv: [], env: { ...process.env, NODE_OPTIONS: "" }, workerData: { url: distModule("exec/testing/run-vcpu.js"), args } });
    w.on("message", (msg: { ok: boolean; r?: RunVcpuResult; e?: string }) => {
      if (msg.ok) resolve(msg.r!);
      else reject(new Error(msg.e));
      void w.terminate();
    });
    w.on("error", reject);
  });
}

describe("vCPUs on worker threads", () => {
  it("a second worker runs the first worker's posted modules without compiling", async () => {
    const { shared, args } = setup(`
      li a0, 0
      li a1, 1
      li a2, 101
    loop:
      add a0, a0, a1
      addi a1, a1, 1
      bne a1, a2, loop
      ecall
    `);
    const a = await run(args(0));
    expect(a.exit.kind).toBe("helper");
    expect(reg(shared, 0, 10)).toBe(5050n);
    expect(a.compiled.length).toBeGreaterThan(0);
    const b = await run(args(1, { modules: a.compiled }));
    expect(b.exit.kind).toBe("helper");
    expect(reg(shared, 1, 10)).toBe(5050n);
    expect(b.stats.modules).toBe(0);
    expect(b.stats.tbs).toBe(0);
  });

  it("two vCPUs translate and run concurrently; amoadd on a shared counter is atomic", async () => {
    const { shared, args } = setup(`
      auipc s0, 0
      addi s0, s0, 0x400
      li s1, 2000
      li t1, 1
    loop:
      amoadd.w t2, t1, (s0)
      addi s1, s1, -1
      bnez s1, loop
      ecall
    `);
    const [a, b] = await Promise.all([run(args(0)), run(args(1))]);
    expect(a.exit.kind).toBe("helper");
    expect(b.exit.kind).toBe("helper");
    const counter = new DataView(shared.memory.buffer).getUint32(shared.layout.ramOffset + 0x400, true);
    expect(counter).toBe(4000);
  });
});
