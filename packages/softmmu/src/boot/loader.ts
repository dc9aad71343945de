/**
 * Where the virt machine puts its boot images, as QEMU 7.2's hw/riscv/boot.c and virt.c
 * do, so that `-bios fw_dynamic.bin -kernel Image -initrd RD -append ARGS` starts exactly
 * as under QEMU:
 *
 * - firmware (-bios): an ELF at its physical addresses, anything else raw at the start of
 *   RAM (0x80000000); `-bios none` loads nothing;
 * - kernel (-kernel): an ELF at its physical addresses, entered at its lowest load address
 *   (QEMU 7.2's choice); a Linux Image or raw file at the first 2 MiB boundary at or
 *   after the firmware's end (0x80200000 behind OpenSBI; 0x80000000 with `-bios none`);
 * - initrd (-initrd): at kernel entry + min(RAM/2, 128 MiB); its range goes into /chosen;
 * - device tree: at the highest 2 MiB boundary that leaves room for it below the end of
 *   RAM or 3 GiB, whichever is lower;
 * - the ROM at 0x1000: the reset vector (auipc t0; addi a2,t0,40; csrr a0,mhartid;
 *   ld a1,32(t0); ld t0,24(t0); jr t0; the jump target and the DTB address as dwords),
 *   then OpenSBI's struct fw_dynamic_info (magic "OSBI", version 2, next_addr = kernel
 *   entry, next_mode S, options 0, boot_hart 0) at 0x1028, which a2 points at.
 *
 * Every hart starts at 0x1000. Bad input — a foreign kernel format, images that do not fit
 * in RAM or overlap — is a BootError with a one-line message.
 */
import type { ElfFile } from "@wasmu/isa/elf";
import { Fdt, FdtError } from "../fdt/fdt.js";
import { buildVirtFdt, updateChosen } from "../machine/virt-fdt.js";
import { VIRT_DRAM_BASE, VIRT_MROM } from "../machine/virt-memmap.js";
import { BootError, identifyKernel } from "./image.js";

export const FW_DYNAMIC_INFO_MAGIC = 0x4942534fn; // "OSBI"
export const FW_DYNAMIC_INFO_VERSION = 2n;
export const FW_DYNAMIC_INFO_NEXT_MODE_S = 1n;
/** The reset vector's size: ten 32-bit words; fw_dynamic_info follows it. */
export const RESET_VECTOR_SIZE = 0x28;

const MiB = 1n << 20n;
const ALIGN_KERNEL = 2n * MiB;
const PTE_PT_LIMIT = 3072n * MiB;

export interface BootConfig {
  readonly harts: number;
  readonly ramSize: bigint;
  /** -bios file contents; undefined for `-bios none`. */
  readonly firmware?: Uint8Array;
  readonly kernel?: Uint8Array;
  readonly initrd?: Uint8Array;
  /** -append */
  readonly append?: string;
  /** -dtb file contents: used instead of the generated tree (its /chosen updated). */
  readonly dtb?: Uint8Array;
  /** /chosen/rng-seed of the generated tree. */
  readonly rngSeed?: Uint8Array;
}

/** Bytes to place at a guest-physical address. */
export interface BootRegion {
  readonly what: string;
  readonly addr: bigint;
  readonly bytes: Uint8Array;
  /** Bytes reserved from addr (>= bytes.length: bss of an ELF segment, a kernel's image_size). */
  readonly span: bigint;
}

