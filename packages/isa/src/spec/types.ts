/**
 * Types of the declarative instruction table. Every instruction wasmu knows is one
 * `InsnSpec` row (32-bit) or one `CompressedSpec` row (16-bit) in `src/spec/rv-*.ts`;
 * the decoder, the disassembler and the assembler are all derived from these rows.
 */

/** ISA extensions covered by the table. */
export type Extension =
  | "i"
  | "m"
  | "a"
  | "f"
  | "d"
  | "c"
  | "zicsr"
  | "zifencei"
  | "priv"
  | "zba"
  | "zbb"
  | "zbs"
  | "zicond";

/**
 * Instruction formats of 32-bit rows. The format says how the immediate is scattered
 * over the instruction word; register fields sit at their standard places.
 *
 * - `R`: no immediate. `R4`: fused multiply-add (rs3 in bits 31:27).
 * - `I`: imm[11:0] in bits 31:20. `S`: stores. `B`: branches. `U`: lui/auipc. `J`: jal.
 * - `SH`: shift by immediate; shamt is bits 25:20 or 24:20, as wide as the run of `.` in the pattern.
 * - `CSR`: csr number in bits 31:20. `CSRI`: csr number plus a 5-bit zero-extended immediate in the rs1 field.
 * - `AMO`: aq (bit 26) and rl (bit 25). `FENCE`: pred (27:24) and succ (23:20).
 */
export type Format = "R" | "R4" | "I" | "S" | "B" | "U" | "J" | "SH" | "CSR" | "CSRI" | "AMO" | "FENCE";

/**
 * One 32-bit instruction.
 *
 * `pattern` is decodetree style, most significant bit first: `0`/`1` are fixed bits,
 * `.` operand bits; spaces are ignored and must add up to 32 bits. Bits of a field the
 * instruction does not have (e.g. rs2 of fsqrt, rm of fsgnj) are fixed in the pattern.
 *
 * `operands` is the assembly template of the canonical form, comma separated, using
 * these operand names: `rd rs1 rs2` (integer registers), `frd frs1 frs2 frs3` (floating
 * point registers), `imm` (the format's immediate), `imm(rs1)` (memory operand),
 * `(rs1)` (AMO address), `target` (pc-relative branch/jump target), `csr`, `zimm`,
 * `rm` (rounding mode; optional in assembly, omitted when dynamic), `pred`, `succ`.
 */
export interface InsnSpec {
  readonly name: string;
  readonly ext: Extension;
  readonly format: Format;
  readonly pattern: string;
  readonly operands: string;
}

/**
 * How the expanded 32-bit instruction gets each operand from a 16-bit parcel:
 * a field name of the parcel (`rd`, `rs1`, `rs2` at 11:7, 11:7, 6:2; `rd'`, `rs1'`, `rs2'`
 * are the 3-bit x8..x15 fields at 4:2, 9:7, 4:2) or a fixed register number.
 */
export type CompressedRegister = "rd" | "rs1" | "rs2" | "rd'" | "rs1'" | "rs2'" | number;

/**
 * One 16-bit (RVC) instruction. `pattern` has 16 bits. `imm` names an immediate layout
 * in `src/spec/rv-c-immediates.ts`. The decoder expands the parcel to the 32-bit row
 * `expandsTo`, taking its operands from `rd`/`rs1`/`rs2` and `imm` (the original length
 * is kept). `nonzero` lists the operands that must not be zero (the encoding is reserved
 * otherwise).
 */
export interface CompressedSpec {
  readonly name: string;
  readonly ext: Extension;
  readonly pattern: string;
  readonly expandsTo: string;
  readonly rd?: CompressedRegister;
  readonly rs1?: CompressedRegister;
  readonly rs2?: CompressedRegister;
  readonly imm?: CompressedImmediate;
  readonly nonzero?: readonly ("rd" | "rs1" | "rs2" | "imm")[];
}

/** Names of the RVC immediate layouts (see `rv-c-immediates.ts`). */
export type CompressedImmediate =
  | "addi4spn"
  | "lw"
  | "ld"
  | "ci"
  | "lui"
  | "addi16sp"
  | "lwsp"
  | "ldsp"
  | "swsp"
  | "sdsp"
  | "branch"
  | "jump"
  | "shamt";
