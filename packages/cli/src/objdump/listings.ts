/**
 * The listings of `wasmu objdump` other than the disassembly: `-h` (section headers),
 * `-t` (symbol table) and `-s` (full contents), as binutils 2.40's objdump prints them.
 *
 * objdump lists BFD's view of an ELF file, not the raw section headers: BFD makes a
 * section of every ELF section except the null one, the symbol table and its string
 * table, the section-name string table, and relocation sections that apply to another
 * section through the main symbol table (those set RELOC on their target instead;
 * bfd/elf.c `bfd_section_from_shdr`). The flags come from the ELF section's type and
 * flags (`_bfd_elf_make_section_from_shdr`); the columns and their order from
 * binutils/objdump.c (`dump_section_header`, `dump_symbols`, `dump_section`) and
 * bfd/elf.c (`bfd_elf_print_symbol`).
 */

import { ElfType, SectionFlags, SectionIndex, SectionType, SegmentType, SymbolBinding, SymbolType, type ElfFile, type ElfSection, type ElfSymbol } from "@wasmu/isa/elf";

/** ELF section types and flags BFD looks at beyond those @wasmu/isa names. */
const SHT_REL = SectionType.REL;
const SHT_RELA = SectionType.RELA;
const SHT_SYMTAB_SHNDX = 18;
const SHF_TLS = 0x400n;
const SHF_EXCLUDE = 0x80000000n;
const SHT_GROUP = 17;

/** One section as BFD sees it. */
export interface BfdSection {
  /** Its index among BFD's sections (objdump's "Idx"). */
  readonly index: number;
  readonly elf: ElfSection;
  /** The load address (VMA unless a segment's physical address says otherwise). */
  readonly lma: bigint;
  /** objdump -h's flag words, in its order. */
  readonly flags: readonly string[];
  /** BFD's SEC_HAS_CONTENTS: the section occupies bytes in the file. */
  readonly hasContents: boolean;
}

/** BFD's sections of an ELF file, in BFD's order (that of the ELF section headers). */
export function bfdSections(elf: ElfFile): BfdSection[] {
  const secs = elf.sections;
  const symtab = secs.find((s) => s.type === SectionType.SYMTAB);
  const dynamicOrExec = elf.header.type === ElfType.EXEC || elf.header.type === ElfType.DYN;
  const relocTargets = new Set<number>();
  const skipped = new Set<number>();
  for (const s of secs) {
    if (s.index === 0 || s.type === SectionType.NULL || s.type === SectionType.SYMTAB || s.type === SHT_SYMTAB_SHNDX) skipped.add(s.index);
    else if (s.type === SectionType.STRTAB && (s.index === elf.header.shstrndx || (symtab !== undefined && symtab.link === s.index))) skipped.add(s.index);
    else if (s.type === SHT_REL || s.type === SHT_RELA) {
      const target = s.info > 0 && s.info < secs.length ? secs[s.info] : undefined;
      const asReloc =
        !(dynamicOrExec && (s.flags & BigInt(SectionFlags.ALLOC)) !== 0n) &&
        symtab !== undefined &&
        s.link !== 0 &&
        s.link === symtab.index &&
        target !== undefined &&
        target.type !== SHT_REL &&
        target.type !== SHT_RELA;
      if (asReloc) {
        skipped.add(s.index);
        relocTargets.add(target.index);
      }
    }
  }
  const out: BfdSection[] = [];
  for (const s of secs) {
    if (skipped.has(s.index)) continue;
    out.push({ index: out.length, elf: s, lma: loadAddress(elf, s), flags: flagWords(s, relocTargets.has(s.index)), hasContents: s.type !== SectionType.NOBITS });
  }
  return out;
}

