import { describe, expect, it } from "vitest";
import { ProgressLine } from "../src/report/progress.js";
import type { Progress } from "../src/runner.js";

function stream(isTTY: boolean): { write(s: string): boolean; text: string; isTTY: boolean } {
  return {
    text: "",
    isTTY,
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

const step = (workload: string, done: number, phase: Progress["phase"] = "measured"): Progress => ({ entry: "e", workload, side: "A", phase, done, total: 2 });

describe("the progress line", () => {
  it("rewrites one line on a terminal and clears it at the end", () => {
    const s = stream(true);
    const p = new ProgressLine(s);
    p.update(step("w", 0, "warm-up"));
    p.update(step("w", 1));
    p.clear();
    expect(s.text).toBe("\r\x1b[2K[1/2] e/w  A (warm-up)\r\x1b[2K[2/2] e/w  A\r\x1b[2K");
  });
  it("prints one line per workload elsewhere", () => {
    const s = stream(false);
    const p = new ProgressLine(s);
    p.update(step("w", 0, "calibrating"));
    p.update(step("w", 1));
    p.update(step("v", 0));
    p.clear();
    expect(s.text).toBe("running e/w (2 runs)\nrunning e/v (2 runs)\n");
  });
});
