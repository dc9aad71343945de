// `wasmu-bench fetch`: download and cache Debian sid riscv64 packages once, through
// the package's scripts/fetch-guests.sh (the same script CI and the CLI's differential
// tests use, through the repository's scripts/fetch-guests.sh).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BenchEntry } from "../entry.js";

/** Packages every cache gets: the CLI's differential tests need them too. */
export const BASE_GUEST_PACKAGES: readonly string[] = ["busybox-static", "libc6"];

/** The packages the given entries need (guestPackages and guest-packages requirements), with the base set. */
export function guestPackagesOf(entries: readonly BenchEntry[]): string[] {
  const all = new Set(BASE_GUEST_PACKAGES);
  for (const e of entries) {
    for (const p of e.guestPackages ?? []) all.add(p);
    for (const r of e.requires) if (r.kind === "guest-packages") for (const p of r.packages) all.add(p);
  }
  return [...all].sort();
}

/** The fetch script, shipped in this package (src/guests/ and dist/guests/ -> scripts/). */
export function fetchScriptPath(): string {
  return fileURLToPath(new URL("../../scripts/fetch-guests.sh", import.meta.url));
}

/** How to fetch. */
export interface FetchOptions {
  /** Refresh the package index first (FETCH_GUESTS_UPDATE=1). */
  readonly update?: boolean;
  /** Fetch the packages' dependencies too, recursively (FETCH_GUESTS_DEPS=1). */
  readonly deps?: boolean;
}

/**
 * Runs scripts/fetch-guests.sh CACHEDIR PKG... with its output passed through to
 * standard error; resolves to its exit status (0 when every package is present).
 */
export function fetchGuests(cacheDir: string, packages: readonly string[], options: FetchOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    if (options.update) env.FETCH_GUESTS_UPDATE = "1";
    if (options.deps) env.FETCH_GUESTS_DEPS = "1";
    const child = spawn("bash", [fetchScriptPath(), cacheDir, ...packages], {
      stdio: ["ignore", process.stderr, process.stderr],
      env,
    });
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}
