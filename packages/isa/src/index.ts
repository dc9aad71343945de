/**
 * @wasmu/isa: the RV64GC (+ Zba, Zbb, Zbs, Zicond) instruction set for wasmu.
 *
 * One declarative instruction table (`INSTRUCTIONS`, `COMPRESSED_INSTRUCTIONS`, `ALIASES`)
 * drives a decoder, a GNU-objdump-compatible disassembler and an assembler.
 *
 * @packageDocumentation
 */

export type { CompressedImmediate, CompressedRegister, CompressedSpec, Extension, Format, InsnSpec } from "./spec/types.js";
export { INSTRUCTIONS, COMPRESSED_INSTRUCTIONS, OPCODES, type Mnemonic, type CompressedMnemonic } from "./spec/index.js";
export { ALIASES, type AliasSpec } from "./spec/aliases.js";
export { COMPRESSED_IMMEDIATES, type CompressedImmediateLayout } from "./spec/rv-c-immediates.js";
export { GPR_NAMES, FPR_NAMES, ROUNDING_MODES, FENCE_SETS, gprNumber, fprNumber } from "./spec/registers.js";
export { csrName, csrNumber } from "./spec/csr-names.js";
export type { Decoded, IllegalInstruction, IllegalReason, Instruction } from "./decoder/instruction.js";
export { decode, decodeAt, instructionLength } from "./decoder/decode.js";
export { Disassembler, type DisassembledInsn, type DisassemblerOptions } from "./disasm/disassembler.js";
export { parseArch } from "./disasm/arch.js";
export { encode, compress, type EncodeFields, type EncodeResult } from "./asm/encode.js";
export {
  assemble,
  assembleProgram,
  type AsmError,
  type AssembleOptions,
  type AssembleResult,
  type ProgramOptions,
  type ProgramResult,
} from "./asm/assembler.js";
