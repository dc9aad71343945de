/**
 * The symbol view GNU objdump builds for disassembly, rebuilt over wasmu's ELF reader:
 * which symbols are kept, the order they are sorted in, and how the symbol printed
 * for an address is chosen (binutils' objdump.c `remove_useless_symbols`,
 * `compare_symbols`, `find_symbol_for_address`, and BFD's synthetic `@plt` symbols).
 * Matching its choices is what makes `wasmu objdump -d` diffable against the real tool.
 */

import { ElfType, SectionFlags, SectionIndex, SectionType, SymbolBinding, SymbolType } from "@wasmu/isa/elf";
import type { ElfFile, ElfSection, ElfSymbol, SymbolVersion } from "@wasmu/isa/elf";

/** BFD-style symbol flags (only those objdump's choices depend on). */
export const SymFlag = {
  LOCAL: 1 << 0,
  GLOBAL: 1 << 1,
  WEAK: 1 << 2,
  DEBUGGING: 1 << 3,
  SECTION_SYM: 1 << 4,
  FUNCTION: 1 << 5,
  OBJECT: 1 << 6,
  FILE: 1 << 7,
  SYNTHETIC: 1 << 8,
} as const;

/** A symbol as objdump sees it. */
export interface DisSymbol {
  readonly name: string;
  /** Absolute value (bfd_asymbol_value). */
  readonly value: bigint;
  /** Name of the section the symbol belongs to; "*ABS*", "*UND*" or "*COM*" for the special ones. */
  readonly section: string;
  /** Index of that section header (-1 for the special sections). */
  readonly sectionIndex: number;
  readonly flags: number;
  /** st_size, 0 for synthetic symbols. */
  readonly size: bigint;
  /** The value relative to its section's address (BFD's `asymbol.value`). */
  readonly sectionOffset: bigint;
  readonly version?: SymbolVersion | undefined;
}

/** A dynamic relocation with its resolved symbol (for `find_symbol_for_address`). */
export interface DisReloc {
  readonly address: bigint;
  /** undefined when the relocation has no symbol (BFD points those at *ABS*). */
  readonly symbol: DisSymbol | undefined;
}

const PLT_HEADER_SIZE = 32n;
const PLT_ENTRY_SIZE = 16n;

/** Names objdump prints for a symbol: `name`, `name@VER` or `name@@VER`. */
export function symbolDisplayName(sym: DisSymbol): string {
  const v = sym.version;
  if (!v || v.name === "" || (sym.flags & (SymFlag.SECTION_SYM | SymFlag.SYNTHETIC)) !== 0) return sym.name;
  const hidden = v.hidden || sym.section === "*UND*";
  return `${sym.name}${hidden ? "@" : "@@"}${v.name}`;
}

/** Converts an ELF symbol to objdump's view of it. */
function toDisSymbol(elf: ElfFile, s: ElfSymbol): DisSymbol {
  let section: string;
  let sectionIndex = -1;
  if (s.shndx === SectionIndex.UNDEF) section = "*UND*";
  else if (s.shndx === SectionIndex.ABS) section = "*ABS*";
  else if (s.shndx === SectionIndex.COMMON) section = "*COM*";
  else {
    const sec = elf.sections[s.shndx];
    if (sec && s.shndx < 0xff00) {
      section = sec.name;
      sectionIndex = sec.index;
    } else section = "*ABS*";
  }
  let flags = 0;
  switch (s.binding) {
    case SymbolBinding.LOCAL:
      flags |= SymFlag.LOCAL;
      break;
    case SymbolBinding.GLOBAL:
      if (s.shndx !== SectionIndex.UNDEF && s.shndx !== SectionIndex.COMMON) flags |= SymFlag.GLOBAL;
      break;
    case SymbolBinding.WEAK:
      flags |= SymFlag.WEAK;
      break;
  }
  let name = s.name;
  switch (s.type) {
    case SymbolType.SECTION:
      flags |= SymFlag.SECTION_SYM | SymFlag.DEBUGGING;
      if (name === "" && sectionIndex >= 0) name = section;
      break;
    case SymbolType.FILE:
      flags |= SymFlag.FILE | SymFlag.DEBUGGING;
      break;
    case SymbolType.FUNC:
      flags |= SymFlag.FUNCTION;
      break;
    case SymbolType.COMMON:
    case SymbolType.OBJECT:
      flags |= SymFlag.OBJECT;
      break;
  }
  const base = sectionIndex >= 0 ? elf.sections[sectionIndex]!.addr : 0n;
  return { name, value: s.value, section, sectionIndex, flags, size: s.size, sectionOffset: s.value - base, version: s.version };
}

