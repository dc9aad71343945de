// End to end: TB descriptors in the guest's shared WebAssembly.Memory, generated code
// that checks exit_request on entry and chains goto_tb through the descriptor's
// JMP_TARGET word with return_call_indirect. tbAddJump / tbPhysInvalidate change what
// running code does without recompiling it.
import { describe, expect, it } from "vitest";
import { ModuleBuilder } from "../src/backend/wasm/module-builder.js";
import { ValType } from "../src/backend/wasm/opcodes.js";
import { createSyncThread } from "../src/sync/sync-thread.js";
import { attachTbContext, createTbShared, type TbContext } from "../src/tb/tb-context.js";
import { NO_PAGE, TbField } from "../src/tb/tb-desc.js";
import { tbAddJump } from "../src/tb/tb-jmp.js";
import { TB_BUFFER_FULL, tbCreate, tbPhysInvalidate } from "../src/tb/tb-maint.js";

const { i32 } = ValType;
const ENV = 0; // CPU state: [0] i64 executed-TB counter, [8] i64 budget
const ARENA = 1 << 20;
const EXIT_REQUESTED = -1;

/** Emits the code of TB `tb`: exit check, count, budget, then goto_tb 0. Returns the exit code (tb << 1 | slot) to the dispatcher. */
function emitTb(mb: ModuleBuilder, tTb: number, ctx: TbContext, tb: number): number {
  const fb = mb.beginFunction(tTb);
  const env = fb.param(0);
  const target = fb.allocLocal(i32);
  // exit_request check on entry
  fb.i32Const(ctx.exitRequestAddress(0));
  fb.i32AtomicLoad();
  fb.if();
  fb.i32Const(EXIT_REQUESTED);
  fb.return();
  fb.end();
  // "execute": counter += 1; if (--budget == 0) exit
  fb.localGet(env);
  fb.localGet(env);
  fb.i64Load(ENV + 0);
  fb.i64Const(1);
  fb.i64Add();
  fb.i64Store(ENV + 0);
  fb.localGet(env);
  fb.localGet(env);
  fb.i64Load(ENV + 8);
  fb.i64Const(1);
  fb.i64Sub();
  fb.i64Store(ENV + 8);
  fb.localGet(env);
  fb.i64Load(ENV + 8);
  fb.i64Eqz();
  fb.if();
  fb.i32Const((tb << 1) | 0);
  fb.return();
  fb.end();
  // goto_tb 0: chained? tail-call the destination through the worker's table
  fb.i32Const(ctx.tbFieldAddress(tb, TbField.JMP_TARGET0));
  fb.i32AtomicLoad();
  fb.localTee(target);
  fb.if();
  fb.localGet(env);
  fb.localGet(target);
  fb.i32Const(1);
  fb.i32Sub();
  fb.returnCallIndirect(tTb);
  fb.end();
  fb.i32Const((tb << 1) | 0);
  return mb.endFunction();
}

describe("chaining through shared descriptors", () => {
  it("runs a chained cycle without returning, stops on exit_request, unchains on invalidation", () => {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
    const buffer = memory.buffer as unknown as SharedArrayBuffer;
    const shared = createTbShared({ maxTbs: 64, codeBytes: 4096, regions: 1, vcpus: 1, guestPages: 16 }, buffer, ARENA);
    const ctx = attachTbContext(shared, createSyncThread(0, { debug: true }), 0);
    const tbs = [0x1000, 0x1040, 0x2000].map((pc) => {
      const r = tbCreate(ctx, { pcLo: pc, pcHi: 0, flags: 0, cflags: 0, physPage0: pc >>> 12, physPage1: NO_PAGE, size: 16, icount: 4 }, new Uint8Array(8));
      if (r === TB_BUFFER_FULL) throw new Error("full");
      return r.tb;
    });
    const [a, b, c] = tbs as [number, number, number];

    const mb = new ModuleBuilder();
    const tTb = mb.addType([i32], [i32]);
    mb.importMemory("env", "mem", { initial: 64, maximum: 64, shared: true });
    mb.importTable("env", "tbs", { initial: 64 });
    mb.sealPrefix();
    for (const tb of tbs) mb.addElements(0, tb, [emitTb(mb, tTb, ctx, tb)]);
    const table = new WebAssembly.Table({ initial: 64, element: "anyfunc" });
    new WebAssembly.Instance(new WebAssembly.Module(mb.finish()), { env: { mem: memory, tbs: table } });
    const state = new BigInt64Array(buffer, ENV, 2);
    const run = (tb: number, budget: bigint): number => {
      state[1] = budget;
      return (table.get(tb) as (env: number) => number)(ENV);
    };

    // Unchained: one TB, back to the dispatcher with (tb, slot 0).
    expect(run(a, 1000n)).toBe(a << 1);
    expect(state[0]).toBe(1n);

    // Chain a -> b -> c -> a: 100000 TBs in one call (tail calls: no stack growth).
    expect(tbAddJump(ctx, a, 0, b)).toBe(true);
    expect(tbAddJump(ctx, b, 0, c)).toBe(true);
    expect(tbAddJump(ctx, c, 0, a)).toBe(true);
    state[0] = 0n;
    const exit = run(a, 100_000n);
    expect(state[0]).toBe(100_000n);
    expect([a << 1, b << 1, c << 1]).toContain(exit);
    if (process.env.WASMU_BENCH === "1") {
      run(a, 1_000_000n);
      const t0 = performance.now();
      run(a, 10_000_000n);
      const ns = ((performance.now() - t0) * 1e6) / 10_000_000;
      console.log(`chained TB (exit check + 2 loads/stores + goto_tb via JMP_TARGET): ${ns.toFixed(1)} ns per TB`);
    }

    // exit_request stops the chain at the next TB entry.
    ctx.exclusive.kick(0);
    expect(run(a, 1000n)).toBe(EXIT_REQUESTED);
    ctx.exclusive.clearExitRequest(0);

    // Invalidating b resets a's jump: the chain stops after a.
    expect(tbPhysInvalidate(ctx, b)).toBe(true);
    state[0] = 0n;
    expect(run(a, 1000n)).toBe(a << 1);
    expect(state[0]).toBe(1n);
    // c -> a still chained; a now exits.
    state[0] = 0n;
    expect(run(c, 1000n)).toBe(a << 1);
    expect(state[0]).toBe(2n);
  });
});
