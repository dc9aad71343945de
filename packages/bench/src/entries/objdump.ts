// `objdump`: `wasmu objdump -d` against GNU objdump (binutils-riscv64-linux-gnu) on the
// same real riscv64 binaries: the whole command, start-up, ELF reading, disassembly and
// output (sent to /dev/null through sh, so that it does not flow through the harness).
// The CLI's differential tests check that the two print the same text.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext, BenchEntry, CommandTarget, Workload } from "../entry.js";
import { wasmuCommand, wasmuMain } from "../context.js";
import { shellQuote } from "../measure/command.js";

const GNU_OBJDUMP = "riscv64-linux-gnu-objdump";

function cliMain(ctx: BenchContext): string {
  return wasmuMain(ctx);
}

/** `sh -c 'ARGV > /dev/null'`, with every argument quoted. */
function toDevNull(label: string, argv: readonly string[]): CommandTarget {
  const quoted = argv.map(shellQuote).join(" ");
  return { kind: "command", label, argv: ["sh", "-c", `${quoted} > /dev/null`] };
}

const BINARIES = [
  { name: "busybox", path: "usr/bin/busybox", pkg: "busybox-static" },
  { name: "libc", path: "usr/lib/riscv64-linux-gnu/libc.so.6", pkg: "libc6" },
] as const;

export const objdumpEntry: BenchEntry = {
  name: "objdump",
  description: "`wasmu objdump -d` against GNU objdump -d (binutils 2.40) over Debian's riscv64 busybox-static and libc.so.6: the whole command, output to /dev/null.",
  requires: [
    { kind: "command", command: GNU_OBJDUMP, install: "apt-get install binutils-riscv64-linux-gnu" },
    {
      kind: "check",
      what: "the wasmu CLI built (pnpm --filter @wasmu/cli build)",
      check: (ctx) => Promise.resolve(existsSync(cliMain(ctx)) ? null : `${cliMain(ctx)} not found (pnpm --filter @wasmu/cli build)`),
    },
  ],
  guestPackages: ["busybox-static", "libc6"],
  workloads: (ctx) =>
    BINARIES.map(
      (b): Workload => ({
        kind: "compare",
        name: b.name,
        description: `objdump -d of ${b.path}`,
        comparison: "wasmu objdump/GNU objdump",
        requires: [{ kind: "guest-packages", packages: [b.pkg] }],
        baseline: toDevNull("gnu", [GNU_OBJDUMP, "-d", join(ctx.sysroot, b.path)]),
        candidate: toDevNull("wasmu", [...wasmuCommand(ctx), "objdump", "-d", join(ctx.sysroot, b.path)]),
      }),
    ),
};
