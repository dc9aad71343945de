#!/usr/bin/env node
// `pnpm typecheck`: builds every package's declarations in dependency order (`tsc -b`,
// the root tsconfig.json's references), then type-checks each package's own
// tsconfig.json, which includes its tests and scripts (the build configs hold only
// src/, so a type error in a test would otherwise pass).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const tsc = join(root, "node_modules", ".bin", "tsc");
const step = (args) => spawnSync(tsc, args, { cwd: root, stdio: "inherit" }).status === 0;
let ok = step(["-b"]);
if (ok) {
  const dirs = ["packages", "tests"].flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).sort().map((p) => join(d, p)) : []));
  for (const pkg of dirs) {
    const config = join(pkg, "tsconfig.json");
    if (existsSync(join(root, config)) && !step(["-p", config])) ok = false;
  }
}
process.exit(ok ? 0 : 1);
