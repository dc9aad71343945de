/**
 * Where the guest's bytes are: the mapping of guest virtual addresses onto host memory.
 *
 * wasmu's tcg maps a window of guest addresses `[lo, lo + size)` onto the shared
 * WebAssembly.Memory at a fixed base (identity with an offset, tcg's `GuestWindow`);
 * {@link guestMemoryOfExec} builds that view. A soft-TLB scheme would give another
 * implementation of the same interface: the address space, loader and syscalls only use
 * {@link GuestMemory}.
 *
 * @module
 */
import type { ExecShared } from "@wasmu/tcg";

/** The guest's memory as the host sees it. */
export interface GuestMemory {
  /** Lowest guest address that can be mapped (a multiple of the page size). */
  readonly lo: number;
  /** Bytes of guest address space that can be mapped from `lo` (a multiple of the page size). */
  readonly size: number;
  /** Host bytes: guest address `lo + i` is `bytes[i]`. */
  readonly bytes: Uint8Array;
}

/** A guest memory of `size` bytes at guest address `lo` over a fresh buffer (tests, tools). */
export function flatGuestMemory(lo: number, size: number, shared = false): GuestMemory {
  const buf = shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
  return { lo, size, bytes: new Uint8Array(buf) };
}

/** The guest RAM window of a tcg execution environment. */
export function guestMemoryOfExec(shared: ExecShared): GuestMemory {
  const lo = shared.params.ramBase;
  if (lo > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("guest RAM base beyond 2^53");
  const size = shared.params.ramSize;
  return { lo: Number(lo), size, bytes: new Uint8Array(shared.memory.buffer, shared.layout.ramOffset, size) };
}
