import { defineConfig } from "vitest/config";

// Shared by every package (each package's vitest.config.ts re-exports it).
// The "@wasmu/source" export condition makes workspace packages resolve to
// their TypeScript sources, so tests never run against a stale dist/.
// Each run also writes test-results.json, which .ci/run sums into one closing line.
export const sharedConfig = defineConfig({
  resolve: { conditions: ["@wasmu/source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["@wasmu/source", "node", "import", "default"], externalConditions: ["@wasmu/source"] } },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
  },
});

export default sharedConfig;
