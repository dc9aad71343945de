// Checks the library against QEMU results recorded in test/fpu-oracle/vectors.txt, so that
// machines without qemu-riscv64-static still compare with QEMU. Regenerate the file with
// WASMU_FPU_RECORD=1 npx vitest run test/fpu-qemu.test.ts.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RECORDED, mismatches, parseRecorded } from "./fpu-vectors.js";

describe("FPU vs recorded QEMU results", () => {
  const vectors = parseRecorded(readFileSync(RECORDED, "utf8"));

  it("has a few thousand vectors covering every op", () => {
    expect(vectors.length).toBeGreaterThan(2000);
    expect(new Set(vectors.map((v) => v.op)).size).toBe(58);
  });

  it("matches every recorded result and fflags", () => {
    expect(mismatches(vectors).samples).toEqual([]);
  });
});
