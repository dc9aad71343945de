#!/usr/bin/env node
/**
 * The `wasmu` command. `wasmu COMMAND ARGS...`; see `wasmu --help`.
 */

import { writeSync } from "node:fs";
import { dieOfSignal } from "@wasmu/linux-user";
import { run } from "./cli.js";

function writer(fd: number): (text: string | Uint8Array) => void {
  return (text: string | Uint8Array) => {
    const buf = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(fd, buf, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") continue;
        // The reader went away (e.g. `| head`): stop quietly, as GNU tools do.
        if (code === "EPIPE" && fd === 1) process.exit(0);
        // stderr cannot be written (a full disk, a closed pipe): nowhere to say so; the
        // message is dropped and the run goes on (a guest's own writes get the errno).
        if (fd === 2) return;
        // stdout cannot be written: say so on stderr and fail, as GNU tools do.
        writer(2)(`wasmu: write error: ${(e as Error).message}\n`);
        process.exit(1);
      }
    }
  };
}

/**
 * The signals the invoking process left ignored, as bin/wasmu read them before Node reset
 * every disposition (WASMU_HOST_SIGIGN: /proc/self/status's SigIgn, a hex mask of bit
 * signal-1). Removed from the environment, which the guest inherits.
 */
function hostIgnoredSignals(): number[] | undefined {
  const mask = process.env.WASMU_HOST_SIGIGN?.trim();
  delete process.env.WASMU_HOST_SIGIGN;
  if (mask === undefined || !/^[0-9a-fA-F]{1,16}$/.test(mask)) return undefined;
  const bits = BigInt(`0x${mask}`);
  const sigs: number[] = [];
  for (let sig = 1; sig <= 64; sig++) if (((bits >> BigInt(sig - 1)) & 1n) !== 0n) sigs.push(sig);
  return sigs;
}

const ignoredSignals = hostIgnoredSignals();
// No top-level await: the bundle that dist/main.js loads is a CommonJS script (run through
// vm.Script with V8's code cache, scripts/bundle.mjs).
void Promise.resolve(run(process.argv.slice(2), {
  out: writer(1), err: writer(2), errBytes: writer(2), killedBy: dieOfSignal, ...(ignoredSignals !== undefined ? { ignoredSignals } : {}),
})).then((status) => {
  process.exitCode = status;
});
