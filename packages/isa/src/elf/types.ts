/**
 * The ELF64 structures wasmu reads, as plain typed records.
 *
 * Addresses, offsets and sizes are `bigint` (64-bit values); counts and indices that
 * the reader has validated to fit are `number`.
 */

/** ELF file type (`e_type`). */
export const ElfType = { REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;

/** Section header types (`sh_type`) wasmu cares about. */
export const SectionType = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  HASH: 5,
  DYNAMIC: 6,
  NOTE: 7,
  NOBITS: 8,
  REL: 9,
  DYNSYM: 11,
  GNU_VERDEF: 0x6ffffffd,
  GNU_VERNEED: 0x6ffffffe,
  GNU_VERSYM: 0x6fffffff,
  RISCV_ATTRIBUTES: 0x70000003,
} as const;

/** Section header flags (`sh_flags`). */
export const SectionFlags = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;

/** Program header types (`p_type`). */
export const SegmentType = {
  NULL: 0,
  LOAD: 1,
  DYNAMIC: 2,
  INTERP: 3,
  NOTE: 4,
  PHDR: 6,
  TLS: 7,
  GNU_EH_FRAME: 0x6474e550,
  GNU_STACK: 0x6474e551,
  GNU_RELRO: 0x6474e552,
  RISCV_ATTRIBUTES: 0x70000003,
} as const;

/** Segment permission flags (`p_flags`). */
export const SegmentFlags = { X: 1, W: 2, R: 4 } as const;

/** Symbol types (`ELF64_ST_TYPE(st_info)`). */
export const SymbolType = {
  NOTYPE: 0,
  OBJECT: 1,
  FUNC: 2,
  SECTION: 3,
  FILE: 4,
  COMMON: 5,
  TLS: 6,
  GNU_IFUNC: 10,
} as const;

/** Symbol bindings (`ELF64_ST_BIND(st_info)`). */
export const SymbolBinding = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;

/** Special section indices. */
export const SectionIndex = { UNDEF: 0, ABS: 0xfff1, COMMON: 0xfff2, XINDEX: 0xffff } as const;

/** `e_machine` of RISC-V. */
export const EM_RISCV = 243;

/** The ELF file header. */
export interface ElfHeader {
  /** 2 for ELF64 (the only class wasmu reads). */
  readonly class: number;
  /** 1 for little-endian. */
  readonly data: number;
  readonly osabi: number;
  /** `e_type`: see {@link ElfType}. */
  readonly type: number;
  readonly machine: number;
  readonly entry: bigint;
  readonly phoff: bigint;
  readonly shoff: bigint;
  readonly flags: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

/** One section header, with its name resolved. */
export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: bigint;
  readonly addr: bigint;
  readonly offset: bigint;
  readonly size: bigint;
  readonly link: number;
  readonly info: number;
  readonly addralign: bigint;
  readonly entsize: bigint;
}

/** One program header. */
export interface ElfSegment {
  readonly type: number;
  readonly flags: number;
  readonly offset: bigint;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly filesz: bigint;
  readonly memsz: bigint;
  readonly align: bigint;
}

/** Version information attached to a dynamic symbol (from `.gnu.version*`). */
export interface SymbolVersion {
  /** The version name (`GLIBC_2.27`), or "" for the base/local version. */
  readonly name: string;
  /** True when the version is hidden (`sym@VER`), false for the default (`sym@@VER`). */
  readonly hidden: boolean;
}

/** One symbol-table entry, with its name resolved. */
export interface ElfSymbol {
  /** Index in its table (0 is the null symbol, which the reader skips). */
  readonly index: number;
  readonly name: string;
  readonly value: bigint;
  readonly size: bigint;
  /** See {@link SymbolType}. */
  readonly type: number;
  /** See {@link SymbolBinding}. */
  readonly binding: number;
  /** `st_other` (visibility in the low two bits). */
  readonly other: number;
  /** `st_shndx`: a section index or one of {@link SectionIndex}. */
  readonly shndx: number;
  /** For dynamic symbols of a file with symbol versioning; `undefined` otherwise. */
  readonly version?: SymbolVersion;
}

/** One relocation with addend. */
export interface ElfRelocation {
  readonly offset: bigint;
  readonly type: number;
  /** Index into the symbol table the relocation section links to (0: none). */
  readonly symbolIndex: number;
  readonly addend: bigint;
}