/** `_bfd_elf_make_section_from_shdr`'s flags, as objdump -h prints them. */
function flagWords(s: ElfSection, reloc: boolean): string[] {
  const alloc = (s.flags & BigInt(SectionFlags.ALLOC)) !== 0n;
  const contents = s.type !== SectionType.NOBITS;
  const load = alloc && contents;
  const code = (s.flags & BigInt(SectionFlags.EXECINSTR)) !== 0n;
  // Debugging sections are known by name only (and are counted in octets, as are GNU notes).
  let debugging = false;
  let octets = false;
  if (!alloc && s.name.startsWith(".")) {
    const n = s.name;
    const dwarf = n.startsWith(".debug") || n.startsWith(".gnu.debuglto_.debug_") || n.startsWith(".gnu.linkonce.wi.") || n.startsWith(".zdebug");
    debugging = dwarf || n.startsWith(".line") || n.startsWith(".stab") || n === ".gdb_index";
    octets = dwarf || (!debugging && (n.startsWith(".gnu.build.attributes") || n.startsWith(".note.gnu")));
  }
  const words: [boolean, string][] = [
    [contents, "CONTENTS"],
    [alloc, "ALLOC"],
    [load, "LOAD"],
    [reloc, "RELOC"],
    [(s.flags & BigInt(SectionFlags.WRITE)) === 0n, "READONLY"],
    [code, "CODE"],
    [!code && load, "DATA"],
    [debugging, "DEBUGGING"],
    [(s.flags & SHF_EXCLUDE) !== 0n, "EXCLUDE"],
    [octets, "OCTETS"],
    [(s.flags & SHF_TLS) !== 0n, "THREAD_LOCAL"],
    [s.type === SHT_GROUP, "GROUP"],
  ];
  return words.filter(([on]) => on).map(([, w]) => w);
}

/** BFD's LMA: through the PT_LOAD or PT_TLS segment holding an allocated section, else the VMA. */
function loadAddress(elf: ElfFile, s: ElfSection): bigint {
  if ((s.flags & BigInt(SectionFlags.ALLOC)) === 0n || elf.header.type === ElfType.REL) return s.addr;
  const load = s.type !== SectionType.NOBITS;
  for (const p of elf.segments) {
    if (p.type !== SegmentType.LOAD && p.type !== SegmentType.TLS) continue;
    // ELF_SECTION_IN_SEGMENT, for an allocated section: its addresses (and, with contents,
    // its file bytes) inside the segment's.
    const inMemory = s.addr >= p.vaddr && s.addr + s.size <= p.vaddr + p.memsz && (s.size > 0n || s.addr < p.vaddr + p.memsz);
    const inFile = !load || (s.offset >= p.offset && s.offset + s.size <= p.offset + p.filesz);
    if (!inMemory || !inFile) continue;
    return load ? p.paddr + s.offset - p.offset : p.paddr + s.addr - p.vaddr;
  }
  return s.addr;
}

const hex = (v: bigint | number, width: number): string => v.toString(16).padStart(width, "0");

/** bfd_log2: the smallest power of two at least `x`. */
function log2Ceil(x: bigint): number {
  let r = 0;
  if (x <= 1n) return 0;
  let v = x - 1n;
  while (v !== 0n) {
    r++;
    v >>= 1n;
  }
  return r;
}

/** `objdump -h`: the "Sections:" table. */
export function sectionHeaders(elf: ElfFile): string {
  const out = ["Sections:\n", "Idx Name          Size      VMA               LMA               File off  Algn\n"];
  for (const b of bfdSections(elf)) {
    const s = b.elf;
    out.push(
      `${String(b.index).padStart(3)} ${s.name.padEnd(13)} ${hex(s.size, 8)}  ${hex(s.addr, 16)}  ${hex(b.lma, 16)}  ${hex(s.offset, 8)}  2**${log2Ceil(s.addralign)}\n`,
      `                  ${b.flags.join(", ")}\n`,
    );
  }
  return out.join("");
}

/**
 * RISC-V's target-special symbols, which objdump -t leaves out: empty names, local labels
 * and the mapping symbols $x (code, with its ISA string) and $d (data).
 */
