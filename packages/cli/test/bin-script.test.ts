// bin/wasmu runs dist/main.js with Node and the options of src/node-flags.ts (the bench
// runs dist/main.js with the same options: both must be what the command does).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { NODE_FLAGS } from "../src/index.js";
import { run } from "@wasmu/test-support";

const here = dirname(fileURLToPath(import.meta.url));

describe("bin/wasmu", () => {
  it("runs dist/main.js with NODE_FLAGS, then the arguments", async () => {
    // WASMU_NODE names the Node binary: echo shows the command line it would get.
    const r = await run(join(here, "..", "bin", "wasmu"), ["user", "a b"], { timeout: 60_000, env: { ...process.env, WASMU_NODE: "echo" } });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${[...NODE_FLAGS, `${join(here, "..", "bin")}/../dist/main.js`, "user", "a b"].join(" ")}\n`);
  });
});
