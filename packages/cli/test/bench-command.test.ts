import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "@wasmu/test-support";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "dist", "main.js");
const benchMain = join(here, "..", "..", "bench", "dist", "main.js");

describe("wasmu bench", () => {
  it("runs the harness when it is built, and says how to get it when it is not", async () => {
    const r = await run(process.execPath, [bin, "bench", "--list"], { env: { ...process.env, PATH: "/usr/bin:/bin" } });
    if (existsSync(benchMain)) {
      expect(r.status).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/^smoke$/m);
    } else {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/the benchmark harness is not installed/);
    }
  });
});
