/**
 * Modules of translated TBs: a {@link ModuleBuilder} whose prefix imports the shared
 * memory and the worker's runtime table (`RtImport.fns`: dispatcher, runtime functions and
 * every helper the target declares, at {@link RtSlot}s), and which collects any number of
 * lowered TBs into one module (batching amortises V8's per-module cost; see the README's
 * measurements). The prefix has no function import: V8 11 charges ~80 µs of compile time
 * to a module with any (`RtImport.fns` says more).
 *
 * The module does not import the worker's TB table (see `RtImport.chain` for why): it
 * exports each TB's function as {@link tbExportName}(tb), and the loop stores the exports
 * in its table after instantiating. Chaining goes through the dispatcher's slot.
 *
 * @module
 */
import type { HelperDef } from "../../ir/helper.js";
import type { IrFunc } from "../../ir/func.js";
import { HELPER_ABI_ARGS, HELPER_MODULE, IMPORT_MODULE, RtImport, RtSlot, tbExportName } from "./lower-abi.js";
import { type LowerConfig, TbLowering } from "./lower.js";
import { ModuleBuilder } from "./module-builder.js";
import { ValType } from "./opcodes.js";

/** Shape of the imported memory and table. */
export interface TbModuleShape {
  /** Memory pages (64 KiB) of the shared memory, initial = maximum. */
  readonly memoryPages: number;
  /** Every helper a TB may call, declared once (imports are part of the reusable prefix). */
  readonly helpers: readonly HelperDef[];
}

/** One TB lowered into the current module. */
export interface LoweredTb {
  /** Its function index in the module. */
  readonly funcIndex: number;
  /** The function's code bytes (without local declarations), for the code buffer. */
  readonly code: Uint8Array;
}


/** Entries of the runtime table for `helpers` ({@link RtSlot}). */
export function rtTableSize(helpers: readonly HelperDef[]): number {
  return RtSlot.helpers + helpers.length;
}

/** Builds modules of lowered TBs. One per translator thread; reused module after module. */
export class TbModuleBuilder {
  private readonly mb = new ModuleBuilder();
  private readonly lowering: TbLowering;
  private readonly helperIndex = new Map<string, { readonly index: number; readonly def: HelperDef }>();
  /** The TB function type index. */
  readonly tbType: number;
  /** What each runtime-table slot holds (`rt.chain`, `helpers.fp_fadd_d`, ...), by slot: names `call_indirect` targets in listings. */
  readonly slotNames: string[];
  private count = 0;

  /**
   * @param shape memory, table and helpers.
   * @param cfg the lowering configuration.
   */
  constructor(readonly shape: TbModuleShape, cfg: LowerConfig) {
    const { i32 } = ValType;
    const mb = this.mb;
    this.tbType = mb.addType([i32, i32], [i32]);
    const notdirtyType = mb.addType([i32, i32, i32, i32], [i32]);
    const helperType = mb.addType([i32, ...Array<ValType>(HELPER_ABI_ARGS).fill(ValType.i64)], [ValType.i64]);
    mb.importMemory(IMPORT_MODULE, RtImport.memory, { initial: shape.memoryPages, maximum: shape.memoryPages, shared: true });
    mb.importTable(IMPORT_MODULE, RtImport.fns, { initial: rtTableSize(shape.helpers) });
    this.slotNames = [`${IMPORT_MODULE}.${RtImport.chain}`, `${IMPORT_MODULE}.${RtImport.lookup}`, `${IMPORT_MODULE}.${RtImport.notdirty}`, `${IMPORT_MODULE}.${RtImport.tlbLoad}`, `${IMPORT_MODULE}.${RtImport.tlbStore}`];
    shape.helpers.forEach((h, i) => {
      if (this.helperIndex.has(h.name)) throw new Error(`two helpers named '${h.name}'`);
      if (h.args.length > HELPER_ABI_ARGS) throw new Error(`helper '${h.name}' has more than ${HELPER_ABI_ARGS} arguments`);
      this.helperIndex.set(h.name, { index: RtSlot.helpers + i, def: h });
      this.slotNames.push(`${HELPER_MODULE}.${h.name}`);
    });
    mb.sealPrefix();
    const helperIndex = this.helperIndex;
    this.lowering = new TbLowering(cfg, {
      tbType: this.tbType,
      notdirtyType,
      helperType,
      lookup: RtSlot.lookup,
      notdirty: RtSlot.notdirty,
      tlbLoad: RtSlot.tlbLoad,
      tlbStore: RtSlot.tlbStore,
      chain: RtSlot.chain,
      helper(name: string): number {
        const e = helperIndex.get(name);
        if (e === undefined) throw new Error(`lower: helper '${name}' was not declared to the module builder`);
        return e.index;
      },
    });
  }

  /** Number of TBs in the current module. */
  get size(): number {
    return this.count;
  }

  /** Lowers `func` as the next function of the current module. */
  add(func: IrFunc): LoweredTb {
    for (const h of func.helpers) {
      const e = this.helperIndex.get(h.name);
      if (e === undefined) throw new Error(`lower: helper '${h.name}' was not declared to the module builder`);
      if (e.def !== h && (e.def.ret !== h.ret || e.def.args.join() !== h.args.join() || e.def.flags !== h.flags)) {
        throw new Error(`lower: helper '${h.name}' differs from its declaration`);
      }
    }
    const fb = this.mb.beginFunction(this.tbType);
    this.lowering.lower(fb, func);
    const code = fb.buf.slice(0, fb.pos);
    const funcIndex = this.mb.endFunction();
    this.count++;
    return { funcIndex, code };
  }

  /** Exports function `funcIndex` as TB `tb`'s code ({@link tbExportName}). */
  place(tb: number, funcIndex: number): void {
    this.mb.exportFunction(tbExportName(tb), funcIndex);
  }

  /** The module's bytes; then starts the next module. */
  finish(): Uint8Array {
    const bytes = this.mb.finish();
    this.mb.reset();
    this.count = 0;
    return bytes;
  }

  /** Drops the current module's functions. */
  reset(): void {
    this.mb.reset();
    this.count = 0;
  }
}
