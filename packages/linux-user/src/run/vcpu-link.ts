/**
 * What a vCPU worker and the kernel thread say to each other (README.md, process model).
 * The worker runs the cpu-exec loop; every exit it cannot handle itself crosses its
 * thread's `SyscallChannel` as a request, and the kernel thread — which meanwhile may
 * rewrite the worker's registers in shared memory (a0 and the pc, a signal frame,
 * rt_sigreturn) — answers whether the vCPU goes on:
 *
 * | request number | what | arguments |
 * |---|---|---|
 * | >= 0 | the system call of that number (a7) at `EXC_PC` | a0..a5 |
 * | {@link VcpuEvent.KICK} | the vCPU's exit_request was set: signals for it, or a stop | — |
 * | {@link VcpuEvent.FAULT} | a synchronous fault or exception ({@link FaultKind}) | kind, address, misaligned, pc, cause (memory and fetch faults: si_code) |
 *
 * Answers: {@link VcpuReply.CONTINUE}; {@link VcpuReply.STOP} ends the thread (the worker
 * then parks, and the kernel may give it the next new thread: starting a worker costs
 * ~170 ms, reusing one nothing); the channel's CLOSED result (the process has ended)
 * ends the worker.
 *
 * Module publication: a worker that compiles a TB module posts it on its `MessagePort`;
 * the kernel thread relays it to every other worker and keeps the current flush
 * generation's modules for workers started later. A worker reads its port synchronously
 * (`receiveMessageOnPort`) when a TB it found has no module yet, so its event loop never
 * has to run.
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import { Cause, type CpuExit, CpuOffset, type ExecShared, RISCV_EXIT_EXCEPTION, type Translator, type WasmModule, xOffset } from "@wasmu/tcg";
import { faultSigInfo as memoryFaultSigInfo, SIGBUS } from "../signals/fault-info.js";
import { syscallNumberOf, type SyscallArgs } from "../syscalls/abi.js";
import type { UserLogConfig } from "./user-log.js";

/** Request numbers that are not system calls. */
export const VcpuEvent = { KICK: -1, FAULT: -2 } as const;

/** Answers. */
export const VcpuReply = { CONTINUE: 0n, STOP: 1n } as const;

/** The kind argument of {@link VcpuEvent.FAULT}. */
export const FaultKind = { MEMORY: 0, FETCH: 1, EXCEPTION: 2 } as const;

/** A compiled module as posted between threads. */
export interface PostedModule {
  /** The module. */
  readonly module: WasmModule;
  /** TBs it places. */
  readonly tbs: readonly number[];
  /** Flush generation it was compiled in. */
  readonly generation: number;
}

/** A guest thread for a worker to run. */
export interface VcpuAssignment {
  /** The vCPU index. */
  readonly vcpu: number;
  /** The guest thread's tid (gettid, futex owner). */
  readonly tid: number;
  /** Its request slot (a fresh 64-byte SyscallChannel buffer). */
  readonly channel: SharedArrayBuffer;
}

/** Messages on a worker's port, both ways. */
export type WorkerMessage =
  | ({ readonly kind: "module" } & PostedModule)
  | { readonly kind: "assign"; readonly assignment: VcpuAssignment }
  /** The worker's thread has ended and its vCPU is off the CPU list: it waits for an assignment. */
  | { readonly kind: "parked" };

/** workerData of a vCPU worker. */
export interface VcpuWorkerData {
  /** The process's execution environment. */
  readonly shared: ExecShared;
  /** The first thread to run. */
  readonly first: VcpuAssignment;
  /** The process's pid (getpid). */
  readonly pid: number;
  /** The park word (Int32): the kernel sets it to 1 after posting an assignment, -1 to end the worker. */
  readonly park: SharedArrayBuffer;
  /** The address space's futex table. */
  readonly futexes: SharedArrayBuffer;
  /** The address space's page flags (one byte per page from `pagesLo`). */
  readonly pageFlags: SharedArrayBuffer;
  /** Guest address of page 0 of {@link pageFlags}. */
  readonly pagesLo: number;
  /** log2 of the page size. */
  readonly pageBits: number;
  /** Handle thread-local calls (futex, gettid, getpid, sched_yield) in the worker; off with -strace, so every call is traced. */
  readonly localCalls: boolean;
  /** Modules compiled so far (current flush generation). */
  readonly modules: readonly PostedModule[];
  /** Where modules are published and received, and assignments arrive. */
  readonly port: MessagePort;
  /** The parallelism counters ({@link ParallelCounters}). */
  readonly counters: SharedArrayBuffer;
  /** Debug lock checking. */
  readonly debugLocks: boolean;
  /** -d / -one-insn-per-tb (user-log.ts), attached to every vCPU the worker runs. */
  readonly log?: UserLogConfig;
}

