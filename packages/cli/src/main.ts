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

process.exitCode = await run(process.argv.slice(2), { out: writer(1), err: writer(2), errBytes: writer(2), killedBy: dieOfSignal });
