/**
 * A bare-metal harness for tests and small programs: one vCPU over guest RAM, no devices,
 * no MMU. Place code and data at guest addresses, run until the guest stops (a noreturn
 * helper such as ecall/ebreak, a memory fault, a fetch fault), then read the CPU state and
 * memory. Runs in the calling thread.
 *
 * @module
 */
import { createSyncThread } from "../sync/sync-thread.js";
import { cpuExec, type CpuExit, Vcpu } from "./cpu-exec.js";
import { createExecShared, type ExecParams, type ExecShared } from "./exec-shared.js";
import type { Translator } from "./translator.js";
import { type ModuleRegistry, ExecWorker } from "./worker-runtime.js";

/** Options of {@link BareMetal}. */
export interface BareMetalOptions extends Partial<Omit<ExecParams, "stateSize" | "vcpus">> {
  /** The guest target. */
  readonly translator: Translator;
  /** Enable the debug lock checker. */
  readonly debugLocks?: boolean;
  /** Module registry (to share compiled modules with another harness). */
  readonly registry?: ModuleRegistry;
  /** Use this environment instead of creating one (several vCPUs over one memory). */
  readonly shared?: ExecShared;
  /** vCPU index (with `shared`). */
  readonly vcpu?: number;
}

/** One vCPU, its worker runtime and guest RAM. */
export class BareMetal {
  /** The environment. */
  readonly shared: ExecShared;
  /** The worker runtime. */
  readonly worker: ExecWorker;
  /** The vCPU. */
  readonly cpu: Vcpu;

  /** @param opts see {@link BareMetalOptions}. */
  constructor(opts: BareMetalOptions) {
    const t = opts.translator;
    this.shared = opts.shared ?? createExecShared({
      ramBase: opts.ramBase ?? 0x8000_0000n,
      ramSize: opts.ramSize ?? 1 << 20,
      stateSize: t.stateSize,
      vcpus: 1,
      ...(opts.tb !== undefined ? { tb: opts.tb } : {}),
      ...(opts.cacheGlobals !== undefined ? { cacheGlobals: opts.cacheGlobals } : {}),
      ...(opts.codePageCheck !== undefined ? { codePageCheck: opts.codePageCheck } : {}),
      ...(opts.tbsPerModule !== undefined ? { tbsPerModule: opts.tbsPerModule } : {}),
      ...(opts.pageProtection !== undefined ? { pageProtection: opts.pageProtection } : {}),
      ...(opts.tier !== undefined ? { tier: opts.tier } : {}),
      ...(opts.hotThreshold !== undefined ? { hotThreshold: opts.hotThreshold } : {}),
      ...(opts.tierBatch !== undefined ? { tierBatch: opts.tierBatch } : {}),
      ...(opts.tierDelayMs !== undefined ? { tierDelayMs: opts.tierDelayMs } : {}),
      ...(opts.tbOpt !== undefined ? { tbOpt: opts.tbOpt } : {}),
    });
    const v = opts.vcpu ?? 0;
    this.worker = new ExecWorker(this.shared, t, opts.registry);
    this.cpu = new Vcpu(this.worker, v, createSyncThread(v, { debug: opts.debugLocks ?? false }));
  }

  /** The CPU state. */
  get state(): DataView {
    return this.cpu.state;
  }

  /** Guest RAM. */
  get ram(): Uint8Array {
    return this.cpu.memory;
  }

  /** Copies `bytes` to guest address `addr` and invalidates translations of that range. */
  load(addr: bigint, bytes: Uint8Array): void {
    const o = this.cpu.ramOffset(addr);
    if (o < 0 || o + bytes.length > this.ram.length) throw new RangeError(`0x${addr.toString(16)} + ${bytes.length} is outside RAM`);
    this.ram.set(bytes, o);
    this.cpu.invalidateRange(addr, addr + BigInt(bytes.length));
  }

  /** `n` bytes of guest memory at `addr`. */
  read(addr: bigint, n: number): Uint8Array {
    const o = this.cpu.ramOffset(addr);
    if (o < 0 || o + n > this.ram.length) throw new RangeError(`0x${addr.toString(16)} + ${n} is outside RAM`);
    return this.ram.slice(o, o + n);
  }

  /** The little-endian u64 at guest address `addr`. */
  read64(addr: bigint): bigint {
    const b = this.read(addr, 8);
    return new DataView(b.buffer).getBigUint64(0, true);
  }

  /** Sets the pc. */
  setPc(pc: bigint): void {
    this.worker.translator.setPc(this.state, pc);
  }

  /** Runs until an exit other than an exit request (or until `maxRequests` exit requests). */
  run(maxRequests = Infinity): CpuExit {
    let requests = 0;
    for (;;) {
      const e = cpuExec(this.cpu);
      if (e.kind !== "exit_request" || ++requests >= maxRequests) return e;
    }
  }
}
