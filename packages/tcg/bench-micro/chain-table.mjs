// Chaining through a funcref table imported by every TB module vs through one imported
// dispatcher function (the table imported only by the dispatcher): instantiation cost of a
// one-function module and the cost of one chained hop. `node bench-micro/chain-table.mjs`
// after `pnpm --filter @wasmu/tcg build`.
import { ModuleBuilder, WasmValType as V } from "../dist/index.js";
const SIZE = 65536;
const table = new WebAssembly.Table({ initial: SIZE, element: "anyfunc" });
// dispatcher: chain(env, id) = return_call_indirect table[id](env, id)
const dmb = new ModuleBuilder();
const tt = dmb.addType([V.i32, V.i32], [V.i32]);
dmb.importTable("rt", "tbs", { initial: SIZE });
dmb.sealPrefix();
let fb = dmb.beginFunction(tt);
fb.localGet(fb.param(0)); fb.localGet(fb.param(1)); fb.localGet(fb.param(1)); fb.returnCallIndirect(tt);
dmb.exportFunction("chain", dmb.endFunction());
const chain = new WebAssembly.Instance(new WebAssembly.Module(dmb.finish()), { rt: { tbs: table } }).exports.chain;

// TB modules: f(env, self): counter at mem[0] -= 1; if 0 return self; else chain(env, next) where next = self^1
const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
function tbModule(viaImport, k, base) {
  const mb = new ModuleBuilder();
  const t = mb.addType([V.i32, V.i32], [V.i32]);
  mb.importMemory("rt", "memory", { initial: 1, maximum: 1, shared: true });
  let chainIdx = -1;
  if (viaImport) chainIdx = mb.importFunction("rt", "chain", t); else mb.importTable("rt", "tbs", { initial: SIZE });
  mb.sealPrefix();
  for (let i = 0; i < k; i++) {
    const fb = mb.beginFunction(t);
    fb.i32Const(0); fb.i32Const(0); fb.i32Load(0); fb.i32Const(1); fb.i32Sub(); fb.i32Store(0);
    fb.i32Const(0); fb.i32Load(0); fb.i32Eqz(); fb.if(); fb.localGet(fb.param(1)); fb.return(); fb.end();
    fb.localGet(fb.param(0)); fb.localGet(fb.param(1)); fb.i32Const(1); fb.i32Xor();
    if (viaImport) fb.returnCall(chainIdx); else { fb.localGet(fb.param(1)); fb.i32Const(1); fb.i32Xor(); fb.returnCallIndirect(t); }
    const fi = mb.endFunction();
    if (viaImport) mb.exportFunction("f" + i, fi); else mb.addElements(0, base + i, [fi]);
  }
  return mb.finish();
}
for (const via of [true, false]) {
  let best = Infinity;
  for (let r = 0; r < 30; r++) {
    const bytes = tbModule(via, 1, 100 + r * 2);
    const mod = new WebAssembly.Module(bytes);
    const t0 = performance.now();
    const inst = new WebAssembly.Instance(mod, { rt: { memory, tbs: table, chain } });
    if (via) table.set(100 + r * 2, inst.exports.f0);
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`viaImport=${via}: instantiate(+table.set) ${(best * 1000).toFixed(1)} µs`);
  // chaining speed: two TBs 10,11 calling each other
  const b0 = tbModule(via, 1, 10), b1 = tbModule(via, 1, 11);
  for (const [b, id] of [[b0, 10], [b1, 11]]) {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(b), { rt: { memory, tbs: table, chain } });
    if (via) table.set(id, inst.exports.f0);
  }
  const i32 = new Int32Array(memory.buffer);
  const f = table.get(10);
  i32[0] = 1e6; f(0, 10);
  i32[0] = 2e7; const t0 = performance.now(); f(0, 10); const ns = (performance.now() - t0) * 1e6 / 2e7;
  console.log(`  chain hop: ${ns.toFixed(2)} ns`);
}
