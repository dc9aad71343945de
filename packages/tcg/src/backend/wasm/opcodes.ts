/**
 * WebAssembly binary-format constants: value types, section ids, import/export kinds and
 * opcodes (single-byte, the 0xFC "misc" prefix and the 0xFE "threads" prefix).
 *
 * Only the opcodes the module builder has a method for are listed; the tables are the
 * single source for both the builder and the tests.
 */

/** Value types (and reference types) as encoded in the binary format. */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
} as const;
/** A value type byte. */
export type ValType = (typeof ValType)[keyof typeof ValType];

/** The block type of a block/loop/if with no parameters and no results. */
export const BLOCK_EMPTY = 0x40;

/** Section ids, in the order they must appear (datacount comes before code). */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

/** Import and export descriptor kinds. */
export const ExternalKind = {
  func: 0,
  table: 1,
  memory: 2,
  global: 3,
} as const;
/** An import/export kind byte. */
export type ExternalKind = (typeof ExternalKind)[keyof typeof ExternalKind];

/** Single-byte opcodes. */
export const Op = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  callIndirect: 0x11,
  returnCall: 0x12,
  returnCallIndirect: 0x13,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  tableGet: 0x25,
  tableSet: 0x26,

  i32Load: 0x28,
  i64Load: 0x29,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Load8S: 0x2c,
  i32Load8U: 0x2d,
  i32Load16S: 0x2e,
  i32Load16U: 0x2f,
  i64Load8S: 0x30,
  i64Load8U: 0x31,
  i64Load16S: 0x32,
  i64Load16U: 0x33,
  i64Load32S: 0x34,
  i64Load32U: 0x35,
  i32Store: 0x36,
  i64Store: 0x37,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Store8: 0x3a,
  i32Store16: 0x3b,
  i64Store8: 0x3c,
  i64Store16: 0x3d,
  i64Store32: 0x3e,
  memorySize: 0x3f,
  memoryGrow: 0x40,

  i32Const: 0x41,
  i64Const: 0x42,
  f32Const: 0x43,
  f64Const: 0x44,

  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32LeS: 0x4c,
  i32LeU: 0x4d,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtS: 0x53,
  i64LtU: 0x54,
  i64GtS: 0x55,
  i64GtU: 0x56,
  i64LeS: 0x57,
  i64LeU: 0x58,
  i64GeS: 0x59,
  i64GeU: 0x5a,
  f32Eq: 0x5b,
  f32Ne: 0x5c,
  f32Lt: 0x5d,
  f32Gt: 0x5e,
  f32Le: 0x5f,
  f32Ge: 0x60,
  f64Eq: 0x61,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Le: 0x65,
  f64Ge: 0x66,

  i32Clz: 0x67,
  i32Ctz: 0x68,
  i32Popcnt: 0x69,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivS: 0x6d,
  i32DivU: 0x6e,
  i32RemS: 0x6f,
  i32RemU: 0x70,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i32Rotl: 0x77,
  i32Rotr: 0x78,
  i64Clz: 0x79,
  i64Ctz: 0x7a,
  i64Popcnt: 0x7b,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64DivS: 0x7f,
  i64DivU: 0x80,
  i64RemS: 0x81,
  i64RemU: 0x82,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i64Rotl: 0x89,
  i64Rotr: 0x8a,

  f32Abs: 0x8b,
  f32Neg: 0x8c,
  f32Ceil: 0x8d,
  f32Floor: 0x8e,
  f32Trunc: 0x8f,
  f32Nearest: 0x90,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f32Min: 0x96,
  f32Max: 0x97,
  f32Copysign: 0x98,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Ceil: 0x9b,
  f64Floor: 0x9c,
  f64Trunc: 0x9d,
  f64Nearest: 0x9e,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Min: 0xa4,
  f64Max: 0xa5,
  f64Copysign: 0xa6,

  i32WrapI64: 0xa7,
  i32TruncF32S: 0xa8,
  i32TruncF32U: 0xa9,
  i32TruncF64S: 0xaa,
  i32TruncF64U: 0xab,
  i64ExtendI32S: 0xac,
  i64ExtendI32U: 0xad,
  i64TruncF32S: 0xae,
  i64TruncF32U: 0xaf,
  i64TruncF64S: 0xb0,
  i64TruncF64U: 0xb1,
  f32ConvertI32S: 0xb2,
  f32ConvertI32U: 0xb3,
  f32ConvertI64S: 0xb4,
  f32ConvertI64U: 0xb5,
  f32DemoteF64: 0xb6,
  f64ConvertI32S: 0xb7,
  f64ConvertI32U: 0xb8,
  f64ConvertI64S: 0xb9,
  f64ConvertI64U: 0xba,
  f64PromoteF32: 0xbb,
  i32ReinterpretF32: 0xbc,
  i64ReinterpretF64: 0xbd,
  f32ReinterpretI32: 0xbe,
  f64ReinterpretI64: 0xbf,
  i32Extend8S: 0xc0,
  i32Extend16S: 0xc1,
  i64Extend8S: 0xc2,
  i64Extend16S: 0xc3,
  i64Extend32S: 0xc4,

  refNull: 0xd0,
  refIsNull: 0xd1,
  refFunc: 0xd2,

  /** Prefix of the saturating truncations, bulk memory and table ops. */
  prefixMisc: 0xfc,
  /** Prefix of the threads proposal's atomic ops. */
  prefixAtomic: 0xfe,
} as const;

