/**
 * The virt machine's harts on @wasmu/tcg: the execution environment (one shared
 * WebAssembly.Memory whose guest memory is the machine's RAM followed by a copy of its
 * ROM, so both tiers reach both through the soft TLB and code in either can be
 * translated), and one hart's view of the bus: the CLINT served in the calling thread (its
 * state is HartInterrupts' shared memory), every other device through `remote` (an
 * MmioClient in a vCPU worker, the MmioBus itself when the hart runs on the device thread).
 */
import {
  type BusSize, CPU_STATE_BYTES, createExecShared, createRiscvSystemTarget, createSyncThread, type ExecShared, ExecWorker, exitRequestAddress,
  type HartPlatform, type ModuleRegistry, type PhysBus, type PhysLayout, RISCV_MMU_INDEXES, RiscvHart, type TierMode, Vcpu,
} from "@wasmu/tcg";
import { type BusFault, type BusRead, MmioBus } from "../bus.js";
import { Clint } from "../devices/clint.js";
import type { HartInterrupts } from "./hart-interrupts.js";
import { VIRT_CLINT, VIRT_DRAM_BASE, VIRT_MROM } from "./virt-memmap.js";

/** Execution parameters of the machine's harts. */
export interface VirtCpuConfig {
  readonly harts: number;
  readonly ramSize: bigint;
  readonly tier?: TierMode;
  readonly hotThreshold?: number;
  readonly tierBatch?: number;
  /** -accel tcg,tb-lock=on */
  readonly tbLock?: boolean;
}

/** Bytes of guest memory after RAM that hold the ROM's copy. */
const ROM_BYTES = Number(VIRT_MROM.size);

/** Where RAM and ROM are in the guest memory of an environment from {@link createVirtExec}. */
export function virtPhysLayout(ramSize: bigint): PhysLayout {
  return { ramBase: VIRT_DRAM_BASE, ramSize: Number(ramSize), romBase: VIRT_MROM.base, romSize: ROM_BYTES };
}

/** The harts' execution environment: soft TLBs with the RISC-V MMU indexes, guest memory = RAM + ROM. */
export function createVirtExec(c: VirtCpuConfig): ExecShared {
  if (c.ramSize % 4096n !== 0n) throw new RangeError("RAM size must be a multiple of 4 KiB");
  return createExecShared({
    ramBase: VIRT_DRAM_BASE,
    ramSize: Number(c.ramSize) + ROM_BYTES,
    stateSize: CPU_STATE_BYTES,
    vcpus: c.harts,
    softTlb: { mmuIndexes: RISCV_MMU_INDEXES },
    tier: c.tier ?? "auto",
    ...(c.hotThreshold !== undefined ? { hotThreshold: c.hotThreshold } : {}),
    ...(c.tierBatch !== undefined ? { tierBatch: c.tierBatch } : {}),
    ...(c.tbLock === true ? { tb: { tbLockMode: true } } : {}),
  });
}

/** The machine's RAM inside the environment's memory (give it to VirtMachine as `ram`). */
export function virtGuestRam(shared: ExecShared, ramSize: bigint): Uint8Array {
  return new Uint8Array(shared.memory.buffer, shared.layout.ramOffset, Number(ramSize));
}

/** Copies the machine's ROM (reset vector, fw_dynamic_info) into the environment's memory after RAM. */
export function copyVirtRom(shared: ExecShared, ramSize: bigint, rom: Uint8Array): void {
  new Uint8Array(shared.memory.buffer, shared.layout.ramOffset + Number(ramSize), ROM_BYTES).set(rom.subarray(0, ROM_BYTES));
}

/** The exit_request word addresses of every hart (for HartInterrupts.setExitRequests). */
export function virtExitRequests(shared: ExecShared): number[] {
  return Array.from({ length: shared.params.vcpus }, (_, v) => exitRequestAddress(shared, v));
}

/** The devices other than the CLINT, as a hart reaches them. */
export interface RemoteBus {
  read(addr: bigint, size: BusSize): BusRead;
  write(addr: bigint, size: BusSize, value: bigint): BusFault | undefined;
}

/** A hart's bus: the CLINT here, the rest through `remote`. */
export class VirtHartBus implements PhysBus {
  private readonly local = new MmioBus();
  /** MMIO accesses that went to the remote side (statistics). */
  remoteAccesses = 0;

  constructor(
    interrupts: HartInterrupts,
    private readonly remote: RemoteBus,
  ) {
    this.local.map(VIRT_CLINT.base, VIRT_CLINT.size, new Clint(interrupts));
  }

  read(pa: bigint, size: BusSize): { readonly ok: true; readonly value: bigint } | { readonly ok: false } {
    if (pa >= VIRT_CLINT.base && pa < VIRT_CLINT.base + VIRT_CLINT.size) return this.local.read(pa, size);
    this.remoteAccesses++;
    return this.remote.read(pa, size);
  }

  write(pa: bigint, size: BusSize, value: bigint): boolean {
    if (pa >= VIRT_CLINT.base && pa < VIRT_CLINT.base + VIRT_CLINT.size) return this.local.write(pa, size, value) === undefined;
    this.remoteAccesses++;
    return this.remote.write(pa, size, value) === undefined;
  }
}

/** Options of {@link createVirtHart}. */
export interface VirtHartOptions {
  readonly shared: ExecShared;
  readonly hart: number;
  readonly platform: HartPlatform;
  readonly registry?: ModuleRegistry;
  readonly debugLocks?: boolean;
}

/** A hart in the calling thread: its worker runtime, vCPU and RiscvHart, reset to the ROM's reset vector. */
export function createVirtHart(o: VirtHartOptions): RiscvHart {
  const target = createRiscvSystemTarget();
  const worker = new ExecWorker(o.shared, target.translator, o.registry);
  const vcpu = new Vcpu(worker, o.hart, createSyncThread(o.hart, { debug: o.debugLocks ?? false }));
  const ramSize = BigInt(o.shared.params.ramSize - ROM_BYTES);
  return new RiscvHart(vcpu, target, o.platform, virtPhysLayout(ramSize), o.hart);
}
