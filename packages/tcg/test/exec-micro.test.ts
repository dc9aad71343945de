// Micro-benchmarks behind the back end's decisions (README "Decisions and their
// measurements"). Reported, not asserted. A short smoke run always executes; WASMU_BENCH=1
// runs the full measurements on the built dist/ code (`pnpm --filter @wasmu/tcg build`).
// Figures are minima over rounds (the machine is shared; minima are the least disturbed).
import { assembleProgram } from "@wasmu/isa";
import { beforeAll, describe, expect, it } from "vitest";
import * as src from "../src/index.js";
import { createDispatcher as srcCreateDispatcher } from "../src/exec/worker-runtime.js";
import { createRtTable as srcCreateRtTable } from "../src/exec/rt-table.js";
import { distModule } from "./sync-workers.js";

const FULL = process.env.WASMU_BENCH === "1";
let T: typeof src = src;
let createDispatcher: typeof srcCreateDispatcher = srcCreateDispatcher;
let createRtTable: typeof srcCreateRtTable = srcCreateRtTable;
beforeAll(async () => {
  if (FULL) {
    T = (await import(distModule("index.js"))) as typeof src;
    createDispatcher = ((await import(distModule("exec/worker-runtime.js"))) as { createDispatcher: typeof srcCreateDispatcher }).createDispatcher;
    createRtTable = ((await import(distModule("exec/rt-table.js"))) as { createRtTable: typeof srcCreateRtTable }).createRtTable;
  }
});

const RAM = 0x8000_0000n;
const { i32 } = src.WasmValType;

function minOf(rounds: number, f: () => number): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) best = Math.min(best, f());
  return best;
}

function asm(s: string): Uint8Array {
  const r = assembleProgram(s, RAM);
  if (!r.ok) throw new Error(r.error.message);
  return r.bytes;
}

