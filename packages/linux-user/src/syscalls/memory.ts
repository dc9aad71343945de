/**
 * Memory: brk, mmap (anonymous and file-backed copies; MAP_SHARED file mappings written
 * back by mm/shared-file-maps.ts at msync, munmap and mremap), munmap, mprotect, mremap,
 * madvise, and the calls that only need to succeed (msync, mlock, mincore...), over the
 * process's {@link AddressSpace}.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { Madv, MapFlag, Prot } from "../mm/constants.js";
import type { Thread } from "../process/process.js";
import { addr, int, long, O, uint } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { put } from "./guest-io.js";

const KNOWN_ADVICE = new Set<number>(Object.values(Madv));

function mmap(t: Thread, start: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  const mm = t.proc.mm;
  if (start < 0 || len < 0) return -Errno.ENOMEM;
  if (len === 0) return -Errno.EINVAL;
  if (off < 0 || off % mm.pageSize !== 0) return -Errno.EINVAL;
  // A fixed mapping replaces what was there: shared file pages it covers are written back first.
  if ((flags & (MapFlag.FIXED | MapFlag.FIXED_NOREPLACE)) === MapFlag.FIXED) t.proc.sharedMaps.drop(mm, start, start + mm.pageUp(len));
  if ((flags & MapFlag.ANONYMOUS) !== 0) return mm.mmap(start, len, prot, flags);
  const file = t.proc.files.get(fd);
  if (file === undefined) return -Errno.EBADF;
  if ((file.flags & O.PATH) !== 0) return -Errno.EBADF;
  if (!file.readable) return -Errno.EACCES;
  const type = flags & MapFlag.TYPE;
  if (type !== MapFlag.PRIVATE && (prot & Prot.WRITE) !== 0 && !file.writable) return -Errno.EACCES;
  const data = file.mapData(off, mm.pageUp(len));
  if (typeof data === "number") return data;
  const r = mm.mmap(start, len, prot, flags, { data, offset: off, name: file.hostPath !== undefined ? t.proc.kernel.sysroot.guestView(file.hostPath) : "" });
  if (r >= 0 && type !== MapFlag.PRIVATE) t.proc.sharedMaps.add(r, r + mm.pageUp(len), file, off);
  return r;
}

function madvise(t: Thread, start: number, len: number, advice: number): number {
  const mm = t.proc.mm;
  if (start < 0 || start % mm.pageSize !== 0) return -Errno.EINVAL;
  if (!KNOWN_ADVICE.has(advice)) return -Errno.EINVAL;
  if (len === 0) return 0;
  const end = start + mm.pageUp(len);
  if (end > mm.top) return -Errno.EINVAL;
  if (!mm.vmas.covered(start, end)) return -Errno.ENOMEM;
  if (advice === Madv.DONTNEED || advice === Madv.REMOVE) {
    // Private anonymous pages read back as zero after MADV_DONTNEED (file pages would reread the file: not modelled).
    for (const v of mm.vmas.all) {
      if (v.end <= start || v.start >= end || !v.anonymous) continue;
      const s = Math.max(v.start, start);
      const e = Math.min(v.end, end);
      mm.memory.bytes.fill(0, s - mm.memory.lo, e - mm.memory.lo);
      mm.wrote(s, e - s);
    }
  }
  return 0;
}

/** The memory handlers. */
export const memorySyscalls: SyscallFamily = {
  brk: (t, a) => t.proc.mm.brk(addr(a[0])),
  mmap: (t, a) => mmap(t, addr(a[0]), addr(a[1]), uint(a[2]), uint(a[3]), int(a[4]), long(a[5])),
  munmap: (t, a) => {
    const [s, len] = [addr(a[0]), addr(a[1])];
    if (s < 0) return -Errno.EINVAL;
    const mm = t.proc.mm;
    if (len > 0 && s % mm.pageSize === 0) t.proc.sharedMaps.drop(mm, s, s + mm.pageUp(len));
    return mm.munmap(s, len < 0 ? -1 : len);
  },
  mprotect: (t, a) => (addr(a[0]) < 0 ? -Errno.ENOMEM : t.proc.mm.mprotect(addr(a[0]), addr(a[1]) < 0 ? -1 : addr(a[1]), uint(a[2]))),
  mremap: (t, a) => {
    const [o, ol, nl, na] = [addr(a[0]), addr(a[1]), addr(a[2]), addr(a[4])];
    if (o < 0 || ol < 0 || nl < 0 || na < 0) return -Errno.EINVAL;
    const mm = t.proc.mm;
    const maps = t.proc.sharedMaps;
    if (maps.empty || o % mm.pageSize !== 0) return mm.mremap(o, ol, nl, uint(a[3]), na);
    // A shared file mapping stays one at its new place (python's mmap.resize): written back, moved, recorded again.
    const old = maps.covering(o, o + mm.pageUp(ol));
    const file = old?.file.ref();
    maps.flush(mm, o, o + mm.pageUp(ol));
    const r = mm.mremap(o, ol, nl, uint(a[3]), na);
    if (r >= 0) {
      maps.drop(mm, o, o + mm.pageUp(ol), false);
      if (file !== undefined) maps.add(r, r + mm.pageUp(nl), file, old!.offset);
    }
    file?.unref();
    return r;
  },
  madvise: (t, a) => madvise(t, addr(a[0]), addr(a[1]), int(a[2])),
  // Linux's riscv_flush_icache (glibc's __riscv_flush_icache, GCC's __builtin___clear_cache):
  // flags other than SYS_RISCV_FLUSH_ICACHE_LOCAL are EINVAL. Nothing to do: a store to a
  // page holding translated code invalidates that code (tcg's self-modifying-code check).
  riscv_flush_icache: (_t, a) => ((BigInt.asUintN(64, a[2]) & ~1n) !== 0n ? -Errno.EINVAL : 0),
  msync: (t, a) => {
    const s = addr(a[0]);
    if (s < 0 || s % t.proc.mm.pageSize !== 0 || (uint(a[2]) & ~7) !== 0) return -Errno.EINVAL;
    const end = s + t.proc.mm.pageUp(addr(a[1]));
    if (!t.proc.mm.vmas.covered(s, end)) return -Errno.ENOMEM;
    t.proc.sharedMaps.flush(t.proc.mm, s, end);
    return 0;
  },
  mlock: () => 0,
  munlock: () => 0,
  mlock2: () => 0,
  mlockall: () => 0,
  munlockall: () => 0,
  mincore: (t, a) => {
    const mm = t.proc.mm;
    const s = addr(a[0]);
    const len = addr(a[1]);
    if (s < 0 || s % mm.pageSize !== 0) return -Errno.EINVAL;
    if (!mm.vmas.covered(s, s + mm.pageUp(len))) return -Errno.ENOMEM;
    return put(t, addr(a[2]), new Uint8Array(mm.pageUp(len) / mm.pageSize).fill(1));
  },
};
