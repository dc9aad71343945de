// `user-compute` and `user-startup` (issue 4's bench): the same real Debian riscv64
// programs under wasmu's user mode and under qemu-riscv64-static, in alternation, with
// each time, the pairwise ratio wasmu/QEMU and the geometric mean per set. The project's
// goals: a geometric mean of at most 1.5 on the compute-bound set, at most 3 on the
// start-up set.
//
// - compute: a lua5.4 loop, a python3 loop, an sqlite3 recursive CTE, gzip -9 and xz -6
//   of generated text (checked by decompressing natively and hashing), sha256sum of a
//   large file (coreutils, checked against the hash computed here).
// - start-up: python3 -c pass, lua5.4 -e '', coreutils' dynamically linked true.
//
// Every wasmu run also writes `-d stats` to a file (wasmu's own log item: per vCPU, TBs,
// guest instructions and modules translated, milliseconds in the front end, optimizer,
// wasm emission, WebAssembly.Module and instantiation); the last run's figures are shown
// under the wasmu side: where its time goes besides running generated code.
//
// `--set tier=auto|interp|jit` runs wasmu with `-accel tcg,tier=...` (default: the CLI's
// default, auto); the stats then also say per tier the TBs and instructions interpreted and
// the hot TBs, modules and milliseconds of tier-up.
//
// Sizes: `--set NAME=VALUE` (lua-iterations, python-iterations, sqlite-rows, gzip-mib,
// xz-mib, sha256-mib) or `--set user-size=quick` for a few-second run (what the test runs).
// The defaults keep a default `pnpm bench user-compute user-startup` under ~10 minutes:
// 3 measured runs per side and no warm-up (the guest's files are in the page cache after
// the first pair anyway; python: 1, 20-80 s per wasmu run today), as each wasmu run takes
// seconds to a minute.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext, BenchEntry, CommandTarget, Figure, Requirement, Workload } from "../entry.js";
import { wasmuCommand, wasmuMain } from "../context.js";
import { shellQuote } from "../measure/command.js";
import { benchTextOf } from "../guests/bench-text.js";

const QEMU = "qemu-riscv64-static";

/** The workload sizes. */
export interface UserSizes {
  readonly luaIterations: number;
  readonly pythonIterations: number;
  readonly sqliteRows: number;
  readonly gzipMiB: number;
  readonly xzMiB: number;
  readonly sha256MiB: number;
}

/**
 * Defaults: each compute workload 0.3-11 s under QEMU here (xz -6 is ~11 s per MiB under
 * QEMU on this machine kind, hence 1 MiB).
 */
export const DEFAULT_USER_SIZES: UserSizes = { luaIterations: 5_000_000, pythonIterations: 1_000_000, sqliteRows: 300_000, gzipMiB: 10, xzMiB: 1, sha256MiB: 10 };
/** `--set user-size=quick`: seconds in all (the test's sizes). */
export const QUICK_USER_SIZES: UserSizes = { luaIterations: 20_000, pythonIterations: 2_000, sqliteRows: 2_000, gzipMiB: 0.25, xzMiB: 0.125, sha256MiB: 0.25 };

const SETTING_NAMES: Record<keyof UserSizes, string> = {
  luaIterations: "lua-iterations", pythonIterations: "python-iterations", sqliteRows: "sqlite-rows", gzipMiB: "gzip-mib", xzMiB: "xz-mib", sha256MiB: "sha256-mib",
};

/** The sizes a context asks for (`--set`), over the defaults or quick sizes. */
export function userSizes(ctx: BenchContext): UserSizes {
  const set = ctx.settings ?? {};
  const out: Record<string, number> = { ...(set["user-size"] === "quick" ? QUICK_USER_SIZES : DEFAULT_USER_SIZES) };
  for (const [k, name] of Object.entries(SETTING_NAMES)) {
    const v = set[name];
    if (v === undefined) continue;
    const n = Number(v);
    if (!(n > 0)) throw new Error(`--set ${name}=${v}: expected a positive number`);
    out[k] = n;
  }
  return out as unknown as UserSizes;
}


/** Sum of f(i) for i in [from, to]. */
function sumOf(from: number, to: number, f: (i: number) => number): number {
  let s = 0;
  for (let i = from; i <= to; i++) s += f(i);
  return s;
}

/** The wasmu stats a run wrote (`stats vcpu N: key=value ...`), summed over vCPUs. */
export function readStats(file: string): Map<string, number> | undefined {
  if (!existsSync(file)) return undefined;
  const sums = new Map<string, number>();
  for (const m of readFileSync(file, "utf8").matchAll(/^stats vcpu \d+: (.*)$/gm)) {
    for (const kv of m[1]!.split(" ")) {
      const eq = kv.indexOf("=");
      if (eq > 0) sums.set(kv.slice(0, eq), (sums.get(kv.slice(0, eq)) ?? 0) + Number(kv.slice(eq + 1)));
    }
  }
  return sums.size > 0 ? sums : undefined;
}

