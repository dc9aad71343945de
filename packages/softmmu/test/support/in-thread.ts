// One hart of the virt machine on the test's own thread: the devices are called directly
// (no MmioClient), time is the host's. For bare-metal tests that print and power off; no
// timer interrupts arrive unless the program polls (nothing kicks the hart but its own
// CSR writes and device lines).
import type { RiscvHart, TierMode } from "@wasmu/tcg";
import { copyVirtRom, createVirtExec, createVirtHart, VirtHartBus, virtExitRequests, virtGuestRam, VirtMachine, type VirtHost } from "../../src/index.js";
import { RecordingBackend } from "./fakes.js";

const hostClock = { nowNs: (): bigint => process.hrtime.bigint() };

export interface InThreadResult {
  readonly output: string;
  readonly exitCode: number | undefined;
  readonly reason: "poweroff" | "reset" | "limit";
  readonly tbs: number;
  readonly traps: number;
}

/** Runs `kernel` (-bios none -kernel) on one hart until sifive_test powers off (or `maxLoops` hart-loop iterations). */
export function runInThread(o: {
  kernel: Uint8Array; ramSize?: bigint; tier: TierMode; hotThreshold?: number; maxLoops?: number;
  /** Called with the hart (reset at the ROM's reset vector) and guest RAM before it runs. */
  setup?: (hart: RiscvHart, ram: Uint8Array) => void;
}): InThreadResult {
  const ramSize = o.ramSize ?? 64n << 20n;
  const shared = createVirtExec({ harts: 1, ramSize, tier: o.tier, ...(o.hotThreshold !== undefined ? { hotThreshold: o.hotThreshold } : {}) });
  const console = new RecordingBackend();
  let stop: "poweroff" | "reset" | undefined;
  let exitCode: number | undefined;
  let kick = (): void => {};
  const host: VirtHost = {
    clock: hostClock,
    wallClock: { realtimeNs: () => BigInt(Date.now()) * 1_000_000n },
    timers: { schedule: () => () => {} },
    console,
    system: {
      shutdown(code: number): void { stop = "poweroff"; exitCode = code; kick(); },
      reset(): void { stop = "reset"; kick(); },
    },
  };
  const machine = VirtMachine.create({ harts: 1, ramSize, kernel: o.kernel, ram: virtGuestRam(shared, ramSize) }, host);
  copyVirtRom(shared, ramSize, machine.rom);
  const irq = machine.devices.interrupts;
  irq.setExitRequests(shared.memory.buffer as SharedArrayBuffer, virtExitRequests(shared));
  let loops = 0;
  const max = o.maxLoops ?? 1_000_000;
  const hart = createVirtHart({
    shared,
    hart: 0,
    platform: {
      bus: new VirtHartBus(irq, machine.devices.bus),
      externalPending: () => irq.pending(0),
      time: () => irq.mtime(),
      waitForInterrupt: (mask) => { irq.waitForInterrupt(0, mask, 10_000_000n); },
      stopRequested: () => stop !== undefined || ++loops > max,
    },
  });
  kick = () => hart.vcpu.kick();
  o.setup?.(hart, machine.ram.bytes);
  hart.run();
  return { output: console.text, exitCode, reason: stop ?? "limit", tbs: hart.vcpu.stats.tbs, traps: hart.traps };
}
