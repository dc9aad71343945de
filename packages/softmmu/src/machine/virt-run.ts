/**
 * Running the virt machine: the API `wasmu system` (and any other embedder) starts a
 * machine through. One vCPU worker per hart runs @wasmu/tcg in system mode; the calling
 * thread is the device thread (it owns the devices, serves MMIO through MmioServer and
 * the host backends).
 */
import { attachTbContext, createSyncThread, type ExecShared, LogItem, parseLogItems, tbInvalidatePhysRange, type TierMode } from "@wasmu/tcg";
import { VIRT_DRAM_BASE } from "./virt-memmap.js";
import type { CharBackend, MonotonicClock, TimerService } from "../host.js";
import { CONTROL_STOP, CONTROL_WORDS, type HartMessage, type HartWorkerData, type PostedModule } from "./hart-worker.js";
import { createMmioChannel, MmioServer } from "./mmio-channel.js";
import type { VirtHost } from "./virt.js";
import { copyVirtRom, createVirtExec, virtExitRequests, virtGuestRam } from "./virt-cpu.js";
import { VirtMachine, type VirtMachineConfig } from "./virt-machine.js";

/** A started hart worker, as the device thread holds it. */
export interface HartWorkerHandle {
  post(message: HartMessage): void;
  terminate(): void;
}

/**
 * Starts one hart worker (a thread running {@link runHartWorker} on `data`); messages
 * from it go to `onMessage`, a crash of the worker itself to `onError`. Node:
 * `nodeHartWorkers` of `@wasmu/softmmu/node`; a browser: a module Worker.
 */
export type HartWorkerFactory = (data: HartWorkerData, onMessage: (m: HartMessage) => void, onError: (e: Error) => void) => HartWorkerHandle;

export interface VirtRunOptions extends VirtMachineConfig {
  /** Translation tiers, as in user mode; default "auto". */
  readonly tier?: TierMode;
  readonly hotThreshold?: number;
  readonly tierBatch?: number;
  /** -accel tcg,tb-lock=on */
  readonly tbLock?: boolean;
  /** -d items (in_asm, int, mmu, exec, cpu, guest_errors, unimp, stats, ...) and where log text goes (-D). */
  readonly log?: { readonly items: readonly string[]; write(text: string): void };
  /** UART0 output. */
  readonly console: CharBackend;
  /** -no-reboot: a guest reset ends the run (reason "reset") instead of rebooting. */
  readonly noReboot?: boolean;
  /** Host services; defaults for Node are built by the runner when absent. */
  readonly host?: Partial<Omit<VirtHost, "console">>;
  /** Starts the hart workers (required: the embedder knows how to start a thread; Node: `nodeHartWorkers()` from `@wasmu/softmmu/node`). */
  readonly workers?: HartWorkerFactory;
  /** Debug lock checker in the harts (WASMU_DEBUG_TCG=1). */
  readonly debugLocks?: boolean;
}

export interface VirtRunResult {
  /** sifive_test FAIL code, 0 on PASS/poweroff. */
  readonly exitCode: number;
  readonly reason: "poweroff" | "reset" | "quit" | "fault";
  /** For "fault": a one-line reason. */
  readonly message?: string;
}

export interface VirtRun {
  /** Terminal input bytes into UART0's receive FIFO (device thread). */
  input(bytes: Uint8Array): void;
  /** Stops every hart and ends the run (Ctrl-A X): reason "quit". */
  quit(): void;
  readonly done: Promise<VirtRunResult>;
}

/** How often the device thread looks for harts whose timer (mtime >= mtimecmp) became due, in ns. */
const TIMER_POLL_NS = 1_000_000n;

/**
 * DMA into RAM invalidates the translated code it overwrites (the notdirty rule for
 * devices): the device thread attaches its own TB context (thread index `harts`, after
 * the harts'; it never blocks, so it spins on contended page locks) and invalidates the
 * TBs of the written range under the page collection lock (and tb_lock in tb-lock=on mode).
 */
