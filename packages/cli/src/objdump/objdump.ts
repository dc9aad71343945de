/**
 * `wasmu objdump -d`: GNU objdump's `-d` output for ELF64 RISC-V files, produced with
 * wasmu's own ELF reader and disassembler. The layout rules (symbol-bounded blocks,
 * labels, zero-run elision, the raw-bytes column) follow binutils' objdump.c
 * `disassemble_section` and `disassemble_bytes`; the symbol choices live in
 * ./symbols.ts.
 */

import { Disassembler } from "@wasmu/isa";
import { ElfType, readElf, type ElfFile, type ElfSection } from "@wasmu/isa/elf";
import { dynamicRelocationRecords, fileHeader, fullContents, privateHeaders, relocationRecords, sectionHeaders, symbolTable } from "./listings.js";
import { findSymbolForAddress, isCodeSection, isRiscvSpecialName, symbolDisplayName, SymbolTable, SymFlag, type DisSymbol } from "./symbols.js";

/** objdump skips runs of at least this many zero bytes (DEFAULT_SKIP_ZEROES)... */
const SKIP_ZEROES = 8;
/** ...and shorter runs that end a block (DEFAULT_SKIP_ZEROES_AT_END). */
const SKIP_ZEROES_AT_END = 3;
/** riscv-dis.c prints the raw bytes of up to 8 bytes per line. */
const BYTES_PER_LINE = 8;
/** Bytes per line of a block objdump dumps as data (a symbol marked as an object). */
const DATA_BYTES_PER_LINE = 16;

/** Why `objdump` could not dump a file. */
export class ObjdumpError extends Error {
  override readonly name = "ObjdumpError";
}

/** Options of {@link objdump}. */
export interface ObjdumpOptions {
  /** The file name printed in the header line (as given on the command line). */
  readonly fileName: string;
  /** Receives the output, a chunk at a time. */
  readonly write: (text: string) => void;
  /**
   * What to list, in objdump's order (-h, then -t, then -s, then -d); default: only the
   * disassembly (-d).
   */
  readonly show?: {
    /** -a: archive headers; for a file that is not an archive member, its name. */
    readonly archiveHeaders?: boolean;
    /** -f: the file header (architecture, BFD flags, start address). */
    readonly fileHeader?: boolean;
    /** -p: program headers, dynamic section, version definitions and references. */
    readonly privateHeaders?: boolean;
    readonly sectionHeaders?: boolean;
    readonly symbols?: boolean;
    /** -r: relocation records (not with disassemble, where objdump shows them inline). */
    readonly relocs?: boolean;
    /** -R: dynamic relocation records (idem); throws NotDynamicError for a file without .dynsym. */
    readonly dynamicRelocs?: boolean;
    readonly contents?: boolean;
    readonly disassemble?: boolean;
  };
}

/**
 * Lists an ELF64 RISC-V file as `riscv64-linux-gnu-objdump` does with -h, -t, -r, -R, -s
 * and -d (by default -d: every executable section disassembled). Throws {@link ObjdumpError} for a file that is
 * not ELF or not RISC-V.
 */
export function objdump(bytes: Uint8Array, options: ObjdumpOptions): void {
  const r = readElf(bytes);
  if (!r.ok) throw new ObjdumpError(`${options.fileName}: ${r.error}`);
  const elf = r.elf;
  if (!elf.isRiscV) throw new ObjdumpError(`${options.fileName}: not a RISC-V file (e_machine ${elf.header.machine})`);
  const out = new OutputBuffer(options.write);
  out.push(`\n${options.fileName}:     file format elf64-littleriscv\n`);
  const show = options.show ?? { disassemble: true };
  if (show.archiveHeaders) out.push(`${options.fileName}\n`);
  if (show.fileHeader) out.push(fileHeader(elf));
  if (show.privateHeaders) out.push(privateHeaders(elf));
  out.push("\n");
  if (show.sectionHeaders) out.push(sectionHeaders(elf));
  if (show.symbols) out.push(symbolTable(elf));
  if (show.relocs && !show.disassemble) out.push(relocationRecords(elf));
  if (show.dynamicRelocs && !show.disassemble) {
    try {
      out.push(dynamicRelocationRecords(elf));
    } catch (e) {
      out.flush();
      throw e;
    }
  }
  if (show.contents) out.push(fullContents(elf));
  if (!show.disassemble) {
    out.flush();
    return;
  }
  const table = new SymbolTable(elf);
  const arch = elf.riscvArch;
  const disassembler = new Disassembler({
    formatAddress: (address) => formatAddress(table, currentSection, address),
    ...(table.globalPointer !== undefined ? { globalPointer: table.globalPointer } : {}),
    ...(arch !== undefined ? { arch } : {}),
  });
  let currentSection: ElfSection | undefined;
  for (const section of elf.sections) {
    if (!isCodeSection(section) || section.size === 0n) continue;
    currentSection = section;
    disassembleSection(elf, table, section, disassembler, out);
  }
  out.flush();
}

