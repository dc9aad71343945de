/**
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2), for one slot of the virt
 * machine: 32-bit registers from 0x000 to 0x0fc, the device's configuration space from
 * 0x100. An empty slot (no device model) answers MagicValue, Version and VendorID and
 * reads 0 elsewhere (DeviceID 0 tells the driver there is nothing), as QEMU's do.
 *
 * Feature negotiation: the device offers its own feature bits plus VIRTIO_F_VERSION_1
 * (required: this is not a legacy device) and VIRTIO_F_INDIRECT_DESC; FEATURES_OK stays
 * set only if the driver accepted a subset that includes VERSION_1. Writing 0 to Status
 * resets the device. A malformed request breaks the device (DEVICE_NEEDS_RESET and a
 * configuration-change interrupt) until the driver resets it.
 *
 * Requests are processed synchronously when the driver writes QueueNotify, under the
 * device lock; used buffers raise InterruptStatus bit 0 and the PLIC line.
 */
import { type AccessSize, type IrqLine, type MmioDevice, SIZES_ALL } from "../bus.js";
import { DmaError, type DmaMemory } from "./guest-ram.js";
import { SplitVirtqueue, VirtioError } from "./virtqueue.js";

export const VIRTIO_MMIO_MAGIC = 0x74726976; // "virt"
export const VIRTIO_MMIO_VENDOR = 0x554d4551; // "QEMU"

export const VIRTIO_MMIO_MAGIC_VALUE = 0x000;
export const VIRTIO_MMIO_VERSION = 0x004;
export const VIRTIO_MMIO_DEVICE_ID = 0x008;
export const VIRTIO_MMIO_VENDOR_ID = 0x00c;
export const VIRTIO_MMIO_DEVICE_FEATURES = 0x010;
export const VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014;
export const VIRTIO_MMIO_DRIVER_FEATURES = 0x020;
export const VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024;
export const VIRTIO_MMIO_QUEUE_SEL = 0x030;
export const VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034;
export const VIRTIO_MMIO_QUEUE_NUM = 0x038;
export const VIRTIO_MMIO_QUEUE_READY = 0x044;
export const VIRTIO_MMIO_QUEUE_NOTIFY = 0x050;
export const VIRTIO_MMIO_INTERRUPT_STATUS = 0x060;
export const VIRTIO_MMIO_INTERRUPT_ACK = 0x064;
export const VIRTIO_MMIO_STATUS = 0x070;
export const VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080;
export const VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084;
export const VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090;
export const VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094;
export const VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0;
export const VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4;
export const VIRTIO_MMIO_SHM_SEL = 0x0ac;
export const VIRTIO_MMIO_SHM_LEN_LOW = 0x0b0;
export const VIRTIO_MMIO_SHM_LEN_HIGH = 0x0b4;
export const VIRTIO_MMIO_SHM_BASE_LOW = 0x0b8;
export const VIRTIO_MMIO_SHM_BASE_HIGH = 0x0bc;
export const VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc;
export const VIRTIO_MMIO_CONFIG = 0x100;

export const VIRTIO_STATUS_ACKNOWLEDGE = 1;
export const VIRTIO_STATUS_DRIVER = 2;
export const VIRTIO_STATUS_DRIVER_OK = 4;
export const VIRTIO_STATUS_FEATURES_OK = 8;
export const VIRTIO_STATUS_DEVICE_NEEDS_RESET = 0x40;
export const VIRTIO_STATUS_FAILED = 0x80;

export const VIRTIO_F_INDIRECT_DESC = 1n << 28n;
export const VIRTIO_F_VERSION_1 = 1n << 32n;

export const VIRTIO_INT_USED_BUFFER = 1;
export const VIRTIO_INT_CONFIG = 2;

/** A virtio device model (block, rng, …) behind the transport. */
export interface VirtioDeviceModel {
  readonly deviceId: number;
  /** Device-specific feature bits offered (the transport adds VERSION_1 and INDIRECT_DESC). */
  readonly features: bigint;
  /** Maximum size of each queue (QueueNumMax). */
  readonly queueSizes: readonly number[];
  /** The configuration space, little-endian. */
  readConfig(offset: number, size: AccessSize): bigint;
  writeConfig(offset: number, size: AccessSize, value: bigint): void;
  /** Processes what the driver made available on queue `index`. */
  process(index: number, queue: SplitVirtqueue, mem: DmaMemory): void;
  /** The driver reset the device. */
  reset(): void;
}

