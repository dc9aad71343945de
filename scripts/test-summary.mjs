#!/usr/bin/env node
// Sums the test-results.json files that each package's vitest run writes and prints
// one closing line, "N passed, N failed, N skipped", for CI and for humans.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
let passed = 0, failed = 0, skipped = 0, files = 0;
for (const pkg of readdirSync(join(root, "packages"))) {
  const file = join(root, "packages", pkg, "test-results.json");
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, "utf8"));
  files++;
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
if (files === 0) {
  console.log("no test results found");
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
