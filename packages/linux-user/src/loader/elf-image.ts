/**
 * From ELF bytes to a load plan: the checks Linux's binfmt_elf makes before it maps
 * anything (ENOEXEC for what it refuses), and the page-granular mappings, entry point,
 * program-header address, interpreter and stack executability of one image, relative to
 * its load bias. Applying the plan is load-elf.ts.
 *
 * @module
 */
import { ElfType, readElf, SegmentFlags, SegmentType, EM_RISCV, type ElfFile } from "@wasmu/isa/elf";
import { Errno } from "../errno.js";
import { decodeBytes } from "../fs/host-path.js";
import { Prot } from "../mm/constants.js";

/** Why a program cannot be loaded: the errno execve would return and a one-line reason naming the file. */
export class LoadError {
  /**
   * @param errno positive errno (ENOEXEC, ENOENT, EACCES, ENOMEM, ...).
   * @param message "FILE: reason", one line.
   */
  constructor(
    readonly errno: number,
    readonly message: string,
  ) {}
}

/** One mapping of a plan: [start, end) relative to the bias, page aligned. */
export interface PlannedMapping {
  /** Page-aligned start (before the bias). */
  readonly start: number;
  /** Page-aligned end of the whole segment, bss included. */
  readonly end: number;
  /** PROT_* of the segment. */
  readonly prot: number;
  /** File bytes copied at `start` (from the page-aligned file offset); the rest is zero. */
  readonly data: Uint8Array;
  /** File offset of `start`. */
  readonly offset: number;
}

/** What loading one ELF image needs, relative to its load bias. */
export interface ElfImage {
  /** The file name used in messages and /proc/self/maps. */
  readonly path: string;
  /** The parsed file. */
  readonly elf: ElfFile;
  /** ET_DYN (position independent: needs a bias) vs ET_EXEC. */
  readonly dyn: boolean;
  /** The PT_LOAD mappings in file order. */
  readonly mappings: readonly PlannedMapping[];
  /** Lowest page and end of all mappings (total_mapping_size = hi - lo). */
  readonly lo: number;
  /** See {@link lo}. */
  readonly hi: number;
  /** Largest power-of-two p_align above the page size among PT_LOADs (maximum_alignment), else the page size. */
  readonly align: number;
  /** e_entry. */
  readonly entry: number;
  /**
   * Address of the program headers in memory (before the bias): where the PT_LOAD holding
   * e_phoff maps it, else 0 (Linux then reports the bias itself as AT_PHDR).
   */
  readonly phdr: number;
  /** e_phnum. */
  readonly phnum: number;
  /** PT_INTERP's path, if any. */
  readonly interpreter: string | undefined;
  /** PT_GNU_STACK asks for an executable stack (riscv's default without it: not executable). */
  readonly execStack: boolean;
  /** End of the highest segment's memory (p_vaddr + p_memsz): where brk starts. */
  readonly brk: number;
}

const PAGE = 4096;
const PATH_MAX = 4096;
/** Linux reads at most one page of program headers (elf_read_phdrs: size <= ELF_MIN_ALIGN). */
const MAX_PHDR_BYTES = 65536;
/** Addresses beyond this cannot be represented exactly (and cannot fit a wasm32 window anyway). */
const MAX_ADDR = 2 ** 52;

function protOf(flags: number): number {
  return ((flags & SegmentFlags.R) !== 0 ? Prot.READ : 0) | ((flags & SegmentFlags.W) !== 0 ? Prot.WRITE : 0) | ((flags & SegmentFlags.X) !== 0 ? Prot.EXEC : 0);
}

/**
 * Checks `bytes` as a riscv64 Linux executable or interpreter and plans its mappings.
 * Never throws for bad input: a corrupt, truncated or foreign file gives a {@link LoadError}
 * (ENOEXEC, as execve would fail).
 */
