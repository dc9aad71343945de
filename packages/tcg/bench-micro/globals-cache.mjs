// Globals cached in wasm locals vs read/written in the CPU state, on a chained one-TB loop
// (`node [--liftoff-only | --no-liftoff] bench-micro/globals-cache.mjs` after building).
// The TB: `ops` ALU ops on x1..x3, then i += 1, and goto_tb back to itself while i < n.
import { BareMetal, HELPER_NO_RETURN, IrBuilder, IrFunc } from "../dist/index.js";

const GLOBALS = [...Array.from({ length: 8 }, (_, i) => ({ name: `x${i}`, type: "i64", offset: i * 8 })), { name: "pc", type: "i64", offset: 0x100 }];
const STOP = { name: "stop", ret: "void", args: [], flags: HELPER_NO_RETURN, impl: () => undefined };
const RAM = 0x8000_0000n;

function translator(ops) {
  return {
    globals: GLOBALS, helpers: [STOP], stateSize: 0x200,
    getPc: (s) => s.getBigUint64(0x100, true), setPc: (s, pc) => s.setBigUint64(0x100, pc, true), tbFlags: () => 0,
    translate(req) {
      const f = new IrFunc(GLOBALS);
      const b = new IrBuilder(f);
      const x = (i) => f.global(`x${i}`, "i64");
      b.insnStart(req.pc);
      if (req.pc !== RAM) { b.call(STOP, undefined, []); return { func: f, size: 4, icount: 1 }; }
      for (let k = 0; k < ops; k++) {
        if (k % 2 === 0) b.add(x(3), x(3), x(1)); else b.xor(x(1), x(3), k);
      }
      b.add(x(2), x(2), 1);
      const done = b.label();
      b.brcond("geu", x(2), x(4), done);
      b.mov(f.global("pc", "i64"), RAM); b.gotoTb(0); b.exitTb(0);
      b.setLabel(done);
      b.mov(f.global("pc", "i64"), RAM + 4n); b.gotoTb(1); b.exitTb(1);
      return { func: f, size: 4, icount: ops + 2, successors: [RAM, RAM + 4n] };
    },
  };
}

const N = 2_000_000;
for (const ops of [4, 24]) {
  for (const cacheGlobals of [true, false]) {
    const m = new BareMetal({ translator: translator(ops), ramBase: RAM, ramSize: 1 << 16, cacheGlobals });
    let best = Infinity;
    for (let r = 0; r < 6; r++) {
      m.setPc(RAM);
      m.state.setBigUint64(16, 0n, true);
      m.state.setBigUint64(32, BigInt(N), true);
      const t0 = performance.now();
      m.run();
      best = Math.min(best, performance.now() - t0);
    }
    console.log(`${String(ops).padStart(2)} ALU ops/TB, cacheGlobals=${cacheGlobals}: ${((best * 1e6) / N).toFixed(2)} ns per TB`);
  }
}
