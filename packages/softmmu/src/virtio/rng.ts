/**
 * virtio-rng (virtio 1.2, 5.4): one request queue whose device-writable buffers the
 * device fills with bytes from the host's entropy source.
 */
import type { EntropySource } from "../host.js";
import type { DmaMemory } from "./guest-ram.js";
import type { VirtioDeviceModel } from "./mmio.js";
import { type SplitVirtqueue, scatter } from "./virtqueue.js";

export const VIRTIO_ID_RNG = 4;
/** Bytes filled per request at most (a larger buffer gets this much, as QEMU caps it too). */
const MAX_PER_REQUEST = 65536;

export class VirtioRng implements VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_RNG;
  readonly features = 0n;
  readonly queueSizes = [8];

  constructor(private readonly entropy: EntropySource) {}

  readConfig(): bigint {
    return 0n;
  }

  writeConfig(): void {}

  reset(): void {}

  process(_index: number, q: SplitVirtqueue, mem: DmaMemory): void {
    for (let chain = q.pop(mem); chain; chain = q.pop(mem)) {
      const want = Math.min(chain.writable.reduce((n, s) => n + s.len, 0), MAX_PER_REQUEST);
      const bytes = new Uint8Array(want);
      // crypto.getRandomValues fills at most 65536 bytes per call
      this.entropy.fill(bytes);
      q.push(mem, chain.head, scatter(mem, chain.writable, bytes));
    }
  }
}
