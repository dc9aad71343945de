// Rounding modes, exception flags and the status object the FPU functions accrue flags into.
// Encodings follow the RISC-V spec (frm field and the fflags CSR).

/** A RISC-V rounding mode, encoded as in the `rm`/`frm` fields: RNE=0, RTZ=1, RDN=2, RUP=3, RMM=4. */
export type RoundingMode = 0 | 1 | 2 | 3 | 4;

/** Round to nearest, ties to even. */
export const RM_RNE = 0;
/** Round towards zero. */
export const RM_RTZ = 1;
/** Round down (towards -infinity). */
export const RM_RDN = 2;
/** Round up (towards +infinity). */
export const RM_RUP = 3;
/** Round to nearest, ties to max magnitude. */
export const RM_RMM = 4;

/** fflags bit: invalid operation. */
export const FFLAG_NV = 16;
/** fflags bit: divide by zero. */
export const FFLAG_DZ = 8;
/** fflags bit: overflow. */
export const FFLAG_OF = 4;
/** fflags bit: underflow (tiny after rounding and inexact). */
export const FFLAG_UF = 2;
/** fflags bit: inexact. */
export const FFLAG_NX = 1;

/**
 * Where the FPU functions accrue exception flags (like QEMU's `float_status`, minus the
 * rounding mode, which every operation takes as an argument). Functions only OR bits into
 * `flags`; clearing is the caller's business (`fsflags`/`fscsr`). Give each vCPU its own.
 */
export class FpStatus {
  /** Accrued exception flags in the fflags layout (NV=16 DZ=8 OF=4 UF=2 NX=1). */
  flags = 0;
}

/** True when `rm` is one of the five valid static rounding modes (0..4). */
export function isRoundingMode(rm: number): rm is RoundingMode {
  return rm >= 0 && rm <= 4 && (rm | 0) === rm;
}
