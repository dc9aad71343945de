/**
 * Loading a program into a fresh {@link AddressSpace}, in the order of Linux's
 * load_elf_binary: the stack VMA, the executable's PT_LOADs at their load bias, the
 * interpreter (PT_INTERP, found through the caller's reader, which applies the -L
 * sysroot) at its own bias, brk after the executable's bss, then the initial stack with
 * argv, envp and auxv.
 *
 * Load bias (no randomisation):
 * - ET_EXEC: 0, mapped MAP_FIXED_NOREPLACE;
 * - ET_DYN with PT_INTERP (a PIE program): ELF_ET_DYN_BASE aligned down to the largest
 *   p_align, MAP_FIXED_NOREPLACE;
 * - ET_DYN without PT_INTERP (a static PIE, or ld.so run directly), and every
 *   interpreter: wherever a non-fixed mmap of the whole image lands (top-down from
 *   mmap_base), aligned down to p_align when that exceeds the page.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { AddressSpace } from "../mm/address-space.js";
import { MapFlag, Prot } from "../mm/constants.js";
import { At, RISCV_MINSIGSTKSZ, RV64IMAFDC_HWCAP, USER_HZ } from "./auxv.js";
import { type ElfImage, LoadError, planElf } from "./elf-image.js";
import { type AuxEntry, type BuiltStack, buildInitialStack } from "./initial-stack.js";

/** User and group ids the auxv reports. */
export interface ProcessIds {
  /** Real user id. */
  readonly uid: number;
  /** Effective user id. */
  readonly euid: number;
  /** Real group id. */
  readonly gid: number;
  /** Effective group id. */
  readonly egid: number;
}

/** What {@link loadProgram} needs. */
export interface LoadOptions {
  /** The program's guest path as execve got it (messages, AT_EXECFN unless `execfn`). */
  readonly path: string;
  /** The program file. */
  readonly bytes: Uint8Array;
  /** Reads the interpreter named by PT_INTERP (guest path; the reader applies the sysroot). */
  readonly readInterpreter: (guestPath: string) => Uint8Array | LoadError;
  /** argv (argv[0] included). */
  readonly argv: readonly (string | Uint8Array)[];
  /** The environment. */
  readonly envp: readonly (string | Uint8Array)[];
  /** AT_EXECFN string (default `path`). */
  readonly execfn?: string;
  /** The 16 AT_RANDOM bytes (default: from crypto.getRandomValues). */
  readonly random?: Uint8Array;
  /** Ids for AT_UID and friends (default all 0). */
  readonly ids?: ProcessIds;
  /** AT_HWCAP (default rv64imafdc). */
  readonly hwcap?: bigint;
  /** AT_SECURE (default false). */
  readonly secure?: boolean;
}

/** A loaded program: where to start and what was mapped. */
export interface LoadedProgram {
  /** The pc to start at: the interpreter's entry when there is one, else the program's. */
  readonly pc: number;
  /** The initial sp (argc is there). */
  readonly sp: number;
  /** The program's load bias. */
  readonly bias: number;
  /** The program's entry (AT_ENTRY). */
  readonly entry: number;
  /** The interpreter's load address (AT_BASE), 0 without one. */
  readonly interpBase: number;
  /** The interpreter's path as PT_INTERP names it. */
  readonly interpreter: string | undefined;
  /** AT_PHDR. */
  readonly phdr: number;
  /** Initial program break. */
  readonly brk: number;
  /** Lowest and highest address of the program's image (start_code .. end of bss). */
  readonly imageStart: number;
  /** See {@link imageStart}. */
  readonly imageEnd: number;
  /** The stack as built. */
  readonly stack: BuiltStack;
}

/** Maps `img` at `bias` (first mapping with `firstFlags`, then MAP_FIXED). */
function mapImage(as: AddressSpace, img: ElfImage, bias: number, firstFlags: number): number | LoadError {
  let flags = firstFlags;
  for (const m of img.mappings) {
    const r = as.mmap(bias + m.start, m.end - m.start, m.prot, MapFlag.PRIVATE | flags, { data: m.data, offset: m.offset, name: img.path });
    if (r < 0) {
      const why = r === -Errno.EEXIST ? "segment overlaps an existing mapping" : r === -Errno.EPERM ? "segment below mmap_min_addr" : "segment does not fit the address space";
      return new LoadError(r === -Errno.EPERM ? Errno.EPERM : Errno.ENOMEM, `${img.path}: ${why}`);
    }
    flags = MapFlag.FIXED;
  }
  return bias;
}

/**
 * Picks a non-fixed base for an image as elf_map does with total_size: where a mapping
 * of the whole image would land (top-down), aligned down to p_align when `alignImage`
 * and that exceeds the page (static PIE; interpreters are not aligned).
 */
function floatingBias(as: AddressSpace, img: ElfImage, alignImage: boolean): number | LoadError {
  const size = img.hi - img.lo;
  const base = as.mmap(0, size, Prot.NONE, MapFlag.PRIVATE | MapFlag.ANONYMOUS);
  if (base < 0) return new LoadError(Errno.ENOMEM, `${img.path}: no room for ${size} bytes`);
  as.munmap(base, size);
  const aligned = alignImage && img.align > as.pageSize ? base - (base % img.align) : base;
  return aligned - img.lo;
}

