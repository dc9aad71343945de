/**
 * The virt machine as one object: guest RAM (a shared buffer, or one the embedder gives —
 * the vCPUs' WebAssembly.Memory), the ROM at 0x1000, the boot plan loaded into them, and
 * the devices on their bus. What the CPU wiring needs from it:
 *
 * - `region(pa)`: whether a physical address is RAM, ROM, MMIO or nothing (the soft TLB
 *   maps RAM read/write, ROM read/execute, and sends MMIO and misses to the slow path);
 * - `load64` / `cas64`: physical doubleword access for the page-table walk, the A/D
 *   update being an atomic compare-and-swap on the shared RAM (harts in other workers
 *   walk and update the same tables);
 * - `reset()`: the state after power-on or a sifive_test reset (images reloaded, ROM
 *   rewritten; device reset is the devices' own).
 */
import type { BootConfig, BootPlan } from "../boot/loader.js";
import { loadBoot, planBoot } from "../boot/loader.js";
import type { VirtioDeviceModel } from "../virtio/mmio.js";
import { type VirtDevices, type VirtHost, createVirtDevices } from "./virt.js";
import { VIRT_DRAM_BASE, VIRT_MROM } from "./virt-memmap.js";

export type PhysRegion = "ram" | "rom" | "mmio";

export interface VirtMachineConfig extends BootConfig {
  /** Guest RAM bytes (length = ramSize), e.g. a view of the vCPUs' shared WebAssembly.Memory; default: a new SharedArrayBuffer. */
  readonly ram?: Uint8Array;
  readonly virtio?: readonly VirtioDeviceModel[];
  readonly onDmaWrite?: (addr: bigint, length: number) => void;
}

export class VirtMachine {
  readonly ram: { readonly base: bigint; readonly bytes: Uint8Array };
  readonly rom: Uint8Array;
  readonly plan: BootPlan;
  readonly devices: VirtDevices;
  private readonly ram64: BigInt64Array | undefined;
  private readonly ramView: DataView;
  private readonly romView: DataView;

  private constructor(config: VirtMachineConfig, host: VirtHost) {
    const size = Number(config.ramSize);
    if (config.ram && config.ram.length !== size) throw new RangeError(`RAM view of ${config.ram.length} bytes for -m of ${size}`);
    const bytes = config.ram ?? new Uint8Array(new SharedArrayBuffer(size));
    this.ram = { base: VIRT_DRAM_BASE, bytes };
    this.rom = new Uint8Array(new SharedArrayBuffer(Number(VIRT_MROM.size)));
    this.plan = planBoot(config);
    this.ramView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.romView = new DataView(this.rom.buffer);
    this.ram64 = bytes.buffer instanceof SharedArrayBuffer && bytes.byteOffset % 8 === 0 ? new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 3) : undefined;
    this.devices = createVirtDevices(
      { harts: config.harts, ram: this.ram, ...(config.virtio ? { virtio: config.virtio } : {}), ...(config.onDmaWrite ? { onDmaWrite: config.onDmaWrite } : {}) },
      host,
    );
    loadBoot(this.plan, this.ram, this.rom);
  }

  /** Builds the machine and loads its boot images; BootError for bad images. */
  static create(config: VirtMachineConfig, host: VirtHost): VirtMachine {
    return new VirtMachine(config, host);
  }

  /** Power-on state of memory: RAM cleared, images and ROM loaded again. */
  reset(): void {
    this.ram.bytes.fill(0);
    this.rom.fill(0);
    loadBoot(this.plan, this.ram, this.rom);
  }

  region(pa: bigint): PhysRegion | undefined {
    if (pa >= this.ram.base && pa < this.ram.base + BigInt(this.ram.bytes.length)) return "ram";
    if (pa >= VIRT_MROM.base && pa < VIRT_MROM.base + VIRT_MROM.size) return "rom";
    return this.devices.bus.resolve(pa) ? "mmio" : undefined;
  }

  /** A naturally aligned doubleword of RAM or ROM; undefined elsewhere (an access fault). */
  load64(pa: bigint): bigint | undefined {
    if (pa % 8n !== 0n) return undefined;
    const r = this.region(pa);
    if (r === "ram") {
      const o = Number(pa - this.ram.base);
      return this.ram64 ? BigInt.asUintN(64, Atomics.load(this.ram64, o >> 3)) : this.ramView.getBigUint64(o, true);
    }
    if (r === "rom") return this.romView.getBigUint64(Number(pa - VIRT_MROM.base), true);
    return undefined;
  }

  /** Atomically replaces a RAM doubleword holding `expected` with `value`; false otherwise (ROM and MMIO included). */
  cas64(pa: bigint, expected: bigint, value: bigint): boolean {
    if (pa % 8n !== 0n || this.region(pa) !== "ram") return false;
    const o = Number(pa - this.ram.base);
    if (this.ram64) {
      const e = BigInt.asIntN(64, expected);
      return Atomics.compareExchange(this.ram64, o >> 3, e, BigInt.asIntN(64, value)) === e;
    }
    if (this.ramView.getBigUint64(o, true) !== BigInt.asUintN(64, expected)) return false;
    this.ramView.setBigUint64(o, BigInt.asUintN(64, value), true);
    return true;
  }
}
