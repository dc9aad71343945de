// Cost of a floating-point helper call from generated code (fadd.d through the RISC-V
// front end, BigInt arguments at the wasm/JS boundary). `node bench-micro/fp-helper.mjs`
// after building.
import { assembleProgram } from "@wasmu/isa";
import { BareMetal, CpuOffset, createRiscvTarget } from "../dist/index.js";
const RAM = 0x8000_0000n, N = 65536;
const src = `
  li t0, 1
  fcvt.d.l fa0, t0
  fcvt.d.l fa1, x0
  lui s1, ${N >> 12}
again:
  fadd.d fa1, fa1, fa0
  addi s1, s1, -1
  bnez s1, again
  ebreak`;
const r = assembleProgram(src, RAM);
const t = createRiscvTarget();
const m = new BareMetal({ translator: { ...t, pcOffset: CpuOffset.PC }, ramBase: RAM, ramSize: 1 << 20 });
m.load(RAM, r.bytes);
let best = Infinity;
for (let i = 0; i < 5; i++) { m.setPc(RAM); const t0 = performance.now(); m.run(); best = Math.min(best, performance.now() - t0); }
console.log(`fadd.d loop: ${(best * 1e6 / N).toFixed(0)} ns per iteration (3 insns, one fadd.d helper call)`);
