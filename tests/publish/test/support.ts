// What the publish tests share: the workspace's packages, packing them, installing
// tarballs with npm in an empty directory, and the README examples.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** Every temporary directory the tests made (removed by {@link removeTemporaryDirs}). */
const temporary: string[] = [];

/** A new temporary directory, removed after the tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** Removes the temporary directories (packs, installs, copies): call from afterAll. */
export function removeTemporaryDirs(): void {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The repository root (tests/publish/test -> the root). */
export const ROOT = resolve(import.meta.dirname, "..", "..", "..");

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  author?: string;
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  files?: string[];
  scripts?: Record<string, string>;
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Directory name under packages/. */
  readonly dir: string;
  readonly path: string;
  readonly manifest: Manifest;
}

/** The packages under ROOT/packages (or another workspace root's). */
export function workspacePackages(root = ROOT): WorkspacePackage[] {
  return readdirSync(join(root, "packages"))
    .filter((d) => existsSync(join(root, "packages", d, "package.json")))
    .sort()
    .map((dir) => {
      const path = join(root, "packages", dir);
      return { dir, path, manifest: JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as Manifest };
    });
}

/** The packages that are published (not private). */
export function publishedPackages(root = ROOT): WorkspacePackage[] {
  return workspacePackages(root).filter((p) => p.manifest.private !== true);
}

/** `name` and its @wasmu dependencies, recursively. */
export function withWasmuDependencies(name: string, packages: readonly WorkspacePackage[]): string[] {
  const byName = new Map(packages.map((p) => [p.manifest.name, p]));
  const out = new Set<string>();
  const visit = (n: string): void => {
    if (out.has(n)) return;
    const p = byName.get(n);
    if (p === undefined) throw new Error(`${n}: not a published workspace package`);
    out.add(n);
    for (const d of Object.keys(p.manifest.dependencies ?? {})) if (d.startsWith("@wasmu/")) visit(d);
  };
  visit(name);
  return [...out].sort();
}

/** What a child process did. */
export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command without blocking the event loop (a long synchronous child would stall
 * vitest's worker and time its messages out); resolves when it ends.
 */
export function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 240_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** An environment for npm and the examples without the variables pnpm and the tests set. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|VITEST|WASMU_|TURBO_|NODE_OPTIONS$)/i.test(k)) continue;
    env[k] = v;
  }
  // The node running the tests first on PATH: npm and npx run with it.
  env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
  // No "new version of npm" notice in the examples' output.
  return { ...env, npm_config_update_notifier: "false", ...extra };
}

/**
 * `pnpm pack` of each published package of `root` into a new directory (prepack builds
 * first, unless `ignoreScripts`); the tarball of each package by name.
 */
export async function packAll(root = ROOT, options: { ignoreScripts?: boolean } = {}): Promise<Map<string, string>> {
  const dest = tempDir("wasmu-pack-");
  const out = new Map<string, string>();
  for (const p of publishedPackages(root)) {
    const env = cleanEnv(options.ignoreScripts ? { npm_config_ignore_scripts: "true" } : {});
    const r = await run("pnpm", ["pack", "--pack-destination", dest], { cwd: p.path, env });
    if (r.status !== 0) throw new Error(`pnpm pack in ${p.path} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    const file = join(dest, `${p.manifest.name.replace(/^@/, "").replace("/", "-")}-${p.manifest.version}.tgz`);
    if (!existsSync(file)) throw new Error(`pnpm pack in ${p.path}: no ${file}`);
    out.set(p.manifest.name, file);
  }
  return out;
}

/** The files of a tarball, without the leading package/. */
export async function tarballFiles(tgz: string): Promise<string[]> {
  const r = await run("tar", ["tzf", tgz], { cwd: tmpdir(), env: process.env });
  if (r.status !== 0) throw new Error(`tar tzf ${tgz}: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""));
}

/** Extracts a tarball into a new directory; returns the package's directory in it. */
export async function extractTarball(tgz: string): Promise<string> {
  const dir = tempDir("wasmu-tgz-");
  const r = await run("tar", ["xzf", tgz, "-C", dir], { cwd: dir, env: process.env });
  if (r.status !== 0) throw new Error(`tar xzf ${tgz}: ${r.stderr}`);
  return join(dir, "package");
}

/**
 * A new directory outside the repository where `npm install TARBALLS...` ran, as a user
 * would; throws with npm's output when it fails. The @wasmu packages must all come from the
 * tarballs (checked in package-lock.json), never from a registry.
 */
export async function npmInstall(tarballs: readonly string[]): Promise<string> {
  const dir = tempDir("wasmu-install-");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "wasmu-user", private: true }, null, 2) + "\n");
  const r = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], {
    cwd: dir,
    env: cleanEnv({ npm_config_cache: join(dir, ".npm-cache") }),
  });
  if (r.status !== 0) throw new Error(`npm install in ${dir} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, { resolved?: string }> };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith("node_modules/@wasmu/") && !entry.resolved?.startsWith("file:")) {
      throw new Error(`${path} was not installed from a tarball: ${entry.resolved ?? "(no resolved)"}`);
    }
  }
  return dir;
}

/** A README's example: its code, its language and the output it states (if it states one). */
export interface ReadmeExample {
  readonly lang: "js" | "sh";
  readonly code: string;
  readonly output?: string;
}

/**
 * The example a package README opens with: the first ```js example or ```sh example block,
 * and the first ```text output block after it.
 */
export function readmeExample(readme: string): ReadmeExample | undefined {
  const m = /^```(js|sh) example\n([\s\S]*?)^```$/m.exec(readme);
  if (m === null) return undefined;
  const rest = readme.slice(m.index + m[0].length);
  const o = /^```text output\n([\s\S]*?)^```$/m.exec(rest);
  return { lang: m[1] as "js" | "sh", code: m[2]!, ...(o !== null ? { output: o[1] } : {}) };
}

/** Runs an example in `dir` (where its packages are installed), as the README says to. */
export function runExample(dir: string, example: ReadmeExample): Promise<Ran> {
  const home = join(dir, ".home");
  mkdirSync(home, { recursive: true });
  const env = cleanEnv({ HOME: home, XDG_CACHE_HOME: join(home, ".cache"), npm_config_cache: join(dir, ".npm-cache"), npm_config_offline: "true" });
  if (example.lang === "js") {
    writeFileSync(join(dir, "example.mjs"), example.code);
    return run(process.execPath, ["example.mjs"], { cwd: dir, env });
  }
  return run("bash", ["-e", "-o", "pipefail", "-c", example.code], { cwd: dir, env });
}
