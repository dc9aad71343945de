// The optimizer's semantics check: random IR programs over every op, run on the
// reference interpreter before and after optimization, must leave the same CPU
// state, memory and exit. WASMU_OPT_FUZZ=<n> runs n programs instead of the default.
import { describe, expect, it } from "vitest";
import { assertValidIr, OP_TABLE, optimize, optimizeTb, parseIr, printIr } from "../src/index.js";
import { Rng, sameBehaviour } from "./ir-support.js";
import { RANDOM_GLOBALS, RANDOM_HELPERS, randomProgram } from "./ir-random-program.js";

const PROGRAMS = Number(process.env.WASMU_OPT_FUZZ ?? "600");
const OPS = OP_TABLE.map((r) => r.name);

describe("optimizer on random programs", () => {
  it("generates every op of the table", () => {
    const used = new Set<string>();
    for (let i = 0; i < 200; i++) randomProgram(new Rng(9000 + i), { ops: 40, focus: OPS[i % OPS.length] }, used);
    expect(OPS.filter((n) => !used.has(n))).toEqual([]);
  });

  it(`preserves semantics on ${PROGRAMS} programs`, () => {
    let opsBefore = 0;
    let opsAfter = 0;
    let micros = 0;
    for (let i = 0; i < PROGRAMS; i++) {
      const rng = new Rng(1 + i * 7919);
      const f = randomProgram(rng, { ops: 10 + (i % 60), focus: OPS[i % OPS.length] });
      assertValidIr(f);
      const text = printIr(f);
      const opts = { globals: RANDOM_GLOBALS, helpers: RANDOM_HELPERS };
      const before = parseIr(text, opts);
      expect(printIr(before), "text round trip").toBe(text);
      const after = parseIr(text, opts);
      const t0 = performance.now();
      optimize(after);
      micros += (performance.now() - t0) * 1000;
      // Every tenth program again with per-pass verification, to name a pass that breaks the IR.
      if (i % 10 === 0) optimize(parseIr(text, opts), { verify: true });
      opsBefore += before.ops.length;
      opsAfter += after.ops.length;
      assertValidIr(after);
      expect(after.ops.length, "the optimizer never adds ops").toBeLessThanOrEqual(before.ops.length);
      sameBehaviour(before, after, { seeds: 4, firstSeed: i * 4, note: `program ${i}:\n${text}\n--- optimized:\n${printIr(after)}` });
    }
    // Reported, not asserted.
    console.log(
      `optimizer: ${PROGRAMS} programs, ${opsBefore} ops -> ${opsAfter} ops ` +
        `(${((100 * (opsBefore - opsAfter)) / opsBefore).toFixed(1)}% removed), ${(micros / opsBefore).toFixed(2)} µs per input op`,
    );
  }, Math.max(60_000, PROGRAMS * 20));

  it("the execution loop's cheaper levels (optimizeTb) preserve semantics too", () => {
    const n = Math.ceil(PROGRAMS / 4);
    let removed = 0;
    for (let i = 0; i < n; i++) {
      const rng = new Rng(5 + i * 104729);
      const f = randomProgram(rng, { ops: 10 + (i % 60), focus: OPS[i % OPS.length] });
      const text = printIr(f);
      const opts = { globals: RANDOM_GLOBALS, helpers: RANDOM_HELPERS };
      const none = parseIr(text, opts);
      optimizeTb(none, "none");
      expect(printIr(none), "level none leaves the IR alone").toBe(text);
      const copies = parseIr(text, opts);
      optimizeTb(copies, "copies");
      assertValidIr(copies);
      removed += none.ops.length - copies.ops.length;
      sameBehaviour(none, copies, { seeds: 4, firstSeed: i * 4, note: `program ${i}:\n${text}\n--- copies:\n${printIr(copies)}` });
    }
    expect(removed, "copy coalescing removes ops on random programs").toBeGreaterThan(0);
  }, Math.max(60_000, PROGRAMS * 10));
});
