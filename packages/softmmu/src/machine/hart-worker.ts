/**
 * A vCPU worker of the virt machine: one hart on @wasmu/tcg in system mode (both tiers),
 * its MMIO through an MmioClient to the device thread (the CLINT served here), its
 * interrupt lines in HartInterrupts' shared memory, WFI sleeping in Atomics.wait.
 *
 * Browser-clean: the embedder's worker entry (src/node/hart-worker-entry.ts on Node)
 * receives {@link HartWorkerData}, builds a {@link HartLink} over its message port and
 * calls {@link runHartWorker}. Compiled modules go through the link: each worker publishes
 * its modules (the device thread relays them to the others) and drains the link when a
 * TB's module is not known here yet.
 */
import { LocalModuleRegistry, logCflags, riscvLogFormat, type ExecShared, type ModuleRegistry, type WasmModule } from "@wasmu/tcg";
import type { MonotonicClock } from "../host.js";
import { HartInterrupts, type HartInterruptsShared } from "./hart-interrupts.js";
import { MmioClient, type MmioChannelShared } from "./mmio-channel.js";
import { createVirtHart, VirtHartBus, virtExitRequests } from "./virt-cpu.js";

/** Words of the run's control block (Int32 over `control`). */
export const CONTROL_STOP = 0;
/** Int32 words of the control block. */
export const CONTROL_WORDS = 4;

/** What a hart worker is started with (structured-clonable). */
export interface HartWorkerData {
  readonly exec: ExecShared;
  readonly interrupts: HartInterruptsShared;
  readonly mmio: MmioChannelShared;
  /** Int32 words: CONTROL_STOP (non-zero: leave). */
  readonly control: SharedArrayBuffer;
  readonly hart: number;
  /** `-d int`: log every trap. */
  readonly logInterrupts: boolean;
  /** @wasmu/tcg's LogItem bits of the `-d` items (in_asm, op, exec, cpu, nochain...), 0 for none. */
  readonly tcgLogMask?: number;
  /** `-d guest_errors`: log accesses no device took (QEMU's "Invalid access" lines). */
  readonly logGuestErrors?: boolean;
  /** Modules published before this worker started. */
  readonly modules: readonly PostedModule[];
  readonly debugLocks?: boolean;
}

/** A compiled module and the TBs it holds. */
export interface PostedModule {
  readonly module: WasmModule;
  readonly tbs: readonly number[];
  readonly generation: number;
}

/** Messages between a hart worker and the device thread. */
export type HartMessage =
  | ({ readonly kind: "module" } & PostedModule)
  | { readonly kind: "log"; readonly text: string }
  | { readonly kind: "done"; readonly stats: Readonly<Record<string, number>> }
  | { readonly kind: "fault"; readonly message: string };

/** The worker's side of its message port. */
export interface HartLink {
  post(message: HartMessage): void;
  /** The next message already received, without waiting (Node: receiveMessageOnPort). */
  poll(): HartMessage | undefined;
}

/** A registry fed by the link: publications are posted, a miss drains the link first. */
class LinkRegistry implements ModuleRegistry {
  private readonly local = new LocalModuleRegistry();

  constructor(private readonly link: HartLink, modules: readonly PostedModule[]) {
    for (const m of modules) this.local.publish(m.module, m.tbs, m.generation);
  }

  private drain(): void {
    for (let m = this.link.poll(); m !== undefined; m = this.link.poll()) {
      if (m.kind === "module") this.local.publish(m.module, m.tbs, m.generation);
    }
  }

  moduleOf(tb: number): { readonly module: WasmModule; readonly tbs: readonly number[] } | undefined {
    const r = this.local.moduleOf(tb);
    if (r !== undefined) return r;
    this.drain();
    return this.local.moduleOf(tb);
  }

  publish(module: WasmModule, tbs: readonly number[], generation: number): void {
    this.local.publish(module, tbs, generation);
    this.link.post({ kind: "module", module, tbs: [...tbs], generation });
  }

  flush(generation: number): void {
    this.local.flush(generation);
  }
}

/** Longest WFI sleep before the hart looks at its stop word again (ns). */
const WFI_SLICE_NS = 50_000_000n;

/** Runs hart `d.hart` until the device thread sets CONTROL_STOP; posts "done" (or "fault"). */
export function runHartWorker(d: HartWorkerData, link: HartLink, clock: MonotonicClock): void {
  const control = new Int32Array(d.control);
  try {
    const irq = HartInterrupts.attach(d.interrupts, clock);
    irq.setExitRequests(d.exec.memory.buffer as SharedArrayBuffer, virtExitRequests(d.exec));
    const client = new MmioClient(d.mmio, d.hart);
    const log = (text: string): void => link.post({ kind: "log", text });
    const mmio = d.logGuestErrors !== true ? client : {
      read(addr: bigint, size: 1 | 2 | 4 | 8) {
        const r = client.read(addr, size);
        if (!r.ok) log(`Invalid read at addr 0x${addr.toString(16)}, size ${size}, region '(null)', reason: rejected\n`);
        return r;
      },
      write(addr: bigint, size: 1 | 2 | 4 | 8, value: bigint) {
        const f = client.write(addr, size, value);
        if (f !== undefined) log(`Invalid write at addr 0x${addr.toString(16)}, size ${size}, region '(null)', reason: rejected\n`);
        return f;
      },
    };
    const h = d.hart;
    const hart = createVirtHart({
      shared: d.exec,
      hart: h,
      registry: new LinkRegistry(link, d.modules),
      ...(d.debugLocks !== undefined ? { debugLocks: d.debugLocks } : {}),
      platform: {
        bus: new VirtHartBus(irq, mmio),
        externalPending: () => irq.pending(h),
        time: () => irq.mtime(),
        waitForInterrupt: (mask) => { irq.waitForInterrupt(h, mask, WFI_SLICE_NS); },
        stopRequested: () => Atomics.load(control, CONTROL_STOP) !== 0,
        log,
        logInterrupts: d.logInterrupts,
      },
    });
    const mask = d.tcgLogMask ?? 0;
    if (mask !== 0) {
      hart.vcpu.log = { mask, sink: { write: log }, target: riscvLogFormat };
      hart.vcpu.cflagsBase = logCflags(mask);
    }
    hart.run();
    const st = hart.vcpu.stats;
    link.post({
      kind: "done",
      stats: {
        tbs: st.tbs, insns: st.insns, modules: st.modules, returns: st.returns, interpTbs: st.interpTbs, tieredTbs: st.tieredTbs,
        traps: hart.traps, tlbFills: hart.tlb.fills, tlbFlushes: hart.tlb.flushes, mmio: (hart.platform.bus as VirtHartBus).remoteAccesses,
        translateMs: Math.round(st.translateMs), compileMs: Math.round(st.compileMs), tierMs: Math.round(st.tierMs),
      },
    });
  } catch (e) {
    link.post({ kind: "fault", message: `hart ${d.hart}: ${e instanceof Error ? e.message : String(e)}` });
  }
}
