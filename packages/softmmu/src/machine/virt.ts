/**
 * The virt machine's devices, wired as QEMU's hw/riscv/virt.c wires them: each mapped on
 * the MMIO bus at its memmap address and, where it interrupts, connected to its PLIC
 * source (UART 10, RTC 11, virtio slot i: 1+i). virtio devices fill the slots from the
 * highest (0x10008000) down, as `-device virtio-…-device` does under QEMU; the other
 * slots stay empty (DeviceID 0).
 *
 * What is not here yet: the vCPUs (the next step wires both tiers of @wasmu/tcg to this
 * bus, HartInterrupts and the boot plan) and the forwarding of MMIO from vCPU workers to
 * the thread that owns the devices (see docs/ARCHITECTURE.md, "softmmu").
 */
import { MmioBus } from "../bus.js";
import { Clint } from "../devices/clint.js";
import { GoldfishRtc } from "../devices/goldfish-rtc.js";
import { Plic } from "../devices/plic.js";
import { SifiveTest } from "../devices/sifive-test.js";
import { Uart16550 } from "../devices/uart16550.js";
import type { CharBackend, MonotonicClock, SystemControl, TimerService, WallClock } from "../host.js";
import { DmaMemory, type GuestRam } from "../virtio/guest-ram.js";
import { type VirtioDeviceModel, VirtioMmio } from "../virtio/mmio.js";
import { HartInterrupts } from "./hart-interrupts.js";
import {
  VIRT_CLINT, VIRT_PLIC, VIRT_PLIC_NUM_PRIO_BITS, VIRT_PLIC_NUM_SOURCES, VIRT_RTC, VIRT_RTC_IRQ, VIRT_TEST, VIRT_UART0, VIRT_UART0_IRQ,
  VIRT_UART_CLOCK_FREQ, VIRT_VIRTIO, VIRT_VIRTIO_COUNT, VIRT_VIRTIO_IRQ, virtioSlotBase,
} from "./virt-memmap.js";

export interface VirtHost {
  readonly clock: MonotonicClock;
  readonly wallClock: WallClock;
  readonly timers: TimerService;
  readonly console: CharBackend;
  readonly system: SystemControl;
}

export interface VirtDevicesConfig {
  readonly harts: number;
  readonly ram: GuestRam;
  /** virtio device models (-drive if=virtio, -device virtio-rng-device), at most 8. */
  readonly virtio?: readonly VirtioDeviceModel[];
  /** DMA write hook (code invalidation), see DmaMemory. */
  readonly onDmaWrite?: (addr: bigint, length: number) => void;
}

export interface VirtDevices {
  readonly bus: MmioBus;
  readonly interrupts: HartInterrupts;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly test: SifiveTest;
  /** The eight transports, slot 0 (0x10001000) first. */
  readonly virtio: readonly VirtioMmio[];
}

export function createVirtDevices(config: VirtDevicesConfig, host: VirtHost): VirtDevices {
  const models = config.virtio ?? [];
  if (models.length > VIRT_VIRTIO_COUNT) throw new RangeError(`at most ${VIRT_VIRTIO_COUNT} virtio devices, not ${models.length}`);
  const bus = new MmioBus();
  const interrupts = HartInterrupts.create(config.harts, host.clock);
  const clint = new Clint(interrupts);
  const plic = new Plic(interrupts, { numSources: VIRT_PLIC_NUM_SOURCES, maxPriority: (1 << VIRT_PLIC_NUM_PRIO_BITS) - 1 });
  const uart = new Uart16550({ irq: plic.line(VIRT_UART0_IRQ), backend: host.console, timers: host.timers, clockHz: VIRT_UART_CLOCK_FREQ });
  const rtc = new GoldfishRtc(plic.line(VIRT_RTC_IRQ), host.wallClock, host.timers);
  const test = new SifiveTest(host.system);
  const dma = new DmaMemory(config.ram, config.onDmaWrite);
  const virtio: VirtioMmio[] = [];
  for (let i = 0; i < VIRT_VIRTIO_COUNT; i++) {
    const model = models[VIRT_VIRTIO_COUNT - 1 - i];
    virtio.push(new VirtioMmio(model, plic.line(VIRT_VIRTIO_IRQ + i), dma));
  }
  bus.map(VIRT_TEST.base, VIRT_TEST.size, test);
  bus.map(VIRT_RTC.base, VIRT_RTC.size, rtc);
  bus.map(VIRT_CLINT.base, VIRT_CLINT.size, clint);
  bus.map(VIRT_PLIC.base, VIRT_PLIC.size, plic);
  bus.map(VIRT_UART0.base, VIRT_UART0.size, uart);
  virtio.forEach((v, i) => bus.map(virtioSlotBase(i), VIRT_VIRTIO.size, v));
  return { bus, interrupts, clint, plic, uart, rtc, test, virtio };
}
