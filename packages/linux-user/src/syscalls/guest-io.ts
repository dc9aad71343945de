/**
 * Small helpers the handlers use to read arguments from and write results to guest
 * memory (copy_from_user / copy_to_user), each giving -EFAULT for an inaccessible range.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { Thread } from "../process/process.js";
import { decodeTimespec } from "./abi.js";
import { decodeBytes } from "../fs/host-path.js";

/** Copies `data` to guest address `a`: 0 or -EFAULT. */
export function put(t: Thread, a: number, data: Uint8Array): number {
  return a >= 0 && t.proc.mm.write(a, data) ? 0 : -Errno.EFAULT;
}

/** Writes little-endian u32 values at `a`. */
export function putU32s(t: Thread, a: number, ...v: number[]): number {
  const b = new Uint8Array(v.length * 4);
  const dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setUint32(i * 4, x >>> 0, true));
  return put(t, a, b);
}

/** Writes little-endian u64 values at `a`. */
export function putU64s(t: Thread, a: number, ...v: bigint[]): number {
  const b = new Uint8Array(v.length * 8);
  const dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, x), true));
  return put(t, a, b);
}

/** Copies `len` guest bytes at `a`, or -EFAULT. */
export function get(t: Thread, a: number, len: number): Uint8Array | number {
  if (a < 0) return -Errno.EFAULT;
  return t.proc.mm.read(a, len) ?? -Errno.EFAULT;
}

/** A timeout argument (struct timespec at `ptr`): ns, undefined for none (`ptr` 0: wait forever), or -errno. */
export function timeoutArg(t: Thread, ptr: number): bigint | undefined | number {
  if (ptr === 0) return undefined;
  const b = get(t, ptr, 16);
  if (typeof b === "number") return b;
  return decodeTimespec(b) ?? -Errno.EINVAL;
}

/** Reads `n` little-endian u64 values at `a`, or -EFAULT. */
export function getU64s(t: Thread, a: number, n: number): bigint[] | number {
  const b = get(t, a, n * 8);
  if (typeof b === "number") return b;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: n }, (_, i) => dv.getBigUint64(i * 8, true));
}

/** A NUL-terminated path argument (at most PATH_MAX bytes): the string, or -EFAULT / -ENAMETOOLONG. */
export function getPath(t: Thread, a: number): string | number {
  if (a <= 0) return -Errno.EFAULT;
  const s = t.proc.mm.readCString(a, 4096);
  if (typeof s === "number") return s;
  // Bytes, not text: fs/host-path.ts.
  return decodeBytes(s);
}

/** A fixed-size NUL-padded string field (struct utsname's 65 bytes). */
export function cfield(s: string, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set(new TextEncoder().encode(s).subarray(0, size - 1));
  return b;
}
