/**
 * Modules of translated TBs: a {@link ModuleBuilder} whose prefix imports the shared
 * memory, the worker's TB table, the runtime functions and every helper the target
 * declares, and which collects any number of lowered TBs into one module (batching
 * amortises V8's per-module cost; see the README's measurements).
 *
 * The module does not import the worker's TB table (see `RtImport.chain` for why): it
 * exports each TB's function as {@link tbExportName}(tb), and the loop stores the exports
 * in its table after instantiating. Chaining goes through the imported dispatcher.
 *
 * @module
 */
import type { HelperDef } from "../../ir/helper.js";
import type { IrFunc } from "../../ir/func.js";
import { HELPER_ABI_ARGS, HELPER_MODULE, IMPORT_MODULE, RtImport, tbExportName } from "./lower-abi.js";
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


/** Builds modules of lowered TBs. One per translator thread; reused module after module. */
export class TbModuleBuilder {
  private readonly mb = new ModuleBuilder();
  private readonly lowering: TbLowering;
  private readonly helperIndex = new Map<string, { readonly index: number; readonly def: HelperDef }>();
  /** The TB function type index. */
  readonly tbType: number;
  private count = 0;

  /**
   * @param shape memory, table and helpers.
   * @param cfg the lowering configuration.
   */
  constructor(readonly shape: TbModuleShape, cfg: LowerConfig) {
    const { i32 } = ValType;
    const mb = this.mb;
    this.tbType = mb.addType([i32, i32], [i32]);
    const tLookup = this.tbType;
    const tNotdirty = mb.addType([i32, i32, i32, i32], [i32]);
    mb.importMemory(IMPORT_MODULE, RtImport.memory, { initial: shape.memoryPages, maximum: shape.memoryPages, shared: true });
    const lookup = mb.importFunction(IMPORT_MODULE, RtImport.lookup, tLookup);
    const notdirty = mb.importFunction(IMPORT_MODULE, RtImport.notdirty, tNotdirty);
    const chain = mb.importFunction(IMPORT_MODULE, RtImport.chain, this.tbType);
    const tHelper = mb.addType([i32, ...Array<ValType>(HELPER_ABI_ARGS).fill(ValType.i64)], [ValType.i64]);
    for (const h of shape.helpers) {
      if (this.helperIndex.has(h.name)) throw new Error(`two helpers named '${h.name}'`);
      if (h.args.length > HELPER_ABI_ARGS) throw new Error(`helper '${h.name}' has more than ${HELPER_ABI_ARGS} arguments`);
      this.helperIndex.set(h.name, { index: mb.importFunction(HELPER_MODULE, h.name, tHelper), def: h });
    }
    mb.sealPrefix();
    const helperIndex = this.helperIndex;
    this.lowering = new TbLowering(cfg, {
      tbType: this.tbType,
      lookup,
      notdirty,
      chain,
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