/** True for the names riscv-dis.c never prints (mapping symbols and the assembler's fake label). */
export function isRiscvSpecialName(name: string): boolean {
  return name === ".L0 " || name.startsWith("$x") || name.startsWith("$d");
}

/** objdump's `remove_useless_symbols`. */
function isUseful(sym: DisSymbol): boolean {
  if (sym.name === "") return false;
  if ((sym.flags & (SymFlag.DEBUGGING | SymFlag.SECTION_SYM)) !== 0 && !(sym.name.startsWith(".plt") || sym.name.startsWith(".got"))) return false;
  return sym.section !== "*UND*" && sym.section !== "*COM*";
}

function isFileSymbol(sym: DisSymbol): boolean {
  const n = sym.name;
  return (sym.flags & SymFlag.FILE) !== 0 || (n.length > 2 && n[n.length - 2] === "." && (n.endsWith("o") || n.endsWith("a")));
}

function strcmp(a: string, b: string): number {
  // Byte order, as C's strcmp (names are ASCII in practice).
  return a < b ? -1 : a > b ? 1 : 0;
}

/** objdump's `compare_symbols`, with the section being disassembled preferred on ties. */
function compareSymbols(a: DisSymbol, b: DisSymbol, currentSection: string): number {
  if (a.value !== b.value) return a.value > b.value ? 1 : -1;
  const as = a.section === currentSection;
  const bs = b.section === currentSection;
  if (as !== bs) return as ? -1 : 1;
  const ag = a.name.includes("gnu_compiled") || a.name.includes("gcc2_compiled");
  const bg = b.name.includes("gnu_compiled") || b.name.includes("gcc2_compiled");
  if (ag !== bg) return ag ? 1 : -1;
  const af = isFileSymbol(a);
  const bf = isFileSymbol(b);
  if (af !== bf) return af ? 1 : -1;
  const order: [number, number][] = [
    [SymFlag.DEBUGGING, 1],
    [SymFlag.SECTION_SYM, 1],
    [SymFlag.FUNCTION, -1],
    [SymFlag.OBJECT, -1],
    [SymFlag.LOCAL, 1],
    [SymFlag.GLOBAL, -1],
  ];
  for (const [flag, whenA] of order) {
    if ((a.flags & flag) !== (b.flags & flag)) return (a.flags & flag) !== 0 ? whenA : -whenA;
  }
  const asz = (a.flags & (SymFlag.SECTION_SYM | SymFlag.SYNTHETIC)) === 0 ? a.size : 0n;
  const bsz = (b.flags & (SymFlag.SECTION_SYM | SymFlag.SYNTHETIC)) === 0 ? b.size : 0n;
  if (asz !== bsz) return asz > bsz ? -1 : 1;
  const ad = a.name.startsWith(".");
  const bd = b.name.startsWith(".");
  if (ad !== bd) return ad ? 1 : -1;
  return strcmp(a.name, b.name);
}

/**
 * The symbol table objdump disassembles with: the static symbols (or, for a stripped
 * file, the dynamic ones) minus the useless ones, plus synthetic `name@plt` symbols.
 */
