import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { binfmtCommand, binfmtLine, RISCV64_MAGIC, RISCV64_MASK } from "../src/commands/binfmt.js";
import { run } from "@wasmu/test-support";

const here = dirname(fileURLToPath(import.meta.url));
const guests = join(here, "..", "..", "linux-user", "test", "guests");

/** Whether binfmt_misc's magic/mask of `line` match the first bytes of `file` (the kernel's check: (byte & mask) == magic). */
function matches(line: string, file: Uint8Array): boolean {
  const [, , , , magic, mask] = line.split(":");
  const bytes = (s: string): number[] => s.split("\\x").slice(1).map((h) => parseInt(h, 16));
  const m = bytes(magic!);
  const k = bytes(mask!);
  return m.every((b, i) => (file[i]! & k[i]!) === b);
}

describe("wasmu binfmt", () => {
  it("prints a registration line that matches riscv64 executables (static, PIE, dynamic) and nothing else", () => {
    const out: string[] = [];
    expect(binfmtCommand([], { out: (s) => out.push(s), err: () => {} })).toBe(0);
    const line = out.join("").trim();
    expect(line).toMatch(/^:wasmu-riscv64:M::(\\x[0-9a-f]{2}){20}:(\\x[0-9a-f]{2}){20}:\/\S+\/bin\/wasmu:$/);
    expect(RISCV64_MAGIC).toHaveLength(RISCV64_MASK.length);
    for (const g of ["hello", "auxv-dump-pie", "hello-dyn", "procs"]) expect(matches(line, readFileSync(join(guests, g)))).toBe(true);
    // The host's own node binary (x86-64 or another machine) and a text file do not match.
    expect(matches(line, readFileSync(process.execPath).subarray(0, 20))).toBe(false);
    expect(matches(line, new TextEncoder().encode("#!/bin/sh\necho hello world\n"))).toBe(false);
    expect(binfmtLine("/x", "F").endsWith(":/x:F")).toBe(true);
  });

  it("names bin/wasmu when run from the built, bundled dist/main.js too", async () => {
    const r = await run(process.execPath, [join(here, "..", "dist", "main.js"), "binfmt"], { timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(":")[6]).toBe(realpathSync(join(here, "..", "bin", "wasmu")));
  });
});
