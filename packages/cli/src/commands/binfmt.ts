/**
 * `wasmu binfmt [--install] [--persistent]`: the binfmt_misc registration that makes the
 * Linux kernel run riscv64 ELF executables through `wasmu` (as QEMU's
 * scripts/qemu-binfmt-conf.sh does for qemu-riscv64): printed, or written to
 * /proc/sys/fs/binfmt_misc/register with --install (root, binfmt_misc mounted). The magic
 * and mask are QEMU's riscv64 pair: ELFCLASS64, little-endian, EI_VERSION 1, ET_EXEC or
 * ET_DYN, EM_RISCV. The kernel then runs `wasmu PROGRAM ARGS...` (argv[0] becomes the
 * program's path, as without QEMU's P flag); QEMU_LD_PREFIX names the sysroot.
 */
import { existsSync, realpathSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CommandIo } from "./io.js";

/** The name of the registration (/proc/sys/fs/binfmt_misc/wasmu-riscv64). */
export const BINFMT_NAME = "wasmu-riscv64";
/** The first 20 bytes of a riscv64 executable, as QEMU's qemu-binfmt-conf.sh gives them. */
export const RISCV64_MAGIC = [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf3, 0x00];
/** The mask: EI_OSABI/EI_ABIVERSION ignored, ET_EXEC and ET_DYN both match (0xfe). */
export const RISCV64_MASK = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff];

const hex = (b: readonly number[]): string => b.map((x) => `\\x${x.toString(16).padStart(2, "0")}`).join("");

/** The registration line for interpreter `interp` (flags: "" or "F"). */
export function binfmtLine(interp: string, flags = ""): string {
  return `:${BINFMT_NAME}:M::${hex(RISCV64_MAGIC)}:${hex(RISCV64_MASK)}:${interp}:${flags}`;
}

const USAGE = `usage: wasmu binfmt [--install] [--persistent]
Prints (or, with --install, registers) the binfmt_misc entry that runs riscv64 ELF
executables with wasmu. --persistent adds the F flag (the interpreter is opened once, at
registration: works in containers and chroots). Set QEMU_LD_PREFIX to the sysroot.
`;

/** Runs `wasmu binfmt ARGS`. */
export function binfmtCommand(args: readonly string[], io: CommandIo): number {
  let install = false;
  let flags = "";
  for (const a of args) {
    if (a === "--install") install = true;
    else if (a === "--persistent") flags = "F";
    else if (a === "-h" || a === "--help") {
      io.out(USAGE);
      return 0;
    } else {
      io.err(`wasmu binfmt: unknown option ${a}\n${USAGE}`);
      return 2;
    }
  }
  // The bin itself (bin/wasmu, a #!/bin/sh script that runs dist/main.js with Node): the
  // kernel runs scripts as interpreters too, and the script keeps the ignored signals.
  // This code runs from the bundled dist/main.js (../bin/wasmu), from tsc's dist/commands
  // or from src/commands (../../bin/wasmu).
  const candidates = ["../bin/wasmu", "../../bin/wasmu"].map((u) => fileURLToPath(new URL(u, import.meta.url)));
  const bin = candidates.find((f) => existsSync(f)) ?? candidates[1]!;
  const interp = existsSync(bin) ? realpathSync(bin) : bin;
  const line = binfmtLine(interp, flags);
  if (!install) {
    io.out(`${line}\n`);
    return 0;
  }
  try {
    writeFileSync("/proc/sys/fs/binfmt_misc/register", line);
  } catch (e) {
    io.err(`wasmu binfmt: cannot register (${(e as Error).message}); as root, with binfmt_misc mounted: echo '${line}' > /proc/sys/fs/binfmt_misc/register\n`);
    return 1;
  }
  io.out(`registered /proc/sys/fs/binfmt_misc/${BINFMT_NAME}\n`);
  return 0;
}
