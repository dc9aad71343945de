/**
 * The Linux memory-management ABI constants riscv64 uses (asm-generic/mman-common.h,
 * linux/mman.h): mmap protections and flags, mremap flags, madvise advice.
 *
 * @module
 */

/** mmap/mprotect protections. */
export const Prot = { NONE: 0, READ: 1, WRITE: 2, EXEC: 4, GROWSDOWN: 0x0100_0000, GROWSUP: 0x0200_0000 } as const;

/** mmap flags. */
export const MapFlag = {
  SHARED: 0x01, PRIVATE: 0x02, SHARED_VALIDATE: 0x03, TYPE: 0x0f, FIXED: 0x10, ANONYMOUS: 0x20,
  GROWSDOWN: 0x0100, DENYWRITE: 0x0800, EXECUTABLE: 0x1000, LOCKED: 0x2000, NORESERVE: 0x4000,
  POPULATE: 0x8000, NONBLOCK: 0x1_0000, STACK: 0x2_0000, HUGETLB: 0x4_0000, SYNC: 0x8_0000,
  FIXED_NOREPLACE: 0x10_0000, UNINITIALIZED: 0x400_0000,
} as const;

/** mremap flags. */
export const MremapFlag = { MAYMOVE: 1, FIXED: 2, DONTUNMAP: 4 } as const;

/** madvise advice values wasmu recognises. */
export const Madv = {
  NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, FREE: 8, REMOVE: 9, DONTFORK: 10, DOFORK: 11,
  MERGEABLE: 12, UNMERGEABLE: 13, HUGEPAGE: 14, NOHUGEPAGE: 15, DONTDUMP: 16, DODUMP: 17, WIPEONFORK: 18,
  KEEPONFORK: 19, COLD: 20, PAGEOUT: 21,
} as const;