/** Loads the interpreter at a floating bias. */
function loadInterpreter(as: AddressSpace, opts: LoadOptions, name: string): { img: ElfImage; bias: number } | LoadError {
  const bytes = opts.readInterpreter(name);
  if (bytes instanceof LoadError) return bytes;
  const img = planElf(name, bytes);
  if (img instanceof LoadError) return img;
  const bias = img.dyn ? floatingBias(as, img, false) : 0;
  if (bias instanceof LoadError) return bias;
  const r = mapImage(as, img, bias, img.dyn ? MapFlag.FIXED : MapFlag.FIXED_NOREPLACE);
  if (r instanceof LoadError) return r;
  return { img, bias };
}

/** The auxv Linux gives a riscv64 program (ARCH_DLINFO first, without a vDSO; then the generic entries). */
export function riscvAuxv(a: { phdr: number; phnum: number; base: number; entry: number; ids: ProcessIds; hwcap: bigint; secure: boolean; pageSize: number }): AuxEntry[] {
  const n = (x: number): bigint => BigInt(x);
  return [
    [At.L1I_CACHESIZE, 0n], [At.L1I_CACHEGEOMETRY, 0n], [At.L1D_CACHESIZE, 0n], [At.L1D_CACHEGEOMETRY, 0n],
    [At.L2_CACHESIZE, 0n], [At.L2_CACHEGEOMETRY, 0n], [At.L3_CACHESIZE, 0n], [At.L3_CACHEGEOMETRY, 0n],
    [At.MINSIGSTKSZ, n(RISCV_MINSIGSTKSZ)],
    [At.HWCAP, a.hwcap], [At.PAGESZ, n(a.pageSize)], [At.CLKTCK, n(USER_HZ)],
    [At.PHDR, n(a.phdr)], [At.PHENT, 56n], [At.PHNUM, n(a.phnum)], [At.BASE, n(a.base)], [At.FLAGS, 0n], [At.ENTRY, n(a.entry)],
    [At.UID, n(a.ids.uid)], [At.EUID, n(a.ids.euid)], [At.GID, n(a.ids.gid)], [At.EGID, n(a.ids.egid)],
    [At.SECURE, a.secure ? 1n : 0n], [At.RANDOM, 0n], [At.EXECFN, 0n],
  ];
}

/**
 * Loads a program into `as` (a fresh address space) and builds its initial stack. Returns
 * a {@link LoadError} (with execve's errno and a one-line reason naming the file) for
 * anything Linux would refuse; never throws for bad files.
 */
export function loadProgram(as: AddressSpace, opts: LoadOptions): LoadedProgram | LoadError {
  const img = planElf(opts.path, opts.bytes);
  if (img instanceof LoadError) return img;
  // setup_arg_pages: the stack VMA at the top (its full rlimit: wasmu does not grow stacks on faults).
  const stackProt = Prot.READ | Prot.WRITE | (img.execStack ? Prot.EXEC : 0);
  const stackLow = as.pageDown(as.stackTop - as.stackLimit);
  if (as.mapFixedAnon(stackLow, as.stackTop, stackProt, "[stack]", true) < 0) return new LoadError(Errno.ENOMEM, `${opts.path}: no room for the stack`);

  let bias: number | LoadError = 0;
  let firstFlags: number = MapFlag.FIXED_NOREPLACE;
  if (img.dyn) {
    if (img.interpreter !== undefined) {
      const base = img.align > as.pageSize ? as.elfEtDynBase - (as.elfEtDynBase % img.align) : as.elfEtDynBase;
      bias = as.pageDown(base - img.lo);
    } else {
      bias = floatingBias(as, img, true);
      firstFlags = img.align > as.pageSize ? MapFlag.FIXED_NOREPLACE : MapFlag.FIXED;
    }
  }
  if (bias instanceof LoadError) return bias;
  const mapped = mapImage(as, img, bias, firstFlags);
  if (mapped instanceof LoadError) return mapped;

  let interpBase = 0;
  let pc = img.entry + bias;
  if (img.interpreter !== undefined) {
    const interp = loadInterpreter(as, opts, img.interpreter);
    if (interp instanceof LoadError) return interp;
    interpBase = interp.bias + interp.img.lo;
    pc = interp.img.entry + interp.bias;
  }
  as.initBrk(img.brk + bias);

  const ids = opts.ids ?? { uid: 0, euid: 0, gid: 0, egid: 0 };
  const auxv = riscvAuxv({
    phdr: img.phdr + bias, phnum: img.phnum, base: interpBase, entry: img.entry + bias, ids,
    hwcap: opts.hwcap ?? RV64IMAFDC_HWCAP, secure: opts.secure ?? false, pageSize: as.pageSize,
  });
  const random = opts.random ?? crypto.getRandomValues(new Uint8Array(16));
  const stack = buildInitialStack(as.stackTop, { argv: opts.argv, envp: opts.envp, execfn: opts.execfn ?? opts.path, random, auxv, stackLimit: as.stackLimit });
  if (stack instanceof LoadError) return new LoadError(stack.errno, `${opts.path}: ${stack.message}`);
  as.poke(stack.sp, stack.bytes);
  return {
    pc, sp: stack.sp, bias, entry: img.entry + bias, interpBase, interpreter: img.interpreter, phdr: img.phdr + bias,
    brk: as.brkValue, imageStart: img.lo + bias, imageEnd: img.hi + bias, stack,
  };
}
