// The bench's command line: `wasmu-bench [options] [entry...]`, `wasmu-bench fetch`.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { makeContext } from "./context.js";
import type { BenchContext, BenchEntry } from "./entry.js";
import { ENTRIES } from "./entries/index.js";
import { fetchGuests, guestPackagesOf } from "./guests/fetch.js";
import { readGuestPackages } from "./guests/manifest.js";
import { buildInitramfs, KERNEL_PACKAGE_PATTERN, OPENSBI_PACKAGE, searchGuestPackages } from "./guests/system.js";
import { describeMachine, findComparators } from "./machine.js";
import { asciiCurve, writeReport } from "./report/markdown.js";
import { ProgressLine, type ProgressStream } from "./report/progress.js";
import { renderResultsTable } from "./report/table.js";
import { describeRequirement, unmetRequirements } from "./requirements.js";
import type { BenchResults, EntryResult } from "./results.js";
import { runEntry, summarizeComparisons } from "./runner.js";

/** Where runBench writes, and what it runs (tests substitute their own). */
export interface BenchIO {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  /** The registry (default: every entry of src/entries/index.ts). */
  readonly entries?: readonly BenchEntry[];
  /** Paths (default: from the repository and $WASMU_CACHE). */
  readonly context?: BenchContext;
}

export const USAGE = `Usage: wasmu-bench [options] [entry[/workload]...]     (pnpm bench ...)
       wasmu-bench fetch [--cache DIR] [--update] [--deps] [package...]

Runs the benchmark entries (all of them, or those named; ENTRY/WORKLOAD names one
workload of an entry), prints a table and the seed-style charts, and writes
results.json, report.md and SVG charts to --out.

Options:
  -r, --runs N      measured runs per side (default 5, or the workload's own)
  -w, --warmup N    warm-up runs per side, not counted (default 1, or the workload's own)
  -o, --out DIR     report folder (default ./bench-report)
      --list        list the entries, their needs and whether they are available
      --json        print the results as JSON on standard output (the table goes to standard error)
      --cache DIR   guest cache (default $WASMU_CACHE or $WASMU_GUESTS, else <repo>/.cache/guests
                    in a checkout, ~/.cache/wasmu/guests when installed)
      --set N=V     a setting entries read, e.g. workload sizes (user-compute: lua-iterations,
                    python-iterations, sqlite-rows, gzip-mib, xz-mib, sha256-mib; user-size=quick)
  -h, --help        this text

fetch: download Debian sid riscv64 packages into the guest cache once (with the
package's scripts/fetch-guests.sh, from the Debian archive of this machine's apt
configuration or $FETCH_GUESTS_MIRROR); without names, busybox-static, libc6 and the packages
the entries use, with their dependencies, plus the system-mode inputs: the newest
kernel (linux-binary-*-riscv64), OpenSBI, and an initramfs built from busybox. --update refreshes the package index
first; --deps fetches the dependencies of named packages too.
`;

