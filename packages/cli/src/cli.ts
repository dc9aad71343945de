/**
 * Command dispatch for `wasmu`.
 */

import { existsSync } from "node:fs";
import type { CommandIo } from "./commands/io.js";
import { VERSION } from "./version.js";

const HELP = `Usage: wasmu COMMAND [ARGS...]
       wasmu [user options] PROGRAM [ARGS...]

wasmu: a multi-threaded RISC-V (RV64GC) to WebAssembly dynamic binary translator.

Commands:
  user [options] PROGRAM [ARGS...]
                       run a riscv64 Linux program (qemu-riscv64's options: -L, -E,
                       -U, -0, -strace, -d ITEMS (-d help), -D, -one-insn-per-tb,
                       -R, -s, -cpu, -version, -accel tcg,tb-lock=on|off,
                       tier=auto|interp|jit, and the QEMU_* environment
                       variables; wasmu user -h)
  system [options]     run the RISC-V virt machine (qemu-system-riscv64's options:
                       -M virt[,dumpdtb=FILE], -smp, -m, -bios, -kernel, -initrd,
                       -append, -dtb, -drive, -device, -nographic, -serial, -d,
                       -D, -no-reboot, -accel tcg,...; wasmu system -h)
  objdump -d|-h|-t|-r|-R|-s|-x FILE...
                       list ELF64 RISC-V files as GNU objdump does: disassembly,
                       headers, symbols, relocations, contents (objdump -H)
  bench [NAME...]      run benchmarks (the @wasmu/bench harness; bench --help)
  binfmt [--install]   print (or register) the binfmt_misc entry for riscv64 programs
  help                 display this information
  version              display the version

Options:
  -h, --help           display this information
  -V, --version        display the version
`;

/**
 * Each command's module is loaded when the command runs, so that `wasmu --help` does not
 * load the translator and `wasmu PROGRAM` does not load objdump (module loading is most of
 * a short run's fixed cost: `wasmu --help` 160-170 ms of CPU time with every command
 * imported, ~60 ms without; bare `node -e 0` ~50 ms).
 */
const userCommand = async (args: readonly string[], io: CommandIo): Promise<number> => (await import("./commands/user.js")).userCommand(args, io);
const systemCommand = async (args: readonly string[], io: CommandIo): Promise<number> => (await import("./commands/system.js")).systemCommand(args, io);
const objdumpCommand = async (args: readonly string[], io: CommandIo): Promise<number> => (await import("./commands/objdump.js")).objdumpCommand(args, io);
const benchCommand = async (args: readonly string[], io: CommandIo): Promise<number> => (await import("./commands/bench.js")).benchCommand(args, io);
const binfmtCommand = async (args: readonly string[], io: CommandIo): Promise<number> => (await import("./commands/binfmt.js")).binfmtCommand(args, io);

/**
 * Runs the `wasmu` command line `args` (without the program name); returns the exit
 * status (a Promise for commands that run guest programs).
 */
export function run(args: readonly string[], io: CommandIo): number | Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "user":
      return userCommand(rest, io);
    case "system":
      return systemCommand(rest, io);
    case "objdump":
      return objdumpCommand(rest, io);
    case "bench":
      return benchCommand(rest, io);
    case "binfmt":
      return binfmtCommand(rest, io);
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
      // `wasmu PROGRAM ...` and `wasmu -L DIR PROGRAM ...`: user mode, as qemu-riscv64 takes it.
      // A bare word is a program when such a file exists (`wasmu a.out`), else a mistyped command.
      if (command.startsWith("-") || command.includes("/") || existsSync(command)) return userCommand(args, io);
      io.err(`wasmu: unknown command '${command}'\nTry 'wasmu --help' for more information.\n`);
      return 2;
  }
}
