/**
 * The kernel thread's side of the vCPU workers of one process (README.md, process
 * model): starts one `worker_threads` Worker per guest thread (vcpu-worker.ts), serves each
 * thread's request slot, relays compiled modules between workers, and stops them all when
 * the process ends.
 *
 * A worker whose thread exits parks (it keeps its table, its instances and its warm JIT)
 * and runs the next new thread of the process: create/join loops start a worker only
 * when more threads are alive than ever before.
 *
 * State (all on the kernel thread, no lock): the workers, the parked ones, the thread
 * each runs, the modules of the current flush generation (given to workers started
 * later). Each thread gets a fresh 64-byte request slot.
 *
 * @module
 */
import { type MessagePort, MessageChannel, Worker } from "node:worker_threads";
import type { ModuleRegistry, WasmModule } from "@wasmu/tcg";
import { LocalModuleRegistry } from "@wasmu/tcg";
import { SyscallChannel } from "../kernel-link/syscall-channel.js";
import type { SyscallArgs } from "../syscalls/abi.js";
import { ParallelCounters, type PostedModule, type VcpuAssignment, type VcpuWorkerData, type WorkerMessage } from "./vcpu-link.js";

/**
 * Set by a bundler (the `wasmu` bin of @wasmu/cli is one file): the worker entry's URL
 * relative to the bundle, which carries its own bundled worker beside it.
 */
declare const WASMU_BUNDLED_VCPU_WORKER: string | undefined;

/** The compiled worker entry (dist/run/vcpu-worker.js: the same relative URL from src/run and dist/run). */
const WORKER_URL = typeof WASMU_BUNDLED_VCPU_WORKER === "string"
  ? new URL(WASMU_BUNDLED_VCPU_WORKER, import.meta.url)
  : new URL("../../dist/run/vcpu-worker.js", import.meta.url);

/** Keeps the current generation's modules and hands them to workers. */
export class ModuleRelay {
  private modules: PostedModule[] = [];
  private generation = 0;
  private readonly ports = new Set<MessagePort>();
  /** The registry of the vCPU the kernel thread runs (see {@link registry}). */
  private local = new LocalModuleRegistry();

  /** Records a publication (from the kernel thread's own vCPU or a worker) and passes it on to the other workers. */
  record(m: PostedModule, from?: MessagePort): void {
    if (m.generation < this.generation) return;
    if (m.generation > this.generation) {
      this.generation = m.generation;
      this.modules = [];
    }
    const p: PostedModule = { module: m.module, tbs: m.tbs, generation: m.generation };
    this.modules.push(p);
    const msg: WorkerMessage = { kind: "module", ...p };
    for (const port of this.ports) if (port !== from) port.postMessage(msg);
  }

  /** The modules a new worker starts with. */
  get current(): readonly PostedModule[] {
    return this.modules;
  }

  /**
   * The registry of a vCPU run by the kernel thread itself: what it publishes is recorded;
   * it also finds what {@link seed} gave.
   */
  registry(): ModuleRegistry {
    return {
      moduleOf: (tb) => this.local.moduleOf(tb),
      publish: (module: WasmModule, tbs: readonly number[], generation: number) => {
        this.local.publish(module, tbs, generation);
        this.record({ module, tbs: [...tbs], generation });
      },
      flush: (g) => this.local.flush(g),
    };
  }

  /** Starts from `modules` (another process's, whose TB arena was copied: fork), recorded and in the kernel thread's registry. */
  seed(modules: readonly PostedModule[]): void {
    for (const m of modules) {
      this.local.publish(m.module, m.tbs, m.generation);
      this.record(m);
    }
  }

  /** Forgets every module (the environment is reused for another process; no worker is connected). */
  reset(): void {
    if (this.ports.size > 0) throw new Error("a module relay with workers cannot be reset");
    this.modules = [];
    this.generation = 0;
    this.local = new LocalModuleRegistry();
  }

  /** Connects a worker's port. */
  add(port: MessagePort): void {
    this.ports.add(port);
  }

  /** Disconnects it. */
  remove(port: MessagePort): void {
    this.ports.delete(port);
  }
}

/** What the pool needs to run a guest thread. */
export interface VcpuStart {
  /** vCPU index. */
  readonly vcpu: number;
  /** tid. */
  readonly tid: number;
  /** Answers the thread's requests (vcpu-link.ts). */
  readonly handle: (nr: number, args: SyscallArgs, raw: bigint) => bigint | Promise<bigint>;
  /** Called when the thread's worker has let go of its vCPU (it is off the CPU list): `error` if the worker died of a host error. */
  readonly exited: (error?: Error) => void;
}

