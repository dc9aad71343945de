/**
 * `wasmu system [options]`: the RISC-V virt machine, as `qemu-system-riscv64 -M virt`
 * runs it, on @wasmu/softmmu (its `systemMain`) with the Node host of ../system/node-host.ts.
 */

import { systemMain } from "@wasmu/softmmu";
import type { CommandIo } from "./io.js";
import { nodeSystemHost } from "../system/node-host.js";
import { VERSION } from "../version.js";

/** Runs `wasmu system ARGS`; resolves to the exit status. */
export function systemCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return systemMain(args, nodeSystemHost({ stdout: io.out, stderr: io.err, version: VERSION }));
}
