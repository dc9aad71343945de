/**
 * One IR operation: an opcode, its type, and its operands.
 *
 * @module
 */
import { OPS, type OpDef, type OpName } from "./opcodes.js";
import type { Temp } from "./temp.js";
import type { IrType } from "./types.js";

/**
 * An op instance. Fields are mutable so that optimizer passes can rewrite an op in
 * place (e.g. turn `add_i64 t1, t2, $0` into `mov_i64 t1, t2`).
 */
export class Op {
  private opcName: OpName;
  // The op's table row, looked up on first use: the tier-0 path (front end, copy
  // coalescing, encoding) never reads it, and the keyed lookup in the 79-row OPS table
  // per op constructed cost ~8% of the front end's time per TB.
  private opDef: OpDef | undefined;

  /**
   * @param opc Base name of the op.
   * @param type The op type for ops with a `_i32`/`_i64` suffix, else undefined.
   * @param outs Output temps.
   * @param ins Input temps (constants are `const` temps).
   * @param consts Compile-time operands (conditions, label ids, MemOps, immediates, helper indices).
   */
  constructor(
    opc: OpName,
    public type: IrType | undefined,
    public outs: Temp[],
    public ins: Temp[],
    public consts: number[],
  ) {
    this.opcName = opc;
    this.opDef = undefined;
  }

  /** Base name of the op; assigning it also updates {@link Op.def}. */
  get opc(): OpName {
    return this.opcName;
  }

  set opc(v: OpName) {
    this.opcName = v;
    this.opDef = undefined;
  }

  /** The op's row in the op table. */
  get def(): OpDef {
    return (this.opDef ??= OPS[this.opcName]);
  }

  /** The text mnemonic, e.g. `add_i64`. */
  get mnemonic(): string {
    return mnemonic(this.opcName, this.type);
  }
}

/** The text mnemonic of an op name at a type (`add`, `i64` -> `add_i64`). */
export function mnemonic(opc: OpName, type: IrType | undefined): string {
  return type === undefined || OPS[opc].types === "none" ? opc : `${opc}_${type}`;
}