function dmaInvalidator(exec: ExecShared, harts: number): (addr: bigint, length: number) => void {
  const ctx = attachTbContext(exec.tb, createSyncThread(harts, { canBlock: false }), 0);
  const base = VIRT_DRAM_BASE;
  const size = exec.params.ramSize;
  return (addr, length) => {
    const s = addr - base;
    if (s < 0n || s >= BigInt(size) || length <= 0) return;
    const start = Number(s);
    ctx.tbLockIfEnabled();
    try {
      tbInvalidatePhysRange(ctx, start, Math.min(size, start + length));
    } finally {
      ctx.tbUnlockIfEnabled();
    }
  };
}

/** Defaults that run in Node and in browsers: performance.timeOrigin + now() as the monotonic clock, setTimeout timers. */
function defaultClock(): MonotonicClock {
  return { nowNs: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)) };
}

function defaultTimers(): TimerService {
  return {
    schedule(delayNs: bigint, callback: () => void): () => void {
      const t = setTimeout(callback, Number(delayNs / 1_000_000n));
      return () => clearTimeout(t);
    },
  };
}

/**
 * Starts the machine: the harts' execution environment, the machine (boot images loaded
 * into its RAM, the ROM copied after it), the MMIO server on this thread (the device
 * thread), and one worker per hart. Bad images throw a BootError here.
 */
