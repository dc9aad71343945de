// Cost of a guest call/return pair through the RISC-V front end: `jal` chains with
// goto_tb, `ret` (jalr) goes through lookup_and_goto_ptr: rt.lookup (JavaScript), or the
// inline jump-cache probe when the target gives `pcOffset`; then rt.chain.
// `node bench-micro/call-return.mjs` after building.
import { assembleProgram } from "@wasmu/isa";
import { BareMetal, CpuOffset, createRiscvTarget } from "../dist/index.js";

const RAM = 0x8000_0000n;
const N = 196_608; // 48 << 12
const src = `
  li s0, 0
  lui s1, ${N >> 12}
again:
  jal ra, f
  addi s1, s1, -1
  bnez s1, again
  ebreak
f:
  addi s0, s0, 3
  ret
`;
const r = assembleProgram(src, RAM);
if (!r.ok) throw new Error(r.error.message);
for (const inline of [false, true]) {
  const t = createRiscvTarget();
  const m = new BareMetal({ translator: inline ? { ...t, pcOffset: CpuOffset.PC } : t, ramBase: RAM, ramSize: 1 << 20 });
  m.load(RAM, r.bytes);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    m.setPc(RAM);
    const t0 = performance.now();
    m.run();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`call+return, ${inline ? "inline jump-cache probe" : "rt.lookup in JS"}: ${((best * 1e6) / N).toFixed(0)} ns per iteration (5 guest insns); ${m.worker.lookups} runtime lookups`);
}
