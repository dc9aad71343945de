// Locating the repository and the guest cache.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchContext } from "./entry.js";

/**
 * The wasmu repository root: the nearest directory above this module that holds
 * pnpm-workspace.yaml (packages/bench/{src,dist}/ -> the root).
 */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from, "..", "..", "..");
    dir = up;
  }
}

/**
 * The context handed to entries. The guest cache is, in order: `cacheDir`, $WASMU_CACHE,
 * $WASMU_GUESTS (the name .ci/run exports for the same directory), <repo>/.cache/guests.
 */
export function makeContext(options: { repoRoot?: string; cacheDir?: string } = {}): BenchContext {
  const repoRoot = options.repoRoot ?? findRepoRoot();
  const fromEnv = process.env.WASMU_CACHE || process.env.WASMU_GUESTS || undefined;
  const cacheDir = resolve(options.cacheDir ?? fromEnv ?? join(repoRoot, ".cache", "guests"));
  return { repoRoot, cacheDir, sysroot: join(cacheDir, "sysroot") };
}