/** Sub-opcodes after the 0xFC prefix (encoded as u32 LEB128). */
export const MiscOp = {
  i32TruncSatF32S: 0,
  i32TruncSatF32U: 1,
  i32TruncSatF64S: 2,
  i32TruncSatF64U: 3,
  i64TruncSatF32S: 4,
  i64TruncSatF32U: 5,
  i64TruncSatF64S: 6,
  i64TruncSatF64U: 7,
  memoryInit: 8,
  dataDrop: 9,
  memoryCopy: 10,
  memoryFill: 11,
  tableInit: 12,
  elemDrop: 13,
  tableCopy: 14,
  tableGrow: 15,
  tableSize: 16,
  tableFill: 17,
} as const;
/** A 0xFC sub-opcode. */
export type MiscOp = (typeof MiscOp)[keyof typeof MiscOp];

/** Sub-opcodes after the 0xFE prefix (encoded as u32 LEB128). */
export const AtomicOp = {
  memoryAtomicNotify: 0x00,
  memoryAtomicWait32: 0x01,
  memoryAtomicWait64: 0x02,
  atomicFence: 0x03,
  i32AtomicLoad: 0x10,
  i64AtomicLoad: 0x11,
  i32AtomicLoad8U: 0x12,
  i32AtomicLoad16U: 0x13,
  i64AtomicLoad8U: 0x14,
  i64AtomicLoad16U: 0x15,
  i64AtomicLoad32U: 0x16,
  i32AtomicStore: 0x17,
  i64AtomicStore: 0x18,
  i32AtomicStore8: 0x19,
  i32AtomicStore16: 0x1a,
  i64AtomicStore8: 0x1b,
  i64AtomicStore16: 0x1c,
  i64AtomicStore32: 0x1d,
  /** First of the read-modify-write groups; see {@link AtomicRmw}. */
  rmwBase: 0x1e,
  i32AtomicRmwCmpxchg: 0x48,
  i64AtomicRmwCmpxchg: 0x49,
  i32AtomicRmw8CmpxchgU: 0x4a,
  i32AtomicRmw16CmpxchgU: 0x4b,
  i64AtomicRmw8CmpxchgU: 0x4c,
  i64AtomicRmw16CmpxchgU: 0x4d,
  i64AtomicRmw32CmpxchgU: 0x4e,
} as const;
/** A 0xFE sub-opcode. */
export type AtomicOp = (typeof AtomicOp)[keyof typeof AtomicOp];

/**
 * Atomic read-modify-write operations. Each group of seven opcodes starts at
 * `0x1e + 7 * op`, with widths in {@link AtomicWidth} order.
 */
export const AtomicRmw = {
  add: 0,
  sub: 1,
  and: 2,
  or: 3,
  xor: 4,
  xchg: 5,
  cmpxchg: 6,
} as const;
/** An atomic read-modify-write operation. */
export type AtomicRmw = (typeof AtomicRmw)[keyof typeof AtomicRmw];

/**
 * Operand widths of the atomic read-modify-write groups, in encoding order:
 * `i32`, `i64`, `i32_8u`, `i32_16u`, `i64_8u`, `i64_16u`, `i64_32u`.
 */
export const AtomicWidth = {
  i32: 0,
  i64: 1,
  i32x8u: 2,
  i32x16u: 3,
  i64x8u: 4,
  i64x16u: 5,
  i64x32u: 6,
} as const;
/** An atomic operand width. */
export type AtomicWidth = (typeof AtomicWidth)[keyof typeof AtomicWidth];

/** Natural alignment (log2 of bytes) of each {@link AtomicWidth}; atomics require it. */
export const ATOMIC_WIDTH_ALIGN: readonly number[] = [2, 3, 0, 1, 0, 1, 2];
