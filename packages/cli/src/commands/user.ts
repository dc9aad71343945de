/**
 * `wasmu user [options] PROGRAM [ARGS...]` (and `wasmu PROGRAM ...` for short): runs a
 * riscv64 Linux program, as `qemu-riscv64` does, on @wasmu/linux-user.
 */

import { userMain } from "@wasmu/linux-user";
import type { CommandIo } from "./io.js";

/** Runs `wasmu user ARGS`; resolves to the guest's exit status (128+signal if killed). */
export function userCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return userMain(args, { stdout: io.out, stderr: io.err });
}
