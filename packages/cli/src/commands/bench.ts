/**
 * `wasmu bench`: runs the benchmark harness of `@wasmu/bench`.
 *
 * The harness sits above the CLI in the layering (bench depends on cli), so the CLI does
 * not import it: it finds the harness's entry point — next to it in a checkout of the
 * monorepo, installed where Node resolves packages from the current directory, or the
 * `wasmu-bench` command on PATH — and runs it as a child process.
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandIo } from "./io.js";

/** Where the harness's `main.js` is, or undefined when @wasmu/bench is not installed. */
export function findBenchMain(cwd: string): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // packages/cli/dist/commands (or the bundled bin in packages/cli/dist) -> packages/bench/dist/main.js in a checkout.
  for (const up of [["..", "..", ".."], ["..", ".."]]) {
    const sibling = join(here, ...up, "bench", "dist", "main.js");
    if (existsSync(sibling)) return sibling;
  }
  try {
    const pkg = createRequire(join(cwd, "noop.js")).resolve("@wasmu/bench/package.json");
    const main = join(dirname(pkg), "dist", "main.js");
    if (existsSync(main)) return main;
  } catch {
    // not installed there
  }
  return undefined;
}

/** Runs `wasmu bench ARGS`; returns the exit status. */
export function benchCommand(args: readonly string[], io: CommandIo): number {
  const main = findBenchMain(process.cwd());
  const command = main !== undefined ? process.execPath : "wasmu-bench";
  const argv = main !== undefined ? [main, ...args] : [...args];
  const r = spawnSync(command, argv, { stdio: "inherit" });
  if (r.error !== undefined) {
    const code = (r.error as NodeJS.ErrnoException).code;
    io.err(code === "ENOENT" ? "wasmu bench: the benchmark harness is not installed (npm install -g @wasmu/bench, or build packages/bench in a checkout)\n" : `wasmu bench: ${r.error.message}\n`);
    return 1;
  }
  if (r.signal !== null) return 128 + (({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 } as Record<string, number>)[r.signal] ?? 1);
  return r.status ?? 1;
}
