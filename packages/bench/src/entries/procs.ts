// `user-procs` (issue 10's bench): process creation under wasmu's user mode, against
// qemu-riscv64-static where QEMU can run it (it forks on the host, but hands execve to the
// host kernel, which cannot run a riscv64 program without binfmt_misc): then wasmu alone,
// as absolute figures.
//
// - sh-200-forks: busybox sh running 200 subshells `( : )` (fork + exit + wait each), both.
// - fork-touched-4 / fork-touched-64: guests/forkbench (this package: maps 256 MiB, touches
//   4 or 64 MiB of it, then 20 times fork + _exit + waitpid), both: fork's cost against the
//   parent's touched memory (wasmu copies the pages that are not all zero).
// - sh-200-commands: busybox sh running 200 short commands (/bin/true, a dynamically
//   linked coreutils program: fork + execve + ld.so + wait each), wasmu only.
// - fork-exec-static: forkbench with EXEC=the static busybox (20 fork + execve of a static
//   program + wait), wasmu only.
// - sh-seq-true: busybox sh running `for i in $(seq 100); do /bin/true; done` (vfork +
//   execve of the dynamically linked coreutils true + wait each), both. Not like for like:
//   without binfmt_misc QEMU's execve runs the HOST's /bin/true natively, so its side is a
//   guest shell's fork + a native exec; wasmu's runs riscv64 ld.so, libc and true.
//
// Sizes: `--set procs-count=N` scales the 200 and the 20s (the test runs a few).
import { fileURLToPath } from "node:url";
import type { BenchContext, BenchEntry, CommandTarget, Requirement, Workload } from "../entry.js";
import { wasmuCommand, wasmuMain } from "../context.js";

const QEMU = "qemu-riscv64-static";
const FORKBENCH = fileURLToPath(new URL("../../guests/forkbench", import.meta.url));

function count(ctx: BenchContext, dflt: number): number {
  const v = ctx.settings?.["procs-count"];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--set procs-count=${v}: expected a positive number`);
  return Math.max(1, Math.round((dflt * n) / 200));
}

function requires(ctx: BenchContext, qemu: boolean): Requirement[] {
  return [
    ...(qemu ? [{ kind: "command", command: QEMU, install: "apt-get install qemu-user-static" } as Requirement] : []),
    { kind: "guest-packages", packages: ["busybox-static", "coreutils", "libc6"] },
    { kind: "file", path: wasmuMain(ctx), hint: "pnpm turbo run build --filter=@wasmu/cli..." },
  ];
}

const wasmu = (ctx: BenchContext, argv: readonly string[], env?: Record<string, string>): CommandTarget => ({
  kind: "command", label: "wasmu", argv: [...wasmuCommand(ctx), "user", "-L", ctx.sysroot, ...(env !== undefined ? Object.entries(env).flatMap(([k, v]) => ["-E", `${k}=${v}`]) : []), ...argv],
});
const qemu = (ctx: BenchContext, argv: readonly string[]): CommandTarget => ({ kind: "command", label: "qemu", argv: [QEMU, "-L", ctx.sysroot, ...argv] });

function workloads(ctx: BenchContext): Workload[] {
  const n = count(ctx, 200);
  const forks = count(ctx, 20);
  const busybox = `${ctx.sysroot}/bin/busybox`;
  const compare = (name: string, description: string, argv: readonly string[], expect: string): Workload => ({
    kind: "compare", name, description, comparison: "wasmu/qemu processes", requires: requires(ctx, true), runs: 3, warmup: 0,
    baseline: { ...qemu(ctx, argv), expectStdout: expect }, candidate: { ...wasmu(ctx, argv), expectStdout: expect },
  });
  const single = (name: string, description: string, t: CommandTarget): Workload => ({ kind: "single", name, description, requires: requires(ctx, false), runs: 3, warmup: 0, target: t });
  const forksScript = `i=0; while [ $i -lt ${n} ]; do ( : ); i=$((i+1)); done; echo $i`;
  const cmdsScript = `i=0; while [ $i -lt ${n} ]; do /bin/true; i=$((i+1)); done; echo $i`;
  const seqTrue = count(ctx, 100);
  const seqScript = `for i in $(seq ${seqTrue}); do /bin/true; done; echo ${seqTrue}`;
  return [
    compare("sh-200-forks", `busybox sh: ${n} subshells (fork + exit + wait)`, [busybox, "sh", "-c", forksScript], String(n)),
    compare("fork-touched-4", `fork + wait x${forks} of a parent with 256 MiB mapped, 4 MiB touched`, [FORKBENCH, "256", "4", String(forks)], String(forks)),
    compare("fork-touched-64", `fork + wait x${forks} of a parent with 256 MiB mapped, 64 MiB touched`, [FORKBENCH, "256", "64", String(forks)], String(forks)),
    compare("sh-seq-true", `busybox sh: for i in $(seq ${seqTrue}); do /bin/true; done (QEMU execs the host's /bin/true: not like for like)`, [busybox, "sh", "-c", seqScript], String(seqTrue)),
    single("sh-200-commands", `busybox sh: ${n} runs of /bin/true (dynamic coreutils: fork + execve + ld.so + wait), wasmu only (QEMU hands execve to the host)`, { ...wasmu(ctx, [busybox, "sh", "-c", cmdsScript]), expectStdout: String(n) }),
    single("fork-exec-static", `fork + execve of the static busybox (true) + wait x${forks}, wasmu only`, { ...wasmu(ctx, [FORKBENCH, "0", "0", String(forks)], { EXEC: "/bin/busybox" }), expectStdout: String(forks) }),
  ];
}

/** The entry. */
export const userProcsEntry: BenchEntry = {
  name: "user-procs",
  description: "process creation under wasmu user: busybox sh subshells and fork against touched memory (vs qemu-riscv64-static), and fork+exec+wait of programs (wasmu only: QEMU hands execve to the host). Goal: the 200-command script at most 3x QEMU where QEMU can run it.",
  requires: [],
  guestPackages: ["busybox-static", "coreutils", "libc6"],
  workloads,
};
