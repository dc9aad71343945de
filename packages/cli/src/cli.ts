/**
 * Command dispatch for `wasmu`.
 */

import { benchCommand } from "./commands/bench.js";
import { objdumpCommand } from "./commands/objdump.js";
import type { CommandIo } from "./commands/io.js";
import { VERSION } from "./version.js";

const HELP = `Usage: wasmu COMMAND [ARGS...]

wasmu: a multi-threaded RISC-V (RV64GC) to WebAssembly dynamic binary translator.

Commands:
  objdump -d FILE...   disassemble ELF64 RISC-V files (GNU objdump -d format)
  bench [NAME...]      run benchmarks (the @wasmu/bench harness; bench --help)
  help                 display this information
  version              display the version

Options:
  -h, --help           display this information
  -V, --version        display the version
`;

/** Runs the `wasmu` command line `args` (without the program name); returns the exit status. */
export function run(args: readonly string[], io: CommandIo): number {
  const [command, ...rest] = args;
  switch (command) {
    case "objdump":
      return objdumpCommand(rest, io);
    case "bench":
      return benchCommand(rest, io);
    case undefined:
      io.err(HELP);
      return 2;
    case "help":
    case "-h":
    case "--help":
      io.out(HELP);
      return 0;
    case "version":
    case "-V":
    case "--version":
      io.out(`wasmu ${VERSION}\n`);
      return 0;
    default:
      io.err(`wasmu: unknown command '${command}'\nTry 'wasmu --help' for more information.\n`);
      return 2;
  }
}