export class SymbolTable {
  /** Sorted for the section last passed to {@link sortFor}. */
  sorted: DisSymbol[];
  /** Dynamic relocations sorted by address (stable). */
  readonly dynRelocs: readonly DisReloc[];
  /** True for relocatable (ET_REL) files: symbols must then come from the same section. */
  readonly hasRelocs: boolean;
  /** Value of `__global_pointer$`, when defined. */
  readonly globalPointer: bigint | undefined;

  constructor(readonly elf: ElfFile) {
    const statics = elf.symbols;
    const dynamics = elf.dynamicSymbols;
    const dynView = dynamics.map((s) => toDisSymbol(elf, s));
    const base = (statics.length > 0 ? statics.map((s) => toDisSymbol(elf, s)) : dynView).filter(isUseful);
    this.sorted = [...base, ...this.syntheticPltSymbols(dynView)];
    this.hasRelocs = elf.header.type === ElfType.REL;
    this.dynRelocs = this.readDynRelocs(dynView);
    // riscv-dis.c scans the whole sorted table and keeps the last match.
    let gp: bigint | undefined;
    for (const s of this.sorted) if (s.name === "__global_pointer$") gp = s.value;
    this.globalPointer = gp;
  }

  /** Re-sorts the table preferring symbols of `section` on ties, as objdump does per section. */
  sortFor(section: ElfSection): void {
    this.sorted.sort((a, b) => compareSymbols(a, b, section.name));
  }

  private syntheticPltSymbols(dynView: DisSymbol[]): DisSymbol[] {
    const { elf } = this;
    if (elf.header.type !== ElfType.EXEC && elf.header.type !== ElfType.DYN) return [];
    const dynsym = elf.sections.find((s) => s.type === SectionType.DYNSYM);
    const relplt = elf.section(".rela.plt");
    const plt = elf.section(".plt");
    if (!dynsym || dynView.length === 0 || !relplt || !plt) return [];
    if (relplt.link !== dynsym.index || relplt.type !== SectionType.RELA) return [];
    const out: DisSymbol[] = [];
    elf.relocations(relplt).forEach((rel, i) => {
      // A relocation without a symbol (R_RISCV_IRELATIVE) refers to BFD's *ABS* section symbol.
      const target = rel.symbolIndex > 0 ? dynView[rel.symbolIndex - 1] : undefined;
      const name = target ? target.name : "*ABS*";
      let flags = (target?.flags ?? SymFlag.SECTION_SYM) | SymFlag.SYNTHETIC;
      if ((flags & SymFlag.LOCAL) === 0) flags |= SymFlag.GLOBAL;
      const addend = rel.addend !== 0n ? `+0x${BigInt.asUintN(64, rel.addend).toString(16)}` : "";
      const value = plt.addr + PLT_HEADER_SIZE + BigInt(i) * PLT_ENTRY_SIZE;
      out.push({
        name: `${name}${addend}@plt`,
        value,
        sectionOffset: value - plt.addr,
        section: plt.name,
        sectionIndex: plt.index,
        flags,
        size: 0n,
        version: target?.version,
      });
    });
    return out;
  }

  private readDynRelocs(dynView: DisSymbol[]): DisReloc[] {
    const { elf } = this;
    const dynsym = elf.sections.find((s) => s.type === SectionType.DYNSYM);
    if (!dynsym) return [];
    const out: DisReloc[] = [];
    for (const sec of elf.sections) {
      if (sec.link !== dynsym.index || sec.type !== SectionType.RELA) continue;
      for (const r of elf.relocations(sec)) {
        const sym = r.symbolIndex > 0 ? dynView[r.symbolIndex - 1] : undefined;
        out.push({ address: r.offset, symbol: sym });
      }
    }
    // Stable sort by address (compare_relocs falls back to the original order).
    return out.map((r, i) => [r, i] as const).sort((x, y) => (x[0].address === y[0].address ? x[1] - y[1] : x[0].address < y[0].address ? -1 : 1)).map((x) => x[0]);
  }
}