function isTargetSpecial(name: string): boolean {
  if (name === "" || name.startsWith("$x") || name.startsWith("$d")) return true;
  if (name.startsWith(".L") || name.startsWith("..") || name.startsWith("_.L_")) return true;
  // Assembler-generated fake symbols (L0^A), local labels (L1^B2) and dollar labels.
  if (/^L[0-9]/.test(name)) {
    for (let i = 1; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c === 1 || c === 2 || c === 3) return true;
      if (c < 0x30 || c > 0x39) return false;
    }
  }
  return false;
}

/** The seven flag characters of `bfd_print_symbol_all`. */
function symbolFlags(sym: ElfSymbol): string {
  const defined = sym.shndx !== SectionIndex.UNDEF && sym.shndx !== SectionIndex.COMMON;
  const local = sym.binding === SymbolBinding.LOCAL;
  const global = sym.binding === SymbolBinding.GLOBAL && defined;
  const unique = sym.binding === SymbolBinding.GNU_UNIQUE && defined;
  const weak = sym.binding === SymbolBinding.WEAK;
  const debugging = sym.type === SymbolType.SECTION || sym.type === SymbolType.FILE;
  const scope = local ? (global ? "!" : "l") : global ? "g" : unique ? "u" : " ";
  const indirect = sym.type === SymbolType.GNU_IFUNC ? "i" : " ";
  const kind = sym.type === SymbolType.FUNC ? "F" : sym.type === SymbolType.FILE ? "f" : sym.type === SymbolType.OBJECT ? "O" : " ";
  return `${scope}${weak ? "w" : " "}  ${indirect}${debugging ? "d" : " "}${kind}`;
}

/** `objdump -t`: the "SYMBOL TABLE:" listing of .symtab. */
export function symbolTable(elf: ElfFile): string {
  const bfd = bfdSections(elf);
  const nameOf = new Map(bfd.map((b) => [b.elf.index, b.elf.name]));
  // With symbol versioning, every symbol gets a (here empty) version column.
  const versioned = elf.sections.some((s) => s.type === SectionType.GNU_VERSYM) && elf.sections.some((s) => s.type === SectionType.GNU_VERDEF || s.type === SectionType.GNU_VERNEED);
  const syms = elf.symbols;
  const out = ["SYMBOL TABLE:\n"];
  if (syms.length === 0) out.push("no symbols\n");
  for (const sym of syms) {
    const section =
      sym.shndx === SectionIndex.UNDEF ? "*UND*"
      : sym.shndx === SectionIndex.ABS ? "*ABS*"
      : sym.shndx === SectionIndex.COMMON ? "*COM*"
      : (nameOf.get(sym.shndx) ?? elf.sections[sym.shndx]?.name ?? "*UND*");
    const name = sym.type === SymbolType.SECTION && sym.name === "" ? section : sym.name;
    if (isTargetSpecial(name)) continue;
    const common = sym.shndx === SectionIndex.COMMON;
    const value = common ? sym.size : sym.value;
    const second = common ? sym.value : sym.size;
    const visibility = sym.other === 0 ? "" : sym.other === 1 ? " .internal" : sym.other === 2 ? " .hidden" : sym.other === 3 ? " .protected" : ` 0x${hex(sym.other, 2)}`;
    out.push(`${hex(value, 16)} ${symbolFlags(sym)} ${section}\t${hex(second, 16)}${versioned ? "             " : ""}${visibility} ${name}\n`);
  }
  out.push("\n\n");
  return out.join("");
}

/** objdump's ISPRINT: printable ASCII. */
const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".");

/** Digits of `v` in hex without leading zeros (at least one). */
const digits = (v: bigint): number => v.toString(16).length;

