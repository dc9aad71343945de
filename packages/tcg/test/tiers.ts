// The execution tiers every differential suite runs under (tier-up.ts): compiled only,
// interpreted only, and interpreted with every TB tiering up at its first entry, one per
// module (so both tiers and the switch between them run on every TB).
import type { BareMetalOptions } from "../src/exec/harness.js";

export interface TierCase {
  /** Shown in the test name. */
  readonly name: string;
  /** The ExecParams of the tier. */
  readonly opts: Pick<BareMetalOptions, "tier" | "hotThreshold" | "tierBatch" | "tierDelayMs">;
}

export const TIERS: readonly TierCase[] = [
  { name: "tier=jit", opts: { tier: "jit" } },
  { name: "tier=interp", opts: { tier: "interp" } },
  { name: "tier=auto, threshold 1", opts: { tier: "auto", hotThreshold: 1, tierBatch: 1, tierDelayMs: 0 } },
];