/** The breakdown figures of a stats file (none if the run wrote none). */
export function statsFigures(file: string): Figure[] {
  const s = readStats(file);
  if (s === undefined) return [];
  const g = (k: string): number => s.get(k) ?? 0;
  const phases: [string, string][] = [["front end", "translate_ms"], ["optimizer", "optimize_ms"], ["emit wasm", "emit_ms"], ["compile (WebAssembly.Module)", "compile_ms"], ["instantiate", "instantiate_ms"]];
  const total = phases.reduce((a, [, k]) => a + g(k), 0);
  return [
    { name: "TBs translated", value: g("tbs"), unit: "" },
    { name: "guest insns translated", value: g("insns"), unit: "" },
    { name: "modules", value: g("modules"), unit: "" },
    { name: "translation, all phases", value: total, unit: "ms" },
    ...phases.map(([name, k]) => ({ name: `  ${name}`, value: g(k), unit: "ms" })),
    { name: "returns to the loop", value: g("returns"), unit: "" },
    { name: "tier 0: TBs interpreted", value: g("interp_tbs"), unit: "" },
    { name: "tier 0: guest insns interpreted", value: g("interp_insns"), unit: "" },
    { name: "tier 1: hot TBs compiled", value: g("tiered_tbs"), unit: "" },
    { name: "tier 1: modules", value: g("tier_modules"), unit: "" },
    { name: "tier 1: ms (translate, lower, compile, instantiate)", value: g("tier_ms"), unit: "ms" },
  ];
}

/** One program of the sysroot run under QEMU and under wasmu, compared. */
interface Program {
  readonly name: string;
  readonly description: string;
  readonly packages: readonly string[];
  /** The program, relative to the sysroot. */
  readonly program: string;
  readonly args: readonly string[];
  readonly expectStdout?: string;
  /** A shell pipeline after the program (its output checked), instead of running it directly. */
  readonly pipe?: string;
  readonly runs?: number;
  readonly warmup?: number;
}

/** `--set tier=auto|interp|jit`: wasmu's execution tiers (`-accel tcg,tier=...`; default: the CLI's, auto). */
function tierArgs(ctx: BenchContext): string[] {
  const t = ctx.settings?.tier;
  if (t === undefined) return [];
  if (t !== "auto" && t !== "interp" && t !== "jit") throw new Error(`--set tier=${t}: expected auto, interp or jit`);
  return ["-accel", `tcg,tier=${t}`];
}

function wasmuArgv(ctx: BenchContext, statsFile: string): string[] {
  return [...wasmuCommand(ctx), "user", ...tierArgs(ctx), "-d", "stats", "-D", statsFile, "-L", ctx.sysroot];
}

function workloadOf(ctx: BenchContext, comparison: string, p: Program): Workload {
  const dir = join(ctx.cacheDir, "bench-data", "user-stats");
  mkdirSync(dir, { recursive: true });
  const statsFile = join(dir, `${comparison.replace(/\W/g, "_")}-${p.name}.log`);
  const prog = join(ctx.sysroot, p.program);
  const qemu = [QEMU, "-L", ctx.sysroot, prog, ...p.args];
  const wasmu = [...wasmuArgv(ctx, statsFile), prog, ...p.args];
  const target = (label: string, argv: string[], extra: Partial<CommandTarget>): CommandTarget => {
    const base = p.pipe === undefined
      ? { kind: "command" as const, label, argv }
      : { kind: "command" as const, label, argv: ["sh", "-c", `${argv.map(shellQuote).join(" ")} | ${p.pipe}`] };
    return { ...base, ...(p.expectStdout !== undefined ? { expectStdout: p.expectStdout } : {}), ...extra };
  };
  const requires: Requirement[] = [
    { kind: "command", command: QEMU, install: "apt-get install qemu-user-static" },
    { kind: "guest-packages", packages: p.packages },
    { kind: "file", path: wasmuMain(ctx), hint: "pnpm turbo run build --filter=@wasmu/cli..." },
  ];
  return {
    kind: "compare",
    name: p.name,
    description: p.description,
    comparison,
    requires,
    ...(p.runs !== undefined ? { runs: p.runs } : {}),
    ...(p.warmup !== undefined ? { warmup: p.warmup } : {}),
    baseline: target("qemu", qemu, {}),
    candidate: target("wasmu", wasmu, { figures: () => statsFigures(statsFile) }),
  };
}