describe("micro-benchmarks", () => {
  it("chaining: TB modules importing the TB table vs calling a dispatcher (instantiation, hop)", () => {
    const SIZE = FULL ? 65536 : 1024;
    const hops = FULL ? 20_000_000 : 10_000;
    const table = new WebAssembly.Table({ initial: SIZE, element: "anyfunc" });
    const chain = createDispatcher(table);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    // f(env, self): counter -= 1; if 0 return self; else chain to self ^ 1.
    const tbModule = (viaImport: boolean, id: number): Uint8Array => {
      const mb = new T.ModuleBuilder();
      const t = mb.addType([i32, i32], [i32]);
      mb.importMemory("rt", "memory", { initial: 1, maximum: 1, shared: true });
      const chainIdx = viaImport ? mb.importFunction("rt", "chain", t) : mb.importTable("rt", "tbs", { initial: SIZE });
      mb.sealPrefix();
      const fb = mb.beginFunction(t);
      fb.i32Const(0); fb.i32Const(0); fb.i32Load(0); fb.i32Const(1); fb.i32Sub(); fb.i32Store(0);
      fb.i32Const(0); fb.i32Load(0); fb.i32Eqz(); fb.if(); fb.localGet(fb.param(1)); fb.return(); fb.end();
      fb.localGet(fb.param(0)); fb.localGet(fb.param(1)); fb.i32Const(1); fb.i32Xor();
      if (viaImport) fb.returnCall(chainIdx);
      else { fb.localGet(fb.param(1)); fb.i32Const(1); fb.i32Xor(); fb.returnCallIndirect(t); }
      const fi = mb.endFunction();
      if (viaImport) mb.exportFunction("f", fi); else mb.addElements(0, id, [fi]);
      return mb.finish();
    };
    const rows: string[] = [];
    let id = 100;
    for (const via of [true, false]) {
      const inst = minOf(FULL ? 30 : 3, () => {
        const mod = new WebAssembly.Module(tbModule(via, id));
        const t0 = performance.now();
        const ex = new WebAssembly.Instance(mod, { rt: { memory, tbs: table, chain } }).exports;
        if (via) table.set(id, ex.f);
        id += 2;
        return performance.now() - t0;
      });
      for (const k of [10, 11]) {
        const ex = new WebAssembly.Instance(new WebAssembly.Module(tbModule(via, k)), { rt: { memory, tbs: table, chain } }).exports;
        if (via) table.set(k, ex.f);
      }
      const w = new Int32Array(memory.buffer);
      const f = table.get(10) as (env: number, self: number) => number;
      w[0] = hops;
      f(0, 10);
      const hop = minOf(3, () => {
        w[0] = hops;
        const t0 = performance.now();
        f(0, 10);
        return ((performance.now() - t0) * 1e6) / hops;
      });
      expect(w[0]).toBe(0);
      rows.push(`| ${via ? "import rt.chain (dispatcher)" : `import the ${SIZE}-entry table`} | ${(inst * 1000).toFixed(1)} | ${hop.toFixed(2)} |`);
    }
    console.log(`| TB modules | instantiate + table.set (µs) | ns per chained hop |\n|---|---|---|\n${rows.join("\n")}`);
  });

  it("translation cost per TB by phase and batch size (hand-built front-end-shaped TBs)", () => {
    const GLOBALS: src.GlobalDef[] = [...Array.from({ length: 9 }, (_, i): src.GlobalDef => ({ name: `x${i}`, type: "i64", offset: i * 8 })), { name: "pc", type: "i64", offset: 0x100 }];
    let uniq = 1;
    const makeTb = (): src.IrFunc => {
      const f = new T.IrFunc(GLOBALS);
      const b = new T.IrBuilder(f);
      const x = (i: number): src.Temp<"i64"> => f.global(`x${i}`, "i64")!;
      let pc = RAM + BigInt(uniq * 64);
      for (let i = 0; i < 8; i++) {
        b.insnStart(pc);
        const t = b.temp("i64");
        const k = uniq++;
        if (i === 3) { b.add(t, x(2), k & 0x7ff); b.guestLd(x(3), t, T.memop(64)); }
        else if (i === 5) { b.add(t, x(4), k & 0x7ff); b.guestSt(x(5), t, T.memop(32)); }
        else { b.add(t, x((i % 8) + 1), k); b.xor(x(((i + 3) % 8) + 1), t, x(1)); }
        pc += 4n;
      }
      b.insnStart(pc);
      const l = b.label();
      b.brcond("lt", x(1), x(2), l);
      b.mov(f.global("pc", "i64")!, pc + 4n); b.gotoTb(0); b.exitTb(0);
      b.setLabel(l);
      b.mov(f.global("pc", "i64")!, pc + 400n); b.gotoTb(1); b.exitTb(1);
      return f;
    };
    const PAGES = 80;
    const cfg: src.LowerConfig = { window: { lo: RAM, size: 1 << 20, base: 64 << 16 }, jmpTarget0Addr: 0x1000 + 56, descBytes: 128, codePages: { addr: 0x20000, pageBits: 12 } };
    const tmb = new T.TbModuleBuilder({ memoryPages: PAGES, helpers: [] }, cfg);
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
    const table = new WebAssembly.Table({ initial: 4096, element: "anyfunc" });
    const imports = { rt: { memory, fns: createRtTable([], { chain: createDispatcher(table), lookup: () => 0, notdirty: () => 0, helpers: {} }) } };
    new DataView(memory.buffer).setUint32(0x200, 0x300, true);
    const rows: string[] = [];
    for (const k of FULL ? [1, 2, 4, 8, 16, 32, 64, 128] : [1, 8]) {
      const best = [Infinity, Infinity, Infinity, Infinity, Infinity, Infinity];
      const rounds = FULL ? Math.max(6, Math.floor(512 / k)) : 2;
      for (let r = 0; r < rounds; r++) {
        const ts = [performance.now()];
        const funcs = Array.from({ length: k }, makeTb);
        ts.push(performance.now());
        for (const f of funcs) T.optimize(f);
        ts.push(performance.now());
        tmb.reset();
        funcs.forEach((f, i) => tmb.place(i, tmb.add(f).funcIndex));
        const bytes = tmb.finish();
        ts.push(performance.now());
        const mod = new WebAssembly.Module(bytes);
        ts.push(performance.now());
        const ex = new WebAssembly.Instance(mod, imports).exports;
        for (let i = 0; i < k; i++) table.set(i, ex[`tb${i}`]);
        ts.push(performance.now());
        for (let i = 0; i < k; i++) (table.get(i) as (e: number, s: number) => number)(0x200, i);
        ts.push(performance.now());
        for (let p = 0; p < 6; p++) best[p] = Math.min(best[p]!, ((ts[p + 1]! - ts[p]!) * 1000) / k);
      }
      rows.push(`| ${String(k).padStart(3)} | ${best.map((v) => v.toFixed(1)).join(" | ")} | ${(best[3]! + best[4]! + best[5]!).toFixed(1)} |`);
    }
    expect(rows.length).toBeGreaterThan(0);
    console.log(
      "µs per TB (9-insn TBs, ~45 IR ops)\n| TBs/module | build IR | optimize | emit | new Module | new Instance + table.set | first call (lazy Liftoff) | V8 total |\n|---|---|---|---|---|---|---|---|\n" +
        rows.join("\n"),
    );
  });

  it("globals cached in locals vs in the CPU state, on a chained one-TB loop", () => {
    const GLOBALS: src.GlobalDef[] = [...Array.from({ length: 8 }, (_, i): src.GlobalDef => ({ name: `x${i}`, type: "i64", offset: i * 8 })), { name: "pc", type: "i64", offset: 0x100 }];
    const STOP: src.HelperDef = { name: "stop", ret: "void", args: [], flags: src.HELPER_NO_RETURN, impl: () => undefined };
    const translator = (ops: number): src.Translator => ({
      globals: GLOBALS, helpers: [STOP], stateSize: 0x200,
      getPc: (s) => s.getBigUint64(0x100, true), setPc: (s, pc) => s.setBigUint64(0x100, pc, true), tbFlags: () => 0,
      translate(req) {
        const f = new T.IrFunc(GLOBALS);
        const b = new T.IrBuilder(f);
        const x = (i: number): src.Temp<"i64"> => f.global(`x${i}`, "i64")!;
        b.insnStart(req.pc);
        if (req.pc !== RAM) { b.call(STOP, undefined, []); return { func: f, size: 4, icount: 1 }; }
        for (let k = 0; k < ops; k++) {
          if (k % 2 === 0) b.add(x(3), x(3), x(1)); else b.xor(x(1), x(3), k);
        }
        b.add(x(2), x(2), 1);
        const done = b.label();
        b.brcond("geu", x(2), x(4), done);
        b.mov(f.global("pc", "i64")!, RAM); b.gotoTb(0); b.exitTb(0);
        b.setLabel(done);
        b.mov(f.global("pc", "i64")!, RAM + 4n); b.gotoTb(1); b.exitTb(1);
        return { func: f, size: 4, icount: ops + 2, successors: [RAM, RAM + 4n] };
      },
    });
    const N = FULL ? 2_000_000 : 5_000;
    const rows: string[] = [];
    for (const ops of [4, 24]) {
      for (const cacheGlobals of [true, false]) {
        const m = new T.BareMetal({ translator: translator(ops), ramBase: RAM, ramSize: 1 << 16, cacheGlobals });
        const ns = minOf(FULL ? 6 : 2, () => {
          m.setPc(RAM);
          m.state.setBigUint64(16, 0n, true);
          m.state.setBigUint64(32, BigInt(N), true);
          const t0 = performance.now();
          expect(m.run().kind).toBe("helper");
          return ((performance.now() - t0) * 1e6) / N;
        });
        rows.push(`| ${ops} | ${cacheGlobals ? "locals" : "CPU state"} | ${ns.toFixed(2)} |`);
      }
    }
    console.log(`| ALU ops per TB | globals in | ns per TB |\n|---|---|---|\n${rows.join("\n")}`);
  });

  it("guest call + return (lookup_and_goto_ptr) and a fadd.d helper call through the RISC-V front end", () => {
    const N = FULL ? 196_608 : 4096;
    const callRet = asm(`
      li s0, 0
      lui s1, ${N >> 12}
    again:
      jal ra, f
      addi s1, s1, -1
      bnez s1, again
      ebreak
    f:
      addi s0, s0, 3
      ret`);
    const fadd = asm(`
      li t0, 1
      fcvt.d.l fa0, t0
      fcvt.d.l fa1, x0
      lui s1, ${N >> 12}
    again:
      fadd.d fa1, fa1, fa0
      addi s1, s1, -1
      bnez s1, again
      ebreak`);
    const rows: string[] = [];
    for (const [name, code, inline] of [["call+return, rt.lookup in JS", callRet, false], ["call+return, inline jump-cache probe", callRet, true], ["fadd.d loop (helper call)", fadd, true]] as const) {
      const t = T.createRiscvTarget();
      const m = new T.BareMetal({ translator: inline ? { ...t, pcOffset: src.CpuOffset.PC } : t, ramBase: RAM, ramSize: 1 << 20 });
      m.load(RAM, code);
      const ns = minOf(FULL ? 5 : 1, () => {
        m.setPc(RAM);
        const t0 = performance.now();
        expect(m.run().kind).toBe("helper");
        return ((performance.now() - t0) * 1e6) / N;
      });
      rows.push(`| ${name} | ${ns.toFixed(0)} | ${m.worker.lookups} |`);
    }
    console.log(`| loop | ns per iteration | runtime lookups |\n|---|---|---|\n${rows.join("\n")}`);
  });
});
