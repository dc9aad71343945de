// Checking what benchmarks need: programs on PATH, fetched guest packages, files.
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { BenchContext, Requirement } from "./entry.js";
import { readGuestPackages } from "./guests/manifest.js";

/** The absolute path of `command` found on PATH (or `command` itself if it holds a slash), or null. */
export function findOnPath(command: string, path = process.env.PATH ?? ""): string | null {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes("/")) return executable(command) ? command : null;
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, command);
    if (executable(p)) return p;
  }
  return null;
}

/** A one-line description of a requirement, for listings. */
export function describeRequirement(req: Requirement): string {
  switch (req.kind) {
    case "command":
      return `${req.command} on PATH`;
    case "guest-packages":
      return `Debian riscv64 ${req.packages.join(", ")} (wasmu-bench fetch)`;
    case "file":
      return req.path;
    case "check":
      return req.what;
  }
}

/** Null when `req` holds on this machine, else why not (one line, with how to fix it). */
export async function checkRequirement(req: Requirement, ctx: BenchContext): Promise<string | null> {
  switch (req.kind) {
    case "command":
      return findOnPath(req.command) !== null
        ? null
        : `${req.command} not found on PATH${req.install ? ` (${req.install})` : ""}`;
    case "guest-packages": {
      const present = new Set(readGuestPackages(ctx.cacheDir).map((p) => p.name));
      const missing = req.packages.filter((p) => !present.has(p));
      return missing.length === 0
        ? null
        : `Debian riscv64 package${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not in ${ctx.cacheDir} (run: wasmu-bench fetch)`;
    }
    case "file": {
      const p = isAbsolute(req.path) ? req.path : join(ctx.sysroot, req.path);
      return existsSync(p) ? null : `${p} not found (${req.hint})`;
    }
    case "check":
      try {
        return await req.check(ctx);
      } catch (err) {
        return `${req.what}: ${err instanceof Error ? err.message : String(err)}`;
      }
  }
}

/** Why each unmet requirement of `reqs` is unmet (empty when all hold). */
export async function unmetRequirements(reqs: readonly Requirement[], ctx: BenchContext): Promise<string[]> {
  const reasons: string[] = [];
  for (const req of reqs) {
    const why = await checkRequirement(req, ctx);
    if (why !== null) reasons.push(why);
  }
  return reasons;
}
