// `qemu-user`: QEMU user mode against the host's own x86-64 programs, on Debian's riscv64
// busybox-static. This is the baseline wasmu's user mode will be compared with (the
// ratios of ../shared/design/oracles.md, "More baselines"); when the CLI runs guest
// programs, the same workloads gain a wasmu side.
import { join } from "node:path";
import type { BenchContext, BenchEntry, CommandTarget, Workload } from "../entry.js";
import { benchTextOf } from "../guests/bench-text.js";

/** Size of the generated input of the throughput workloads. */
const DATA_BYTES = 8 * 1024 * 1024;

const QEMU = "qemu-riscv64-static";

function native(argv: string[], extra: Partial<CommandTarget> = {}): CommandTarget {
  return { kind: "command", label: "native", argv, ...extra };
}

function busybox(ctx: BenchContext): string {
  return join(ctx.sysroot, "usr/bin/busybox");
}

function qemu(ctx: BenchContext, args: string[], extra: Partial<CommandTarget> = {}): CommandTarget {
  return { kind: "command", label: "qemu", argv: [QEMU, busybox(ctx), ...args], ...extra };
}

/** Iterations of the interpreter loops: about half a second each under QEMU here. */
const LUA_ITERATIONS = 5_000_000;
const PYTHON_ITERATIONS = 1_000_000;
const SQLITE_ROWS = 300_000;

/** Sum of f(i) for i in [from, to]: the expected output of a loop. */
function sumOf(from: number, to: number, f: (i: number) => number): number {
  let s = 0;
  for (let i = from; i <= to; i++) s += f(i);
  return s;
}

/** A dynamically linked program of the sysroot under QEMU (-L applies the sysroot to ld.so and libraries). */
function qemuDynamic(ctx: BenchContext, program: string, args: string[], expectStdout: string): CommandTarget {
  return { kind: "command", label: "qemu", argv: [QEMU, "-L", ctx.sysroot, join(ctx.sysroot, program), ...args], expectStdout };
}

/**
 * Interpreters, the workloads of ../shared/design/oracles.md's baselines, each under QEMU
 * against the host's own build of the same interpreter (other versions: Debian 12's
 * against sid's). Absent until `wasmu-bench fetch` brought the guest packages and the
 * native interpreter is installed.
 */
