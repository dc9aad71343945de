/**
 * The two execution tiers, guest-neutral (QEMU has one tier; v86 interprets then compiles
 * hot pages). With `tier` "interp" or "auto" (ExecParams), a TB the loop misses is
 * translated by the front end as usual, but instead of being lowered and compiled it is
 * encoded for the interpreter (backend/wasm/interp-*.ts) into its code-buffer space and
 * published like any TB (hash table, page lists): the worker's table entry for it is the
 * interpreter function, so lookups, chaining, invalidation, SMC and tb_flush are the
 * compiled tier's. A TB the interpreter cannot run (an op it has no handler for, a frame
 * too large) is compiled at once, as with `tier=jit`.
 *
 * Tier-up ("auto"): the interpreter counts entries per TB; at `hotThreshold` the TB is
 * queued in its worker (worker-runtime.ts `hot`); when `tierBatch` TBs are queued, or the
 * oldest waited `tierDelayMs`, the loop translates the queued TBs again (from their
 * descriptors' key, under the memory lock), lowers them all into ONE module, compiles and
 * instantiates it, switches their table entries to the compiled functions, publishes the
 * module to the other workers (ModuleRegistry) and flags the TBs compiled. A TB that was
 * invalidated before its batch was installed is left out (its entry stays the
 * interpreter's, and nothing reaches an invalid TB); a tb_flush empties the queue.
 *
 * The compile is synchronous in the vCPU's loop today: the vCPU stops while its batch
 * compiles (V8's per-module cost is paid once per batch). Compiling on the other core
 * (a compile worker) is the next step.
 *
 * @module
 */
import { encodeInterp } from "../backend/wasm/interp-encode.js";
import { RtSlot } from "../backend/wasm/lower-abi.js";
import { optimizeTb } from "../opt/optimize.js";
import { NO_PAGE, TbField, TB_STATE_INVALID } from "../tb/tb-desc.js";
import { TB_BUFFER_FULL, tbCreate } from "../tb/tb-maint.js";
import { now } from "./clock.js";
import type { Vcpu } from "./cpu-exec.js";
import { LogItem, logModule, logTranslated, logOptimized, type LoggedTb } from "./log.js";
import { wasmApi } from "./wasm-api.js";

const helperSlots = new WeakMap<object, Map<string, number>>();

/** Runtime-table slot of each helper of a translator's list. */
function slotsOf(helpers: readonly { readonly name: string }[]): Map<string, number> {
  let m = helperSlots.get(helpers);
  if (m === undefined) {
    m = new Map(helpers.map((h, i) => [h.name, RtSlot.helpers + i]));
    helperSlots.set(helpers, m);
  }
  return m;
}

/**
 * Tier 0 of tb_gen_code: translates the TB at `pc` and publishes it interpreted. Returns
 * the TB (possibly another vCPU's identical one), -1 on a fetch fault, TB_BUFFER_FULL, or
 * undefined when the TB must be compiled instead.
 */
