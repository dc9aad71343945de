import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBench } from "../src/cli.js";
import type { BenchResults } from "../src/results.js";
import { parseXml } from "./xml.js";

function capture(): { write(s: string): boolean; text: string } {
  return {
    text: "",
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

describe("a smoke run, end to end", () => {
  it("runs the smoke entry and writes the table, the JSON, the report and the charts", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "bench-smoke-")), "report");
    const out = capture();
    const err = capture();
    const code = await runBench(["smoke", "--runs", "2", "--warmup", "0", "--out", dir], { stdout: out, stderr: err });
    expect(err.text).not.toMatch(/failed/);
    expect(code).toBe(0);

    expect(out.text).toMatch(/smoke\/node-vs-true\s+ratio node\/true/);
    expect(out.text).toContain("lock ***A***");
    expect(out.text).toContain("worker threads");

    const json = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as BenchResults;
    expect(json.entries.map((e) => [e.name, e.status])).toEqual([["smoke", "ok"]]);
    const [sum, pair, curve] = json.entries[0]!.workloads;
    expect(sum!.sides[0]!.throughput!.n).toBe(2);
    expect(pair!.ratio!.pairs).toHaveLength(2);
    expect(curve!.curve!.points.map((p) => p.x)).toEqual([1, 2]);
    expect(json.machine.node).toBe(process.version);
    expect(json.summary.map((s) => s.comparison)).toEqual(["node/true"]);

    const md = readFileSync(join(dir, "report.md"), "utf8");
    expect(md).toContain("### smoke");
    for (const svg of ["ratios-node-true.svg", "smoke-workers.svg"]) {
      expect(existsSync(join(dir, svg))).toBe(true);
      expect(parseXml(readFileSync(join(dir, svg), "utf8")).name).toBe("svg");
    }
  });
});