function interpreterWorkloads(ctx: BenchContext): Workload[] {
  const lua = `local s=0 for i=1,${LUA_ITERATIONS} do s=s+i%7 end print(s)`;
  const luaSum = String(sumOf(1, LUA_ITERATIONS, (i) => i % 7));
  const py = `print(sum(i*i%7 for i in range(${PYTHON_ITERATIONS})))`;
  const pySum = String(sumOf(0, PYTHON_ITERATIONS - 1, (i) => (i * i) % 7));
  const sql = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<${SQLITE_ROWS}) SELECT sum(x%7) FROM c;`;
  const sqlSum = String(sumOf(1, SQLITE_ROWS, (i) => i % 7));
  return [
    {
      kind: "compare",
      name: "lua-loop",
      description: `lua5.4 loop of ${LUA_ITERATIONS / 1e6} M iterations (output checked)`,
      comparison: "qemu/native",
      requires: [
        { kind: "guest-packages", packages: ["lua5.4"] },
        { kind: "command", command: "lua5.4", install: "apt-get install lua5.4" },
      ],
      baseline: native(["lua5.4", "-e", lua], { expectStdout: luaSum }),
      candidate: qemuDynamic(ctx, "usr/bin/lua5.4", ["-e", lua], luaSum),
    },
    {
      kind: "compare",
      name: "python-loop",
      description: `python3 generator sum over ${PYTHON_ITERATIONS / 1e6} M numbers (output checked)`,
      comparison: "qemu/native",
      requires: [
        { kind: "guest-packages", packages: ["python3.13-minimal"] },
        { kind: "command", command: "/usr/bin/python3", install: "apt-get install python3" },
      ],
      baseline: native(["/usr/bin/python3", "-c", py], { expectStdout: pySum }),
      candidate: qemuDynamic(ctx, "usr/bin/python3.13", ["-c", py], pySum),
    },
    {
      kind: "compare",
      name: "python-startup",
      description: "python3 -c pass: start-up, mostly code run once (translation-bound under an emulator)",
      comparison: "qemu/native",
      requires: [
        { kind: "guest-packages", packages: ["python3.13-minimal"] },
        { kind: "command", command: "/usr/bin/python3", install: "apt-get install python3" },
      ],
      baseline: native(["/usr/bin/python3", "-c", "print('ok')"], { expectStdout: "ok" }),
      candidate: qemuDynamic(ctx, "usr/bin/python3.13", ["-c", "print('ok')"], "ok"),
    },
    {
      kind: "compare",
      name: "sqlite-cte",
      description: `sqlite3 recursive CTE of ${SQLITE_ROWS / 1000} k rows in memory (output checked)`,
      comparison: "qemu/native",
      requires: [
        { kind: "guest-packages", packages: ["sqlite3"] },
        { kind: "command", command: "sqlite3", install: "apt-get install sqlite3" },
      ],
      baseline: native(["sqlite3", ":memory:", sql], { expectStdout: sqlSum }),
      candidate: qemuDynamic(ctx, "usr/bin/sqlite3", [":memory:", sql], sqlSum),
    },
  ];
}

export const qemuUserEntry: BenchEntry = {
  name: "qemu-user",
  description:
    "QEMU user mode (qemu-riscv64-static) running Debian sid's riscv64 programs (busybox, lua5.4, python3.13, sqlite3) against the host's native x86-64 builds doing the same work: the baseline for wasmu's user mode.",
  requires: [
    { kind: "command", command: QEMU, install: "apt-get install qemu-user-static" },
    { kind: "guest-packages", packages: ["busybox-static"] },
  ],
  guestPackages: ["busybox-static", "lua5.4", "python3.13-minimal", "sqlite3"],
  comparators: [
    { command: "sha256sum", role: "native x86-64 sha256sum (coreutils)", install: "apt-get install coreutils" },
    { command: "gzip", role: "native x86-64 gzip", install: "apt-get install gzip" },
    { command: "lua5.4", role: "native x86-64 lua5.4", install: "apt-get install lua5.4" },
    { command: "/usr/bin/python3", role: "native x86-64 python3", install: "apt-get install python3" },
    { command: "sqlite3", role: "native x86-64 sqlite3", install: "apt-get install sqlite3" },
  ],
  workloads: (ctx) => {
    const data = benchTextOf(ctx, DATA_BYTES);
    const mib = DATA_BYTES / (1024 * 1024);
    const workloads: readonly Workload[] = [
      {
        kind: "compare",
        name: "start-up",
        description: "`busybox true` under QEMU against the native `true`: start-up and exit",
        comparison: "qemu/native",
        baseline: native(["true"]),
        candidate: qemu(ctx, ["true"]),
      },
      {
        kind: "compare",
        name: "sha256sum",
        description: `\`busybox sha256sum\` of ${mib} MiB under QEMU against the native coreutils \`sha256sum\` (output checked)`,
        comparison: "qemu/native",
        requires: [{ kind: "command", command: "sha256sum", install: "apt-get install coreutils" }],
        baseline: native(["sha256sum", data.path], { expectStdout: data.sha256 }),
        candidate: qemu(ctx, ["sha256sum", data.path], { expectStdout: data.sha256 }),
      },
      {
        kind: "compare",
        name: "gzip",
        description: `\`busybox gzip -6\` of ${mib} MiB of text under QEMU against the native \`gzip -6\` (output to /dev/null, through sh)`,
        comparison: "qemu/native",
        requires: [{ kind: "command", command: "gzip", install: "apt-get install gzip" }],
        baseline: native(["sh", "-c", `gzip -6 -c '${data.path}' > /dev/null`]),
        candidate: { kind: "command", label: "qemu", argv: ["sh", "-c", `${QEMU} '${busybox(ctx)}' gzip -6 -c '${data.path}' > /dev/null`] },
      },
      ...interpreterWorkloads(ctx),
    ];
    return workloads;
  },
};