export function interpretTb(cpu: Vcpu, pc: bigint, flags: number, cflags: number): number | undefined {
  const w = cpu.worker;
  const t = w.translator;
  const st = cpu.stats;
  const t0 = now();
  const tr = t.translate({ pc, flags, cflags, code: cpu.code });
  const t1 = now();
  st.translateMs += t1 - t0;
  if (tr === undefined) return -1;
  const lg = cpu.log;
  const logText = lg === undefined ? "" : logTranslated(lg, pc, tr, cpu.code);
  optimizeTb(tr.func, w.shared.params.tbOpt);
  const t2 = now();
  st.optimizeMs += t2 - t1;
  if (lg !== undefined) { const s = logText + logOptimized(lg, tr); if (s !== "") lg.sink.write(s); }
  const slots = slotsOf(t.helpers);
  const bytes = encodeInterp(tr.func, tr.icount, {
    stateSize: t.stateSize,
    helperSlot: (name) => {
      const s = slots.get(name);
      if (s === undefined) throw new Error(`interp: helper '${name}' is not in the target's list`);
      return s;
    },
  });
  st.emitMs += now() - t2;
  if (bytes === undefined) {
    st.interpRefused++;
    return undefined;
  }
  const page0 = cpu.page(pc);
  const page1 = cpu.page(pc + BigInt(Math.max(tr.size, 1) - 1));
  const created = tbCreate(cpu.ctx, {
    pcLo: Number(pc & 0xffff_ffffn) | 0, pcHi: Number(pc >> 32n) | 0, flags, cflags,
    physPage0: page0, physPage1: page1 < 0 || page1 === page0 ? NO_PAGE : page1, size: tr.size, icount: tr.icount,
  }, bytes);
  if (created === TB_BUFFER_FULL) return TB_BUFFER_FULL;
  if (lg !== undefined && (lg.mask & LogItem.OUT_ASM) !== 0) {
    lg.sink.write(`OUT: [size=${bytes.length}] tb ${created.tb} interpreted (tier 0, ${tr.func.ops.length} IR ops)\n\n`);
  }
  st.tbs++;
  st.insns += tr.icount;
  if (!created.existing) st.interpTbs++;
  if (!w.ensureLoaded(created.tb)) return undefined;
  return created.tb;
}

/**
 * Compiles this worker's queued hot TBs into one module and installs it (see the module
 * comment). Runs in the loop, between TBs, with the memory lock of the mode.
 */
export function tierUp(cpu: Vcpu): void {
  const w = cpu.worker;
  const q = w.hotQueue.splice(0);
  const ctx = cpu.ctx;
  const tbs = ctx.tbs;
  const st = cpu.stats;
  const t0 = now();
  const tmb = w.builder;
  const placed: number[] = [];
  if (ctx.userMode) ctx.mmapLock();
  ctx.tbLockIfEnabled();
  try {
    tmb.reset();
    const lg = cpu.log;
    const logged: LoggedTb[] | undefined = lg === undefined ? undefined : [];
    for (const tb of q) {
      if ((tbs.get(tb, TbField.STATE) & TB_STATE_INVALID) !== 0 || w.isLoaded(tb)) continue;
      const pc = cpu.tbPc(tb);
      const tr = w.translator.translate({ pc, flags: tbs.get(tb, TbField.FLAGS), cflags: tbs.get(tb, TbField.CFLAGS), code: cpu.code });
      // The guest code is what the TB was made from unless the TB was invalidated.
      if (tr === undefined || tr.size !== tbs.get(tb, TbField.SIZE) || tr.icount !== tbs.get(tb, TbField.ICOUNT)) continue;
      optimizeTb(tr.func, w.shared.params.tbOpt);
      const lowered = tmb.add(tr.func);
      tmb.place(tb, lowered.funcIndex);
      placed.push(tb);
      logged?.push({ tb, pc, text: "", code: lowered.code, funcIndex: lowered.funcIndex });
    }
    if (placed.length === 0) {
      tmb.reset();
      return;
    }
    const bytes = tmb.finish();
    st.codeBytes += bytes.length;
    if (logged !== undefined) logModule(lg!, bytes, logged, tmb.slotNames);
    const module = new (wasmApi().Module)(bytes);
    // Invalidated while its batch was built: leave it out (never install stale code).
    const live = placed.filter((tb) => (tbs.get(tb, TbField.STATE) & TB_STATE_INVALID) === 0);
    if (live.length === 0) return;
    w.instantiate(module, live);
    w.registry.publish(module, live, ctx.flushCount);
    for (const tb of live) w.markCompiled(tb);
    st.tieredTbs += live.length;
    st.tierModules++;
  } finally {
    ctx.tbUnlockIfEnabled();
    if (ctx.userMode) ctx.mmapUnlock();
    st.tierMs += now() - t0;
  }
}