export function planElf(path: string, bytes: Uint8Array): ElfImage | LoadError {
  const bad = (why: string): LoadError => new LoadError(Errno.ENOEXEC, `${path}: ${why}`);
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return bad(bytes[0] === 0x23 && bytes[1] === 0x21 ? "is a script (#!): not handled by the ELF loader" : "not an ELF file (Exec format error)");
  }
  // Program headers only: Linux never reads section headers to run a program.
  const r = readElf(bytes, { sections: false });
  if (!r.ok) return bad(r.error);
  const elf = r.elf;
  const h = elf.header;
  if (h.machine !== EM_RISCV) return bad(`not a RISC-V file (e_machine ${h.machine})`);
  if (h.type !== ElfType.EXEC && h.type !== ElfType.DYN) return bad(`not an executable (e_type ${h.type})`);
  if (h.phnum === 0 || h.phnum * 56 > MAX_PHDR_BYTES) return bad(`bad program header count ${h.phnum}`);
  if (h.phoff + BigInt(h.phnum * 56) > BigInt(bytes.length)) return bad("program headers extend past the end of the file");
  const mappings: PlannedMapping[] = [];
  let interpreter: string | undefined;
  let execStack = false;
  let phdr = 0;
  let align = PAGE;
  let lo = Infinity;
  let hi = 0;
  let brk = 0;
  const phoff = Number(h.phoff);
  for (const s of elf.segments) {
    if (s.type === SegmentType.INTERP) {
      if (interpreter !== undefined) return bad("more than one PT_INTERP");
      if (s.filesz < 2n || s.filesz > BigInt(PATH_MAX) || s.offset + s.filesz > BigInt(bytes.length)) return bad("bad PT_INTERP");
      const raw = bytes.subarray(Number(s.offset), Number(s.offset + s.filesz));
      if (raw[raw.length - 1] !== 0) return bad("PT_INTERP is not NUL-terminated");
      // Bytes, not text (fs/host-path.ts): an interpreter path need not be UTF-8.
      interpreter = decodeBytes(raw.subarray(0, raw.indexOf(0)));
    } else if (s.type === SegmentType.GNU_STACK) {
      execStack = (s.flags & SegmentFlags.X) !== 0;
    } else if (s.type === SegmentType.LOAD) {
      if (s.filesz > s.memsz) return bad("PT_LOAD with p_filesz > p_memsz");
      if (s.vaddr + s.memsz > BigInt(MAX_ADDR) || s.offset + s.filesz > BigInt(bytes.length)) {
        return bad(s.vaddr + s.memsz > BigInt(MAX_ADDR) ? "PT_LOAD beyond the address space" : "PT_LOAD extends past the end of the file");
      }
      const vaddr = Number(s.vaddr);
      const off = Number(s.offset);
      if ((vaddr - off) % PAGE !== 0) return bad("PT_LOAD p_vaddr and p_offset disagree modulo the page size");
      if (s.align > BigInt(PAGE) && (s.align & (s.align - 1n)) === 0n && Number(s.align) > align) align = Number(s.align);
      const start = vaddr - (vaddr % PAGE);
      const fileStart = off - (off % PAGE);
      const filesz = Number(s.filesz);
      const memsz = Number(s.memsz);
      const end = Math.ceil((vaddr + memsz) / PAGE) * PAGE;
      // Linux maps whole file pages; the tail of the last one is cleared only when bss follows (padzero).
      const fileEnd = memsz > filesz ? off + filesz : Math.min(bytes.length, Math.ceil((off + filesz) / PAGE) * PAGE);
      mappings.push({ start, end, prot: protOf(s.flags), data: bytes.subarray(fileStart, Math.max(fileStart, fileEnd)), offset: fileStart });
      if (phoff >= off && phoff < off + filesz) phdr = phoff - off + vaddr;
      lo = Math.min(lo, start);
      hi = Math.max(hi, end);
      brk = Math.max(brk, vaddr + memsz);
    }
  }
  if (mappings.length === 0) return bad("no PT_LOAD segment");
  return {
    path, elf, dyn: h.type === ElfType.DYN, mappings, lo, hi, align, entry: Number(h.entry),
    phdr, phnum: h.phnum, interpreter, execStack, brk,
  };
}