/** Is a symbol acceptable for `section` (objdump's `sym_ok` with riscv's validity check)? */
function symOk(sym: DisSymbol, wantSection: boolean, section: ElfSection): boolean {
  if (wantSection && sym.section !== section.name) return false;
  return !isRiscvSpecialName(sym.name);
}

/** The result of a symbol search: the symbol and its index in the sorted table. */
export interface SymbolHit {
  readonly symbol: DisSymbol;
  readonly place: number;
}

/**
 * objdump's `find_symbol_for_address`: the symbol to print for `vma` while disassembling
 * `section` (the table must be sorted for that section).
 */
export function findSymbolForAddress(table: SymbolTable, vma: bigint, section: ElfSection, requireSection: boolean): SymbolHit | undefined {
  const syms = table.sorted;
  const count = syms.length;
  if (count < 1) return undefined;
  let min = 0;
  let max = count;
  while (min + 1 < max) {
    const mid = (min + max) >> 1;
    const v = syms[mid]!.value;
    if (v > vma) max = mid;
    else if (v < vma) min = mid;
    else {
      min = mid;
      break;
    }
  }
  let place = min;
  while (place > 0 && syms[place]!.value === syms[place - 1]!.value) place--;
  // Prefer a symbol of the current section among those with the same value.
  min = place;
  while (min < max && syms[min]!.value === syms[place]!.value) {
    if (symOk(syms[min]!, true, section)) return { symbol: syms[min]!, place: min };
    min++;
  }
  const wantSection = requireSection || (table.hasRelocs && vma >= section.addr && vma < section.addr + section.size);
  if (!symOk(syms[place]!, wantSection, section)) {
    let newPlace = count;
    for (let i = min - 1; i >= 0; i--) {
      if (symOk(syms[i]!, wantSection, section)) {
        if (newPlace === count) newPlace = i;
        if (syms[i]!.value !== syms[newPlace]!.value) break;
        newPlace = i;
      }
    }
    if (newPlace !== count) place = newPlace;
    else {
      for (let i = place + 1; i < count; i++) {
        if (symOk(syms[i]!, wantSection, section)) {
          place = i;
          break;
        }
      }
    }
    if (!symOk(syms[place]!, wantSection, section)) return undefined;
  }
  const found = syms[place]!;
  const rels = table.dynRelocs;
  // binutils compares the section-relative value with the address here, so for any symbol
  // of a section that does not start at 0 a relocation at `vma` wins even on an exact match.
  if (!wantSection && found.sectionOffset !== vma && rels.length > 0 && rels[0]!.address <= vma && rels[rels.length - 1]!.address >= vma && (found.flags & SymFlag.SYNTHETIC) === 0) {
    let lo = 0;
    let hi = rels.length - 1;
    while (lo <= hi) {
      const mid = lo + ((hi - lo) >> 1);
      const rel = rels[mid]!;
      if (rel.address === vma) {
        let first = mid;
        while (first - 1 >= lo && rels[first - 1]!.address === vma) first--;
        for (let k = first; k <= hi && rels[k]!.address === vma; k++) {
          const s = rels[k]!.symbol;
          if (s && s.section !== "*ABS*") return { symbol: s, place };
        }
        break;
      }
      if (vma < rel.address) hi = mid;
      else if (mid + 1 < rels.length && vma >= rels[mid + 1]!.address) lo = mid + 1;
      else break;
    }
  }
  return { symbol: found, place };
}

/** True when a section is disassembled by `objdump -d` (code with contents). */
export function isCodeSection(section: ElfSection): boolean {
  return (section.flags & BigInt(SectionFlags.EXECINSTR)) !== 0n && section.type !== SectionType.NOBITS && section.type !== SectionType.NULL;
}
