/**
 * ELF64 little-endian reader: file header, section and program headers, symbol tables
 * (with GNU symbol versions), RELA relocations and the RISC-V attributes section.
 *
 * Every offset and size read from the file is checked against the file before use, so
 * a corrupt or truncated file gives an {@link ElfFormatError} with a message that names
 * the broken structure, never a RangeError from deep inside.
 */

import {
  EM_RISCV,
  SectionType,
  type ElfHeader,
  type ElfRelocation,
  type ElfSection,
  type ElfSegment,
  type ElfSymbol,
  type SymbolVersion,
} from "./types.js";

/** Raised for a file that is not a well-formed ELF64 little-endian file. */
export class ElfFormatError extends Error {
  override readonly name = "ElfFormatError";
}

const EHDR_SIZE = 64;
const SHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SYM_SIZE = 24;
const RELA_SIZE = 24;
const VERSYM_HIDDEN = 0x8000;
const VERSYM_VERSION = 0x7fff;
const VER_FLG_BASE = 1;

const utf8 = new TextDecoder("utf-8");

/** A parsed ELF64 file. Section contents are views into the original bytes. */
export class ElfFile {
  readonly header: ElfHeader;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
  private readonly view: DataView;
  private readonly symbolCache = new Map<number, readonly ElfSymbol[]>();

