// Front-end cost: translateBlock over every instruction boundary of the differential
// program's .text (a TB starting at each instruction), µs per TB and per guest instruction,
// with and without the optimizer. Reported, not asserted; WASMU_BENCH=1 runs longer and
// prints the figures.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readElf } from "@wasmu/isa/elf";
import { describe, expect, it } from "vitest";
import { createRiscvTranslator, optimize, translateBlock, USER_TB_FLAGS } from "../src/index.js";
import { GuestMemory } from "./riscv-support.js";

const FULL = process.env.WASMU_BENCH === "1";
const PROGRAM = join(dirname(fileURLToPath(import.meta.url)), "riscv-qemu", "program");

describe("RISC-V front-end cost", () => {
  it("translates TBs at every instruction of a program", () => {
    const elf = readElf(new Uint8Array(readFileSync(PROGRAM)));
    if (!elf.ok) throw new Error(elf.error);
    const text = elf.elf.section(".text")!;
    const mem = new GuestMemory(text.addr, Number(text.size));
    mem.write(text.addr, elf.elf.sectionData(text));
    const fetch = mem.fetcher();
    const tr = createRiscvTranslator();
    const starts: bigint[] = [];
    for (let a = text.addr; a < text.addr + text.size; a += 4n) starts.push(a);
    const rounds = FULL ? 5 : 1;
    for (const opt of [false, true]) {
      let tbs = 0;
      let insns = 0;
      const t0 = performance.now();
      for (let r = 0; r < rounds; r++) {
        for (const pc of starts) {
          const tb = translateBlock(tr, pc, USER_TB_FLAGS, 0, fetch);
          if (opt) optimize(tb.func);
          tbs++;
          insns += tb.insns;
        }
      }
      const ms = performance.now() - t0;
      const line = `riscv front end${opt ? " + optimizer" : ""}: ${tbs} TBs, ${insns} insns, ${((ms * 1000) / tbs).toFixed(1)} µs/TB, ${((ms * 1000) / insns).toFixed(2)} µs/insn`;
      if (FULL) console.log(line);
      expect(tbs).toBeGreaterThan(0);
    }
  }, 300_000);
});
