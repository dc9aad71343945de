/**
 * The entry point of a vCPU worker (a `worker_threads` Worker; see vcpu-link.ts for the
 * protocol and README.md for the process model): runs one guest thread's vCPU over the
 * process's shared execution environment until the kernel thread says stop.
 *
 * The loop: `cpuExec`; an ecall of a thread-local call (futex, gettid, getpid,
 * sched_yield) is answered here; any other ecall, a fault or an exit request becomes a
 * request to the kernel thread through the thread's channel, during which this thread
 * sleeps in `Atomics.wait`. Compiled modules are published to and received from the other
 * workers through the worker's port (a registry that reads the port synchronously on a
 * miss). Not imported by the package index: loading it starts the loop.
 *
 * @module
 */
import { receiveMessageOnPort, workerData } from "node:worker_threads";
import {
  cpuExec, CpuOffset, createRiscvTarget, createSyncThread, ExecWorker, LocalModuleRegistry, type ModuleRegistry, type Translator, Vcpu, type WasmModule, xOffset,
} from "@wasmu/tcg";
import { Errno } from "../errno.js";
import { BITSET_MATCH_ANY, FutexTable, futexWordReader, type FutexWordReader } from "../kernel-link/futex-table.js";
import { SyscallChannel } from "../kernel-link/syscall-channel.js";
import { PAGE_READ } from "../mm/page-flags.js";
import { addr, type SyscallArgs } from "../syscalls/abi.js";
import { FutexOp } from "../syscalls/futex.js";
import { classifyExit, ParallelCounters, type PostedModule, type VcpuAssignment, VcpuEvent, VcpuReply, type VcpuWorkerData, type WorkerMessage } from "./vcpu-link.js";
import { UserLog } from "./user-log.js";

const NR_FUTEX = 98;
const NR_SCHED_YIELD = 124;
const NR_GETPID = 172;
const NR_GETTID = 178;

/**
 * A module registry fed by the port: publications are posted, a miss first drains the
 * port (which also carries the kernel's next thread assignment while parked).
 */
class PortRegistry implements ModuleRegistry {
  private readonly local = new LocalModuleRegistry();
  private assignment: VcpuAssignment | undefined;

  constructor(
    private readonly port: VcpuWorkerData["port"],
    modules: readonly PostedModule[],
  ) {
    for (const m of modules) this.local.publish(m.module, m.tbs, m.generation);
  }

  /** Reads every message waiting on the port; returns a thread assignment if one came. */
  drain(): VcpuAssignment | undefined {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const msg = m.message as WorkerMessage;
      if (msg.kind === "module") this.local.publish(msg.module, msg.tbs, msg.generation);
      else if (msg.kind === "assign") this.assignment = msg.assignment;
    }
    const a = this.assignment;
    this.assignment = undefined;
    return a;
  }

  moduleOf(tb: number): { readonly module: WasmModule; readonly tbs: readonly number[] } | undefined {
    const r = this.local.moduleOf(tb);
    if (r !== undefined) return r;
    const a = this.drain();
    if (a !== undefined) this.assignment = a;
    return this.local.moduleOf(tb);
  }

  publish(module: WasmModule, tbs: readonly number[], generation: number): void {
    this.local.publish(module, tbs, generation);
    this.port.postMessage({ kind: "module", module, tbs: [...tbs], generation } satisfies WorkerMessage);
  }

  flush(generation: number): void {
    this.local.flush(generation);
  }
}

/** futex(2) in the worker, on the address space's shared table (the kernel's handler does the same with Promises). */
function localFutex(d: VcpuWorkerData, tid: number, table: FutexTable, read: FutexWordReader, readable: (addr: number) => boolean, cpu: Vcpu, a: SyscallArgs): number {
  const uaddr = addr(a[0]);
  const op = Number(BigInt.asIntN(32, a[1]));
  if (uaddr < 0 || uaddr % 4 !== 0) return -Errno.EINVAL; // as the kernel thread's handler (syscalls/futex.ts)
  const cmd = op & ~(FutexOp.PRIVATE_FLAG | FutexOp.CLOCK_REALTIME);
  const realtime = (op & FutexOp.CLOCK_REALTIME) !== 0;
  if (realtime && cmd !== FutexOp.WAIT && cmd !== FutexOp.WAIT_BITSET) return -Errno.ENOSYS;
  const val = Number(BigInt.asUintN(32, a[2]));
  const n = Number(BigInt.asIntN(32, a[2]));
  const bits = Number(BigInt.asUintN(32, a[5]));
  switch (cmd) {
    case FutexOp.WAIT:
    case FutexOp.WAIT_BITSET: {
      const bitset = cmd === FutexOp.WAIT ? BITSET_MATCH_ANY : bits;
      if (bitset === 0) return -Errno.EINVAL;
      let ms = Infinity;
      const ts = addr(a[3]);
      if (ts !== 0) {
        if (ts < d.pagesLo || ts + 16 > d.pagesLo + cpu.memory.length || !readable(ts) || !readable(ts + 15)) return -Errno.EFAULT;
        const view = new DataView(cpu.memory.buffer, cpu.memory.byteOffset + (ts - d.pagesLo), 16);
        const s = view.getBigInt64(0, true);
        const ns = view.getBigInt64(8, true);
        if (s < 0n || ns < 0n || ns >= 1_000_000_000n) return -Errno.EINVAL;
        const t = Number(s) * 1e3 + Number(ns) / 1e6;
        if (cmd === FutexOp.WAIT) ms = t;
        else ms = t - (realtime ? performance.timeOrigin + performance.now() : Number(process.hrtime.bigint()) / 1e6);
      }
      const slot = table.enqueue(uaddr, val, bitset, tid, read);
      if (slot < 0) return slot;
      // A signal or a stop that came before the waiter was queued: do not sleep through it.
      if (cpu.ctx.exclusive.exitRequested(cpu.index)) return table.cancel(slot, tid);
      return table.waitSync(slot, tid, Math.max(0, ms));
    }
    case FutexOp.WAKE: return table.wake(uaddr, n, BITSET_MATCH_ANY, tid);
    case FutexOp.WAKE_BITSET: return bits === 0 ? -Errno.EINVAL : table.wake(uaddr, n, bits, tid);
    case FutexOp.REQUEUE:
    case FutexOp.CMP_REQUEUE: {
      const addr2 = addr(a[4]);
      const n2 = Number(BigInt.asIntN(32, a[3]));
      return table.requeue(uaddr, n, n2, addr2, cmd === FutexOp.CMP_REQUEUE ? bits : undefined, read, tid);
    }
    default: return -Errno.ENOSYS;
  }
}

