// The parser on damaged input: it either parses or throws IrParseError with a
// position inside the text, never anything else; damaged text that is still valid IR
// is optimized and must keep its meaning.
import { describe, expect, it } from "vitest";
import { IrParseError, optimize, parseIr, printIr, verifyIr } from "../src/index.js";
import { Rng, sameBehaviour } from "./ir-support.js";
import { RANDOM_GLOBALS, RANDOM_HELPERS, randomProgram } from "./ir-random-program.js";

const JUNK = [",", " ", "$", "$-", "0x", "L", "t", "l", "_i32", "_i64", ":al", "|", "(", ")", "->", "@", "\n", ";", "zz", "-1"];

describe("parseIr on damaged text", () => {
  it("parses or throws IrParseError with a valid position", () => {
    const rng = new Rng(77);
    let errors = 0;
    let valid = 0;
    for (let i = 0; i < Number(process.env.WASMU_PARSE_FUZZ ?? "400"); i++) {
      const text = printIr(randomProgram(rng, { ops: 12 }));
      let s = text;
      for (let k = 0; k < 1 + rng.int(3); k++) {
        const at = rng.int(s.length);
        const r = rng.int(3);
        if (r === 0) s = s.slice(0, at) + s.slice(at + 1 + rng.int(6));
        else if (r === 1) s = s.slice(0, at) + rng.pick(JUNK) + s.slice(at);
        else s = s.slice(0, at) + s.slice(at).replace(/\d/, String(rng.int(10)));
      }
      try {
        const opts = { helpers: RANDOM_HELPERS, globals: i % 2 === 0 ? RANDOM_GLOBALS : [] };
        const f = parseIr(s, opts);
        if (verifyIr(f).length === 0) {
          // Still valid IR: the optimizer must handle it and keep its meaning.
          const g = parseIr(s, opts);
          optimize(g);
          expect(verifyIr(g)).toEqual([]);
          sameBehaviour(f, g, { seeds: 2, note: s });
          valid++;
        }
      } catch (e) {
        if (!(e instanceof IrParseError)) throw new Error(`non-parse error ${String(e)} on:\n${s}`);
        const lines = s.split("\n");
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.line).toBeLessThanOrEqual(lines.length);
        expect(e.column).toBeGreaterThanOrEqual(1);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(100);
    expect(valid).toBeGreaterThan(5);
  });
});
