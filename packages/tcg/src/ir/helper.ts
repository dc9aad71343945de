/**
 * Helper functions: operations too complex for inline IR (floating point, CSRs,
 * exceptions), called with the `call` op. A helper is referred to by its definition
 * object, never by a string looked up at run time.
 *
 * @module
 */
import type { IrType } from "./types.js";

/**
 * The helper neither reads globals nor needs them up to date in the CPU state.
 * A helper that may raise a guest exception must not have this flag: the exception
 * path observes the whole CPU state.
 */
export const HELPER_NO_READ_GLOBALS = 1;
/** The helper never writes globals: the optimizer's knowledge about them survives the call. */
export const HELPER_NO_WRITE_GLOBALS = 2;
/** The helper has no side effects beyond its result: an unused call may be deleted. */
export const HELPER_NO_SIDE_EFFECTS = 4;
/** The helper never returns to the TB (it raises an exception or exits the vCPU loop). */
export const HELPER_NO_RETURN = 8;

/** Text names of the helper flags, in bit order. */
export const HELPER_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [HELPER_NO_READ_GLOBALS, "no_read_globals"],
  [HELPER_NO_WRITE_GLOBALS, "no_write_globals"],
  [HELPER_NO_SIDE_EFFECTS, "no_side_effects"],
  [HELPER_NO_RETURN, "noreturn"],
];

/** What a helper implementation may touch when run by the reference interpreter. */
export interface HelperEnv {
  /** The CPU-state block. */
  readonly state: DataView;
}

/** A reference implementation of a helper, on canonical bigint values. */
export type HelperImpl = (env: HelperEnv, args: readonly bigint[]) => bigint | undefined;

/** Definition of a helper: signature, flags and (for the interpreter) an implementation. */
export interface HelperDef {
  /** Name, unique per function; used in the text form. */
  readonly name: string;
  /** Return type, or `void`. */
  readonly ret: IrType | "void";
  /** Argument types. */
  readonly args: readonly IrType[];
  /** Bitwise OR of `HELPER_*` flags. */
  readonly flags: number;
  /** Implementation used by the reference interpreter (optional elsewhere). */
  readonly impl?: HelperImpl;
}

/** Format helper flags as their text names joined by spaces. */
export function formatHelperFlags(flags: number): string {
  return HELPER_FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0)
    .map(([, n]) => n)
    .join(" ");
}