/** Options of a {@link VcpuWorkers}: the process-wide fields of every worker's {@link VcpuWorkerData}, and the module relay. */
export type VcpuWorkersOptions = Pick<VcpuWorkerData, "shared" | "pid" | "futexes" | "pageFlags" | "pagesLo" | "pageBits" | "localCalls" | "debugLocks" | "log"> & {
  readonly relay: ModuleRelay;
};

/** One worker: its port, its park word, and the thread it runs (none while parked). */
interface PoolWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly park: Int32Array;
  current: { readonly start: VcpuStart; readonly channel: SyscallChannel } | undefined;
}

/** The workers of one process. */
export class VcpuWorkers {
  /** Parallelism counters shared with the workers. */
  readonly counters = new ParallelCounters();
  private readonly workers = new Set<PoolWorker>();
  private readonly idle: PoolWorker[] = [];

  /** @param opts see {@link VcpuWorkersOptions}. */
  constructor(private readonly opts: VcpuWorkersOptions) {}

  /** Runs guest thread `s` (its CPU state must be set up) on a parked worker, or on a new one. */
  start(s: VcpuStart): void {
    const o = this.opts;
    // A fresh slot per thread: the serve loop of the vCPU's previous thread may still be winding down.
    const channel = SyscallChannel.create();
    const assignment: VcpuAssignment = { vcpu: s.vcpu, tid: s.tid, channel: channel.buffer };
    void channel.serve(s.handle);
    const parked = this.idle.pop();
    if (parked !== undefined) {
      parked.current = { start: s, channel };
      parked.port.postMessage({ kind: "assign", assignment } satisfies WorkerMessage);
      Atomics.store(parked.park, 0, 1);
      Atomics.notify(parked.park, 0);
      return;
    }
    const { port1, port2 } = new MessageChannel();
    const park = new Int32Array(new SharedArrayBuffer(4));
    const data: VcpuWorkerData = {
      shared: o.shared, first: assignment, pid: o.pid, park: park.buffer, futexes: o.futexes, pageFlags: o.pageFlags, pagesLo: o.pagesLo,
      pageBits: o.pageBits, localCalls: o.localCalls, modules: o.relay.current, port: port1, counters: this.counters.words.buffer as SharedArrayBuffer,
      debugLocks: o.debugLocks, ...(o.log !== undefined ? { log: o.log } : {}),
    };
    // The worker resolves @wasmu/* to their dist (no source condition, no test loaders).
    // Its stdout and stderr are not piped to this process's: that would open
    // process.stdout here, and libuv would switch a pipe on fd 1 to non-blocking mode, so
    // the kernel's synchronous writes of guest output would fail with EAGAIN.
    const worker = new Worker(WORKER_URL, {
      workerData: data, transferList: [port1], execArgv: [], env: { ...process.env, NODE_OPTIONS: "" }, stdout: true, stderr: true,
    });
    this.counters.started();
    const w: PoolWorker = { worker, port: port2, park, current: { start: s, channel } };
    this.workers.add(w);
    o.relay.add(port2);
    port2.on("message", (m: WorkerMessage) => {
      if (m.kind === "module") o.relay.record(m, port2);
      else if (m.kind === "parked") this.parked(w);
    });
    let error: Error | undefined;
    worker.on("error", (e) => (error = e));
    worker.on("exit", () => {
      o.relay.remove(port2);
      port2.close();
      this.workers.delete(w);
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
      const c = w.current;
      w.current = undefined;
      if (c !== undefined) {
        c.channel.close();
        c.start.exited(error ?? new Error(`vCPU worker of thread ${c.start.tid} ended`));
      }
    });
  }

  /** `w`'s thread has ended: it waits for the next one. */
  private parked(w: PoolWorker): void {
    const c = w.current;
    w.current = undefined;
    this.idle.push(w);
    if (c !== undefined) {
      c.channel.close();
      c.start.exited();
    }
  }

  /** Closes every thread's slot and ends every worker (the caller kicks their vCPUs first). */
  async stopAll(): Promise<void> {
    const ws = [...this.workers];
    for (const w of ws) {
      w.current?.channel.close();
      Atomics.store(w.park, 0, -1);
      Atomics.notify(w.park, 0);
    }
    await Promise.all(ws.map((w) => w.worker.terminate()));
  }
}
