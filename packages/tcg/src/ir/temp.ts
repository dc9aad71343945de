/**
 * Temporaries: the values IR ops read and write.
 *
 * | kind     | lifetime | text |
 * |----------|----------|------|
 * | `global` | a field of the CPU state, live across TBs | its declared name, e.g. `x5`, `pc` |
 * | `tb`     | TB-local: keeps its value across labels and branches within one TB | `l0`, `l1`, ... |
 * | `bb`     | basic-block-local: dead at every label and at every BB-ending op except `brcond` (whose fall-through continues the block) | `t0`, `t1`, ... |
 * | `const`  | an immutable constant, interned per function | `$0x10`, `$-0x1` |
 *
 * @module
 */
import type { IrType } from "./types.js";

/** The storage class of a temporary; see the module comment. */
export type TempKind = "global" | "tb" | "bb" | "const";

/**
 * A guest-visible global: a field of the CPU-state block, named and typed.
 * The front end declares these once per target (they are immutable and shared).
 */
export interface GlobalDef {
  /** Name used in the text form, e.g. `x5`. Must match `[A-Za-z_][A-Za-z0-9_.]*`. */
  readonly name: string;
  /** Type of the field. */
  readonly type: IrType;
  /** Byte offset of the field in the CPU state (little-endian). */
  readonly offset: number;
  /**
   * The field always reads as zero and writes to it are discarded (RISC-V x0).
   * The optimizer folds reads to `$0` and deletes writes.
   */
  readonly hardwiredZero?: boolean;
}

/**
 * A temporary. `T` narrows the type so that builder methods can check operand types
 * at compile time. Temps are created by an {@link IrFunc}; `id` indexes `func.temps`.
 */
export class Temp<T extends IrType = IrType> {
  /**
   * @param id Index in the owning function's `temps`.
   * @param type Value type.
   * @param kind Storage class.
   * @param value The value of a `const` temp (canonical form), else 0n.
   * @param global The field description of a `global` temp.
   */
  constructor(
    readonly id: number,
    readonly type: T,
    readonly kind: TempKind,
    readonly value: bigint = 0n,
    readonly global: GlobalDef | undefined = undefined,
  ) {}

  /** Whether this temp is a constant. */
  get isConst(): boolean {
    return this.kind === "const";
  }
}
