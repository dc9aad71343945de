/**
 * The differential harness for real riscv64 programs: one command line (argv, optional
 * stdin, optional files in a scratch working directory) runs under wasmu (in this process,
 * through `runProgram`, with the sources under test) and under qemu-riscv64-static (a
 * child process started first, so the two run side by side on the 2-core machine), and
 * the test compares stdout, stderr (where the case says it is deterministic) and the exit
 * status.
 *
 * Where the programs come from: `$WASMU_SYSROOT`, else `$WASMU_GUESTS/sysroot` (what
 * `scripts/fetch-guests.sh $WASMU_GUESTS ...` fills; .ci/run sets it), else the
 * repository's `.cache/guests/sysroot`. {@link requireGuests} decides whether a suite
 * runs: when something is missing it skips LOUDLY (a console warning naming what is
 * missing and how to fetch it), except under CI (`CI=true`), where the absence is a
 * failing test.
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Errno, Kernel, LoadError, MemoryStream, runProgram } from "../../src/index.js";

/** The sysroot the real programs run in. */
export const SYSROOT: string =
  process.env.WASMU_SYSROOT ??
  (process.env.WASMU_GUESTS !== undefined ? join(process.env.WASMU_GUESTS, "sysroot") : fileURLToPath(new URL("../../../../.cache/guests/sysroot", import.meta.url)));

/** Whether qemu-riscv64-static (the oracle) is installed. */
export const HAVE_QEMU: boolean = spawnSync("qemu-riscv64-static", ["--version"]).status === 0;

/** Whether this is a CI run (absence of the guests fails instead of skipping). */
export const IN_CI: boolean = process.env.CI === "true" || process.env.CI === "1";

/**
 * Whether a suite needing `programs` (guest paths) can run. Logs a SKIP line naming what
 * is missing; under CI the caller turns a false into a failing test ({@link missingInCi}).
 */
export function requireGuests(suite: string, programs: readonly string[], fetch: string): { runnable: boolean; missing: string } {
  const missing = [...(HAVE_QEMU ? [] : ["qemu-riscv64-static"]), ...programs.filter((p) => !existsSync(`${SYSROOT}${p}`))];
  const why = missing.length === 0 ? "" : `${suite}: missing ${missing.join(", ")} (sysroot ${SYSROOT}; fetch with: ${fetch})`;
  if (why !== "" && !IN_CI) console.warn(`SKIP: ${why}`);
  return { runnable: why === "", missing: why };
}

/** A file the case creates in its scratch directory (the working directory of both runs). */
export interface CaseFile {
  /** Contents. */
  readonly data: string | Uint8Array;
  /** Modification (and access) time in seconds since the epoch (default 1_000_000_000). */
  readonly mtime?: number;
}

/** One command line of a differential suite. */
export interface RealCase {
  /** Test name. */
  readonly name: string;
  /** argv; argv[0] is the program's guest path (absolute: inside the sysroot). */
  readonly argv: readonly string[];
  /**
   * Further command lines run one after the other in the same directory (a round trip:
   * compress, checksum, decompress); their output is appended, their statuses listed.
   */
  readonly then?: readonly (readonly string[])[];
  /** Bytes on stdin of the first command (default: empty, end of file at once). */
  readonly stdin?: string | Uint8Array;
  /** Files (relative paths; directories are made) in the scratch working directory. */
  readonly files?: Readonly<Record<string, string | Uint8Array | CaseFile>>;
  /** Compare stderr too (default true; false where it holds host paths or timings). */
  readonly stderr?: boolean;
  /** Extra environment (after the fixed one: LC_ALL=C, TZ=UTC, PATH, HOME). */
  readonly env?: Readonly<Record<string, string>>;
  /** wasmu's execution tiers (default: runProgram's, auto). */
  readonly tier?: "auto" | "interp" | "jit";
}

/** What one run produced. */
export interface RunOutput {
  /** Exit status of each command line, as a shell sees it (128 + signal when killed). */
  readonly status: readonly number[];
  /** stdout. */
  readonly out: string;
  /** stderr. */
  readonly err: string;
  /** wasmu's one-time warnings (unsupported system calls); always empty for QEMU. */
  readonly warnings: readonly string[];
}

const FIXED_ENV: Readonly<Record<string, string>> = { PATH: "/usr/bin:/bin", LC_ALL: "C", TZ: "UTC", HOME: "/root" };

function envOf(c: RealCase): string[] {
  return Object.entries({ ...FIXED_ENV, ...c.env }).map(([k, v]) => `${k}=${v}`);
}

