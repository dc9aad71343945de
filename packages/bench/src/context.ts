// Locating the repository, the wasmu CLI and the guest cache.
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_FLAGS } from "@wasmu/cli";
import type { BenchContext } from "./entry.js";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The wasmu repository root when this module runs from a checkout of it: the nearest
 * directory above this module that holds pnpm-workspace.yaml (packages/bench/{src,dist}/
 * -> the root). Null when @wasmu/bench is installed as a package (its real path goes
 * through node_modules), whatever workspace the installing project has.
 */
export function findRepoRoot(from = here): string | null {
  let dir = resolve(from);
  try {
    dir = realpathSync(dir);
  } catch {
    // a path that does not exist: searched as given
  }
  if (dir.split(sep).includes("node_modules")) return null;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The directory of the installed @wasmu/cli package, found through this package's
 * dependency on it (in the repository: the workspace link to packages/cli).
 */
export function cliPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve("@wasmu/cli/package.json"));
}

/**
 * The `wasmu` command's script, run with Node: @wasmu/cli's dist/main.js (its `bin.wasmu`
 * is bin/wasmu, a shell script that reads the ignored signals before Node starts and then
 * runs this file; the bench measures the script itself).
 */
export function cliMainPath(): string {
  return join(cliPackageDir(), "dist", "main.js");
}

/**
 * The command line of the `wasmu` command, as its bin script runs it: Node with the CLI's
 * options (NODE_FLAGS of @wasmu/cli), then wasmuMain(ctx).
 */
export function wasmuCommand(ctx: BenchContext): string[] {
  return [process.execPath, ...NODE_FLAGS, wasmuMain(ctx)];
}

/** The `wasmu` command's script an entry runs: the context's, else cliMainPath(). */
export function wasmuMain(ctx: BenchContext): string {
  return ctx.cliMain ?? cliMainPath();
}

/** The user's cache directory for wasmu outside a checkout: $XDG_CACHE_HOME/wasmu, else ~/.cache/wasmu. */
function userCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "wasmu");
}

/**
 * The context handed to entries. The guest cache is, in order: `cacheDir`, $WASMU_CACHE,
 * $WASMU_GUESTS (the name .ci/run exports for the same directory), <repo>/.cache/guests
 * in a checkout, else $XDG_CACHE_HOME/wasmu/guests (~/.cache/wasmu/guests).
 */
export function makeContext(options: { repoRoot?: string | null; cacheDir?: string } = {}): BenchContext {
  const repoRoot = options.repoRoot === undefined ? findRepoRoot() : options.repoRoot;
  const fromEnv = process.env.WASMU_CACHE || process.env.WASMU_GUESTS || undefined;
  const fallback = repoRoot === null ? join(userCacheDir(), "guests") : join(repoRoot, ".cache", "guests");
  const cacheDir = resolve(options.cacheDir ?? fromEnv ?? fallback);
  return { repoRoot, cacheDir, sysroot: join(cacheDir, "sysroot") };
}
