/**
 * The kernel thread's side of the vCPU workers of one process (README.md, process
 * model): starts one `worker_threads` Worker per guest thread (vcpu-worker.ts), serves each
 * thread's request slot, relays compiled modules between workers, and stops them all when
 * the process ends.
 *
 * State (all on the kernel thread, no lock): the live workers by vCPU index, the modules
 * of the current flush generation (given to workers started later). Each worker gets a
 * fresh 64-byte request slot.
 *
 * @module
 */
import { type MessagePort, MessageChannel, Worker } from "node:worker_threads";
import type { ExecShared, ModuleRegistry, WasmModule } from "@wasmu/tcg";
import { LocalModuleRegistry } from "@wasmu/tcg";
import { SyscallChannel } from "../kernel-link/syscall-channel.js";
import type { SyscallArgs } from "../syscalls/abi.js";
import { ParallelCounters, type PostedModule, type VcpuWorkerData } from "./vcpu-link.js";

/** The compiled worker entry (dist/run/vcpu-worker.js: the same relative URL from src/run and dist/run). */
const WORKER_URL = new URL("../../dist/run/vcpu-worker.js", import.meta.url);

/** Keeps the current generation's modules and hands them to workers. */
export class ModuleRelay {
  private modules: PostedModule[] = [];
  private generation = 0;
  private readonly ports = new Set<MessagePort>();

  /** Records a publication (from the kernel thread's own vCPU or a worker). */
  record(m: PostedModule, from?: MessagePort): void {
    if (m.generation < this.generation) return;
    if (m.generation > this.generation) {
      this.generation = m.generation;
      this.modules = [];
    }
    this.modules.push(m);
    for (const p of this.ports) if (p !== from) p.postMessage(m);
  }

  /** The modules a new worker starts with. */
  get current(): readonly PostedModule[] {
    return this.modules;
  }

  /** A registry for a vCPU run by the kernel thread itself, whose publications are recorded. */
  registry(): ModuleRegistry {
    const local = new LocalModuleRegistry();
    return {
      moduleOf: (tb) => local.moduleOf(tb),
      publish: (module: WasmModule, tbs: readonly number[], generation: number) => {
        local.publish(module, tbs, generation);
        this.record({ module, tbs: [...tbs], generation });
      },
      flush: (g) => local.flush(g),
    };
  }

  /** Connects a worker's port. */
  add(port: MessagePort): void {
    this.ports.add(port);
    port.on("message", (m: PostedModule) => this.record(m, port));
  }

  /** Disconnects it. */
  remove(port: MessagePort): void {
    this.ports.delete(port);
    port.close();
  }
}

/** What the pool needs to start a worker for a guest thread. */
export interface VcpuStart {
  /** vCPU index. */
  readonly vcpu: number;
  /** tid. */
  readonly tid: number;
  /** Answers the thread's requests (vcpu-link.ts). */
  readonly handle: (nr: number, args: SyscallArgs) => bigint | Promise<bigint>;
  /** Called when the worker has ended (its vCPU is off the CPU list): `error` if it died of a host error. */
  readonly exited: (error?: Error) => void;
}

/** Options of a {@link VcpuWorkers}. */
export interface VcpuWorkersOptions {
  readonly shared: ExecShared;
  readonly pid: number;
  readonly futexes: SharedArrayBuffer;
  readonly pageFlags: SharedArrayBuffer;
  readonly pagesLo: number;
  readonly pageBits: number;
  readonly localCalls: boolean;
  readonly relay: ModuleRelay;
  readonly debugLocks: boolean;
}

interface Live {
  readonly worker: Worker;
  readonly channel: SyscallChannel;
  readonly port: MessagePort;
}

/** The workers of one process. */
export class VcpuWorkers {
  /** Parallelism counters shared with the workers. */
  readonly counters = new ParallelCounters();
  private readonly live = new Map<number, Live>();

  /** @param opts see {@link VcpuWorkersOptions}. */
  constructor(private readonly opts: VcpuWorkersOptions) {}

  /** Starts a worker running vCPU `s.vcpu` (its CPU state must be set up). */
  start(s: VcpuStart): void {
    const o = this.opts;
    // A fresh slot per worker: the serve loop of a previous worker of this vCPU index may still be winding down.
    const channel = SyscallChannel.create();
    const { port1, port2 } = new MessageChannel();
    const data: VcpuWorkerData = {
      shared: o.shared, vcpu: s.vcpu, tid: s.tid, pid: o.pid, channel: channel.buffer, channelOffset: 0, futexes: o.futexes,
      pageFlags: o.pageFlags, pagesLo: o.pagesLo, pageBits: o.pageBits, localCalls: o.localCalls, modules: o.relay.current, port: port1,
      counters: this.counters.words.buffer as SharedArrayBuffer, debugLocks: o.debugLocks,
    };
    // The worker resolves @wasmu/* to their dist (no source condition, no test loaders).
    const worker = new Worker(WORKER_URL, { workerData: data, transferList: [port1], execArgv: [], env: { ...process.env, NODE_OPTIONS: "" } });
    this.counters.started();
    o.relay.add(port2);
    this.live.set(s.vcpu, { worker, channel, port: port2 });
    void channel.serve(s.handle);
    let error: Error | undefined;
    worker.on("error", (e) => (error = e));
    worker.on("exit", () => {
      channel.close();
      o.relay.remove(port2);
      this.live.delete(s.vcpu);
      s.exited(error);
    });
  }

  /** Asks every worker to stop (closes their slots; the caller kicks their vCPUs) and waits until they are gone. */
  async stopAll(): Promise<void> {
    const ws = [...this.live.values()];
    for (const l of ws) l.channel.close();
    await Promise.all(ws.map((l) => l.worker.terminate()));
  }
}
