/**
 * Landlock (landlock_create_ruleset, landlock_add_rule, landlock_restrict_self): wasmu
 * cannot confine host file access per guest process, so it answers as a kernel built
 * with Landlock but booted without it: EOPNOTSUPP, after which programs that sandbox
 * themselves when they can (xz, for one) carry on unconfined. No warning: this is an
 * answer, not a missing call.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { SyscallFamily } from "./dispatch.js";

/** The Landlock handlers. */
export const landlockSyscalls: SyscallFamily = {
  landlock_create_ruleset: () => -Errno.EOPNOTSUPP,
  landlock_add_rule: () => -Errno.EOPNOTSUPP,
  landlock_restrict_self: () => -Errno.EOPNOTSUPP,
};
