/**
 * Guest RAM as devices see it for DMA: the machine's RAM bytes (a view over the shared
 * buffer every vCPU maps) at their guest-physical base. Accesses outside RAM throw
 * DmaError (a virtio device then reports itself broken, as QEMU's virtio_error does).
 *
 * `onWrite` is the hook for code invalidation: a DMA write over guest pages that hold
 * translated code must invalidate those TBs as a CPU store would (the notdirty path);
 * the CPU wiring connects it.
 */

export interface GuestRam {
  readonly base: bigint;
  readonly bytes: Uint8Array;
}

export class DmaError extends Error {
  override name = "DmaError";
}

export class DmaMemory {
  private readonly dv: DataView;
  private readonly u16: Uint16Array | undefined;
  private readonly size: bigint;

  constructor(
    readonly ram: GuestRam,
    private readonly onWrite?: (addr: bigint, length: number) => void,
  ) {
    const b = ram.bytes;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.size = BigInt(b.byteLength);
    // Ring indices are published with an atomic store (a release for the guest's reader).
    this.u16 = b.byteOffset % 2 === 0 && b.buffer instanceof SharedArrayBuffer ? new Uint16Array(b.buffer, b.byteOffset, b.byteLength >> 1) : undefined;
  }

  /** Offset into RAM of [addr, addr+length), or a DmaError. */
  offset(addr: bigint, length: number): number {
    const off = addr - this.ram.base;
    if (off < 0n || length < 0 || off + BigInt(length) > this.size) {
      throw new DmaError(`DMA access of ${length} bytes at 0x${addr.toString(16)} is outside guest RAM`);
    }
    return Number(off);
  }

  read(addr: bigint, length: number): Uint8Array {
    const o = this.offset(addr, length);
    return this.ram.bytes.slice(o, o + length);
  }

  write(addr: bigint, data: Uint8Array): void {
    const o = this.offset(addr, data.length);
    this.ram.bytes.set(data, o);
    this.onWrite?.(addr, data.length);
  }

  u16At(addr: bigint): number {
    return this.dv.getUint16(this.offset(addr, 2), true);
  }

  u32At(addr: bigint): number {
    return this.dv.getUint32(this.offset(addr, 4), true);
  }

  u64At(addr: bigint): bigint {
    return this.dv.getBigUint64(this.offset(addr, 8), true);
  }

  /** A 16-bit load that sees the guest's stores ordered before it (the avail index). */
  u16Acquire(addr: bigint): number {
    const o = this.offset(addr, 2);
    if (this.u16 && o % 2 === 0) return Atomics.load(this.u16, o >> 1);
    return this.dv.getUint16(o, true);
  }

  setU16(addr: bigint, v: number): void {
    this.dv.setUint16(this.offset(addr, 2), v, true);
    this.onWrite?.(addr, 2);
  }

  setU32(addr: bigint, v: number): void {
    this.dv.setUint32(this.offset(addr, 4), v, true);
    this.onWrite?.(addr, 4);
  }

  /** A 16-bit store ordered after every earlier store (publishing the used index). */
  setU16Release(addr: bigint, v: number): void {
    const o = this.offset(addr, 2);
    if (this.u16 && o % 2 === 0) Atomics.store(this.u16, o >> 1, v);
    else this.dv.setUint16(o, v, true);
    this.onWrite?.(addr, 2);
  }
}
