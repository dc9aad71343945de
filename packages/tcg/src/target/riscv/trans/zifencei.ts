/**
 * Zifencei: fence.i ends the TB. Code already translated is kept coherent by the
 * store-side code-page check (stores to pages holding TBs invalidate them), so all
 * fence.i must do is not run further instructions of this TB, which may be stale.
 *
 * @module
 */
import type { TransTable } from "./types.js";

/** Zifencei translators. */
export const ZIFENCEI_TRANS = {
  "fence.i": (ctx) => {
    ctx.isJmp = "exit";
    return true;
  },
} satisfies TransTable;