const U32 = 0xffff_ffffn;

export class VirtioMmio implements MmioDevice {
  readonly name: string;
  readonly accessSizes = SIZES_ALL;
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures = 0n;
  private queueSel = 0;
  private interruptStatus = 0;
  private readonly queues: SplitVirtqueue[];
  /** Why the device broke (after a malformed request), until reset. */
  brokenReason: string | undefined;

  constructor(
    private readonly model: VirtioDeviceModel | undefined,
    private readonly irq: IrqLine,
    private readonly mem: DmaMemory,
  ) {
    this.name = model ? `virtio-mmio (device ${model.deviceId})` : "virtio-mmio (empty)";
    this.queues = (model?.queueSizes ?? []).map((n) => new SplitVirtqueue(n));
  }

  get deviceFeatures(): bigint {
    return this.model ? this.model.features | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC : 0n;
  }

  /** The features the driver accepted (valid once FEATURES_OK is set). */
  get negotiated(): bigint {
    return this.driverFeatures;
  }

  private updateIrq(): void {
    this.irq.set(this.interruptStatus !== 0);
  }

  private reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    this.driverFeatures = 0n;
    this.interruptStatus = 0;
    this.brokenReason = undefined;
    for (const q of this.queues) q.reset();
    this.model?.reset();
    this.updateIrq();
  }

  private get queue(): SplitVirtqueue | undefined {
    return this.queues[this.queueSel];
  }

  read(offset: number, size: AccessSize): bigint {
    if (offset >= VIRTIO_MMIO_CONFIG) return this.model ? this.model.readConfig(offset - VIRTIO_MMIO_CONFIG, size) : 0n;
    if (size !== 4) return 0n; // registers are 32-bit (QEMU logs other widths as guest errors)
    if (!this.model) {
      if (offset === VIRTIO_MMIO_MAGIC_VALUE) return BigInt(VIRTIO_MMIO_MAGIC);
      if (offset === VIRTIO_MMIO_VERSION) return 2n;
      if (offset === VIRTIO_MMIO_VENDOR_ID) return BigInt(VIRTIO_MMIO_VENDOR);
      return 0n;
    }
    const q = this.queue;
    switch (offset) {
      case VIRTIO_MMIO_MAGIC_VALUE:
        return BigInt(VIRTIO_MMIO_MAGIC);
      case VIRTIO_MMIO_VERSION:
        return 2n;
      case VIRTIO_MMIO_DEVICE_ID:
        return BigInt(this.model.deviceId);
      case VIRTIO_MMIO_VENDOR_ID:
        return BigInt(VIRTIO_MMIO_VENDOR);
      case VIRTIO_MMIO_DEVICE_FEATURES:
        return this.deviceFeaturesSel > 1 ? 0n : (this.deviceFeatures >> BigInt(32 * this.deviceFeaturesSel)) & U32;
      case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return BigInt(q?.maxSize ?? 0);
      case VIRTIO_MMIO_QUEUE_READY:
        return q?.ready ? 1n : 0n;
      case VIRTIO_MMIO_INTERRUPT_STATUS:
        return BigInt(this.interruptStatus);
      case VIRTIO_MMIO_STATUS:
        return BigInt(this.status);
      case VIRTIO_MMIO_QUEUE_DESC_LOW:
        return (q?.descAddr ?? 0n) & U32;
      case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        return (q?.descAddr ?? 0n) >> 32n;
      case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        return (q?.availAddr ?? 0n) & U32;
      case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        return (q?.availAddr ?? 0n) >> 32n;
      case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        return (q?.usedAddr ?? 0n) & U32;
      case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return (q?.usedAddr ?? 0n) >> 32n;
      case VIRTIO_MMIO_SHM_LEN_LOW:
      case VIRTIO_MMIO_SHM_LEN_HIGH:
        return U32; // no shared-memory regions: length ~0
      case VIRTIO_MMIO_CONFIG_GENERATION:
        return 0n;
      default:
        return 0n;
    }
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (offset >= VIRTIO_MMIO_CONFIG) {
      this.model?.writeConfig(offset - VIRTIO_MMIO_CONFIG, size, value);
      return;
    }
    if (size !== 4 || !this.model) return;
    const v = Number(value & U32);
    const q = this.queue;
    const setHalf = (old: bigint, high: boolean) => (high ? (old & U32) | (BigInt(v) << 32n) : (old & ~U32) | BigInt(v));
    // Queue registers may change only while the queue is not ready (4.2.2.1 / 4.2.3.2).
    const queueWritable = q !== undefined && !q.ready;
    switch (offset) {
      case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        this.deviceFeaturesSel = v;
        return;
      case VIRTIO_MMIO_DRIVER_FEATURES:
        if ((this.status & VIRTIO_STATUS_FEATURES_OK) !== 0 || this.driverFeaturesSel > 1) return;
        {
          const shift = BigInt(32 * this.driverFeaturesSel);
          this.driverFeatures = (this.driverFeatures & ~(U32 << shift)) | (BigInt(v) << shift);
        }
        return;
      case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        this.driverFeaturesSel = v;
        return;
      case VIRTIO_MMIO_QUEUE_SEL:
        this.queueSel = v;
        return;
      case VIRTIO_MMIO_QUEUE_NUM:
        if (queueWritable) q.num = v;
        return;
      case VIRTIO_MMIO_QUEUE_READY:
        if (!q) return;
        if (v === 0) {
          q.ready = false;
        } else if (!q.ready) {
          if (q.num === 0 || q.num > q.maxSize || (q.num & (q.num - 1)) !== 0) {
            this.fail(`queue ${this.queueSel} made ready with size ${q.num} (max ${q.maxSize})`);
            return;
          }
          q.ready = true;
        }
        return;
      case VIRTIO_MMIO_QUEUE_NOTIFY:
        this.notify(v & 0xffff);
        return;
      case VIRTIO_MMIO_INTERRUPT_ACK:
        this.interruptStatus &= ~v;
        this.updateIrq();
        return;
      case VIRTIO_MMIO_STATUS:
        if (v === 0) {
          this.reset();
          return;
        }
        if ((v & VIRTIO_STATUS_FEATURES_OK) !== 0 && (this.status & VIRTIO_STATUS_FEATURES_OK) === 0) {
          const ok = (this.driverFeatures & ~this.deviceFeatures) === 0n && (this.driverFeatures & VIRTIO_F_VERSION_1) !== 0n;
          this.status = ok ? v : v & ~VIRTIO_STATUS_FEATURES_OK;
          return;
        }
        this.status = v | (this.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
        return;
      case VIRTIO_MMIO_QUEUE_DESC_LOW:
      case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        if (queueWritable) q.descAddr = setHalf(q.descAddr, offset === VIRTIO_MMIO_QUEUE_DESC_HIGH);
        return;
      case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
      case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        if (queueWritable) q.availAddr = setHalf(q.availAddr, offset === VIRTIO_MMIO_QUEUE_DRIVER_HIGH);
        return;
      case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
      case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (queueWritable) q.usedAddr = setHalf(q.usedAddr, offset === VIRTIO_MMIO_QUEUE_DEVICE_HIGH);
        return;
      default:
    }
  }

  private notify(index: number): void {
    const q = this.queues[index];
    if (!q?.ready || (this.status & VIRTIO_STATUS_DRIVER_OK) === 0 || this.brokenReason !== undefined) return;
    try {
      const before = this.mem.u16At(q.usedAddr + 2n);
      this.model!.process(index, q, this.mem);
      if (this.mem.u16At(q.usedAddr + 2n) !== before && q.wantsInterrupt(this.mem)) {
        this.interruptStatus |= VIRTIO_INT_USED_BUFFER;
        this.updateIrq();
      }
    } catch (e) {
      if (e instanceof VirtioError || e instanceof DmaError) this.fail(e.message);
      else throw e;
    }
  }

  /** The device broke: DEVICE_NEEDS_RESET and a configuration-change interrupt (4.2.2.1). */
  private fail(reason: string): void {
    this.brokenReason = reason;
    this.status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    if ((this.status & VIRTIO_STATUS_DRIVER_OK) !== 0) {
      this.interruptStatus |= VIRTIO_INT_CONFIG;
      this.updateIrq();
    }
  }
}