/**
 * How many vCPUs run guest code at the same time: word 0 counts the workers currently
 * outside a system call or futex wait, word 1 is its maximum so far (updated by
 * compare-and-swap), word 2 counts the workers started.
 */
export class ParallelCounters {
  /** The words. */
  readonly words: Int32Array;

  /** @param buffer an existing buffer (a worker's view), or none for new counters. */
  constructor(buffer?: SharedArrayBuffer) {
    this.words = new Int32Array(buffer ?? new SharedArrayBuffer(16));
  }

  /** A worker starts running guest code (or resumes after a call). */
  enter(): void {
    const now = Atomics.add(this.words, 0, 1) + 1;
    for (let max = Atomics.load(this.words, 1); now > max; max = Atomics.load(this.words, 1)) {
      if (Atomics.compareExchange(this.words, 1, max, now) === max) break;
    }
  }

  /** A worker stops running guest code (a call, a wait, its end). */
  leave(): void {
    Atomics.sub(this.words, 0, 1);
  }

  /** Most vCPUs that ran guest code at once. */
  get max(): number {
    return Atomics.load(this.words, 1);
  }

  /** Workers started (word 2, counted by the kernel thread). */
  get workers(): number {
    return Atomics.load(this.words, 2);
  }

  /** Counts a started worker. */
  started(): void {
    Atomics.add(this.words, 2, 1);
  }
}

/** What a return from `cpuExec` asks of the kernel (or of the worker, for thread-local calls). */
export type VcpuRequest =
  | { readonly kind: "kick" }
  | { readonly kind: "syscall"; readonly nr: number; readonly raw: bigint; readonly args: SyscallArgs }
  | { readonly kind: "fault"; readonly args: SyscallArgs };

/**
 * Classifies an exit of `cpuExec` for a RISC-V Linux thread: an exit request, an ecall
 * (EXC_PENDING is cleared; the pc stays at the ecall, `EXC_PC`), or a fault / exception
 * (the pc is set to the faulting instruction) with its {@link VcpuEvent.FAULT} arguments.
 */
export function classifyExit(e: CpuExit, st: DataView, translator: Translator): VcpuRequest {
  if (e.kind === "exit_request") return { kind: "kick" };
  const pending = st.getUint32(CpuOffset.EXC_PENDING, true) !== 0;
  const cause = st.getBigUint64(CpuOffset.EXC_CAUSE, true);
  if ((e.kind === "helper" || (e.kind === "exit_tb" && e.code === RISCV_EXIT_EXCEPTION)) && pending && cause === BigInt(Cause.ECALL_U)) {
    st.setUint32(CpuOffset.EXC_PENDING, 0, true);
    const args = [10, 11, 12, 13, 14, 15].map((x) => st.getBigUint64(xOffset(x), true)) as unknown as SyscallArgs;
    const raw = st.getBigUint64(xOffset(17), true);
    return { kind: "syscall", nr: syscallNumberOf(raw), raw, args };
  }
  if (e.kind === "fault" || e.kind === "fetch_fault") {
    // The siginfo as Linux gives it (signals/fault-info.ts); its si_code travels in the cause slot.
    const info = memoryFaultSigInfo(e);
    const kind = e.kind === "fault" ? FaultKind.MEMORY : FaultKind.FETCH;
    return { kind: "fault", args: [BigInt(kind), info.addr ?? e.pc, info.signo === SIGBUS ? 1n : 0n, e.pc, BigInt(info.code), 0n] };
  }
  const pc = pending ? st.getBigUint64(CpuOffset.EXC_PC, true) : translator.getPc(st);
  st.setUint32(CpuOffset.EXC_PENDING, 0, true);
  translator.setPc(st, pc);
  return { kind: "fault", args: [BigInt(FaultKind.EXCEPTION), pc, 0n, pc, cause, 0n] };
}
