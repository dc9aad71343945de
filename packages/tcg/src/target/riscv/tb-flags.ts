/**
 * RISC-V TB flags: the part of the CPU state a translation depends on, part of the TB key
 * (pc, flags, cflags). A TB translated under some flags is only run when the vCPU's current
 * flags are equal, so the translator may decide statically what depends on them.
 *
 * | bits | field |
 * |------|-------|
 * | 1..0 | privilege level (0 U, 1 S, 3 M) |
 * | 2    | FS off: floating-point instructions and FP CSRs are illegal |
 * | 3    | system mode: privileged instructions and non-FP CSRs go to the system helpers; direct jumps chain only within the TB's page |
 * | 4    | FS dirty (system mode): mstatus.FS is already Dirty, so FP writes need not set it |
 *
 * @module
 */

/** Decoded TB flags. */
export interface RiscvTbFlags {
  /** Privilege level the TB runs at. */
  readonly priv: number;
  /** Floating point disabled (mstatus.FS = Off). */
  readonly fsOff: boolean;
  /** Translating for system mode (else user mode). */
  readonly system: boolean;
  /** mstatus.FS is Dirty (system mode); when false, the first FP state write of a TB sets it. */
  readonly fsDirty?: boolean;
}

/** Bit of {@link RiscvTbFlags.fsOff}. */
export const TB_FLAG_FS_OFF = 4;
/** Bit of {@link RiscvTbFlags.system}. */
export const TB_FLAG_SYSTEM = 8;
/** Bit of {@link RiscvTbFlags.fsDirty}. */
export const TB_FLAG_FS_DIRTY = 16;

/** Encodes TB flags as the number stored in the TB key. */
export function encodeTbFlags(f: RiscvTbFlags): number {
  return (f.priv & 3) | (f.fsOff ? TB_FLAG_FS_OFF : 0) | (f.system ? TB_FLAG_SYSTEM : 0) | (f.fsDirty === true ? TB_FLAG_FS_DIRTY : 0);
}

/** Decodes the number stored in the TB key. */
export function decodeTbFlags(flags: number): RiscvTbFlags {
  return { priv: flags & 3, fsOff: (flags & TB_FLAG_FS_OFF) !== 0, system: (flags & TB_FLAG_SYSTEM) !== 0, fsDirty: (flags & TB_FLAG_FS_DIRTY) !== 0 };
}

/** The flags of a user-mode TB (U privilege, FP on). */
export const USER_TB_FLAGS = 0;
