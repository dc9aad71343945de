/**
 * The request slot through which a vCPU worker hands a system call to the kernel thread
 * (README.md, process model): 64 bytes of shared memory per guest thread.
 *
 * | bytes | what |
 * |-------|------|
 * | 0 | state (i32): IDLE 0, REQUEST 1, DONE 2, CLOSED 3 |
 * | 4 | system call number (i32) |
 * | 8..56 | a0..a5 (i64) |
 * | 56 | the result for a0 (i64) |
 *
 * The worker writes the call, sets REQUEST and notifies, then sleeps in `Atomics.wait`
 * until the state leaves REQUEST; the kernel thread sleeps in `Atomics.waitAsync` (its
 * event loop keeps running: blocking calls are Promises), runs the call, writes the
 * result and sets DONE. Measured on this machine class: 7.6 µs per round trip with the
 * kernel on the Node main thread.
 *
 * @module
 */
import type { SyscallArgs } from "../syscalls/abi.js";

/** Atomics.waitAsync (Node 16+; not in the ES2023 lib typings this project compiles against). */
type WaitAsync = (a: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const atomicsWaitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
/** Atomics.waitAsync, typed. */
export function waitAsync(a: Int32Array, index: number, value: number): ReturnType<WaitAsync> {
  return atomicsWaitAsync.call(Atomics, a, index, value);
}

/** Bytes of one slot. */
/** Layout: int32 state, int32 nr, int64 args[6], int64 result, int64 raw a7. */
export const CHANNEL_BYTES = 72;
/** Slot states. */
export const ChannelState = { IDLE: 0, REQUEST: 1, DONE: 2, CLOSED: 3 } as const;
/** What `call` returns once the kernel closed the channel (-ENOSYS). */
export const CHANNEL_CLOSED_RESULT = -38n;

/** One thread's request slot, usable from either side. */
export class SyscallChannel {
  private readonly i32: Int32Array;
  private readonly i64: BigInt64Array;

  /**
   * @param buffer shared memory holding the slot (post it to the worker).
   * @param byteOffset where the slot starts (a multiple of 8).
   */
  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly byteOffset = 0,
  ) {
    this.i32 = new Int32Array(buffer, byteOffset, CHANNEL_BYTES / 4);
    this.i64 = new BigInt64Array(buffer, byteOffset, CHANNEL_BYTES / 8);
  }

  /** A new slot in its own SharedArrayBuffer. */
  static create(): SyscallChannel {
    return new SyscallChannel(new SharedArrayBuffer(CHANNEL_BYTES));
  }

  /**
   * Worker side: runs system call `nr` (an int32: a table number or an event) in the kernel
   * and waits for its result (blocks this thread). `raw` is the guest's whole a7.
   */
  call(nr: number, args: SyscallArgs, raw: bigint = BigInt.asUintN(64, BigInt(nr))): bigint {
    const s = this.i32;
    if (Atomics.load(s, 0) === ChannelState.CLOSED) return CHANNEL_CLOSED_RESULT;
    s[1] = nr;
    this.i64[8] = BigInt.asIntN(64, raw);
    for (let i = 0; i < 6; i++) this.i64[1 + i] = BigInt.asIntN(64, args[i]!);
    Atomics.store(s, 0, ChannelState.REQUEST);
    Atomics.notify(s, 0);
    while (Atomics.load(s, 0) === ChannelState.REQUEST) Atomics.wait(s, 0, ChannelState.REQUEST);
    if (Atomics.compareExchange(s, 0, ChannelState.DONE, ChannelState.IDLE) !== ChannelState.DONE) return CHANNEL_CLOSED_RESULT;
    return this.i64[7]!;
  }

  /**
   * Kernel side: answers requests with `handle` until {@link close}. Returns when closed.
   * `handle` may return a Promise (a blocking call); other slots keep being served meanwhile.
   */
  async serve(handle: (nr: number, args: SyscallArgs, raw: bigint) => bigint | Promise<bigint>): Promise<void> {
    const s = this.i32;
    for (;;) {
      const state = Atomics.load(s, 0);
      if (state === ChannelState.CLOSED) return;
      if (state !== ChannelState.REQUEST) {
        const w = waitAsync(s, 0, state);
        if (w.async) await w.value;
        continue;
      }
      const args = [1, 2, 3, 4, 5, 6].map((i) => BigInt.asUintN(64, this.i64[i]!)) as unknown as SyscallArgs;
      const r = handle(s[1]!, args, BigInt.asUintN(64, this.i64[8]!));
      const v = typeof r === "bigint" ? r : await r;
      this.i64[7] = BigInt.asIntN(64, v);
      if (Atomics.compareExchange(s, 0, ChannelState.REQUEST, ChannelState.DONE) !== ChannelState.REQUEST) return;
      Atomics.notify(s, 0);
    }
  }

  /** Either side: no more calls (a waiting worker gets {@link CHANNEL_CLOSED_RESULT}; `serve` returns). */
  close(): void {
    Atomics.store(this.i32, 0, ChannelState.CLOSED);
    Atomics.notify(this.i32, 0);
  }
}
