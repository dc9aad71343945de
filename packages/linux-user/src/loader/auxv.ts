/**
 * The auxiliary vector: AT_* types (linux/auxvec.h and arch/riscv/include/uapi/asm/auxvec.h)
 * and the riscv64 values wasmu reports.
 *
 * @module
 */

/** Auxiliary vector entry types. */
export const At = {
  NULL: 0, IGNORE: 1, EXECFD: 2, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, NOTELF: 10,
  UID: 11, EUID: 12, GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, BASE_PLATFORM: 24,
  RANDOM: 25, HWCAP2: 26, RSEQ_FEATURE_SIZE: 27, RSEQ_ALIGN: 28, EXECFN: 31, SYSINFO_EHDR: 33,
  L1I_CACHESIZE: 40, L1I_CACHEGEOMETRY: 41, L1D_CACHESIZE: 42, L1D_CACHEGEOMETRY: 43, L2_CACHESIZE: 44,
  L2_CACHEGEOMETRY: 45, L3_CACHESIZE: 46, L3_CACHEGEOMETRY: 47, MINSIGSTKSZ: 51,
} as const;

/** The name of AT_* type `t` ("AT_PHDR"), for dumps and tests. */
export function atName(t: number): string {
  for (const [k, v] of Object.entries(At)) if (v === t) return `AT_${k}`;
  return `AT_${t}`;
}

/** riscv64's AT_HWCAP: one bit per single-letter extension (bit = letter - 'A'). */
export function riscvHwcap(letters: string): bigint {
  let h = 0n;
  for (const c of letters.toUpperCase()) if (c >= "A" && c <= "Z") h |= 1n << BigInt(c.charCodeAt(0) - 65);
  return h;
}

/** AT_HWCAP of an rv64imafdc CPU (I, M, A, F, D, C: 0x112d), as Linux and QEMU report it. */
export const RV64IMAFDC_HWCAP = riscvHwcap("imafdc");

/**
 * AT_MINSIGSTKSZ of riscv64 without the vector extension: sizeof(struct rt_sigframe) =
 * siginfo (128) + ucontext (960: flags, link, stack_t, sigmask, padding to 168, the
 * 16-aligned sigcontext of 32 x-registers and the 528-byte FP state), rounded to 16.
 */
export const RISCV_MINSIGSTKSZ = 1088;

/** AT_CLKTCK: USER_HZ. */
export const USER_HZ = 100;