/** The compute-bound programs at `s`. */
function computePrograms(ctx: BenchContext, s: UserSizes): Program[] {
  const lua = `local s=0 for i=1,${s.luaIterations} do s=s+i%7 end print(s)`;
  const py = `print(sum(i*i%7 for i in range(${s.pythonIterations})))`;
  const sql = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<${s.sqliteRows}) SELECT sum(x%7) FROM c;`;
  const gz = benchTextOf(ctx, Math.round(s.gzipMiB * 1024 * 1024));
  const xz = benchTextOf(ctx, Math.round(s.xzMiB * 1024 * 1024));
  const sha = benchTextOf(ctx, Math.round(s.sha256MiB * 1024 * 1024));
  const mib = (v: number): string => `${v} MiB`;
  return [
    { name: "lua-loop", description: `lua5.4 loop of ${s.luaIterations} iterations (output checked)`, packages: ["lua5.4"], program: "usr/bin/lua5.4", args: ["-e", lua], expectStdout: String(sumOf(1, s.luaIterations, (i) => i % 7)), runs: 3, warmup: 0 },
    {
      name: "python-loop", description: `python3 generator sum over ${s.pythonIterations} numbers, start-up included (output checked)`, packages: ["python3.13-minimal"], program: "usr/bin/python3.13",
      args: ["-c", py], expectStdout: String(sumOf(0, s.pythonIterations - 1, (i) => (i * i) % 7)), runs: 1, warmup: 0,
    },
    { name: "sqlite-cte", description: `sqlite3 recursive CTE of ${s.sqliteRows} rows in memory (output checked)`, packages: ["sqlite3"], program: "usr/bin/sqlite3", args: [":memory:", sql], expectStdout: String(sumOf(1, s.sqliteRows, (i) => i % 7)), runs: 3, warmup: 0 },
    { name: "gzip-9", description: `gzip -9 of ${mib(s.gzipMiB)} of text (checked: gunzip natively, SHA-256)`, packages: ["gzip"], program: "usr/bin/gzip", args: ["-9", "-c", gz.path], pipe: "gzip -dc | sha256sum", expectStdout: gz.sha256, runs: 3, warmup: 0 },
    { name: "xz-6", description: `xz -6 of ${mib(s.xzMiB)} of text, one thread (checked: unxz natively, SHA-256)`, packages: ["xz-utils"], program: "usr/bin/xz", args: ["-6", "-T1", "-c", xz.path], pipe: "xz -dc | sha256sum", expectStdout: xz.sha256, runs: 3, warmup: 0 },
    { name: "sha256sum", description: `coreutils sha256sum of ${mib(s.sha256MiB)} (output checked)`, packages: ["coreutils"], program: "usr/bin/sha256sum", args: [sha.path], expectStdout: sha.sha256, runs: 3, warmup: 0 },
  ];
}

/** The start-up-bound programs. */
function startupPrograms(): Program[] {
  return [
    { name: "python-startup", description: "python3 -c pass", packages: ["python3.13-minimal"], program: "usr/bin/python3.13", args: ["-c", "pass"], runs: 1, warmup: 0 },
    { name: "lua-startup", description: "lua5.4 -e ''", packages: ["lua5.4"], program: "usr/bin/lua5.4", args: ["-e", ""], runs: 3, warmup: 0 },
    { name: "true", description: "coreutils' dynamically linked true (ld.so and libc start-up)", packages: ["coreutils"], program: "usr/bin/true", args: [], runs: 3, warmup: 0 },
  ];
}

const COMMON = {
  requires: [{ kind: "command", command: QEMU, install: "apt-get install qemu-user-static" }] as Requirement[],
  guestPackages: ["lua5.4", "python3.13-minimal", "sqlite3", "gzip", "xz-utils", "coreutils", "libc6"],
};

/** The compute-bound set (`fixed` overrides the sizes, for tests). */
export function createUserComputeEntry(fixed?: Partial<UserSizes>): BenchEntry {
  return {
    name: "user-compute",
    description: "wasmu user against qemu-riscv64-static on compute-bound Debian riscv64 programs (lua, python, sqlite3, gzip -9, xz -6, sha256sum); goal: geometric mean of wasmu/QEMU <= 1.5. The wasmu side's figures: where its translation time goes (-d stats).",
    ...COMMON,
    workloads: (ctx) => computePrograms(ctx, { ...userSizes(ctx), ...fixed }).map((p) => workloadOf(ctx, "wasmu/qemu compute", p)),
  };
}

/** The start-up set. */
export function createUserStartupEntry(): BenchEntry {
  return {
    name: "user-startup",
    description: "wasmu user against qemu-riscv64-static on start-up-bound runs (python3 -c pass, lua5.4 -e '', a dynamically linked true); goal: geometric mean of wasmu/QEMU <= 3.",
    ...COMMON,
    workloads: (ctx) => startupPrograms().map((p) => workloadOf(ctx, "wasmu/qemu start-up", p)),
  };
}

export const userComputeEntry = createUserComputeEntry();
export const userStartupEntry = createUserStartupEntry();
