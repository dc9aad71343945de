/**
 * MMIO from vCPU workers to the device thread: the device lock of this design (the BQL's
 * role) is "running on the device thread", which owns every device object and the host
 * backends. A hart's slow path that hits a device calls `MmioClient.read/write`, which
 * posts the access into the hart's slot in shared memory, rings the device thread's
 * doorbell and sleeps (Atomics.wait) until the answer is there; `MmioServer`, on the device
 * thread, waits asynchronously on the doorbell (Atomics.waitAsync, so the thread's event
 * loop keeps serving the terminal, timers and disks), performs each posted access on the
 * MmioBus and wakes the hart. Accesses of one hart are served in program order; those of
 * different harts in doorbell order, one at a time.
 *
 * Slot layout (Int32 words per hart): state (IDLE / POSTED / DONE), op (size | WRITE),
 * address lo/hi, value lo/hi, result (0 or a fault code). Only the hart writes a slot
 * while it is IDLE or DONE, only the server while it is POSTED (the state word hands it
 * over with Atomics.store/notify, which also orders the other words).
 */
import type { AccessSize, BusFault, BusRead, MmioBus } from "../bus.js";

const SLOT_WORDS = 8;
const DOORBELL = 0; // word 0: bumped by harts; slots follow
const STATE = 0;
const OP = 1;
const ADDR_LO = 2;
const ADDR_HI = 3;
const VAL_LO = 4;
const VAL_HI = 5;
const RESULT = 6;

const IDLE = 0;
const POSTED = 1;
const DONE = 2;
const OP_WRITE = 0x100;
const FAULTS: readonly BusFault[] = ["unmapped", "size", "misaligned"];

/** The shared part of a channel (structured-clonable into workers). */
export interface MmioChannelShared {
  readonly harts: number;
  readonly buffer: SharedArrayBuffer;
}

export function createMmioChannel(harts: number): MmioChannelShared {
  return { harts, buffer: new SharedArrayBuffer((1 + harts * SLOT_WORDS) * 4) };
}

/** A hart's side: synchronous accesses (blocks its worker until the device thread answers). */
export class MmioClient {
  private readonly w: Int32Array;
  private readonly base: number;

  constructor(shared: MmioChannelShared, hart: number) {
    if (!(hart >= 0 && hart < shared.harts)) throw new RangeError(`no hart ${hart}`);
    this.w = new Int32Array(shared.buffer);
    this.base = 1 + hart * SLOT_WORDS;
  }

  private call(addr: bigint, size: AccessSize, write: boolean, value: bigint): BusRead {
    const w = this.w;
    const b = this.base;
    w[b + OP] = size | (write ? OP_WRITE : 0);
    w[b + ADDR_LO] = Number(addr & 0xffff_ffffn) | 0;
    w[b + ADDR_HI] = Number(addr >> 32n) | 0;
    w[b + VAL_LO] = Number(value & 0xffff_ffffn) | 0;
    w[b + VAL_HI] = Number((value >> 32n) & 0xffff_ffffn) | 0;
    Atomics.store(w, b + STATE, POSTED);
    Atomics.add(w, DOORBELL, 1);
    Atomics.notify(w, DOORBELL);
    while (Atomics.load(w, b + STATE) === POSTED) Atomics.wait(w, b + STATE, POSTED);
    const result = w[b + RESULT]!;
    const v = (BigInt(w[b + VAL_HI]! >>> 0) << 32n) | BigInt(w[b + VAL_LO]! >>> 0);
    Atomics.store(w, b + STATE, IDLE);
    return result === 0 ? { ok: true, value: v } : { ok: false, fault: FAULTS[result - 1]! };
  }

  read(addr: bigint, size: AccessSize): BusRead {
    return this.call(addr, size, false, 0n);
  }

  /** Returns the fault, or undefined when the device took the write. */
  write(addr: bigint, size: AccessSize, value: bigint): BusFault | undefined {
    const r = this.call(addr, size, true, value);
    return r.ok ? undefined : r.fault;
  }
}

interface AtomicsWaitAsync {
  waitAsync(typedArray: Int32Array, index: number, value: number, timeout?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** The device thread's side: serves every hart's accesses on `bus` until stopped. */
export class MmioServer {
  private readonly w: Int32Array;
  private running = false;
  /** Accesses served so far. */
  served = 0;

  constructor(
    private readonly shared: MmioChannelShared,
    private readonly bus: MmioBus,
  ) {
    this.w = new Int32Array(shared.buffer);
  }

  /** Serves what is posted now; returns how many accesses it performed. */
  poll(): number {
    let n = 0;
    for (let h = 0; h < this.shared.harts; h++) {
      const b = 1 + h * SLOT_WORDS;
      if (Atomics.load(this.w, b + STATE) !== POSTED) continue;
      const op = this.w[b + OP]!;
      const size = (op & 0xff) as AccessSize;
      const addr = (BigInt(this.w[b + ADDR_HI]! >>> 0) << 32n) | BigInt(this.w[b + ADDR_LO]! >>> 0);
      let result = 0;
      let value = 0n;
      if ((op & OP_WRITE) !== 0) {
        const v = (BigInt(this.w[b + VAL_HI]! >>> 0) << 32n) | BigInt(this.w[b + VAL_LO]! >>> 0);
        const f = this.bus.write(addr, size, v);
        if (f) result = FAULTS.indexOf(f) + 1;
      } else {
        const r = this.bus.read(addr, size);
        if (r.ok) value = r.value;
        else result = FAULTS.indexOf(r.fault) + 1;
      }
      this.w[b + VAL_LO] = Number(value & 0xffff_ffffn) | 0;
      this.w[b + VAL_HI] = Number(value >> 32n) | 0;
      this.w[b + RESULT] = result;
      Atomics.store(this.w, b + STATE, DONE);
      Atomics.notify(this.w, b + STATE);
      n++;
    }
    this.served += n;
    return n;
  }

  /** Serves accesses as they come, without blocking this thread's event loop, until stop(). */
  async run(): Promise<void> {
    this.running = true;
    const atomics = Atomics as unknown as AtomicsWaitAsync;
    while (this.running) {
      const seen = Atomics.load(this.w, DOORBELL);
      this.poll();
      if (!this.running) break;
      const r = atomics.waitAsync(this.w, DOORBELL, seen);
      if (r.async) await r.value;
    }
  }

  /** Ends run() (it returns after its current wait). */
  stop(): void {
    this.running = false;
    Atomics.add(this.w, DOORBELL, 1);
    Atomics.notify(this.w, DOORBELL);
  }
}
