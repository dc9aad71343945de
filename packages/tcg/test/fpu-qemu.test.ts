// Differential test against QEMU: thousands of vectors (every F/D op x every rounding mode x
// boundary values, constructed rounding cases, seeded random bits) run through the real
// instructions in qemu-riscv64-static (test/fpu-oracle) in one process per batch, and
// compared bit for bit, flags included, with the library. WASMU_FPU_VECTORS=N adds N
// random vectors per (op, rm). WASMU_FPU_RECORD=1 rewrites test/fpu-oracle/vectors.txt.

import { writeFileSync } from "node:fs";
import { FP_OPS } from "../src/index.js";
import { describe, expect, it } from "vitest";
import { RECORDED, boundaryVectors, constructedVectors, findQemu, mismatches, randomVectors, recordedLine, runOracle } from "./fpu-vectors.js";

const qemu = findQemu();
if (qemu === undefined) {
  console.warn("fpu-qemu.test: qemu-riscv64-static (or test/fpu-oracle/fpu-oracle) not found: SKIPPING the live QEMU differential FPU test; only the recorded QEMU vectors are checked (apt-get install qemu-user-static)");
}

describe.skipIf(qemu === undefined)("FPU vs QEMU (live)", () => {
  it("constructed rounding cases", async () => {
    const r = mismatches(await runOracle(qemu!, constructedVectors()));
    expect(r.samples).toEqual([]);
  });

  it("boundary values", async () => {
    const r = mismatches(await runOracle(qemu!, boundaryVectors()));
    expect(r.samples).toEqual([]);
  });

  // One test per instruction keeps each batch short; WASMU_FPU_VECTORS raises the count.
  const extra = Number(process.env.WASMU_FPU_VECTORS ?? "0");
  const perOp = 40 + (Number.isFinite(extra) && extra > 0 ? extra : 0);
  const timeout = 60_000 + perOp * 50;
  it.each([...FP_OPS.keys()].map((name, i) => [name, i] as const))("seeded random vectors: %s", async (name, i) => {
    const vs = randomVectors(20261125 + i, perOp, name);
    for (let k = 0; k < vs.length; k += 100_000) {
      const r = mismatches(await runOracle(qemu!, vs.slice(k, k + 100_000)));
      expect(r.samples).toEqual([]);
    }
  }, timeout);

  it.runIf(process.env.WASMU_FPU_RECORD === "1")("records vectors.txt", async () => {
    const vs = [...constructedVectors(), ...boundaryVectors().filter((_, i) => i % 8 === 0), ...randomVectors(424242, 10)];
    const es = await runOracle(qemu!, vs);
    const header = "# QEMU 7.2 (qemu-riscv64-static) results for test/fpu-oracle: op rm a b c result fflags (hex)\n";
    writeFileSync(RECORDED, header + es.map(recordedLine).join("\n") + "\n");
    expect(es.length).toBe(vs.length);
  });
});
