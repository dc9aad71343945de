import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.config.ts";

// Packing and installing take tens of seconds; the files run one after the other (they
// share the packed tarballs of the current tree).
export default mergeConfig(sharedConfig, defineConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false } }));