/** The process-wide parts of a worker, kept from one guest thread to the next. */
interface WorkerEnv {
  readonly d: VcpuWorkerData;
  readonly translator: Translator;
  readonly ew: ExecWorker;
  readonly counters: ParallelCounters;
  readonly table: FutexTable;
  readonly readable: (addr: number) => boolean;
}

/** Runs guest thread `a` until the kernel thread stops it; false when the process has ended (the channel was closed). */
function runThread(env: WorkerEnv, a: VcpuAssignment): boolean {
  const { d, translator, counters, table, readable } = env;
  const cpu = new Vcpu(env.ew, a.vcpu, createSyncThread(a.vcpu, { debug: d.debugLocks }));
  const log = d.log === undefined ? undefined : new UserLog(d.log);
  log?.attach(cpu);
  const st = cpu.state;
  const ch = new SyscallChannel(a.channel, 0);
  const read = futexWordReader(cpu.memory, d.pagesLo, readable);
  const zero: SyscallArgs = [0n, 0n, 0n, 0n, 0n, 0n];
  const call = (nr: number, args: SyscallArgs, raw?: bigint): bigint => {
    log?.publishStats(cpu);
    counters.leave();
    try {
      return ch.call(nr, args, raw);
    } finally {
      counters.enter();
    }
  };
  counters.enter();
  try {
    for (;;) {
      const e = cpuExec(cpu);
      const req = classifyExit(e, st, translator);
      let reply: bigint;
      if (req.kind === "kick") {
        reply = call(VcpuEvent.KICK, zero);
      } else if (req.kind === "fault") {
        reply = call(VcpuEvent.FAULT, req.args);
      } else {
        const { nr, args } = req;
        let local: number | undefined;
        if (d.localCalls) {
          if (nr === NR_GETTID) local = a.tid;
          else if (nr === NR_GETPID) local = d.pid;
          else if (nr === NR_SCHED_YIELD) local = 0;
          else if (nr === NR_FUTEX) {
            counters.leave();
            try {
              local = localFutex(d, a.tid, table, read, readable, cpu, args);
            } finally {
              counters.enter();
            }
          }
        }
        if (local !== undefined) {
          st.setBigUint64(xOffset(10), BigInt.asUintN(64, BigInt(local)), true);
          translator.setPc(st, st.getBigUint64(CpuOffset.EXC_PC, true) + 4n);
          continue;
        }
        reply = call(nr, args, req.raw);
      }
      if (reply === VcpuReply.STOP) return true;
      if (reply !== VcpuReply.CONTINUE) return false;
    }
  } finally {
    counters.leave();
    cpu.close();
  }
}

/** Runs guest threads, one after the other, until the process ends. */
function main(d: VcpuWorkerData): void {
  const translator: Translator = createRiscvTarget();
  const registry = new PortRegistry(d.port, d.modules);
  const flags = new Uint8Array(d.pageFlags);
  const env: WorkerEnv = {
    d, translator, ew: new ExecWorker(d.shared, translator, registry), counters: new ParallelCounters(d.counters), table: new FutexTable(d.futexes),
    readable: (addr) => ((flags[(addr - d.pagesLo) >>> d.pageBits] ?? 0) & PAGE_READ) !== 0,
  };
  const park = new Int32Array(d.park);
  let a: VcpuAssignment | undefined = d.first;
  // Parked between threads: the kernel posts the next assignment, then sets the park word.
  while (a !== undefined && runThread(env, a)) {
    Atomics.store(park, 0, 0);
    d.port.postMessage({ kind: "parked" } satisfies WorkerMessage);
    a = undefined;
    while (a === undefined) {
      Atomics.wait(park, 0, 0);
      if (Atomics.load(park, 0) < 0) break;
      a = registry.drain();
    }
  }
  d.port.close();
}

main(workerData as VcpuWorkerData);