/** `objdump -s`: "Contents of section NAME:" and a hex and text dump of each section with contents. */
export function fullContents(elf: ElfFile): string {
  const out: string[] = [];
  for (const b of bfdSections(elf)) {
    const s = b.elf;
    if (!b.hasContents || s.size === 0n) continue;
    const data = elf.sectionData(s);
    out.push(`Contents of section ${s.name}:\n`);
    const width = Math.max(4, digits(s.addr), digits(s.addr + BigInt(data.length) - 1n));
    for (let off = 0; off < data.length; off += 16) {
      let line = ` ${hex(s.addr + BigInt(off), width).slice(-width)} `;
      let text = "";
      for (let j = off; j < off + 16; j++) {
        line += j < data.length ? hex(data[j]!, 2) : "  ";
        if ((j & 3) === 3) line += " ";
        text += j < data.length ? printable(data[j]!) : " ";
      }
      out.push(`${line} ${text}\n`);
    }
  }
  return out.join("");
}

/** RISC-V relocation names by type (bfd/elfxx-riscv.c's howto table of binutils 2.40). */
const RELOC_NAMES: Record<number, string> = {
  0: "NONE", 1: "32", 2: "64", 3: "RELATIVE", 4: "COPY", 5: "JUMP_SLOT", 6: "TLS_DTPMOD32", 7: "TLS_DTPMOD64", 8: "TLS_DTPREL32",
  9: "TLS_DTPREL64", 10: "TLS_TPREL32", 11: "TLS_TPREL64", 16: "BRANCH", 17: "JAL", 18: "CALL", 19: "CALL_PLT", 20: "GOT_HI20",
  21: "TLS_GOT_HI20", 22: "TLS_GD_HI20", 23: "PCREL_HI20", 24: "PCREL_LO12_I", 25: "PCREL_LO12_S", 26: "HI20", 27: "LO12_I",
  28: "LO12_S", 29: "TPREL_HI20", 30: "TPREL_LO12_I", 31: "TPREL_LO12_S", 32: "TPREL_ADD", 33: "ADD8", 34: "ADD16", 35: "ADD32",
  36: "ADD64", 37: "SUB8", 38: "SUB16", 39: "SUB32", 40: "SUB64", 41: "GNU_VTINHERIT", 42: "GNU_VTENTRY", 43: "ALIGN",
  44: "RVC_BRANCH", 45: "RVC_JUMP", 46: "RVC_LUI", 47: "GPREL_I", 48: "GPREL_S", 49: "TPREL_I", 50: "TPREL_S", 51: "RELAX",
  52: "SUB6", 53: "SET6", 54: "SET8", 55: "SET16", 56: "SET32", 57: "32_PCREL", 58: "IRELATIVE", 59: "PLT32",
};

/** `objdump -R` on a file without a dynamic symbol table: what GNU objdump says before it stops. */
export class NotDynamicError extends Error {
  override readonly name = "NotDynamicError";
}

/** The VALUE column: the symbol (with its version for a dynamic one) and the addend. */
function relocValue(elf: ElfFile, rel: { symbolIndex: number; addend: bigint }, symbols: ReadonlyMap<number, ElfSymbol>, dynamic: boolean): string {
  let text: string;
  if (rel.symbolIndex === 0) text = "*ABS*";
  else {
    const sym = symbols.get(rel.symbolIndex);
    if (sym === undefined) text = "*ABS*";
    else if (sym.type === SymbolType.SECTION && sym.name === "") text = elf.sections[sym.shndx]?.name ?? "*ABS*";
    else {
      text = sym.name;
      const v = dynamic ? sym.version : undefined;
      if (v !== undefined && v.name !== "") text += (v.hidden || sym.shndx === SectionIndex.UNDEF ? "@" : "@@") + v.name;
    }
  }
  if (rel.addend !== 0n) text += rel.addend < 0n ? `-0x${hex(-rel.addend, 16)}` : `+0x${hex(rel.addend, 16)}`;
  return text;
}

