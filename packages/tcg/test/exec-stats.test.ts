// The execution statistics the bench reads: generated code bytes, and the opt-in time
// spent inside generated code.
import { describe, expect, it } from "vitest";
import { BareMetal } from "../src/exec/harness.js";
import { createRiscvTarget } from "../src/index.js";
import { assemble, RAM } from "./exec-support.js";

const LOOP = `
  li a0, 0
  li a1, 2000
loop:
  addi a0, a0, 3
  addi a1, a1, -1
  bnez a1, loop
  ecall`;

function machine(): BareMetal {
  const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 20 });
  m.load(RAM, assemble(LOOP));
  m.setPc(RAM);
  return m;
}

describe("ExecStats", () => {
  it("counts the bytes of the generated modules, and times generated code only when asked", () => {
    const m = machine();
    expect(m.run().kind).toBe("helper");
    const s = m.cpu.stats;
    expect(s.modules).toBeGreaterThan(0);
    expect(s.codeBytes).toBeGreaterThan(8 * s.modules); // at least a wasm header per module
    expect(s.codeMs).toBe(0);

    const t = machine();
    t.cpu.timeCode = true;
    expect(t.run().kind).toBe("helper");
    expect(t.cpu.stats.codeMs).toBeGreaterThan(0);
    expect(t.cpu.stats.codeBytes).toBe(s.codeBytes);
  });
});
