/**
 * `wasmu user [options] PROGRAM [ARGS...]` (and `wasmu PROGRAM ...` for short): runs a
 * riscv64 Linux program, as `qemu-riscv64` does, on @wasmu/linux-user.
 */

import { userMain } from "@wasmu/linux-user";
import type { CommandIo } from "./io.js";
import { VERSION } from "../version.js";

/**
 * Runs `wasmu user ARGS`; resolves to the guest's exit status. A guest killed by a signal
 * kills wasmu with it through `io.killedBy` (the bin, as qemu-riscv64); without it, 128+signal.
 */
export function userCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return userMain(args, { stdout: io.out, stderr: io.err, ...(io.errBytes !== undefined ? { stderrBytes: io.errBytes } : {}), ...(io.ignoredSignals !== undefined ? { ignoredSignals: io.ignoredSignals } : {}), version: VERSION, ...(io.killedBy !== undefined ? { killedBy: io.killedBy } : {}) });
}