function relocLines(elf: ElfFile, section: ElfSection, symbols: ReadonlyMap<number, ElfSymbol>, dynamic: boolean): string[] {
  return elf.relocations(section).map((r) => {
    const name = RELOC_NAMES[r.type];
    const type = name === undefined ? " *unknown*         " : ` ${`R_RISCV_${name}`.padEnd(16)}  `;
    return `${hex(r.offset, 16)}${type}${relocValue(elf, r, symbols, dynamic)}\n`;
  });
}

const RELOC_HEADER = "OFFSET           TYPE              VALUE\n";

/** `objdump -r`: the relocation records of each section that has them (relocatable files). */
export function relocationRecords(elf: ElfFile): string {
  const symbols = new Map(elf.symbols.map((s) => [s.index, s]));
  const out: string[] = [];
  for (const b of bfdSections(elf)) {
    if (!b.flags.includes("RELOC")) continue;
    const symtab = elf.sections.find((s) => s.type === SectionType.SYMTAB);
    const lines = elf.sections
      .filter((s) => s.type === SHT_RELA && s.info === b.elf.index && s.link === symtab?.index)
      .flatMap((s) => relocLines(elf, s, symbols, false));
    out.push(`RELOCATION RECORDS FOR [${b.elf.name}]:`);
    out.push(lines.length === 0 ? " (none)\n\n" : `\n${RELOC_HEADER}${lines.join("")}\n\n`);
  }
  return out.join("");
}

/** `objdump -R`: the dynamic relocation records, in file order. */
export function dynamicRelocationRecords(elf: ElfFile): string {
  const dynsym = elf.sections.find((s) => s.type === SectionType.DYNSYM);
  if (dynsym === undefined) throw new NotDynamicError("not a dynamic object");
  const symbols = new Map(elf.dynamicSymbols.map((s) => [s.index, s]));
  const lines = elf.sections.filter((s) => s.type === SHT_RELA && s.link === dynsym.index).flatMap((s) => relocLines(elf, s, symbols, true));
  return lines.length === 0 ? "DYNAMIC RELOCATION RECORDS (none)\n\n" : `DYNAMIC RELOCATION RECORDS\n${RELOC_HEADER}${lines.join("")}\n\n`;
}

/** `objdump -f`: the architecture, BFD's file flags and the start address. */
export function fileHeader(elf: ElfFile): string {
  const h = elf.header;
  const hasSyms = elf.sections.some((s) => (s.type === SectionType.SYMTAB || s.type === SectionType.DYNSYM) && s.size > s.entsize);
  const hasReloc = bfdSections(elf).some((b) => b.flags.includes("RELOC"));
  // D_PAGED: a file with program headers whose loadable segments are page-aligned.
  const loads = elf.segments.filter((p) => p.type === SegmentType.LOAD);
  const paged = h.type !== ElfType.REL && elf.segments.length > 0 && loads.every((p) => (p.vaddr - p.offset) % 0x1000n === 0n);
  const bits: [number, boolean, string][] = [
    [0x1, hasReloc, "HAS_RELOC"], [0x2, h.type === ElfType.EXEC, "EXEC_P"], [0x10, hasSyms, "HAS_SYMS"],
    [0x40, h.type === ElfType.DYN, "DYNAMIC"], [0x100, paged, "D_PAGED"],
  ];
  const on = bits.filter(([, set]) => set);
  const flags = on.reduce((a, [bit]) => a | bit, 0);
  return `architecture: riscv:rv64, flags 0x${hex(flags, 8)}:\n${on.map(([, , n]) => n).join(", ")}\nstart address 0x${hex(h.entry, 16)}\n`;
}

/** BFD's names of program header types (`get_segment_type`). */
const SEGMENT_NAMES: Record<number, string> = {
  0: "NULL", 1: "LOAD", 2: "DYNAMIC", 3: "INTERP", 4: "NOTE", 5: "SHLIB", 6: "PHDR", 7: "TLS",
  0x6474e550: "EH_FRAME", 0x6474e551: "STACK", 0x6474e552: "RELRO", 0x6474e553: "PROPERTY", 0x6474e554: "SFRAME",
};

