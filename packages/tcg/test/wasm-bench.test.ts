// Measurements of the WebAssembly module builder and of V8's compile/instantiate cost
// for modules with N functions of unique code. Reported, not asserted (the figures are
// in packages/tcg/README.md). A short run always executes (a smoke test of the path);
// WASMU_BENCH=1 runs the full table and prints it.
import { beforeAll, describe, expect, it } from "vitest";
import { ModuleBuilder as SrcModuleBuilder } from "../src/backend/wasm/module-builder.js";
import { ValType } from "../src/backend/wasm/opcodes.js";
import { distModule } from "./sync-workers.js";

const FULL = process.env.WASMU_BENCH === "1";
const { i32, i64 } = ValType;

// Under vitest, sources are transformed so that every call to an imported function goes
// through a module-namespace getter; the full benchmark measures the built dist/ code,
// which is what runs in production.
let ModuleBuilder: typeof SrcModuleBuilder = SrcModuleBuilder;
beforeAll(async () => {
  if (FULL) {
    const m = (await import(distModule("backend/wasm/module-builder.js"))) as { ModuleBuilder: typeof SrcModuleBuilder };
    ModuleBuilder = m.ModuleBuilder;
  }
});

interface Prefix {
  mb: SrcModuleBuilder;
  tTb: number;
  helper: number;
}

function makePrefix(): Prefix {
  const mb = new ModuleBuilder();
  const tTb = mb.addType([i32], [i32]);
  const tHelper = mb.addType([i32, i64], [i64]);
  const helper = mb.importFunction("env", "helper", tHelper);
  mb.importMemory("env", "mem", { initial: 16, maximum: 1024, shared: true });
  mb.importTable("env", "tbs", { initial: 16 });
  mb.sealPrefix();
  return { mb, tTb, helper };
}

/**
 * A TB-shaped function: `insns` guest-like instructions, each loading a guest register
 * from the CPU state, adding a unique constant, storing it back; an exit-request check;
 * returns an exit code. About 14 bytes per instruction.
 */
function emitTb(p: Prefix, seed: number, insns: number): void {
  const fb = p.mb.beginFunction(p.tTb);
  const env = fb.param(0);
  const t = fb.allocLocal(i64);
  fb.localGet(env);
  fb.i32AtomicLoad(4096); // exit_request
  fb.if();
  fb.i32Const(-1);
  fb.return();
  fb.end();
  for (let k = 0; k < insns; k++) {
    const rd = ((seed + k) % 31) + 1;
    fb.localGet(env);
    fb.i64Load(rd * 8);
    fb.i64Const(seed * 977 + k * 13 + 1);
    fb.i64Add();
    fb.localSet(t);
    fb.localGet(env);
    fb.localGet(t);
    fb.i64Store(((rd * 7) % 31) * 8 + 8);
  }
  fb.localGet(env);
  fb.i64Const(seed);
  fb.call(p.helper);
  fb.i32WrapI64();
  p.mb.endFunction();
}

interface Row {
  fns: number;
  modules: number;
  bytesPerFn: number;
  buildUsPerFn: number;
  compileUsPerFn: number;
  instUsPerFn: number;
  firstCallUsPerFn: number;
  totalUsPerFn: number;
  /** Process CPU time (all threads, incl. V8's background compilers) per function. */
  cpuUsPerFn: number;
  mbPerS: number;
}

function measure(fnsPerModule: number, totalFns: number, insns: number, seedBase: number): Row {
  const p = makePrefix();
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 1024, shared: true });
  const table = new WebAssembly.Table({ initial: 16, element: "anyfunc" });
  const imports = { env: { helper: (_e: number, x: bigint) => x, mem: memory, tbs: table } };
  const modules = Math.max(1, Math.round(totalFns / fnsPerModule));
  let build = 0;
  let compile = 0;
  let inst = 0;
  let call = 0;
  let bytes = 0;
  let seed = seedBase;
  const cpu0 = process.cpuUsage();
  for (let m = 0; m < modules; m++) {
    const t0 = performance.now();
    p.mb.reset();
    for (let f = 0; f < fnsPerModule; f++) {
      emitTb(p, seed++, insns);
      p.mb.exportFunction(`f${f}`, p.mb.importedFunctions + f);
    }
    const wasm = p.mb.finish();
    const t1 = performance.now();
    const mod = new WebAssembly.Module(wasm);
    const t2 = performance.now();
    const instance = new WebAssembly.Instance(mod, imports);
    const t3 = performance.now();
    const ex = instance.exports as Record<string, (env: number) => number>;
    for (let f = 0; f < fnsPerModule; f++) ex[`f${f}`]!(0);
    const t4 = performance.now();
    build += t1 - t0;
    compile += t2 - t1;
    inst += t3 - t2;
    call += t4 - t3;
    bytes += wasm.length;
  }
  const cpu = process.cpuUsage(cpu0);
  const n = modules * fnsPerModule;
  const us = (ms: number): number => Math.round((ms * 1000 * 100) / n) / 100;
  return {
    fns: fnsPerModule,
    modules,
    bytesPerFn: Math.round(bytes / n),
    buildUsPerFn: us(build),
    compileUsPerFn: us(compile),
    instUsPerFn: us(inst),
    firstCallUsPerFn: us(call),
    totalUsPerFn: us(build + compile + inst + call),
    cpuUsPerFn: us((cpu.user + cpu.system) / 1000),
    mbPerS: Math.round(bytes / (build * 1000)),
  };
}

describe("module builder and V8 compile cost", () => {
  it("builds, compiles, instantiates and calls modules of unique functions", () => {
    const total = FULL ? 4000 : 200;
    const rows: Row[] = [];
    let seed = Math.floor(Math.random() * 1e6) * 10_000; // unique code across runs too (no V8 module-cache hits)
    for (const n of FULL ? [1, 10, 100, 1000] : [1, 100]) {
      if (FULL) measure(n, total / 4, 20, (seed += 100_000)); // warm-up
      rows.push(measure(n, n === 1 ? total / 4 : total, 20, (seed += 100_000)));
    }
    if (FULL) console.table(rows);
    for (const r of rows) expect(r.bytesPerFn).toBeGreaterThan(250);
  });

  it("emits bytes fast (builder only, large modules)", () => {
    const p = makePrefix();
    const fns = FULL ? 20_000 : 500;
    let bytes = 0;
    for (let m = 0; m < (FULL ? 20 : 1); m++) {
      // warm-up: let V8 optimise the builder first (a translator runs it all the time)
      p.mb.reset();
      for (let f = 0; f < 500; f++) emitTb(p, 1e9 + m * 500 + f, 20);
      p.mb.finish();
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let m = 0; m < fns / 500; m++) {
      p.mb.reset();
      for (let f = 0; f < 500; f++) emitTb(p, m * 500 + f, 20);
      bytes += p.mb.finish().length;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (FULL) {
      console.log(
        `builder: ${fns} functions, ${bytes} bytes: wall ${ms.toFixed(1)} ms = ${(bytes / (ms * 1000)).toFixed(1)} bytes/µs, ` +
          `${((ms * 1000) / fns).toFixed(2)} µs/function; cpu ${cpuMs.toFixed(1)} ms = ${(bytes / (cpuMs * 1000)).toFixed(1)} bytes/µs`,
      );
    }
    expect(bytes).toBeGreaterThan(fns * 250);
  });
});
