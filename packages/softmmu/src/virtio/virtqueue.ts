/**
 * A split virtqueue (virtio 1.2, 2.7): the descriptor table (16 bytes per descriptor:
 * addr, len, flags, next), the driver's available ring (flags, idx, ring[num]) and the
 * device's used ring (flags, idx, ring[num] of {id, len}), all in guest RAM.
 *
 * `pop` takes the next available chain and splits it into device-readable and
 * device-writable segments (following NEXT links and one level of INDIRECT tables);
 * `push` returns a chain with the number of bytes written to it. A malformed chain (a
 * loop, an index out of range, a readable segment after a writable one, a nested indirect
 * table, memory outside RAM) throws VirtioError: the device is then broken until reset.
 */
import { DmaError, type DmaMemory } from "./guest-ram.js";

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;

export class VirtioError extends Error {
  override name = "VirtioError";
}

export interface Segment {
  readonly addr: bigint;
  readonly len: number;
}

export interface Chain {
  readonly head: number;
  readonly readable: readonly Segment[];
  readonly writable: readonly Segment[];
}

export class SplitVirtqueue {
  num = 0;
  ready = false;
  descAddr = 0n;
  availAddr = 0n;
  usedAddr = 0n;
  private lastAvail = 0;
  private usedIdx = 0;

  constructor(readonly maxSize: number) {}

  reset(): void {
    this.num = 0;
    this.ready = false;
    this.descAddr = this.availAddr = this.usedAddr = 0n;
    this.lastAvail = this.usedIdx = 0;
  }

  /** The next available chain, or undefined when the driver has made none available. */
  pop(mem: DmaMemory): Chain | undefined {
    try {
      const availIdx = mem.u16Acquire(this.availAddr + 2n);
      if (availIdx === this.lastAvail) return undefined;
      if (((availIdx - this.lastAvail) & 0xffff) > this.num) throw new VirtioError(`avail index ${availIdx} runs ${(availIdx - this.lastAvail) & 0xffff} ahead of a ${this.num}-entry queue`);
      const head = mem.u16At(this.availAddr + 4n + BigInt((this.lastAvail % this.num) * 2));
      this.lastAvail = (this.lastAvail + 1) & 0xffff;
      return this.walk(mem, head);
    } catch (e) {
      if (e instanceof DmaError) throw new VirtioError(e.message);
      throw e;
    }
  }

  private walk(mem: DmaMemory, head: number): Chain {
    const readable: Segment[] = [];
    const writable: Segment[] = [];
    let table = this.descAddr;
    let size = this.num;
    let i = head;
    let indirect = false;
    let steps = 0;
    for (;;) {
      if (i >= size) throw new VirtioError(`descriptor index ${i} out of range (${size})`);
      if (++steps > size) throw new VirtioError("descriptor chain loops");
      const d = table + BigInt(i * 16);
      const addr = mem.u64At(d);
      const len = mem.u32At(d + 8n);
      const flags = mem.u16At(d + 12n);
      const next = mem.u16At(d + 14n);
      if ((flags & VIRTQ_DESC_F_INDIRECT) !== 0) {
        if (indirect) throw new VirtioError("nested indirect descriptor table");
        if ((flags & VIRTQ_DESC_F_NEXT) !== 0) throw new VirtioError("indirect descriptor with NEXT set");
        if (len === 0 || len % 16 !== 0) throw new VirtioError(`indirect table of ${len} bytes`);
        indirect = true;
        table = addr;
        size = len / 16;
        i = 0;
        steps = 0;
        continue;
      }
      mem.offset(addr, len); // the buffer must lie in RAM
      if ((flags & VIRTQ_DESC_F_WRITE) !== 0) writable.push({ addr, len });
      else if (writable.length > 0) throw new VirtioError("device-readable descriptor after a device-writable one");
      else readable.push({ addr, len });
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) break;
      i = next;
    }
    return { head, readable, writable };
  }

  /** Returns chain `head` to the driver, `written` bytes having been written into it. */
  push(mem: DmaMemory, head: number, written: number): void {
    const slot = this.usedAddr + 4n + BigInt((this.usedIdx % this.num) * 8);
    mem.setU32(slot, head);
    mem.setU32(slot + 4n, written);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    mem.setU16Release(this.usedAddr + 2n, this.usedIdx);
  }

  /** Whether the driver wants an interrupt for used buffers (VIRTQ_AVAIL_F_NO_INTERRUPT clear). */
  wantsInterrupt(mem: DmaMemory): boolean {
    return (mem.u16At(this.availAddr) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }
}

/** Gathers the bytes of readable segments. */
export function gather(mem: DmaMemory, segs: readonly Segment[]): Uint8Array {
  const total = segs.reduce((n, s) => n + s.len, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const s of segs) {
    out.set(mem.read(s.addr, s.len), at);
    at += s.len;
  }
  return out;
}

/** Scatters `data` over writable segments; returns the bytes written. */
export function scatter(mem: DmaMemory, segs: readonly Segment[], data: Uint8Array): number {
  let at = 0;
  for (const s of segs) {
    if (at >= data.length) break;
    const n = Math.min(s.len, data.length - at);
    mem.write(s.addr, data.subarray(at, at + n));
    at += n;
  }
  return at;
}