/** BFD's names of dynamic tags; `true` marks the tags whose value is a string. */
const DYNAMIC_TAGS: Record<number, [string, boolean?]> = {
  1: ["NEEDED", true], 2: ["PLTRELSZ"], 3: ["PLTGOT"], 4: ["HASH"], 5: ["STRTAB"], 6: ["SYMTAB"], 7: ["RELA"], 8: ["RELASZ"],
  9: ["RELAENT"], 10: ["STRSZ"], 11: ["SYMENT"], 12: ["INIT"], 13: ["FINI"], 14: ["SONAME", true], 15: ["RPATH", true],
  16: ["SYMBOLIC"], 17: ["REL"], 18: ["RELSZ"], 19: ["RELENT"], 20: ["PLTREL"], 21: ["DEBUG"], 22: ["TEXTREL"], 23: ["JMPREL"],
  24: ["BIND_NOW"], 25: ["INIT_ARRAY"], 26: ["FINI_ARRAY"], 27: ["INIT_ARRAYSZ"], 28: ["FINI_ARRAYSZ"], 29: ["RUNPATH", true],
  30: ["FLAGS"], 32: ["PREINIT_ARRAY"], 33: ["PREINIT_ARRAYSZ"], 35: ["RELRSZ"], 36: ["RELR"], 37: ["RELRENT"],
  0x6ffffdf8: ["CHECKSUM"], 0x6ffffdf9: ["PLTPADSZ"], 0x6ffffdfa: ["MOVEENT"], 0x6ffffdfb: ["MOVESZ"], 0x6ffffdfc: ["FEATURE"],
  0x6ffffdfd: ["POSFLAG_1"], 0x6ffffdfe: ["SYMINSZ"], 0x6ffffdff: ["SYMINENT"], 0x6ffffefa: ["CONFIG", true],
  0x6ffffefb: ["DEPAUDIT", true], 0x6ffffefc: ["AUDIT", true], 0x6ffffefd: ["PLTPAD"], 0x6ffffefe: ["MOVETAB"],
  0x6ffffeff: ["SYMINFO"], 0x6ffffef5: ["GNU_HASH"], 0x6ffffff9: ["RELACOUNT"], 0x6ffffffa: ["RELCOUNT"], 0x6ffffffb: ["FLAGS_1"],
  0x6ffffff0: ["VERSYM"], 0x6ffffffc: ["VERDEF"], 0x6ffffffd: ["VERDEFNUM"], 0x6ffffffe: ["VERNEED"], 0x6fffffff: ["VERNEEDNUM"],
  0x7ffffffd: ["AUXILIARY", true], 0x7ffffffe: ["USED"], 0x7fffffff: ["FILTER", true],
};

/** A NUL-terminated string at `off` of a string table. */
function cstr(table: Uint8Array, off: number): string {
  if (off >= table.length) return "<corrupt>";
  let end = off;
  while (end < table.length && table[end] !== 0) end++;
  return new TextDecoder().decode(table.subarray(off, end));
}

