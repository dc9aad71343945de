import type { Mnemonic } from "../spec/index.js";
import type { CompressedSpec, InsnSpec } from "../spec/types.js";

/**
 * A decoded, legal instruction. Compressed parcels are expanded to their 32-bit
 * equivalent (`name`, `id` and operands are those of the expansion); `length` and `raw`
 * keep the original parcel, and `compressed` names the 16-bit row.
 *
 * Fields the instruction does not have are 0 (`rm` too) / false.
 */
export interface Instruction {
  readonly illegal: false;
  /** Numeric opcode id: the row's index in {@link INSTRUCTIONS}. */
  readonly id: number;
  /** Canonical mnemonic of the (expanded) instruction, without aq/rl suffixes. */
  readonly name: Mnemonic;
  /** The table row. */
  readonly spec: InsnSpec;
  /** The 16-bit row when the parcel was compressed, else undefined. */
  readonly compressed: CompressedSpec | undefined;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly rs3: number;
  /**
   * Immediate: sign-extended for I/S/B/J formats (B/J are byte offsets from pc), the
   * 32-bit sign-extended value `imm20 << 12` for lui/auipc, the shift amount for shifts,
   * the zero-extended 5-bit immediate for csrr*i.
   */
  readonly imm: number;
  /** CSR number (Zicsr). */
  readonly csr: number;
  /** Rounding mode field (0..4, or 7 = dynamic) of instructions that have one. */
  readonly rm: number;
  readonly aq: boolean;
  readonly rl: boolean;
  /** Fence predecessor / successor sets (bit 3..0 = i, o, r, w). */
  readonly pred: number;
  readonly succ: number;
  /** Length in bytes of the original encoding. */
  readonly length: 2 | 4;
  /** Original bits (16 for a compressed parcel, else 32), unsigned. */
  readonly raw: number;
}

/** Why an encoding is not a legal instruction. */
export type IllegalReason =
  | "unknown-encoding"
  | "reserved-encoding"
  | "reserved-rounding-mode"
  | "long-encoding"
  | "truncated";

/** A parcel that is not a legal RV64GC(+B, Zicond) instruction; never decoded as something else. */
export interface IllegalInstruction {
  readonly illegal: true;
  /** Bits of the parcel (for `truncated`, the bytes that were available, little-endian). */
  readonly raw: number;
  /**
   * Length in bytes the encoding claims (2, 4, or 6/8/10.. for the reserved longer
   * formats; for `truncated`, the bytes available).
   */
  readonly length: number;
  readonly reason: IllegalReason;
  /** Human-readable explanation. */
  readonly message: string;
}

/** Result of decoding one parcel. */
export type Decoded = Instruction | IllegalInstruction;