export interface BootPlan {
  /** Everything to copy into RAM, in load order. */
  readonly regions: readonly BootRegion[];
  /** The ROM contents at VIRT_MROM.base: reset vector and fw_dynamic_info. */
  readonly rom: Uint8Array;
  /** Where every hart starts. */
  readonly resetPc: bigint;
  /** Where the reset vector jumps (the start of RAM). */
  readonly startAddr: bigint;
  /** The kernel's entry (fw_dynamic_info.next_addr), 0 without a kernel. */
  readonly kernelEntry: bigint;
  readonly fdtAddr: bigint;
  readonly fdt: Fdt;
  readonly initrd?: { readonly start: bigint; readonly end: bigint };
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

function alignUp(v: bigint, a: bigint): bigint {
  return (v + a - 1n) & ~(a - 1n);
}

function elfRegions(elf: ElfFile, what: string): { regions: BootRegion[]; low: bigint; high: bigint } {
  const regions: BootRegion[] = [];
  let low: bigint | undefined;
  let high = 0n;
  for (const seg of elf.segments) {
    if (seg.type !== 1 || seg.memsz === 0n) continue; // PT_LOAD
    regions.push({ what: `${what} segment`, addr: seg.paddr, bytes: elf.segmentData(seg), span: seg.memsz });
    if (low === undefined || seg.paddr < low) low = seg.paddr;
    if (seg.paddr + seg.memsz > high) high = seg.paddr + seg.memsz;
  }
  if (low === undefined) throw new BootError(`${what} ELF file has no loadable segment`);
  return { regions, low, high };
}

/** Plans the boot of the virt machine; throws BootError for bad input. */
export function planBoot(cfg: BootConfig): BootPlan {
  const ramBase = VIRT_DRAM_BASE;
  const ramEnd = ramBase + cfg.ramSize;
  const regions: BootRegion[] = [];
  const startAddr = ramBase;

  let firmwareEnd = ramBase;
  if (cfg.firmware) {
    const f = identifyKernel(cfg.firmware, "firmware");
    if (f.kind === "elf") {
      const r = elfRegions(f.elf, "firmware");
      regions.push(...r.regions);
      firmwareEnd = r.high;
    } else {
      regions.push({ what: "firmware", addr: ramBase, bytes: cfg.firmware, span: BigInt(cfg.firmware.length) });
      firmwareEnd = ramBase + BigInt(cfg.firmware.length);
    }
  }

  let kernelEntry = 0n;
  let initrd: { start: bigint; end: bigint } | undefined;
  if (cfg.kernel) {
    const k = identifyKernel(cfg.kernel, "kernel");
    if (k.kind === "elf") {
      const r = elfRegions(k.elf, "kernel");
      regions.push(...r.regions);
      kernelEntry = r.low;
    } else {
      const at = alignUp(firmwareEnd, ALIGN_KERNEL);
      const len = BigInt(cfg.kernel.length);
      const span = k.kind === "linux-image" && k.header.imageSize > len ? k.header.imageSize : len;
      regions.push({ what: "kernel", addr: at, bytes: cfg.kernel, span });
      kernelEntry = at;
    }
    if (cfg.initrd) {
      const start = kernelEntry + (cfg.ramSize / 2n < 128n * MiB ? cfg.ramSize / 2n : 128n * MiB);
      const end = start + BigInt(cfg.initrd.length);
      regions.push({ what: "initrd", addr: start, bytes: cfg.initrd, span: end - start });
      initrd = { start, end };
    }
  } else if (cfg.initrd) {
    throw new BootError("-initrd needs -kernel");
  } else if (cfg.append !== undefined) {
    throw new BootError("-append needs -kernel");
  }

  let fdt: Fdt;
  const chosen = { ...(cfg.append !== undefined ? { bootargs: cfg.append } : {}), ...(initrd ? { initrd } : {}) };
  if (cfg.dtb) {
    try {
      fdt = Fdt.parse(cfg.dtb);
    } catch (e) {
      if (e instanceof FdtError) throw new BootError(`dtb: ${e.message}`);
      throw e;
    }
    updateChosen(fdt, chosen);
  } else {
    fdt = buildVirtFdt({ harts: cfg.harts, ramSize: cfg.ramSize, ...chosen, ...(cfg.rngSeed ? { rngSeed: cfg.rngSeed } : {}) });
  }
  const blob = fdt.toBlob();
  const top = ramBase < PTE_PT_LIMIT ? (ramEnd < PTE_PT_LIMIT ? ramEnd : PTE_PT_LIMIT) : ramEnd;
  const fdtAddr = (top - BigInt(blob.length)) & ~(ALIGN_KERNEL - 1n);
  if (fdtAddr < ramBase) throw new BootError(`RAM of ${cfg.ramSize} bytes is too small for the ${blob.length}-byte device tree`);
  regions.push({ what: "device tree", addr: fdtAddr, bytes: blob, span: BigInt(blob.length) });

  // Every image inside RAM, none overlapping another.
  for (const r of regions) {
    if (r.addr < ramBase || r.addr + r.span > ramEnd) {
      throw new BootError(`${r.what} (${r.span} bytes at ${hex(r.addr)}) does not fit in RAM (${hex(ramBase)}-${hex(ramEnd - 1n)}): use more -m`);
    }
  }
  const sorted = [...regions].sort((a, b) => (a.addr < b.addr ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.addr + a.span > b.addr) throw new BootError(`${a.what} (${hex(a.addr)}-${hex(a.addr + a.span - 1n)}) overlaps ${b.what} at ${hex(b.addr)}: use more -m`);
  }

  return { regions, rom: resetRom(startAddr, fdtAddr, kernelEntry), resetPc: VIRT_MROM.base, startAddr, kernelEntry, fdtAddr, fdt, ...(initrd ? { initrd } : {}) };
}

/** The ROM QEMU's riscv_setup_rom_reset_vec writes for RV64: reset vector, fw_dynamic_info. */
export function resetRom(startAddr: bigint, fdtAddr: bigint, kernelEntry: bigint): Uint8Array {
  const rom = new Uint8Array(RESET_VECTOR_SIZE + 6 * 8);
  const dv = new DataView(rom.buffer);
  const code = [
    0x00000297, // 1: auipc t0, %pcrel_hi(fw_dyn)
    0x02828613, //    addi  a2, t0, %pcrel_lo(1b)
    0xf1402573, //    csrr  a0, mhartid
    0x0202b583, //    ld    a1, 32(t0)
    0x0182b283, //    ld    t0, 24(t0)
    0x00028067, //    jr    t0
  ];
  code.forEach((w, i) => dv.setUint32(i * 4, w, true));
  dv.setBigUint64(24, startAddr, true);
  dv.setBigUint64(32, fdtAddr, true);
  const info = [FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, kernelEntry, FW_DYNAMIC_INFO_NEXT_MODE_S, 0n, 0n];
  info.forEach((v, i) => dv.setBigUint64(RESET_VECTOR_SIZE + i * 8, v, true));
  return rom;
}

/** Copies a plan's images into RAM (bss spans zeroed) and its ROM into `rom` (at VIRT_MROM.base). */
export function loadBoot(plan: BootPlan, ram: { readonly base: bigint; readonly bytes: Uint8Array }, rom: Uint8Array): void {
  for (const r of plan.regions) {
    const o = Number(r.addr - ram.base);
    ram.bytes.set(r.bytes, o);
    if (r.span > BigInt(r.bytes.length)) ram.bytes.fill(0, o + r.bytes.length, o + Number(r.span));
  }
  if (rom.length < plan.rom.length) throw new BootError("ROM too small for the reset vector");
  rom.set(plan.rom, 0);
}