/** `objdump -p` for ELF: program headers, the dynamic section, symbol version definitions and references. */
export function privateHeaders(elf: ElfFile): string {
  const out: string[] = [];
  if (elf.segments.length > 0) {
    out.push("\nProgram Header:\n");
    for (const p of elf.segments) {
      const name = SEGMENT_NAMES[p.type] ?? `0x${p.type.toString(16)}`;
      const other = p.flags & ~7;
      out.push(
        `${name.padStart(8)} off    0x${hex(p.offset, 16)} vaddr 0x${hex(p.vaddr, 16)} paddr 0x${hex(p.paddr, 16)} align 2**${log2Ceil(p.align)}\n`,
        `         filesz 0x${hex(p.filesz, 16)} memsz 0x${hex(p.memsz, 16)} flags ${p.flags & 4 ? "r" : "-"}${p.flags & 2 ? "w" : "-"}${p.flags & 1 ? "x" : "-"}${other !== 0 ? ` ${other.toString(16)}` : ""}\n`,
      );
    }
  }
  const dynamic = elf.sections.find((s) => s.name === ".dynamic");
  if (dynamic !== undefined && dynamic.type !== SectionType.NOBITS) {
    out.push("\nDynamic Section:\n");
    const d = elf.sectionData(dynamic);
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const strings = elf.sections[dynamic.link] ? elf.sectionData(elf.sections[dynamic.link]!) : new Uint8Array();
    for (let off = 0; off + 16 <= d.length; off += 16) {
      const tag = dv.getBigInt64(off, true);
      if (tag === 0n) break;
      const value = dv.getBigUint64(off + 8, true);
      const known = tag >= 0n && tag <= 0x7fffffffn ? DYNAMIC_TAGS[Number(tag)] : undefined;
      const name = known?.[0] ?? `0x${BigInt.asUintN(64, tag).toString(16)}`;
      out.push(`  ${name.padEnd(20)} ${known?.[1] ? cstr(strings, Number(value)) : `0x${hex(value, 16)}`}\n`);
    }
  }
  const verdef = elf.sections.find((s) => s.type === SectionType.GNU_VERDEF);
  if (verdef !== undefined) {
    out.push("\nVersion definitions:\n");
    const d = elf.sectionData(verdef);
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const strings = elf.sections[verdef.link] ? elf.sectionData(elf.sections[verdef.link]!) : new Uint8Array();
    let off = 0;
    for (let n = 0; n < verdef.info && off + 20 <= d.length; n++) {
      const flags = dv.getUint16(off + 2, true);
      const ndx = dv.getUint16(off + 4, true);
      const cnt = dv.getUint16(off + 6, true);
      const hash = dv.getUint32(off + 8, true);
      let aux = off + dv.getUint32(off + 12, true);
      const names: string[] = [];
      for (let k = 0; k < cnt && aux + 8 <= d.length; k++) {
        names.push(cstr(strings, dv.getUint32(aux, true)));
        const next = dv.getUint32(aux + 4, true);
        if (next === 0) break;
        aux += next;
      }
      out.push(`${ndx} 0x${hex(flags, 2)} 0x${hex(hash, 8)} ${names[0] ?? "<corrupt>"}\n`);
      if (names.length > 1) out.push(`\t${names.slice(1).map((s) => `${s} `).join("")}\n`);
      const next = dv.getUint32(off + 16, true);
      if (next === 0) break;
      off += next;
    }
  }
  const verneed = elf.sections.find((s) => s.type === SectionType.GNU_VERNEED);
  if (verneed !== undefined) {
    out.push("\nVersion References:\n");
    const d = elf.sectionData(verneed);
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const strings = elf.sections[verneed.link] ? elf.sectionData(elf.sections[verneed.link]!) : new Uint8Array();
    let off = 0;
    for (let n = 0; n < verneed.info && off + 16 <= d.length; n++) {
      const cnt = dv.getUint16(off + 2, true);
      out.push(`  required from ${cstr(strings, dv.getUint32(off + 4, true))}:\n`);
      let aux = off + dv.getUint32(off + 8, true);
      for (let k = 0; k < cnt && aux + 16 <= d.length; k++) {
        const hash = dv.getUint32(aux, true);
        const flags = dv.getUint16(aux + 4, true);
        const other = dv.getUint16(aux + 6, true);
        out.push(`    0x${hex(hash, 8)} 0x${hex(flags, 2)} ${String(other).padStart(2, "0")} ${cstr(strings, dv.getUint32(aux + 8, true))}\n`);
        const next = dv.getUint32(aux + 12, true);
        if (next === 0) break;
        aux += next;
      }
      const next = dv.getUint32(off + 12, true);
      if (next === 0) break;
      off += next;
    }
  }
  return out.join("");
}