  /**
   * Parses `bytes`; throws {@link ElfFormatError} when the file is not valid ELF64 LE.
   * With `options.sections` false the section headers are not read at all (`sections` is
   * empty), as a program loader does: Linux and QEMU run a file whose section headers
   * are damaged or absent.
   */
  constructor(readonly bytes: Uint8Array, options: ReadElfOptions = {}) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.header = this.readHeader(options.sections ?? true);
    this.sections = options.sections === false ? [] : this.readSections();
    this.segments = this.readSegments();
  }

  /** True when `e_machine` is RISC-V. */
  get isRiscV(): boolean {
    return this.header.machine === EM_RISCV;
  }

  /** The first section with this name, if any. */
  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The bytes of a section (empty for SHT_NOBITS). */
  sectionData(section: ElfSection): Uint8Array {
    if (section.type === SectionType.NOBITS) return new Uint8Array(0);
    return this.slice(section.offset, section.size, `section ${section.name || section.index}`);
  }

  /** The bytes a segment has in the file (`p_filesz` of them). */
  segmentData(segment: ElfSegment): Uint8Array {
    return this.slice(segment.offset, segment.filesz, "segment");
  }

  /** The interpreter path of a PT_INTERP segment, if the file has one. */
  get interpreter(): string | undefined {
    const seg = this.segments.find((s) => s.type === 3);
    if (!seg) return undefined;
    const data = this.segmentData(seg);
    const end = data.indexOf(0);
    return utf8.decode(end < 0 ? data : data.subarray(0, end));
  }

  /** The static symbol table (`.symtab`), or [] when the file is stripped. */
  get symbols(): readonly ElfSymbol[] {
    return this.symbolsOfType(SectionType.SYMTAB);
  }

  /** The dynamic symbol table (`.dynsym`), with versions, or [] when absent. */
  get dynamicSymbols(): readonly ElfSymbol[] {
    return this.symbolsOfType(SectionType.DYNSYM);
  }

  /** Relocations of a SHT_RELA section. */
  relocations(section: ElfSection): ElfRelocation[] {
    if (section.type !== SectionType.RELA) return [];
    const data = this.sectionData(section);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const out: ElfRelocation[] = [];
    for (let off = 0; off + RELA_SIZE <= data.length; off += RELA_SIZE) {
      const info = dv.getBigUint64(off + 8, true);
      out.push({
        offset: dv.getBigUint64(off, true),
        type: Number(info & 0xffffffffn),
        symbolIndex: Number(info >> 32n),
        addend: dv.getBigInt64(off + 16, true),
      });
    }
    return out;
  }

  /**
   * The architecture string of the `.riscv.attributes` section (Tag_RISCV_arch), e.g.
   * "rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0_zicsr2p0", or undefined when absent.
   */
  get riscvArch(): string | undefined {
    const sec = this.sections.find((s) => s.type === SectionType.RISCV_ATTRIBUTES);
    if (!sec) return undefined;
    return parseRiscvArchAttribute(this.sectionData(sec));
  }

  private symbolsOfType(type: number): readonly ElfSymbol[] {
    const cached = this.symbolCache.get(type);
    if (cached) return cached;
    const sec = this.sections.find((s) => s.type === type);
    const syms = sec ? this.readSymbols(sec) : [];
    this.symbolCache.set(type, syms);
    return syms;
  }

  private slice(offset: bigint, size: bigint, what: string): Uint8Array {
    if (offset < 0n || size < 0n || offset + size > BigInt(this.bytes.length)) {
      throw new ElfFormatError(`${what} extends past the end of the file (offset 0x${offset.toString(16)}, size 0x${size.toString(16)}, file size 0x${this.bytes.length.toString(16)})`);
    }
    return this.bytes.subarray(Number(offset), Number(offset + size));
  }

  private readHeader(withSections: boolean): ElfHeader {
    const b = this.bytes;
    if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) {
      throw new ElfFormatError("file format not recognized (no ELF magic)");
    }
    if (b.length < EHDR_SIZE) throw new ElfFormatError(`truncated ELF header (${b.length} bytes)`);
    const cls = b[4]!;
    const data = b[5]!;
    if (cls !== 2) throw new ElfFormatError(cls === 1 ? "ELF32 files are not supported (RV64 only)" : `invalid ELF class ${cls}`);
    if (data !== 1) throw new ElfFormatError(data === 2 ? "big-endian ELF files are not supported" : `invalid ELF data encoding ${data}`);
    const v = this.view;
    const header: ElfHeader = {
      class: cls,
      data,
      osabi: b[7]!,
      type: v.getUint16(16, true),
      machine: v.getUint16(18, true),
      entry: v.getBigUint64(24, true),
      phoff: v.getBigUint64(32, true),
      shoff: v.getBigUint64(40, true),
      flags: v.getUint32(48, true),
      phentsize: v.getUint16(54, true),
      phnum: v.getUint16(56, true),
      shentsize: v.getUint16(58, true),
      shnum: v.getUint16(60, true),
      shstrndx: v.getUint16(62, true),
    };
    if (withSections && header.shnum > 0 && header.shentsize !== SHDR_SIZE) throw new ElfFormatError(`invalid section header size ${header.shentsize}`);
    if (header.phnum > 0 && header.phentsize !== PHDR_SIZE) throw new ElfFormatError(`invalid program header size ${header.phentsize}`);
    return header;
  }

  private readSections(): ElfSection[] {
    const h = this.header;
    if (h.shnum === 0 || h.shoff === 0n) return [];
    const table = this.slice(h.shoff, BigInt(h.shnum * SHDR_SIZE), "section header table");
    const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const raw = [];
    for (let i = 0; i < h.shnum; i++) {
      const o = i * SHDR_SIZE;
      raw.push({
        nameOff: dv.getUint32(o, true),
        type: dv.getUint32(o + 4, true),
        flags: dv.getBigUint64(o + 8, true),
        addr: dv.getBigUint64(o + 16, true),
        offset: dv.getBigUint64(o + 24, true),
        size: dv.getBigUint64(o + 32, true),
        link: dv.getUint32(o + 40, true),
        info: dv.getUint32(o + 44, true),
        addralign: dv.getBigUint64(o + 48, true),
        entsize: dv.getBigUint64(o + 56, true),
      });
    }
    let names: Uint8Array = new Uint8Array(0);
    if (h.shstrndx !== 0) {
      const strsec = raw[h.shstrndx];
      if (!strsec) throw new ElfFormatError(`section name table index ${h.shstrndx} out of range (${h.shnum} sections)`);
      names = this.slice(strsec.offset, strsec.size, "section name table");
    }
    return raw.map((r, index) => {
      if (r.type !== SectionType.NOBITS && r.type !== SectionType.NULL) {
        this.slice(r.offset, r.size, `section ${index}`);
      }
      return {
        index,
        name: cString(names, r.nameOff),
        type: r.type,
        flags: r.flags,
        addr: r.addr,
        offset: r.offset,
        size: r.size,
        link: r.link,
        info: r.info,
        addralign: r.addralign,
        entsize: r.entsize,
      };
    });
  }

  private readSegments(): ElfSegment[] {
    const h = this.header;
    if (h.phnum === 0) return [];
    const table = this.slice(h.phoff, BigInt(h.phnum * PHDR_SIZE), "program header table");
    const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const out: ElfSegment[] = [];
    for (let i = 0; i < h.phnum; i++) {
      const o = i * PHDR_SIZE;
      out.push({
        type: dv.getUint32(o, true),
        flags: dv.getUint32(o + 4, true),
        offset: dv.getBigUint64(o + 8, true),
        vaddr: dv.getBigUint64(o + 16, true),
        paddr: dv.getBigUint64(o + 24, true),
        filesz: dv.getBigUint64(o + 32, true),
        memsz: dv.getBigUint64(o + 40, true),
        align: dv.getBigUint64(o + 48, true),
      });
    }
    return out;
  }

  private readSymbols(sec: ElfSection): ElfSymbol[] {
    const data = this.sectionData(sec);
    const strsec = this.sections[sec.link];
    if (!strsec) throw new ElfFormatError(`symbol table ${sec.name} links to missing string table ${sec.link}`);
    const strings = this.sectionData(strsec);
    const versions = sec.type === SectionType.DYNSYM ? this.readVersions(sec) : undefined;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const count = Math.floor(data.length / SYM_SIZE);
    const out: ElfSymbol[] = [];
    for (let i = 1; i < count; i++) {
      const o = i * SYM_SIZE;
      const info = dv.getUint8(o + 4);
      const sym: ElfSymbol = {
        index: i,
        name: cString(strings, dv.getUint32(o, true)),
        type: info & 0xf,
        binding: info >> 4,
        other: dv.getUint8(o + 5),
        shndx: dv.getUint16(o + 6, true),
        value: dv.getBigUint64(o + 8, true),
        size: dv.getBigUint64(o + 16, true),
      };
      const version = versions?.(i);
      out.push(version ? { ...sym, version } : sym);
    }
    return out;
  }

  /** Builds the index -> version lookup of the dynamic symbol table, per GNU symbol versioning. */
  private readVersions(dynsym: ElfSection): ((index: number) => SymbolVersion | undefined) | undefined {
    const versym = this.sections.find((s) => s.type === SectionType.GNU_VERSYM && s.link === dynsym.index);
    const verdefSec = this.sections.find((s) => s.type === SectionType.GNU_VERDEF);
    const verneedSec = this.sections.find((s) => s.type === SectionType.GNU_VERNEED);
    if (!versym || (!verdefSec && !verneedSec)) return undefined;
    const vs = this.sectionData(versym);
    const vsView = new DataView(vs.buffer, vs.byteOffset, vs.byteLength);

    // Version definitions, indexed by vd_ndx; each named by its first verdaux.
    const defs: { flags: number; name: string }[] = [];
    let defCount = 0;
    if (verdefSec) {
      const d = this.sectionData(verdefSec);
      const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
      const strings = this.sectionData(this.sections[verdefSec.link] ?? verdefSec);
      let off = 0;
      for (let n = 0; n < verdefSec.info && off + 20 <= d.length; n++) {
        const flags = dv.getUint16(off + 2, true);
        const ndx = dv.getUint16(off + 4, true) & VERSYM_VERSION;
        const aux = dv.getUint32(off + 12, true);
        const next = dv.getUint32(off + 16, true);
        const name = off + aux + 4 <= d.length ? cString(strings, dv.getUint32(off + aux, true)) : "";
        if (ndx > 0) {
          defs[ndx - 1] = { flags, name };
          defCount = Math.max(defCount, ndx);
        }
        if (next === 0) break;
        off += next;
      }
    }
    // Version needs: vna_other -> name.
    const needs = new Map<number, string>();
    if (verneedSec) {
      const d = this.sectionData(verneedSec);
      const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
      const strings = this.sectionData(this.sections[verneedSec.link] ?? verneedSec);
      let off = 0;
      for (let n = 0; n < verneedSec.info && off + 16 <= d.length; n++) {
        const cnt = dv.getUint16(off + 2, true);
        let aux = off + dv.getUint32(off + 8, true);
        for (let k = 0; k < cnt && aux + 16 <= d.length; k++) {
          const other = dv.getUint16(aux + 6, true);
          if (!needs.has(other)) needs.set(other, cString(strings, dv.getUint32(aux + 8, true)));
          const anext = dv.getUint32(aux + 12, true);
          if (anext === 0) break;
          aux += anext;
        }
        const next = dv.getUint32(off + 12, true);
        if (next === 0) break;
        off += next;
      }
    }
    return (index: number) => {
      if (index * 2 + 2 > vs.length) return undefined;
      const raw = vsView.getUint16(index * 2, true);
      const hidden = (raw & VERSYM_HIDDEN) !== 0;
      const num = raw & VERSYM_VERSION;
      if (num === 0) return { name: "", hidden };
      if (num === 1 && (num > defCount || defs[0]?.flags === VER_FLG_BASE)) return { name: "Base", hidden };
      if (num <= defCount) return { name: defs[num - 1]?.name ?? "", hidden };
      const need = needs.get(num);
      return { name: need ?? "<corrupt>", hidden: true };
    };
  }
}

