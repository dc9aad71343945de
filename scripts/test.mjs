#!/usr/bin/env node
// `pnpm test`: every package's lint and tests through turbo, then one closing line,
// "N passed, N failed, N skipped", summed from the test-results.json that each
// package's vitest run writes. Exits non-zero when a test or any task failed.
//
// - `--continue`: one package's failure does not stop the others' tests, so the
//   summary always counts every package.
// - WASMU_TEST_FINGERPRINT (scripts/test-fingerprint.mjs) is in the test task's `env`
//   in turbo.json: installing or removing an oracle (QEMU, binutils, gcc) or fetching a
//   guest changes the cache key, so turbo never replays results obtained without them.
// - Stale test-results.json are removed first: a package whose tests did not run (its
//   build failed) is reported as such, not counted with an old result. Turbo restores
//   the file of a task it replays from its cache.
// Extra arguments go to turbo (e.g. `pnpm test --filter=@wasmu/isa`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { testFingerprint } from "./test-fingerprint.mjs";

const root = join(import.meta.dirname, "..");
// Workspace packages with tests: packages/* and tests/* (the publish tests), as "packages/isa".
const packages = ["packages", "tests"]
  .flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).map((p) => `${d}/${p}`) : []))
  .filter((p) => existsSync(join(root, p, "vitest.config.ts")));
for (const pkg of packages) rmSync(join(root, pkg, "test-results.json"), { force: true });

const env = { ...process.env, WASMU_TEST_FINGERPRINT: testFingerprint(root) };
const localTurbo = join(root, "node_modules", ".bin", "turbo");
const turbo = spawnSync(existsSync(localTurbo) ? localTurbo : "turbo", ["run", "lint", "test", "--continue", ...process.argv.slice(2)], { cwd: root, env, stdio: "inherit" });
const turboFailed = turbo.status !== 0;

let passed = 0, failed = 0, skipped = 0;
const missing = [];
for (const pkg of packages) {
  const file = join(root, pkg, "test-results.json");
  if (!existsSync(file)) {
    missing.push(pkg);
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
const notes = [];
if (missing.length > 0 && process.argv.length <= 2) notes.push(`no test results from ${missing.join(", ")}`);
if (turboFailed && failed === 0) notes.push(turbo.error ? `turbo did not run: ${turbo.error.message}` : "a lint or test task failed (see above)");
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`);
process.exit(failed > 0 || turboFailed || (missing.length > 0 && process.argv.length <= 2) ? 1 : 0);
