/**
 * `@wasmu/isa/elf`: a small, validating ELF64 little-endian reader for RISC-V files.
 *
 * @example
 * ```ts
 * import { readElf } from "@wasmu/isa/elf";
 * const r = readElf(bytes);
 * if (!r.ok) throw new Error(r.error);
 * for (const s of r.elf.sections) console.log(s.name, s.addr);
 * ```
 */
export { ElfFile, ElfFormatError, readElf, parseRiscvArchAttribute, type ReadElfOptions, type ReadElfResult } from "./reader.js";
export {
  ElfType,
  SectionType,
  SectionFlags,
  SegmentType,
  SegmentFlags,
  SymbolType,
  SymbolBinding,
  SectionIndex,
  EM_RISCV,
  type ElfHeader,
  type ElfSection,
  type ElfSegment,
  type ElfSymbol,
  type ElfRelocation,
  type SymbolVersion,
} from "./types.js";
