/**
 * The physical-address bus of the machine: RAM is not on it (both CPU tiers access guest
 * RAM directly through the soft TLB); MMIO devices are. A CPU's slow path, for an access
 * whose page is not RAM, calls `read`/`write` with the physical address and size; an
 * address no device claims, or a size the device does not accept, is an access fault
 * (QEMU's virt machine answers such accesses with a decode error, which the RISC-V CPU
 * turns into a load/store access fault).
 *
 * Device lock: device state is touched by one thread at a time, the thread holding the
 * device lock (the role of QEMU's BQL). Devices never take it themselves; the caller of
 * `read`/`write` (and of a device's host-side entry points such as UART input) holds it.
 * Translation never takes it. See docs/ARCHITECTURE.md, "softmmu".
 */

export type AccessSize = 1 | 2 | 4 | 8;

/** A device's MMIO interface: offsets are relative to where it is mapped. */
export interface MmioDevice {
  readonly name: string;
  /** Bit mask of accepted access sizes (bit n: 2^n bytes), e.g. SIZES_4 for 32-bit only. */
  readonly accessSizes: number;
  /** Reads `size` bytes at `offset`, zero-extended. */
  read(offset: number, size: AccessSize): bigint;
  /** Writes the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: AccessSize, value: bigint): void;
}

export const SIZE_1 = 1 << 0;
export const SIZE_2 = 1 << 1;
export const SIZE_4 = 1 << 2;
export const SIZE_8 = 1 << 3;
export const SIZES_ALL = SIZE_1 | SIZE_2 | SIZE_4 | SIZE_8;

interface Mapping {
  readonly base: bigint;
  readonly end: bigint; // exclusive
  readonly device: MmioDevice;
}

/** The result of a bus access: the value read, or why it faulted. */
export type BusRead = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly fault: BusFault };
export type BusFault = "unmapped" | "size" | "misaligned";

export class BusError extends Error {
  override name = "BusError";
}

export class MmioBus {
  private readonly maps: Mapping[] = [];

  /** Maps `device` at [base, base+size). Overlaps are an error. */
  map(base: bigint, size: bigint, device: MmioDevice): void {
    if (size <= 0n) throw new BusError(`${device.name}: empty mapping`);
    const end = base + size;
    for (const m of this.maps) {
      if (base < m.end && m.base < end) throw new BusError(`${device.name} at 0x${base.toString(16)} overlaps ${m.device.name} at 0x${m.base.toString(16)}`);
    }
    this.maps.push({ base, end, device });
    this.maps.sort((a, b) => (a.base < b.base ? -1 : 1));
  }

  /** The device and offset at a physical address. */
  resolve(addr: bigint): { device: MmioDevice; offset: number } | undefined {
    let lo = 0;
    let hi = this.maps.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.maps[mid]!;
      if (addr < m.base) hi = mid - 1;
      else if (addr >= m.end) lo = mid + 1;
      else return { device: m.device, offset: Number(addr - m.base) };
    }
    return undefined;
  }

  private check(addr: bigint, size: AccessSize): { device: MmioDevice; offset: number } | BusFault {
    const r = this.resolve(addr);
    if (!r || this.resolve(addr + BigInt(size) - 1n)?.device !== r.device) return "unmapped";
    if ((r.device.accessSizes & size) === 0) return "size";
    if (addr % BigInt(size) !== 0n) return "misaligned";
    return r;
  }

  read(addr: bigint, size: AccessSize): BusRead {
    const r = this.check(addr, size);
    if (typeof r === "string") return { ok: false, fault: r };
    return { ok: true, value: r.device.read(r.offset, size) & sizeMask(size) };
  }

  /** Writes; returns the fault, or undefined when the device took the write. */
  write(addr: bigint, size: AccessSize, value: bigint): BusFault | undefined {
    const r = this.check(addr, size);
    if (typeof r === "string") return r;
    r.device.write(r.offset, size, value & sizeMask(size));
    return undefined;
  }

  /** The mappings, lowest address first (for `info mtree`-like listings and tests). */
  get mappings(): readonly { base: bigint; size: bigint; name: string }[] {
    return this.maps.map((m) => ({ base: m.base, size: m.end - m.base, name: m.device.name }));
  }
}

export function sizeMask(size: AccessSize): bigint {
  return size === 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(size * 8)) - 1n;
}

/** An interrupt line into an interrupt controller (level-sensitive). */
export interface IrqLine {
  set(level: boolean): void;
}

/**
 * Reads a register of `width` bytes (4 or 8) at a possibly narrower access: the bytes
 * `[offset, offset+size)` of the little-endian register whose first byte is at `regOffset`.
 */
export function extractBytes(reg: bigint, regOffset: number, offset: number, size: AccessSize): bigint {
  return (reg >> BigInt((offset - regOffset) * 8)) & sizeMask(size);
}

/** Deposits `size` bytes of `value` into `reg` at byte `offset - regOffset`. */
export function depositBytes(reg: bigint, regOffset: number, offset: number, size: AccessSize, value: bigint): bigint {
  const shift = BigInt((offset - regOffset) * 8);
  const mask = sizeMask(size) << shift;
  return (reg & ~mask) | ((value << shift) & mask);
}
