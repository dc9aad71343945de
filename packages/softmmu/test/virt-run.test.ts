// startVirtMachine end to end: hart workers (dist/node/hart-worker-entry.js, so build
// first), MMIO through the channel to this thread's devices, poweroff through
// sifive_test. The program's output must be QEMU's (recorded in test/bare-metal).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startVirtMachine } from "../src/index.js";
import { nodeClock, nodeHartWorkers, nodeTimers } from "../src/node/index.js";
import { RecordingBackend } from "./support/fakes.js";

const DIR = new URL("./bare-metal/", import.meta.url).pathname;

describe("startVirtMachine", () => {
  it.each(["interp", "jit", "auto"] as const)("runs m-hello on a hart worker (tier %s) and powers off", async (tier) => {
    const console = new RecordingBackend();
    const run = startVirtMachine({
      harts: 1, ramSize: 64n << 20n, kernel: new Uint8Array(readFileSync(DIR + "m-hello")), console, tier,
      workers: nodeHartWorkers(), host: { clock: nodeClock, timers: nodeTimers },
    });
    const r = await run.done;
    expect(r).toEqual({ exitCode: 0, reason: "poweroff" });
    expect(console.text).toBe(readFileSync(DIR + "m-hello.expected", "latin1"));
  }, 60_000);

  it("without a worker factory it says so", () => {
    expect(() => startVirtMachine({ harts: 1, ramSize: 64n << 20n, console: new RecordingBackend() })).toThrow(/worker factory/);
  });
});
