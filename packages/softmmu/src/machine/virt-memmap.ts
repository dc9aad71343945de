/**
 * The physical memory map of QEMU's `-M virt` RISC-V machine (hw/riscv/virt.c,
 * `virt_memmap`), restricted to the regions wasmu emulates, and the interrupt numbers
 * of the devices on its PLIC. Firmware and kernels find devices through the device tree,
 * but OpenSBI's and Linux's early consoles and tests built for QEMU assume these values.
 */

export interface MemRegion {
  readonly base: bigint;
  readonly size: bigint;
}

export const VIRT_MROM: MemRegion = { base: 0x1000n, size: 0xf000n };
export const VIRT_TEST: MemRegion = { base: 0x100000n, size: 0x1000n };
export const VIRT_RTC: MemRegion = { base: 0x101000n, size: 0x1000n };
/** The CLINT: ACLINT MSWI (msip words) at +0, MTIMER (mtimecmp at +0x4000, mtime at +0xbff8). */
export const VIRT_CLINT: MemRegion = { base: 0x2000000n, size: 0x10000n };
/** Sized for QEMU's VIRT_CPUS_MAX (512) harts with an M and an S context each. */
export const VIRT_PLIC: MemRegion = { base: 0xc000000n, size: 0x600000n };
export const VIRT_UART0: MemRegion = { base: 0x10000000n, size: 0x100n };
/** The first of VIRT_VIRTIO_COUNT virtio-mmio transports, VIRT_VIRTIO.size apart. */
export const VIRT_VIRTIO: MemRegion = { base: 0x10001000n, size: 0x1000n };
export const VIRT_DRAM_BASE = 0x80000000n;

export const VIRT_VIRTIO_COUNT = 8;
/** PLIC source of virtio-mmio slot i is VIRT_VIRTIO_IRQ + i. */
export const VIRT_VIRTIO_IRQ = 1;
export const VIRT_UART0_IRQ = 10;
export const VIRT_RTC_IRQ = 11;
/** Interrupt sources of the PLIC, source 0 ("no interrupt") included (riscv,ndev). */
export const VIRT_PLIC_NUM_SOURCES = 96;
/** Priority bits of the PLIC: priorities 0 (never) to 7. */
export const VIRT_PLIC_NUM_PRIO_BITS = 3;
/** Harts the machine accepts (QEMU's VIRT_CPUS_MAX). */
export const VIRT_CPUS_MAX = 512;
/** The timebase of mtime, the `time` CSR and /cpus/timebase-frequency. */
export const VIRT_TIMEBASE_FREQ = 10_000_000;
/** The ns16550a's input clock as the device tree states it (hw/riscv/virt.c). */
export const VIRT_UART_CLOCK_FREQ = 3686400;
/** sifive_test: values written to offset 0 (low 16 bits; FAIL carries a code above). */
export const TEST_FAIL = 0x3333;
export const TEST_PASS = 0x5555;
export const TEST_RESET = 0x7777;

/** The base of virtio-mmio slot `i`. */
export function virtioSlotBase(i: number): bigint {
  return VIRT_VIRTIO.base + BigInt(i) * VIRT_VIRTIO.size;
}