function count(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} wants an integer >= ${min}, not ${JSON.stringify(value)}`);
  return n;
}

class UsageError extends Error {}

async function list(entries: readonly BenchEntry[], ctx: BenchContext, out: ProgressStream): Promise<void> {
  for (const e of entries) {
    const unmet = await unmetRequirements(e.requires, ctx);
    out.write(`${e.name}${unmet.length > 0 ? "  [absent]" : ""}\n  ${e.description}\n`);
    if (e.requires.length > 0) out.write(`  needs: ${e.requires.map(describeRequirement).join("; ")}\n`);
    if (unmet.length > 0) out.write(`  absent: ${unmet.join("; ")}\n`);
  }
}

/**
 * The inputs of system mode: the newest Debian riscv64 kernel package and OpenSBI
 * (without dependencies), then the bench's initramfs. Resolves to an exit status.
 */
async function fetchSystemInputs(ctx: BenchContext, err: ProgressStream): Promise<number> {
  const kernel = (await searchGuestPackages(ctx, KERNEL_PACKAGE_PATTERN)).pop();
  if (kernel === undefined) {
    err.write(`wasmu-bench: no package matches ${KERNEL_PACKAGE_PATTERN} in Debian sid riscv64\n`);
    return 1;
  }
  err.write(`fetching ${kernel} ${OPENSBI_PACKAGE} into ${ctx.cacheDir}\n`);
  const status = await fetchGuests(ctx.cacheDir, [kernel, OPENSBI_PACKAGE]);
  if (existsSync(join(ctx.sysroot, "usr/bin/busybox"))) err.write(`initramfs: ${await buildInitramfs(ctx)}\n`);
  return status;
}

/**
 * Runs the bench with command-line arguments (without "node main.js"); resolves to the
 * exit status: 0 when every entry ran or was absent, 1 when a workload failed, 2 on a
 * usage error. `wasmu bench ARGS` execs the bench's main with the same arguments.
 */
export async function runBench(argv: readonly string[], io: BenchIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const entries = io.entries ?? ENTRIES;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        runs: { type: "string", short: "r" },
        warmup: { type: "string", short: "w" },
        out: { type: "string", short: "o" },
        list: { type: "boolean" },
        json: { type: "boolean" },
        cache: { type: "string" },
        update: { type: "boolean" },
        deps: { type: "boolean" },
        set: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    io.stderr.write(`wasmu-bench: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const settings: Record<string, string> = {};
  for (const kv of values.set ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) {
      io.stderr.write(`wasmu-bench: --set ${kv}: expected NAME=VALUE\n\n${USAGE}`);
      return 2;
    }
    settings[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const base = io.context ?? makeContext(values.cache !== undefined ? { cacheDir: values.cache } : {});
  const ctx: BenchContext = Object.keys(settings).length > 0 ? { ...base, settings: { ...base.settings, ...settings } } : base;

  if (positionals[0] === "fetch") {
    // Without names: what the entries use, with dependencies, so that dynamic programs run.
    const named = positionals.length > 1;
    const packages = named ? positionals.slice(1) : guestPackagesOf(entries);
    const deps = values.deps === true || !named;
    io.stderr.write(`fetching ${packages.join(" ")}${deps ? " (with dependencies)" : ""} into ${ctx.cacheDir}\n`);
    let status = await fetchGuests(ctx.cacheDir, packages, { update: values.update === true, deps });
    if (!named) status = Math.max(status, await fetchSystemInputs(ctx, io.stderr));
    for (const p of readGuestPackages(ctx.cacheDir)) io.stdout.write(`${p.name}\t${p.version}\t${p.architecture}\n`);
    return status === 0 ? 0 : 1;
  }

  let runs: number | undefined;
  let warmup: number | undefined;
  try {
    runs = count(values.runs, "runs", 1);
    warmup = count(values.warmup, "warmup", 0);
  } catch (err) {
    io.stderr.write(`wasmu-bench: ${(err as Error).message}\n`);
    return 2;
  }
  // ENTRY selects an entry, ENTRY/WORKLOAD one of its workloads.
  const wanted = new Map<string, string[] | "all">();
  for (const p of positionals) {
    const [entry = "", workload] = p.split("/", 2);
    const prev = wanted.get(entry);
    if (workload === undefined || prev === "all") wanted.set(entry, "all");
    else wanted.set(entry, [...(prev ?? []), workload]);
  }
  const unknown = [...wanted.keys()].filter((name) => !entries.some((e) => e.name === name));
  if (unknown.length > 0) {
    io.stderr.write(`wasmu-bench: no entry named ${unknown.join(", ")}; entries: ${entries.map((e) => e.name).join(", ")}\n`);
    return 2;
  }
  const selected = positionals.length > 0 ? entries.filter((e) => wanted.has(e.name)) : entries;
  if (values.list) {
    await list(selected, ctx, io.stdout);
    return 0;
  }

  const startedAt = new Date().toISOString();
  const machine = describeMachine(ctx.repoRoot);
  const comparators = findComparators(selected);
  const progress = new ProgressLine(io.stderr);
  const entryResults: EntryResult[] = [];
  const runOptions = { ...(runs !== undefined ? { runs } : {}), ...(warmup !== undefined ? { warmup } : {}) };
  for (const e of selected) {
    const only = wanted.get(e.name);
    const filter = only === undefined || only === "all" ? {} : { only };
    entryResults.push(await runEntry(e, ctx, { ...runOptions, ...filter, onProgress: (p) => progress.update(p) }));
  }
  progress.clear();

  const results: BenchResults = {
    schema: "wasmu-bench/1",
    startedAt,
    finishedAt: new Date().toISOString(),
    command: ["wasmu-bench", ...argv].join(" "),
    options: { runs: runs ?? null, warmup: warmup ?? null },
    machine,
    guests: { cacheDir: ctx.cacheDir, packages: readGuestPackages(ctx.cacheDir) },
    comparators,
    entries: entryResults,
    summary: summarizeComparisons(entryResults),
  };

  const human = values.json ? io.stderr : io.stdout;
  human.write(`${renderResultsTable(results)}\n`);
  for (const e of entryResults)
    for (const w of e.workloads) if (w.status === "ok" && w.curve) human.write(`\n${asciiCurve(e.name, w)}\n`);
  const outDir = resolve(values.out ?? "bench-report");
  writeReport(outDir, results);
  human.write(`\nreport: ${outDir}/report.md (samples in ${outDir}/results.json)\n`);
  if (values.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return entryResults.some((e) => e.status === "failed") ? 1 : 0;
}
