/**
 * `wasmu objdump`: the GNU objdump subset wasmu offers (`-d`).
 */

import { readFileSync } from "node:fs";
import { objdump, ObjdumpError } from "../objdump/objdump.js";
import type { CommandIo } from "./io.js";

const USAGE = `Usage: wasmu objdump -d FILE...
Display the disassembly of the executable sections of ELF64 RISC-V files,
in GNU objdump's -d format.

  -d, --disassemble   Display assembler contents of executable sections
  -h, --help          Display this information
`;

/** Runs `wasmu objdump ARGS`; returns the exit status. */
export function objdumpCommand(args: readonly string[], io: CommandIo): number {
  let disassemble = false;
  const files: string[] = [];
  for (const arg of args) {
    if (arg === "-d" || arg === "--disassemble") disassemble = true;
    else if (arg === "-h" || arg === "--help") {
      io.out(USAGE);
      return 0;
    } else if (arg.startsWith("-") && arg !== "-") {
      io.err(`wasmu objdump: unrecognized option '${arg}'\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }
  if (!disassemble || files.length === 0) {
    io.err(USAGE);
    return 2;
  }
  let status = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" ? "No such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "Permission denied" : String((e as Error).message);
      io.err(`wasmu objdump: '${file}': ${reason}\n`);
      status = 1;
      continue;
    }
    try {
      objdump(bytes, { fileName: file, write: io.out });
    } catch (e) {
      if (!(e instanceof ObjdumpError)) throw e;
      io.err(`wasmu objdump: ${e.message}\n`);
      status = 1;
    }
  }
  return status;
}
