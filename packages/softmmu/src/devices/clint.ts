/**
 * The CLINT of the virt machine: an ACLINT MSWI (one msip word per hart at +0) and an
 * ACLINT MTIMER (mtimecmp per hart at +0x4000, mtime at +0xbff8), as QEMU's
 * hw/intc/riscv_aclint.c maps them for `sifive,clint0`. All of its state lives in
 * HartInterrupts' shared memory, so every thread may serve its MMIO (no device lock:
 * OpenSBI's IPIs and timer writes from any hart go straight to the target hart's words).
 *
 * msip: 32-bit registers, bit 0 only (the rest reads 0). mtimecmp and mtime: 64-bit
 * registers, accessed whole or in 32-bit halves. Registers of harts the machine lacks,
 * and the gaps, read 0 and ignore writes (QEMU logs them as guest errors).
 */
import { type AccessSize, type MmioDevice, SIZE_4, SIZE_8, depositBytes, extractBytes } from "../bus.js";
import { type HartInterrupts, MIP_MSIP } from "../machine/hart-interrupts.js";

export const CLINT_MSIP = 0x0000;
export const CLINT_MTIMECMP = 0x4000;
export const CLINT_MTIME = 0xbff8;
export const CLINT_SIZE = 0x10000;

export class Clint implements MmioDevice {
  readonly name = "clint";
  readonly accessSizes = SIZE_4 | SIZE_8;

  constructor(private readonly irq: HartInterrupts) {}

  read(offset: number, size: AccessSize): bigint {
    const harts = this.irq.harts;
    if (offset < CLINT_MTIMECMP) {
      const hart = offset >> 2;
      if (size !== 4 || hart >= harts) return 0n;
      return (this.irq.lines(hart) & MIP_MSIP) !== 0 ? 1n : 0n;
    }
    if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) return extractBytes(this.irq.mtime(), CLINT_MTIME, offset, size);
    const hart = (offset - CLINT_MTIMECMP) >> 3;
    if (hart >= harts) return 0n;
    return extractBytes(this.irq.mtimecmp(hart), CLINT_MTIMECMP + hart * 8, offset, size);
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    const harts = this.irq.harts;
    if (offset < CLINT_MTIMECMP) {
      const hart = offset >> 2;
      if (size === 4 && hart < harts) this.irq.setLines(hart, MIP_MSIP, (value & 1n) !== 0n);
      return;
    }
    if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
      this.irq.setMtime(depositBytes(this.irq.mtime(), CLINT_MTIME, offset, size, value));
      return;
    }
    const hart = (offset - CLINT_MTIMECMP) >> 3;
    if (hart >= harts) return;
    const base = CLINT_MTIMECMP + hart * 8;
    this.irq.setMtimecmp(hart, depositBytes(this.irq.mtimecmp(hart), base, offset, size, value));
  }
}