/** Creates the case's scratch directory with its files. */
export function makeScratch(c: RealCase): string {
  const dir = mkdtempSync(join(tmpdir(), "wasmu-real-"));
  for (const [rel, f] of Object.entries(c.files ?? {})) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    const cf: CaseFile = typeof f === "string" || f instanceof Uint8Array ? { data: f } : f;
    writeFileSync(p, cf.data);
    const t = cf.mtime ?? 1_000_000_000;
    utimesSync(p, t, t);
  }
  // Directories get the fixed time too (ls -l of the tree), deepest first.
  const dirs = new Set<string>();
  for (const rel of Object.keys(c.files ?? {})) {
    let d = dirname(rel);
    while (d !== "." && d !== "/") {
      dirs.add(d);
      d = dirname(d);
    }
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) utimesSync(join(dir, d), 1_000_000_000, 1_000_000_000);
  return dir;
}

/** The command lines of a case. */
function commands(c: RealCase): (readonly string[])[] {
  return [c.argv, ...(c.then ?? [])];
}

/** Runs `run` for each command line of `c` (stdin for the first only) and joins the outputs. */
async function sequence(c: RealCase, run: (argv: readonly string[], stdin: string | Uint8Array) => Promise<Omit<RunOutput, "status"> & { status: number }>): Promise<RunOutput> {
  const r = { status: [] as number[], out: "", err: "", warnings: [] as string[] };
  let stdin: string | Uint8Array = c.stdin ?? "";
  for (const argv of commands(c)) {
    const one = await run(argv, stdin);
    stdin = "";
    r.status.push(one.status);
    r.out += one.out;
    r.err += one.err;
    r.warnings.push(...one.warnings);
  }
  return r;
}

/** Runs the case under qemu-riscv64-static in `cwd` (child processes). */
export function runQemu(c: RealCase, cwd: string): Promise<RunOutput> {
  return sequence(c, (argv, stdin) => qemuOne(c, argv, stdin, cwd));
}

/** Runs the case under wasmu in `cwd` (in this process, on the sources). */
export function runWasmu(c: RealCase, cwd: string): Promise<RunOutput> {
  return sequence(c, (argv, stdin) => wasmuOne(c, argv, stdin, cwd));
}

type OneRun = Omit<RunOutput, "status"> & { status: number };

function qemuOne(c: RealCase, argv: readonly string[], stdin: string | Uint8Array, cwd: string): Promise<OneRun> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(envOf(c).map((e): [string, string] => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    const p = spawn("qemu-riscv64-static", ["-L", SYSROOT, "-0", argv[0]!, `${SYSROOT}${argv[0]!}`, ...argv.slice(1)], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on("data", (b: Buffer) => out.push(b));
    p.stderr.on("data", (b: Buffer) => err.push(b));
    p.on("error", reject);
    p.stdin.on("error", () => {}); // a program that does not read its stdin
    p.stdin.end(stdin);
    p.on("close", (code, signal) => {
      const status = code ?? 128 + (signal !== null ? osConstants.signals[signal] : 0);
      resolve({ status, out: Buffer.concat(out).toString("utf8"), err: Buffer.concat(err).toString("utf8"), warnings: [] });
    });
  });
}

async function wasmuOne(c: RealCase, argv: readonly string[], stdinData: string | Uint8Array, cwd: string): Promise<OneRun> {
  const warnings: string[] = [];
  const kernel = new Kernel({ sysroot: SYSROOT, warn: (l) => warnings.push(l) });
  const out = new MemoryStream();
  const err = new MemoryStream();
  const stdin = new MemoryStream(typeof stdinData === "string" ? new TextEncoder().encode(stdinData) : stdinData);
  const path = argv[0]!;
  const read = (p: string): Uint8Array | LoadError => {
    const h = kernel.sysroot.resolve(p, cwd);
    return existsSync(h) ? new Uint8Array(readFileSync(h)) : new LoadError(Errno.ENOENT, `${p}: No such file or directory`);
  };
  const bytes = read(path);
  if (bytes instanceof LoadError) throw new Error(bytes.message);
  const r = await runProgram({ kernel, path, bytes, readInterpreter: read, argv, envp: envOf(c), cwd, stdio: [stdin, out, err], ...(c.tier !== undefined ? { tier: { mode: c.tier } } : {}) });
  if (r instanceof LoadError) throw new Error(r.message);
  return { status: r.status, out: out.text, err: err.text, warnings };
}

/** Runs `c` under both (QEMU in parallel with wasmu) in one fresh scratch directory each. */
export async function runBoth(c: RealCase): Promise<{ wasmu: RunOutput; qemu: RunOutput }> {
  const qdir = makeScratch(c);
  const wdir = makeScratch(c);
  try {
    const q = runQemu(c, qdir);
    const w = await runWasmu(c, wdir);
    return { wasmu: w, qemu: await q };
  } finally {
    rmSync(qdir, { recursive: true, force: true });
    rmSync(wdir, { recursive: true, force: true });
  }
}
