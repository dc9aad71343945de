// MMIO from hart workers to the device thread: two workers drive the UART and the PLIC of
// a virt machine on this thread through MmioClient/MmioServer; every access arrives, in
// program order per hart, with its result or fault. The workers load the built dist/:
// skip loudly without it, fail under CI.
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { expect, it } from "vitest";
import { MmioClient, MmioServer, VirtioRng, createMmioChannel, createVirtDevices } from "../src/index.js";
import { IN_CI } from "./support/tools.js";
import { FakeClock, FakeTimers, RecordingBackend } from "./support/fakes.js";

const dist = new URL("../dist/index.js", import.meta.url);
const built = existsSync(dist);
if (!built && !IN_CI) console.warn(`SKIP: ${dist.pathname} is not built (pnpm build in packages/softmmu)`);

const HART_CODE = `
  const { parentPort, workerData } = require("node:worker_threads");
  import(workerData.dist).then(({ MmioClient }) => {
    const { shared, hart, count } = workerData;
    const c = new MmioClient(shared, hart);
    const letter = hart === 0 ? 0x61 : 0x41;
    const reads = [];
    for (let i = 0; i < count; i++) {
      if (c.write(0x10000000n, 1, BigInt(letter + (i % 26))) !== undefined) throw new Error("UART write faulted");
      // PLIC priority of source hart+1: write i & 7, read it back
      c.write(0xc000000n + 4n * BigInt(hart + 1), 4, BigInt(i & 7));
      const r = c.read(0xc000000n + 4n * BigInt(hart + 1), 4);
      reads.push(r.ok ? Number(r.value) : -1);
    }
    const fault = c.read(0x3000000n, 4);
    parentPort.postMessage({ reads, fault: fault.ok ? "none" : fault.fault });
  }).catch((e) => parentPort.postMessage({ error: String(e) }));`;

it.runIf(built || IN_CI)("serves two hart workers' accesses on the device thread, in order per hart", async () => {
  const clock = new FakeClock();
  const out = new RecordingBackend();
  const ram = { base: 0x80000000n, bytes: new Uint8Array(new SharedArrayBuffer(1 << 16)) };
  const m = createVirtDevices({ harts: 2, ram, virtio: [new VirtioRng({ fill: (b) => b.fill(0) })] }, {
    clock, wallClock: clock, timers: new FakeTimers(), console: out, system: { shutdown: () => {}, reset: () => {} },
  });
  const shared = createMmioChannel(2);
  const server = new MmioServer(shared, m.bus);
  const serving = server.run();
  const count = 300;
  const results = await Promise.all([0, 1].map((hart) => new Promise<{ reads: number[]; fault: string }>((resolve, reject) => {
    const w = new Worker(HART_CODE, { eval: true, execArgv: [], env: { ...process.env, NODE_OPTIONS: "" }, workerData: { dist: dist.href, shared, hart, count } });
    w.on("message", (msg: { reads: number[]; fault: string; error?: string }) => {
      void w.terminate();
      if (msg.error) reject(new Error(msg.error));
      else resolve(msg);
    });
    w.on("error", reject);
  })));
  server.stop();
  await serving;
  for (const r of results) {
    expect(r.reads).toEqual(Array.from({ length: count }, (_, i) => i & 7));
    expect(r.fault).toBe("unmapped");
  }
  const text = out.text;
  expect(text.length).toBe(2 * count);
  const expectOrder = (letters: string, base: number) => expect([...letters]).toEqual(Array.from({ length: count }, (_, i) => String.fromCharCode(base + (i % 26))));
  expectOrder(text.replace(/[A-Z]/g, ""), 0x61);
  expectOrder(text.replace(/[a-z]/g, ""), 0x41);
  expect(server.served).toBe(2 * (3 * count + 1));
});

it("rejects a hart the channel does not have", () => {
  const shared = createMmioChannel(2);
  expect(() => new MmioClient(shared, 2)).toThrow(/no hart 2/);
  expect(() => new MmioClient(shared, -1)).toThrow(/no hart -1/);
});
