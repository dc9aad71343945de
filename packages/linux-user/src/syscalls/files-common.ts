/**
 * What the file-family handlers share: descriptor lookup and the resolution of
 * (dirfd, path) pairs to host paths with the sysroot applied (fs/sysroot.ts).
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { OpenFile } from "../fs/open-file.js";
import type { Thread } from "../process/process.js";
import { AT } from "./abi.js";
import { getPath, putU32s } from "./guest-io.js";

/** Linux's MAX_RW_COUNT: one read/write transfers at most this much. */
export const MAX_RW_COUNT = 0x7fff_f000;

/**
 * Installs the two ends of a new pair (pipe2, socketpair) as descriptors and stores them
 * at `ptr` as two u32s; on failure closes what was installed and returns -errno.
 */
export function installPair(t: Thread, x: OpenFile, y: OpenFile, cloexec: boolean, ptr: number): number {
  const fx = t.proc.files.install(x, cloexec);
  if (fx < 0) {
    y.unref();
    return fx;
  }
  const fy = t.proc.files.install(y, cloexec);
  if (fy < 0) {
    t.proc.files.close(fx);
    return fy;
  }
  const w = putU32s(t, ptr, fx, fy);
  if (w < 0) {
    t.proc.files.close(fx);
    t.proc.files.close(fy);
  }
  return w;
}

/** The open file of `fd`, or -EBADF. */
export function fileOf(t: Thread, fd: number): OpenFile | number {
  return t.proc.files.get(fd) ?? -Errno.EBADF;
}

/** The host directory relative paths under `dirfd` start from, or -errno. */
export function dirBase(t: Thread, dirfd: number): string | number {
  if (dirfd === AT.FDCWD) return t.proc.cwd;
  const f = fileOf(t, dirfd);
  if (typeof f === "number") return f;
  if (f.kind !== "dir" || f.hostPath === undefined) return -Errno.ENOTDIR;
  return f.hostPath;
}

/**
 * The host path of guest path `p` relative to `dirfd` (absolute paths through the
 * sysroot). Empty paths are ENOENT (callers handle AT_EMPTY_PATH first).
 */
export function resolveAt(t: Thread, dirfd: number, p: string, follow: boolean): string | number {
  if (p === "") return -Errno.ENOENT;
  if (p.startsWith("/")) return t.proc.kernel.sysroot.resolve(p, "/", follow);
  const base = dirBase(t, dirfd);
  if (typeof base === "number") return base;
  return t.proc.kernel.sysroot.resolve(p, base, follow);
}

/** Reads the path argument at `ptr` and resolves it under `dirfd`. */
export function pathAt(t: Thread, dirfd: number, ptr: number, follow: boolean): string | number {
  const p = getPath(t, ptr);
  if (typeof p === "number") return p;
  return resolveAt(t, dirfd, p, follow);
}