/** Collects output and hands it to the writer in large chunks. */
class OutputBuffer {
  /**
   * The byte-group size of the last item the disassembler printed (binutils keeps it in
   * `disassemble_info.bytes_per_chunk`, which a data dump then reuses: 0 means 1).
   */
  lastChunk = 0;
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly write: (text: string) => void) {}
  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 16) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    this.write(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

function hex(v: bigint): string {
  return v.toString(16);
}

/**
 * `objdump_print_addr_with_sym`: "<sym+0xoff>" after `addressText` (the address as the
 * caller formats it; objdump omits leading zeroes in operands but not in labels).
 */
function addrWithSym(section: ElfSection, sym: DisSymbol | undefined, vma: bigint, addressText: string, linked: boolean): string {
  if (!sym) {
    const base = section.addr;
    const off = vma < base ? `-0x${hex(base - vma)}` : vma > base ? `+0x${hex(vma - base)}` : "";
    return `${addressText} <${section.name}${off}>`;
  }
  let off = "";
  if (sym.value === vma || (linked && sym.section === "*UND*")) off = "";
  else if (sym.value > vma) off = `-0x${hex(sym.value - vma)}`;
  else off = `+0x${hex(vma - sym.value)}`;
  return `${addressText} <${symbolDisplayName(sym)}${off}>`;
}

/** `objdump_print_address`, called by the disassembler for targets and `#` comments. */
function formatAddress(table: SymbolTable, section: ElfSection | undefined, vma: bigint): string {
  vma = BigInt.asUintN(64, vma);
  if (table.sorted.length < 1 || !section) return `0x${hex(vma)}`;
  const hit = findSymbolForAddress(table, vma, section, false);
  return addrWithSym(section, hit?.symbol, vma, hex(vma), table.elf.header.type !== ElfType.REL);
}

function disassembleSection(elf: ElfFile, table: SymbolTable, section: ElfSection, dis: Disassembler, out: OutputBuffer): void {
  const data = elf.sectionData(section);
  const stop = data.length;
  table.sortFor(section);
  const syms = table.sorted;
  out.push(`\nDisassembly of section ${section.name}:\n`);
  const linked = elf.header.type !== ElfType.REL;

  // Leading zero nibbles of addresses are dropped in groups of 4 (objdump's skip_addr_chars).
  const endText = (section.addr + section.size).toString(16).padStart(16, "0");
  let skipAddrChars = 0;
  while (endText[skipAddrChars] === "0") skipAddrChars++;
  if (skipAddrChars === endText.length && section.addr !== 0n) skipAddrChars = 0;
  if (skipAddrChars !== 0) skipAddrChars = (skipAddrChars - 1) & -4;

  const maps = mappingSymbols(table, section);
  const first = findSymbolForAddress(table, section.addr, section, true);
  let sym = first?.symbol;
  let place = first?.place ?? 0;
  let offset = 0;
  while (offset < stop) {
    const addr = section.addr + BigInt(offset);
    out.push(`\n${addrWithSym(section, sym, addr, addr.toString(16).padStart(16, "0"), linked)}:\n`);
    let nextSym: DisSymbol | undefined;
    if (sym !== undefined && sym.value > addr) nextSym = sym;
    else if (sym === undefined) nextSym = undefined;
    else {
      const cur = sym;
      while (place < syms.length && !(syms[place]!.section === section.name && syms[place]!.value > cur.value && !isRiscvSpecialName(syms[place]!.name))) place++;
      nextSym = place < syms.length ? syms[place] : undefined;
    }
    let nextStop: number;
    if (sym !== undefined && sym.value > addr) nextStop = Number(sym.value - section.addr);
    else if (nextSym === undefined) nextStop = stop;
    else nextStop = Number(nextSym.value - section.addr);
    if (nextStop > stop || nextStop <= offset) nextStop = stop;
    const insns =
      sym === undefined ||
      sym.section !== section.name ||
      sym.value > addr ||
      ((sym.flags & SymFlag.OBJECT) === 0 && !sym.name.includes("gnu_compiled") && !sym.name.includes("gcc2_compiled")) ||
      (sym.flags & SymFlag.FUNCTION) !== 0;
    disassembleBytes(section, data, offset, nextStop, insns, skipAddrChars, dis, maps, out);
    offset = nextStop;
    sym = nextSym;
  }
}

function addressColumn(vma: bigint, skip: number): string {
  const full = vma.toString(16).padStart(16, "0").slice(skip);
  let i = 0;
  while (i < full.length - 1 && full[i] === "0") i++;
  return " ".repeat(i) + full.slice(i);
}

function rawBytes(data: Uint8Array, at: number, length: number, chunk: number, stop: number, perLine: number): string {
  let s = "";
  let pb = 0;
  for (; pb < Math.min(length, perLine); pb += chunk) {
    if (at + pb + chunk <= stop) {
      for (let k = chunk - 1; k >= 0; k--) s += data[at + pb + k]!.toString(16).padStart(2, "0");
    }
    s += " ";
  }
  for (; pb < perLine; pb += chunk) s += "  ".repeat(chunk) + " ";
  return s;
}

/** A RISC-V mapping symbol: `$x…` starts code, `$d…` starts data. */
interface MappingSymbol {
  readonly offset: number;
  readonly data: boolean;
}

/** The mapping symbols of a section, by offset (riscv-dis.c switches to `.word`-style dumps in `$d` ranges). */
function mappingSymbols(table: SymbolTable, section: ElfSection): MappingSymbol[] {
  const out: MappingSymbol[] = [];
  for (const s of table.sorted) {
    if (s.section !== section.name) continue;
    if (s.name === "$d" || s.name === "$x" || s.name.startsWith("$xrv")) out.push({ offset: Number(s.value - section.addr), data: s.name === "$d" });
  }
  return out;
}

/** Index of the last mapping symbol at or before `offset` (-1: none), by binary search. */
function mappingIndex(maps: readonly MappingSymbol[], offset: number): number {
  let lo = 0;
  let hi = maps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (maps[mid]!.offset <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The size of the data item riscv-dis.c dumps at `offset` inside a `$d` range, or 0 when
 * `offset` holds code (`riscv_data_length`: up to 4 bytes, cut at the next mapping symbol
 * or the section end, 3 rounded down to 2). Without mapping symbols code sections hold code.
 */
function dataItemSize(maps: readonly MappingSymbol[], offset: number, sectionSize: number): number {
  const i = mappingIndex(maps, offset);
  if (i < 0 || !maps[i]!.data) return 0;
  const next = maps[i + 1];
  const length = Math.min(4, (next !== undefined ? next.offset : sectionSize) - offset);
  return length === 3 ? 2 : length;
}

const DATA_DIRECTIVES: Record<number, string> = { 1: ".byte", 2: ".short", 4: ".word", 8: ".dword" };

function disassembleBytes(section: ElfSection, data: Uint8Array, start: number, stop: number, insns: boolean, skipAddr: number, dis: Disassembler, maps: readonly MappingSymbol[], out: OutputBuffer): void {
  // The disassembler must not read past the block (objdump's stop_vma).
  const view = data.subarray(0, stop);
  let offset = start;
  while (offset < stop) {
    let zeros = 0;
    while (offset + zeros < stop && data[offset + zeros] === 0) zeros++;
    if (zeros >= SKIP_ZEROES || (offset + zeros === stop && zeros < SKIP_ZEROES_AT_END && zeros > 0)) {
      if (offset + zeros !== stop) zeros &= ~3;
      out.push("\t...\n");
      offset += zeros;
      continue;
    }
    const vma = section.addr + BigInt(offset);
    const item = insns && maps.length > 0 ? dataItemSize(maps, offset, data.length) : 0;
    if (item > 0) {
      const size = Math.min(item, stop - offset);
      let value = 0n;
      for (let k = size - 1; k >= 0; k--) value = (value << 8n) | BigInt(data[offset + k]!);
      const text = `${DATA_DIRECTIVES[size] ?? ".byte"}\t0x${value.toString(16).padStart(size * 2, "0")}`;
      out.push(`${addressColumn(vma, skipAddr)}:\t${rawBytes(data, offset, size, size, stop, size === 1 ? 6 : BYTES_PER_LINE)}\t${text}\n`);
      out.lastChunk = size;
      offset += size;
    } else if (insns) {
      const insn = dis.next(view, offset, vma);
      if (insn.illegal && insn.text.endsWith(" is out of bounds.")) {
        // The instruction runs past the block (a symbol or the section end): objdump prints
        // the reader's error alone on its line and abandons the rest of the block.
        out.push(`${insn.text}\n\n`);
        return;
      }
      const length = insn.length > 0 ? insn.length : 1;
      const chunk = length % 4 === 0 ? 4 : 2;
      let line = `${addressColumn(vma, skipAddr)}:\t${rawBytes(data, offset, length, chunk, stop, BYTES_PER_LINE)}\t${insn.text}`;
      // Encodings longer than a line continue their raw bytes on further lines.
      for (let pb = BYTES_PER_LINE; pb < length; pb += BYTES_PER_LINE) {
        line += `\n${addressColumn(vma + BigInt(pb), skipAddr)}:\t`;
        for (let j = pb; j < Math.min(length, pb + BYTES_PER_LINE); j += chunk) {
          if (offset + j + chunk <= stop) for (let k = chunk - 1; k >= 0; k--) line += data[offset + j + k]!.toString(16).padStart(2, "0");
          line += " ";
        }
      }
      out.push(`${line}\n`);
      out.lastChunk = chunk;
      offset += length;
    } else {
      const n = Math.min(DATA_BYTES_PER_LINE, stop - offset);
      let txt = "";
      for (let j = 0; j < n; j++) {
        const b = data[offset + j]!;
        txt += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
      }
      out.push(`${addressColumn(vma, skipAddr)}:\t${rawBytes(data, offset, n, out.lastChunk || 1, stop, DATA_BYTES_PER_LINE)}    ${txt}\n`);
      offset += n;
    }
  }
}
