// The lowering checked against the IR reference interpreter: random programs over every
// op (the optimizer's generator), run as wasm and on the interpreter from the same
// random machine; CPU state, guest memory and the exit must agree. With and without
// caching globals in locals. WASMU_LOWER_FUZZ=<n> sets the number of programs.
import { assert, describe, expect, it } from "vitest";
import { assertValidIr, memopFields, memop, OP_TABLE, printIr, type IrFunc } from "../src/index.js";
import { randomMachine, Rng, run, withDefaultHelpers } from "./ir-support.js";
import { RANDOM_HELPERS, randomProgram } from "./ir-random-program.js";
import { lowerRig } from "./lower-support.js";

const PROGRAMS = Number(process.env.WASMU_LOWER_FUZZ ?? "400");
const OPS = OP_TABLE.map((r) => r.name);

/** Wasm atomics need natural alignment; the lowering faults misaligned atomics (as RISC-V does). */
function alignAtomics(f: IrFunc): void {
  for (const op of f.ops) {
    if (!op.opc.startsWith("atomic_")) continue;
    const m = memopFields(op.consts[0]!);
    op.consts[0] = memop(m.size, m.signed, m.size / 8);
  }
}

for (const cacheGlobals of [true, false]) {
  describe(`lowering vs the IR interpreter (cacheGlobals=${cacheGlobals})`, () => {
    it(`agrees on ${PROGRAMS} random programs`, () => {
      const rig = lowerRig(RANDOM_HELPERS, { cacheGlobals });
      const exits = new Map<string, number>();
      for (let i = 0; i < PROGRAMS; i++) {
        const rng = new Rng(77 + i * 104729);
        const f = randomProgram(rng, { ops: 10 + (i % 70), focus: OPS[i % OPS.length] });
        alignAtomics(f);
        assertValidIr(f);
        withDefaultHelpers(f);
        for (let s = 0; s < 3; s++) {
          const m = randomMachine(new Rng(i * 3 + s + 1));
          const want = run(f, m);
          const got = rig.run(f, m);
          const note = `program ${i} seed ${s}:\n${printIr(f)}`;
          if (want.exit.kind === "noreturn") assert.equal(got.exit.kind, "noreturn", note);
          else assert.deepEqual(got.exit, want.exit, note);
          assert.equal(Buffer.from(got.state).toString("hex"), Buffer.from(want.state).toString("hex"), note);
          assert.equal(Buffer.from(got.mem).toString("hex"), Buffer.from(want.mem).toString("hex"), note);
          exits.set(want.exit.kind, (exits.get(want.exit.kind) ?? 0) + 1);
        }
      }
      expect(exits.size).toBeGreaterThan(3);
    });
  });
}
