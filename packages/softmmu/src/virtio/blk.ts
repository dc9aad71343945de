/**
 * virtio-blk (virtio 1.2, 5.2) over a BlockStorage: one request queue; requests are a
 * 16-byte header {type, reserved, sector} (device-readable), data, and a status byte
 * (the last device-writable byte). IN reads sectors into the writable data, OUT writes the
 * readable data, FLUSH flushes, GET_ID returns the serial (20 bytes, NUL-padded); any
 * other type is UNSUPP. A request past the end of the disk, a write to a read-only disk,
 * or a failing storage operation completes with IOERR.
 *
 * Configuration space: capacity (512-byte sectors, u64) at 0, size_max at 8, seg_max at
 * 12, geometry at 16, blk_size (512) at 20. Offered features: SEG_MAX, BLK_SIZE, FLUSH,
 * and RO for a read-only disk.
 */
import { type AccessSize, extractBytes } from "../bus.js";
import type { BlockStorage } from "../host.js";
import type { DmaMemory } from "./guest-ram.js";
import type { VirtioDeviceModel } from "./mmio.js";
import { type SplitVirtqueue, VirtioError, gather, scatter } from "./virtqueue.js";

export const VIRTIO_ID_BLOCK = 2;
export const VIRTIO_BLK_F_SIZE_MAX = 1n << 1n;
export const VIRTIO_BLK_F_SEG_MAX = 1n << 2n;
export const VIRTIO_BLK_F_RO = 1n << 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 1n << 6n;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;

export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;

export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

const SECTOR = 512n;
const QUEUE_SIZE = 256;
const SEG_MAX = QUEUE_SIZE - 2;

export class VirtioBlk implements VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly features: bigint;
  readonly queueSizes = [QUEUE_SIZE];
  private readonly config = new Uint8Array(24);

  constructor(private readonly storage: BlockStorage) {
    this.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | (storage.readOnly ? VIRTIO_BLK_F_RO : 0n);
    const dv = new DataView(this.config.buffer);
    dv.setBigUint64(0, storage.size / SECTOR, true);
    dv.setUint32(12, SEG_MAX, true);
    dv.setUint32(20, Number(SECTOR), true);
  }

  readConfig(offset: number, size: AccessSize): bigint {
    if (offset + size > this.config.length) return 0n;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.config[offset + i]!);
    return extractBytes(v, offset, offset, size);
  }

  writeConfig(): void {
    // writeback and the other writable fields are not offered
  }

  reset(): void {}

  process(_index: number, q: SplitVirtqueue, mem: DmaMemory): void {
    for (let chain = q.pop(mem); chain; chain = q.pop(mem)) {
      const header = gather(mem, chain.readable);
      if (header.length < 16) throw new VirtioError(`virtio-blk request header of ${header.length} bytes`);
      const last = chain.writable.at(-1);
      if (!last || last.len < 1) throw new VirtioError("virtio-blk request without a status byte");
      const dataOut = chain.writable.slice(0, -1);
      const statusSeg = { addr: last.addr + BigInt(last.len - 1), len: 1 };
      if (last.len > 1) dataOut.push({ addr: last.addr, len: last.len - 1 });
      const hv = new DataView(header.buffer, header.byteOffset, 16);
      const type = hv.getUint32(0, true);
      const sector = hv.getBigUint64(8, true);
      let written = 0;
      let status = VIRTIO_BLK_S_OK;
      try {
        switch (type) {
          case VIRTIO_BLK_T_IN: {
            const len = dataOut.reduce((n, s) => n + s.len, 0);
            if (len % 512 !== 0 || !this.inRange(sector, len)) {
              status = VIRTIO_BLK_S_IOERR;
              break;
            }
            const buf = new Uint8Array(len);
            this.storage.read(sector * SECTOR, buf);
            written = scatter(mem, dataOut, buf);
            break;
          }
          case VIRTIO_BLK_T_OUT: {
            const data = header.subarray(16);
            if (this.storage.readOnly || data.length % 512 !== 0 || !this.inRange(sector, data.length)) {
              status = VIRTIO_BLK_S_IOERR;
              break;
            }
            this.storage.write(sector * SECTOR, data);
            break;
          }
          case VIRTIO_BLK_T_FLUSH:
            this.storage.flush();
            break;
          case VIRTIO_BLK_T_GET_ID: {
            const id = new Uint8Array(20);
            const serial = this.storage.serial ?? "";
            for (let i = 0; i < Math.min(serial.length, 20); i++) id[i] = serial.charCodeAt(i) & 0xff;
            written = scatter(mem, dataOut, id);
            break;
          }
          default:
            status = VIRTIO_BLK_S_UNSUPP;
        }
      } catch (e) {
        if (e instanceof VirtioError) throw e;
        status = VIRTIO_BLK_S_IOERR; // the storage failed
      }
      mem.write(statusSeg.addr, Uint8Array.of(status));
      q.push(mem, chain.head, written + 1);
    }
  }

  private inRange(sector: bigint, bytes: number): boolean {
    return sector * SECTOR + BigInt(bytes) <= this.storage.size;
  }
}
