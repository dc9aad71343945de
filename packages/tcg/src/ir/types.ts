/**
 * Value types of the TCG IR and the canonical representation of values.
 *
 * Every IR value is an integer of 32 or 64 bits. Outside the IR (constants, the
 * interpreter, the constant folder) a value is a `bigint` in canonical form: the
 * two's-complement bits of the value read as a *signed* integer of the type's width
 * (`BigInt.asIntN(width, v)`). Signedness is a property of operations, never of values.
 *
 * @module
 */

/** The two value types of the IR. */
export type IrType = "i32" | "i64";

/** Both IR types, in a fixed order. */
export const IR_TYPES: readonly IrType[] = ["i32", "i64"];

/** Width in bits of an IR type. */
export function typeBits(type: IrType): 32 | 64 {
  return type === "i32" ? 32 : 64;
}

/** Bring any bigint into the canonical (signed) form of `type`. */
export function canon(type: IrType, v: bigint): bigint {
  return type === "i32" ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
}

/** The value's bits as an unsigned integer of the type's width. */
export function unsigned(type: IrType, v: bigint): bigint {
  return type === "i32" ? BigInt.asUintN(32, v) : BigInt.asUintN(64, v);
}

/** All-ones mask of the type's width, as an unsigned bigint. */
export function typeMask(type: IrType): bigint {
  return type === "i32" ? 0xffff_ffffn : 0xffff_ffff_ffff_ffffn;
}

/** Whether `s` names an IR type. */
export function isIrType(s: string): s is IrType {
  return s === "i32" || s === "i64";
}
