/**
 * What a kernel (or firmware) file is: a RISC-V ELF, a RISC-V Linux `Image` (the header of
 * Documentation/arch/riscv/boot-image-header.rst, magic2 "RSC\x05" at 56), or a raw
 * binary loaded as is (QEMU loads any file it cannot identify as a flat image). Formats
 * recognisably made for another machine — an ELF for another architecture, an arm64 or
 * x86 Linux image, a PE for another machine, a compressed file — are refused with a
 * one-line BootError.
 */
import { EM_RISCV, type ElfFile, readElf } from "@wasmu/isa/elf";

export class BootError extends Error {
  override name = "BootError";
}

export interface RiscvImageHeader {
  /** Load offset from the start of RAM the kernel asks for (0x200000 on RV64). */
  readonly textOffset: bigint;
  /** Bytes the kernel occupies once loaded, bss included (0: unknown). */
  readonly imageSize: bigint;
  readonly flags: bigint;
  readonly version: { readonly major: number; readonly minor: number };
}

export type KernelFormat =
  | { readonly kind: "elf"; readonly elf: ElfFile }
  | { readonly kind: "linux-image"; readonly header: RiscvImageHeader }
  | { readonly kind: "raw" };

const RISCV_IMAGE_MAGIC = 0x52_49_53_43_56n; // "RISCV" (deprecated field at 48)
const RISCV_IMAGE_MAGIC2 = 0x05_43_53_52; // "RSC\x05" at 56
const ARM64_IMAGE_MAGIC = 0x64_4d_52_41; // "ARM\x64" at 56
const EM_NAMES: Record<number, string> = { 3: "x86", 8: "MIPS", 20: "PowerPC", 21: "PowerPC64", 22: "s390", 40: "ARM", 62: "x86-64", 183: "AArch64", 258: "LoongArch" };
const PE_MACHINES: Record<number, string> = { 0x14c: "x86", 0x8664: "x86-64", 0x1c0: "ARM", 0x1c4: "ARM", 0xaa64: "AArch64" };

/** The RISC-V Linux Image header of `bytes`, if it has one. */
export function parseRiscvImageHeader(bytes: Uint8Array): RiscvImageHeader | undefined {
  if (bytes.length < 64) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic2 = dv.getUint32(56, true);
  const magic = dv.getBigUint64(48, true);
  if (magic2 !== RISCV_IMAGE_MAGIC2 && magic !== RISCV_IMAGE_MAGIC) return undefined;
  const version = dv.getUint32(32, true);
  return {
    textOffset: dv.getBigUint64(8, true),
    imageSize: dv.getBigUint64(16, true),
    flags: dv.getBigUint64(24, true),
    version: { major: version >>> 16, minor: version & 0xffff },
  };
}

/** Identifies `bytes` (a file given as `what`, e.g. "kernel"); throws BootError for a foreign format. */
export function identifyKernel(bytes: Uint8Array, what: string): KernelFormat {
  if (bytes.length === 0) throw new BootError(`${what} is empty`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    if (bytes.length >= 20 && bytes[4] === 2 && bytes[5] === 1) {
      const machine = dv.getUint16(18, true);
      if (machine !== EM_RISCV) throw new BootError(`${what} is an ELF file for ${EM_NAMES[machine] ?? `machine ${machine}`}, not RISC-V`);
    } else if (bytes.length >= 20) {
      throw new BootError(`${what} is a 32-bit or big-endian ELF file, not RV64`);
    }
    const r = readElf(bytes);
    if (!r.ok) throw new BootError(`${what}: ${r.error}`);
    return { kind: "elf", elf: r.elf };
  }
  const header = parseRiscvImageHeader(bytes);
  if (header) {
    if ((header.flags & 1n) !== 0n) throw new BootError(`${what} is a big-endian RISC-V image`);
    return { kind: "linux-image", header };
  }
  if (bytes.length >= 64 && dv.getUint32(56, true) === ARM64_IMAGE_MAGIC) throw new BootError(`${what} is an arm64 Linux image, not RISC-V`);
  if (bytes.length >= 0x206 && dv.getUint32(0x202, true) === 0x53726448) throw new BootError(`${what} is an x86 Linux bzImage, not RISC-V`);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) throw new BootError(`${what} is gzip-compressed: give the uncompressed image`);
  if (bytes.length >= 0x40 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = dv.getUint32(0x3c, true);
    if (pe + 6 <= bytes.length && dv.getUint32(pe, true) === 0x00004550) {
      const machine = dv.getUint16(pe + 4, true);
      if (machine !== 0x5064) throw new BootError(`${what} is a PE image for ${PE_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`}, not RISC-V`);
    }
  }
  return { kind: "raw" };
}
