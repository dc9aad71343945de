// Compile + instantiate + first call cost of modules of K lowered TBs (unique code), on the
// built dist/ (run `pnpm --filter @wasmu/tcg build` first): `node bench-micro/compile-batch.mjs`.
// Each TB is front-end shaped: 8 guest-like instructions on i64 globals (x1..x8), one guest
// load and store, a conditional branch with two goto_tb exits. Reports the minimum over
// rounds (the machine is shared; minima are the least disturbed figures).
import { IrBuilder, IrFunc, TbModuleBuilder, memop, optimize } from "../dist/index.js";
import { createDispatcher } from "../dist/exec/worker-runtime.js";

const GLOBALS = [...Array.from({ length: 9 }, (_, i) => ({ name: `x${i}`, type: "i64", offset: i * 8 })), { name: "pc", type: "i64", offset: 0x100 }];
const PAGES = 80;
let uniq = 1;

function makeTb() {
  const f = new IrFunc(GLOBALS);
  const b = new IrBuilder(f);
  const x = (i) => f.global(`x${i}`, "i64");
  let pc = 0x8000_0000n + BigInt(uniq * 64);
  for (let i = 0; i < 8; i++) {
    b.insnStart(pc);
    const t = b.temp("i64");
    const k = uniq++;
    if (i === 3) { b.add(t, x(2), k & 0x7ff); b.guestLd(x(3), t, memop(64)); }
    else if (i === 5) { b.add(t, x(4), k & 0x7ff); b.guestSt(x(5), t, memop(32)); }
    else { b.add(t, x((i % 8) + 1), k); b.xor(x(((i + 3) % 8) + 1), t, x(1)); }
    pc += 4n;
  }
  b.insnStart(pc);
  const l = b.label();
  b.brcond("lt", x(1), x(2), l);
  b.mov(f.global("pc", "i64"), pc + 4n); b.gotoTb(0); b.exitTb(0);
  b.setLabel(l);
  b.mov(f.global("pc", "i64"), pc + 400n); b.gotoTb(1); b.exitTb(1);
  return f;
}

const cfg = { window: { lo: 0x8000_0000n, size: 1 << 20, base: 64 << 16 }, jmpTarget0Addr: 0x1000 + 56, descBytes: 128, codePages: { firstTbAddr: 0x20000, stride: 16, pageBits: 12 } };
const tmb = new TbModuleBuilder({ memoryPages: PAGES, helpers: [] }, cfg);
const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
const table = new WebAssembly.Table({ initial: 65536, element: "anyfunc" });
const imports = { rt: { memory, chain: createDispatcher(table), lookup: () => 0, notdirty: () => 0 }, helpers: {} };
new DataView(memory.buffer).setUint32(0x200, 0x300, true); // env 0x200: exit request word at 0x300 (zero)

const now = () => performance.now();
const rows = [];
for (const k of [1, 2, 4, 8, 16, 32, 64, 128]) {
  const best = { build: Infinity, opt: Infinity, emit: Infinity, compile: Infinity, inst: Infinity, call: Infinity };
  const rounds = Math.max(6, Math.floor(512 / k));
  for (let r = 0; r < rounds; r++) {
    let t0 = now();
    const funcs = Array.from({ length: k }, makeTb);
    let t1 = now();
    const build = t1 - t0;
    for (const f of funcs) optimize(f);
    t0 = now();
    const opt = t0 - t1;
    tmb.reset();
    funcs.forEach((f, i) => tmb.place(i, tmb.add(f).funcIndex));
    const bytes = tmb.finish();
    t1 = now();
    const emit = t1 - t0;
    const mod = new WebAssembly.Module(bytes);
    t0 = now();
    const compile = t0 - t1;
    const ex = new WebAssembly.Instance(mod, imports).exports;
    for (let i = 0; i < k; i++) table.set(i, ex[`tb${i}`]);
    t1 = now();
    const inst = t1 - t0;
    for (let i = 0; i < k; i++) table.get(i)(0x200, i);
    t0 = now();
    const call = t0 - t1;
    for (const [key, v] of Object.entries({ build, opt, emit, compile, inst, call })) best[key] = Math.min(best[key], (v * 1000) / k);
  }
  rows.push(`| ${String(k).padStart(3)} | ${best.build.toFixed(1)} | ${best.opt.toFixed(1)} | ${best.emit.toFixed(1)} | ${best.compile.toFixed(1)} | ${best.inst.toFixed(1)} | ${best.call.toFixed(1)} | ${(best.compile + best.inst + best.call).toFixed(1)} |`);
}
console.log("µs per TB (minimum over rounds; 9-insn TBs, ~45 IR ops each)\n| TBs/module | build IR | optimize | emit | new Module | new Instance + table.set | first call (lazy Liftoff) | V8 total |\n|---|---|---|---|---|---|---|---|\n" + rows.join("\n"));
