/**
 * The system call dispatcher: handlers are plain functions grouped by family (one file
 * each: identity, time, memory, files...), registered by name against the declarative
 * table (table.ts), and called with the calling {@link Thread} and the six argument
 * registers. A handler returns the result (a non-negative value or `-errno`), or a
 * Promise of it when the call blocks (a pipe read, nanosleep). The dispatcher adds
 * `-strace` lines (one per call, printed when it completes) and answers calls without a handler with -ENOSYS and a one-time
 * "Unsupported syscall: N" warning.
 *
 * The runner (the vCPU loop) reads a7 and a0..a5 at an ecall exit, calls
 * {@link SyscallDispatcher.dispatch}, writes the result to a0, advances the pc by 4 and
 * looks at `thread.exit` afterwards.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { Thread } from "../process/process.js";
import type { SyscallArgs } from "./abi.js";
import { formatCall, formatResult, formatUnknown } from "./strace.js";
import { SYSCALL_NR, SYSCALLS } from "./table.js";

/** What a handler returns: the value for a0 (`-errno` on failure), possibly later. */
export type SyscallReturn = number | bigint | Promise<number | bigint>;

/** One system call's implementation. */
export type SyscallHandler = (t: Thread, a: SyscallArgs) => SyscallReturn;

/** A family of handlers by system call name. */
export type SyscallFamily = Readonly<Record<string, SyscallHandler>>;

/**
 * Calls wasmu leaves unimplemented on purpose, without a warning: glibc probes them and
 * copes with ENOSYS (rseq registration, the riscv hardware probe).
 */
const QUIET_ENOSYS = new Set(["rseq", "riscv_hwprobe"]);

function toBig(r: number | bigint): bigint {
  return typeof r === "bigint" ? r : BigInt(r);
}

/** The dispatcher. */
export class SyscallDispatcher {
  private readonly handlers = new Map<number, SyscallHandler>();

  /** @param families handler families (a name not in the table is a programming error: throws). */
  constructor(families: readonly SyscallFamily[]) {
    for (const f of families) {
      for (const [name, h] of Object.entries(f)) {
        const nr = SYSCALL_NR[name];
        if (nr === undefined) throw new Error(`syscall handler for unknown name ${name}`);
        this.handlers.set(nr, h);
      }
    }
  }

  /** Whether call `nr` has a handler. */
  implements(nr: number): boolean {
    return this.handlers.has(nr);
  }

  /**
   * Runs system call `nr` for thread `t`: the value for a0, synchronously when the handler
   * did not block. Never throws for guest input; a handler bug surfaces as a thrown error.
   * `raw` is the guest's whole a7 (for messages; `nr` is {@link syscallNumberOf} it).
   */
  dispatch(t: Thread, nr: number, args: SyscallArgs, raw: bigint = BigInt.asUintN(64, BigInt(nr))): bigint | Promise<bigint> {
    const kernel = t.proc.kernel;
    const info = SYSCALLS.get(nr);
    const trace = kernel.strace;
    // The call is formatted before it runs (its strings may change) and printed with its
    // result as one line, so that lines of concurrent threads do not interleave.
    let callText = "";
    if (trace !== undefined) {
      if (info === undefined || info.qemuUnknown) trace(formatUnknown(t.proc.pid, info === undefined ? BigInt.asIntN(64, raw) : nr));
      else callText = formatCall(t.proc.pid, info, args, t.proc.mm);
      if (info?.ret === "n") {
        trace(`${callText}\n`);
        callText = "";
      }
    }
    const h = this.handlers.get(nr);
    let r: SyscallReturn;
    if (h === undefined) {
      if (info === undefined || !QUIET_ENOSYS.has(info.name)) {
        // The whole unsigned 64-bit a7, never through a double (syscall(-1): 18446744073709551615).
        kernel.warnOnce(`syscall:${raw}`, `Unsupported syscall: ${raw}${info !== undefined ? ` (${info.name})` : ""}`);
      }
      r = -Errno.ENOSYS;
    } else {
      r = h(t, args);
    }
    if (typeof r === "object") {
      return r.then((v) => {
        const b = toBig(v);
        if (callText !== "") trace?.(callText + formatResult(info, b, args, t.proc.mm));
        return b;
      });
    }
    const b = toBig(r);
    if (callText !== "") trace?.(callText + formatResult(info, b, args, t.proc.mm));
    return b;
  }
}
