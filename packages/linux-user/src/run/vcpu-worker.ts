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
import type { SyscallArgs } from "../syscalls/abi.js";
import { FutexOp } from "../syscalls/futex.js";
import { classifyExit, ParallelCounters, type PostedModule, VcpuEvent, VcpuReply, type VcpuWorkerData } from "./vcpu-link.js";

const NR_FUTEX = 98;
const NR_SCHED_YIELD = 124;
const NR_GETPID = 172;
const NR_GETTID = 178;

/** A module registry fed by the port: publications are posted, a miss first drains the port. */
class PortRegistry implements ModuleRegistry {
  private readonly local = new LocalModuleRegistry();

  constructor(
    private readonly port: VcpuWorkerData["port"],
    modules: readonly PostedModule[],
  ) {
    for (const m of modules) this.local.publish(m.module, m.tbs, m.generation);
  }

  moduleOf(tb: number): { readonly module: WasmModule; readonly tbs: readonly number[] } | undefined {
    let r = this.local.moduleOf(tb);
    if (r !== undefined) return r;
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const p = m.message as PostedModule;
      this.local.publish(p.module, p.tbs, p.generation);
    }
    r = this.local.moduleOf(tb);
    return r;
  }

  publish(module: WasmModule, tbs: readonly number[], generation: number): void {
    this.local.publish(module, tbs, generation);
    this.port.postMessage({ module, tbs: [...tbs], generation } satisfies PostedModule);
  }

  flush(generation: number): void {
    this.local.flush(generation);
  }
}

/** futex(2) in the worker, on the address space's shared table (the kernel's handler does the same with Promises). */
function localFutex(d: VcpuWorkerData, table: FutexTable, read: FutexWordReader, readable: (addr: number) => boolean, cpu: Vcpu, a: SyscallArgs): number {
  const uaddr = Number(BigInt.asUintN(64, a[0]) & 0xffff_ffff_ffffn);
  const op = Number(BigInt.asIntN(32, a[1]));
  if (uaddr % 4 !== 0) return -Errno.EINVAL;
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
      const ts = Number(BigInt.asUintN(64, a[3]) & 0xffff_ffff_ffffn);
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
      const slot = table.enqueue(uaddr, val, bitset, d.tid, read);
      if (slot < 0) return slot;
      // A signal or a stop that came before the waiter was queued: do not sleep through it.
      if (cpu.ctx.exclusive.exitRequested(cpu.index)) return table.cancel(slot, d.tid);
      return table.waitSync(slot, d.tid, Math.max(0, ms));
    }
    case FutexOp.WAKE: return table.wake(uaddr, n, BITSET_MATCH_ANY, d.tid);
    case FutexOp.WAKE_BITSET: return bits === 0 ? -Errno.EINVAL : table.wake(uaddr, n, bits, d.tid);
    case FutexOp.REQUEUE:
    case FutexOp.CMP_REQUEUE: {
      const addr2 = Number(BigInt.asUintN(64, a[4]) & 0xffff_ffff_ffffn);
      const n2 = Number(BigInt.asIntN(32, a[3]));
      return table.requeue(uaddr, n, n2, addr2, cmd === FutexOp.CMP_REQUEUE ? bits : undefined, read, d.tid);
    }
    default: return -Errno.ENOSYS;
  }
}

/** Runs the vCPU until the kernel thread stops it. */
function main(d: VcpuWorkerData): void {
  const translator: Translator = createRiscvTarget();
  const registry = new PortRegistry(d.port, d.modules);
  const ew = new ExecWorker(d.shared, translator, registry);
  const cpu = new Vcpu(ew, d.vcpu, createSyncThread(d.vcpu, { debug: d.debugLocks }));
  const st = cpu.state;
  const ch = new SyscallChannel(d.channel, d.channelOffset);
  const counters = new ParallelCounters(d.counters);
  const table = new FutexTable(d.futexes);
  const flags = new Uint8Array(d.pageFlags);
  const readable = (addr: number): boolean => ((flags[(addr - d.pagesLo) >>> d.pageBits] ?? 0) & PAGE_READ) !== 0;
  const read = futexWordReader(cpu.memory, d.pagesLo, readable);
  const zero: SyscallArgs = [0n, 0n, 0n, 0n, 0n, 0n];
  const call = (nr: number, args: SyscallArgs): bigint => {
    counters.leave();
    try {
      return ch.call(nr, args);
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
        const { nr, args: a } = req;
        let local: number | undefined;
        if (d.localCalls) {
          if (nr === NR_GETTID) local = d.tid;
          else if (nr === NR_GETPID) local = d.pid;
          else if (nr === NR_SCHED_YIELD) local = 0;
          else if (nr === NR_FUTEX) {
            counters.leave();
            try {
              local = localFutex(d, table, read, readable, cpu, a);
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
        reply = call(nr, a);
      }
      if (reply !== VcpuReply.CONTINUE) break;
    }
  } finally {
    counters.leave();
    cpu.close();
    d.port.close();
  }
}

main(workerData as VcpuWorkerData);
