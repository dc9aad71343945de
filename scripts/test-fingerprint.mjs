#!/usr/bin/env node
// What the tests run against, outside the repository, as one hash: the oracle
// programs found on PATH (their resolved path, size and modification time) and the
// guest packages fetched into WASMU_GUESTS (its packages.tsv), with CI. scripts/test.mjs
// passes it to turbo as WASMU_TEST_FINGERPRINT, which turbo.json's test task hashes:
// a tool or guest installed after a run makes the next run test again instead of
// replaying the cached result. `node scripts/test-fingerprint.mjs -v` shows the parts.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Every program a test compares with or builds with (tests skip, or fail under CI, without them). */
export const ORACLES = [
  "qemu-riscv64-static", "qemu-riscv64", "qemu-system-riscv64",
  "riscv64-linux-gnu-gcc", "riscv64-linux-gnu-objdump", "riscv64-linux-gnu-readelf", "riscv64-linux-gnu-nm",
  "riscv64-linux-gnu-as", "riscv64-linux-gnu-ld", "dtc", "python3", "dpkg-deb", "apt-get", "hyperfine",
];

function which(cmd) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, cmd);
    try {
      const real = realpathSync(p);
      const st = statSync(real);
      if (st.isFile()) return `${real} ${st.size} ${st.mtimeMs}`;
    } catch { /* not here */ }
  }
  return "absent";
}

/** The parts of the fingerprint, one line each. */
export function fingerprintParts(root) {
  const guests = process.env.WASMU_GUESTS ?? join(root, ".cache", "guests");
  const tsv = join(guests, "packages.tsv");
  return [
    `CI=${process.env.CI ?? ""}`,
    `node=${process.version}`,
    ...ORACLES.map((t) => `${t}: ${which(t)}`),
    `guests ${guests}: ${existsSync(tsv) ? createHash("sha256").update(readFileSync(tsv)).digest("hex") : "none"}`,
  ];
}

export function testFingerprint(root) {
  return createHash("sha256").update(fingerprintParts(root).join("\n")).digest("hex").slice(0, 32);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, "..");
  if (process.argv.includes("-v")) console.log(fingerprintParts(root).join("\n"));
  console.log(testFingerprint(root));
}