export function startVirtMachine(options: VirtRunOptions): VirtRun {
  const factory = options.workers;
  if (factory === undefined) throw new Error("startVirtMachine: no hart worker factory (options.workers; on Node use nodeHartWorkers() from @wasmu/softmmu/node)");
  const clock = options.host?.clock ?? defaultClock();
  const timers = options.host?.timers ?? defaultTimers();
  const wallClock = options.host?.wallClock ?? { realtimeNs: () => BigInt(Date.now()) * 1_000_000n };
  const items = options.log?.items ?? [];
  const logInterrupts = items.includes("int");
  const logGuestErrors = items.includes("guest_errors");
  // The items @wasmu/tcg logs (in_asm, op, exec, cpu, nochain...); int, guest_errors and stats are the machine's.
  let tcgLogMask = 0;
  for (const item of items) {
    const m = parseLogItems(item);
    if (typeof m === "number") tcgLogMask |= m;
  }
  tcgLogMask &= ~LogItem.STATS;
  let finish: (r: VirtRunResult) => void = () => {};
  const done = new Promise<VirtRunResult>((resolve) => { finish = resolve; });
  let ended = false;
  const pendingInput: Uint8Array[] = [];
  let boot: Boot | undefined;

  interface Boot {
    readonly machine: VirtMachine;
    readonly server: MmioServer;
    readonly workers: HartWorkerHandle[];
    readonly control: Int32Array;
    stopTimer: () => void;
    running: number;
    outcome: VirtRunResult | undefined;
  }

  const stopBoot = (b: Boot, outcome: VirtRunResult): void => {
    if (b.outcome !== undefined) return;
    b.outcome = outcome;
    Atomics.store(b.control, CONTROL_STOP, 1);
    for (let h = 0; h < options.harts; h++) b.machine.devices.interrupts.kick(h);
  };

  const start = (): void => {
    const exec = createVirtExec({
      harts: options.harts, ramSize: options.ramSize,
      ...(options.tier !== undefined ? { tier: options.tier } : {}),
      ...(options.hotThreshold !== undefined ? { hotThreshold: options.hotThreshold } : {}),
      ...(options.tierBatch !== undefined ? { tierBatch: options.tierBatch } : {}),
      ...(options.tbLock !== undefined ? { tbLock: options.tbLock } : {}),
    });
    const ref: { b?: Boot } = {};
    const host: VirtHost = {
      clock, timers, wallClock, console: options.console,
      system: {
        shutdown: (code) => { if (ref.b !== undefined) stopBoot(ref.b, { exitCode: code, reason: "poweroff" }); },
        reset: () => { if (ref.b !== undefined) stopBoot(ref.b, { exitCode: 0, reason: "reset" }); },
      },
    };
    const { ram: _ram, ...config } = options;
    void _ram;
    const dma = dmaInvalidator(exec, options.harts);
    const machine = VirtMachine.create({ ...config, ram: virtGuestRam(exec, options.ramSize), onDmaWrite: dma }, host);
    copyVirtRom(exec, options.ramSize, machine.rom);
    const irq = machine.devices.interrupts;
    irq.setExitRequests(exec.memory.buffer as SharedArrayBuffer, virtExitRequests(exec));
    const channel = createMmioChannel(options.harts);
    const server = new MmioServer(channel, machine.devices.bus);
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    const modules: PostedModule[] = [];
    let generation = 0;
    const workers: HartWorkerHandle[] = [];
    const boot0: Boot = { machine, server, workers, control, stopTimer: () => {}, running: options.harts, outcome: undefined };
    ref.b = boot0;
    const poll = (): void => {
      irq.pollTimers();
      boot0.stopTimer = timers.schedule(TIMER_POLL_NS, poll);
    };
    poll();
    const uart = machine.devices.uart;
    const feed = (): void => {
      while (pendingInput.length > 0) {
        const chunk = pendingInput[0]!;
        const n = uart.receive(chunk);
        if (n < chunk.length) { pendingInput[0] = chunk.subarray(n); return; }
        pendingInput.shift();
      }
    };
    uart.onCanReceive = feed;
    const onMessage = (h: number, m: HartMessage): void => {
      switch (m.kind) {
        case "module":
          if (m.generation > generation) { generation = m.generation; modules.length = 0; }
          if (m.generation === generation) modules.push({ module: m.module, tbs: m.tbs, generation: m.generation });
          workers.forEach((w, i) => { if (i !== h) w.post(m); });
          break;
        case "log":
          options.log?.write(m.text);
          break;
        case "fault":
          stopBoot(boot0, { exitCode: 1, reason: "fault", message: m.message });
          hartEnded(boot0);
          break;
        case "done":
          if (options.log?.items.includes("stats") === true) options.log.write(`hart ${h}: ${Object.entries(m.stats).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
          hartEnded(boot0);
          break;
      }
    };
    for (let h = 0; h < options.harts; h++) {
      const data: HartWorkerData = {
        exec, interrupts: irq.shared, mmio: channel, control: control.buffer, hart: h, logInterrupts, logGuestErrors, tcgLogMask, modules: [...modules],
        ...(options.debugLocks !== undefined ? { debugLocks: options.debugLocks } : {}),
      };
      workers.push(factory(data, (m) => onMessage(h, m), (e) => {
        stopBoot(boot0, { exitCode: 1, reason: "fault", message: `hart ${h}: ${e.message}` });
        hartEnded(boot0);
      }));
    }
    boot = boot0;
    void server.run();
    feed();
  };

  const hartEnded = (b: Boot): void => {
    if (--b.running > 0) return;
    b.stopTimer();
    b.server.stop();
    for (const w of b.workers) w.terminate();
    const outcome = b.outcome ?? { exitCode: 1, reason: "fault" as const, message: "every hart stopped" };
    if (outcome.reason === "reset" && options.noReboot !== true && !ended) {
      start();
      return;
    }
    ended = true;
    finish(outcome);
  };

  start();
  return {
    input(bytes: Uint8Array): void {
      pendingInput.push(bytes.slice());
      const u = boot?.machine.devices.uart;
      if (u !== undefined) u.onCanReceive?.();
    },
    quit(): void {
      if (boot !== undefined) stopBoot(boot, { exitCode: 0, reason: "quit" });
    },
    done,
  };
}