/** Reads a NUL-terminated string at `offset` of a string table ("" when out of range). */
function cString(table: Uint8Array, offset: number): string {
  if (offset >= table.length) return "";
  let end = offset;
  while (end < table.length && table[end] !== 0) end++;
  return utf8.decode(table.subarray(offset, end));
}

/** Reads an unsigned LEB128 at `pos`; returns [value, next position]. */
function uleb(data: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  while (pos < data.length) {
    const byte = data[pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) break;
  }
  return [result, pos];
}

/**
 * Extracts Tag_RISCV_arch (tag 5) from a `.riscv.attributes` section: format version
 * 'A', then subsections [length u32][vendor "riscv\0"][sub-subsections [tag][length u32]
 * [attributes: uleb tag, then a uleb (even tags) or a NUL-terminated string (odd tags)]].
 */
export function parseRiscvArchAttribute(data: Uint8Array): string | undefined {
  if (data.length < 1 || data[0] !== 0x41) return undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 1;
  while (pos + 4 <= data.length) {
    const len = dv.getUint32(pos, true);
    const end = Math.min(data.length, pos + len);
    if (len < 4) break;
    let p = pos + 4;
    const vendorEnd = data.indexOf(0, p);
    if (vendorEnd < 0 || vendorEnd >= end) break;
    const vendor = utf8.decode(data.subarray(p, vendorEnd));
    p = vendorEnd + 1;
    while (vendor === "riscv" && p + 5 <= end) {
      const subTag = data[p]!;
      const subLen = dv.getUint32(p + 1, true);
      const subEnd = Math.min(end, p + subLen);
      let q = p + 5;
      while (subTag === 1 && q < subEnd) {
        let tag: number;
        [tag, q] = uleb(data, q);
        if (tag % 2 === 1 || tag === 5) {
          const sEnd = data.indexOf(0, q);
          const str = utf8.decode(data.subarray(q, sEnd < 0 ? subEnd : sEnd));
          q = sEnd < 0 ? subEnd : sEnd + 1;
          if (tag === 5) return str;
        } else {
          [, q] = uleb(data, q);
        }
      }
      if (subLen === 0) break;
      p = subEnd;
    }
    pos = end;
  }
  return undefined;
}

/** How much of a file {@link readElf} reads. */
export interface ReadElfOptions {
  /** Read the section headers (default true); false: the header and program headers only. */
  readonly sections?: boolean;
}

/** The result of {@link readElf}: a file, or the reason it could not be read. */
export type ReadElfResult = { readonly ok: true; readonly elf: ElfFile } | { readonly ok: false; readonly error: string };

/**
 * Reads an ELF64 little-endian file. Never throws for bad input: a file that is not ELF,
 * is truncated or corrupt gives `{ ok: false, error }` with a one-line reason.
 */
export function readElf(bytes: Uint8Array, options: ReadElfOptions = {}): ReadElfResult {
  try {
    return { ok: true, elf: new ElfFile(bytes, options) };
  } catch (e) {
    if (e instanceof ElfFormatError) return { ok: false, error: e.message };
    throw e;
  }
}

