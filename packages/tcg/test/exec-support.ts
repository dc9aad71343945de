// Execution test support: assemble a program with @wasmu/isa and run it on the bare-metal
// harness with the mini RISC-V front end.
import { assembleProgram } from "@wasmu/isa";
import { BareMetal, type BareMetalOptions } from "../src/exec/harness.js";
import { MiniRiscv } from "./exec-rv-mini.js";

export const RAM = 0x8000_0000n;

export function assemble(src: string, at = RAM): Uint8Array {
  const r = assembleProgram(src, at);
  if (!r.ok) throw new Error(`asm: ${r.error.message} (line ${r.error.line})`);
  return r.bytes;
}

export function machine(src: string, opts: Partial<BareMetalOptions> = {}): { m: BareMetal; t: MiniRiscv } {
  const t = new MiniRiscv();
  const m = new BareMetal({ translator: t, ramBase: RAM, ramSize: 1 << 20, debugLocks: true, ...opts });
  m.load(RAM, assemble(src));
  m.setPc(RAM);
  return { m, t };
}

export function reg(m: BareMetal, i: number): bigint {
  return m.state.getBigUint64(i * 8, true);
}
