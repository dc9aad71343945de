// Filetests: packages/tcg/filetests/<dir>/<case>.tcg
//
//   test optimize [pass,pass,...]     header; without passes, the full pipeline
//   target wasm32                     optional
//   ; free comments
//   <IR text>
//   ; expected:
//   ; <the printed IR after the passes, one line per "; " line>
//
// `UPDATE=1 pnpm test` rewrites the expected block from the actual output (bless).
// Every case is also run on the reference interpreter before and after optimization,
// over a few CPU states and memories, and the results must agree.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { assertValidIr, isPassName, optimize, parseIr, printIr, runPasses, type PassName } from "../src/index.js";
import { sameBehaviour } from "./ir-support.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "filetests");
const MARKER = "; expected:";
const UPDATE = process.env.UPDATE === "1";

function listTcg(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listTcg(p);
    return e.name.endsWith(".tcg") ? [p] : [];
  });
}

interface FileTest {
  readonly passes: readonly PassName[] | "all";
  readonly input: string;
  readonly expected: string | undefined;
  readonly before: string;
}

function parseFileTest(text: string, file: string): FileTest {
  const at = text.indexOf(`\n${MARKER}`);
  const before = at < 0 ? text.trimEnd() + "\n" : text.slice(0, at + 1);
  const lines = before.split("\n");
  const headerIdx = lines.findIndex((l) => l.trim() !== "" && !l.trim().startsWith(";"));
  const header = (lines[headerIdx] ?? "").trim().split(/\s+/);
  if (header[0] !== "test" || header[1] !== "optimize") throw new Error(`${file}: expected a 'test optimize' header`);
  let passes: readonly PassName[] | "all" = "all";
  if (header[2] !== undefined) {
    const names = header[2].split(",");
    for (const n of names) if (!isPassName(n)) throw new Error(`${file}: unknown pass '${n}'`);
    passes = names as PassName[];
  }
  // An optional `target <name>` line follows the header (IR tests are target-neutral).
  const targetIdx = lines.findIndex((l, i) => i > headerIdx && l.trim() !== "" && !l.trim().startsWith(";"));
  const hasTarget = /^target\s+\S+$/.test((lines[targetIdx] ?? "").trim());
  const input = lines.map((l, i) => (i === headerIdx || (hasTarget && i === targetIdx) ? "" : l)).join("\n");
  let expected: string | undefined;
  if (at >= 0) {
    expected = text
      .slice(at + 1 + MARKER.length)
      .split("\n")
      .slice(1)
      .filter((l, i, all) => !(i === all.length - 1 && l === ""))
      .map((l) => (l.startsWith("; ") ? l.slice(2) : l.replace(/^;/, "")))
      .join("\n");
    expected = expected.trimEnd() + "\n";
  }
  return { passes, input, expected, before };
}

const files = listTcg(ROOT).sort();

describe("filetests", () => {
  it("finds filetests", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative(ROOT, f), f] as const))("%s", (_name, file) => {
    const text = readFileSync(file, "utf8");
    const t = parseFileTest(text, file);
    const func = parseIr(t.input);
    assertValidIr(func);
    const original = parseIr(t.input);
    if (t.passes === "all") optimize(func);
    else runPasses(func, t.passes);
    assertValidIr(func);
    const actual = printIr(func);
    sameBehaviour(original, func, { seeds: 8, note: file });
    if (UPDATE) {
      const block = actual.trimEnd().split("\n").map((l) => (l === "" ? ";" : `; ${l}`)).join("\n");
      const next = `${t.before.trimEnd()}\n\n${MARKER}\n${block}\n`;
      if (next !== text) writeFileSync(file, next);
      return;
    }
    expect(t.expected, `${file} has no '${MARKER}' block; run with UPDATE=1`).toBeDefined();
    expect(actual).toBe(t.expected);
  });
});
