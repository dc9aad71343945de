// src/ir/OPS.md is generated from the op table (src/ir/opcodes.ts): every op with its
// mnemonics, operands, flags and doc. `UPDATE=1 pnpm test` regenerates it.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BB_END, BB_EXIT, CALL, CAN_FAULT, COND_BRANCH, NO_FALLTHROUGH, OP_TABLE, SIDE_EFFECTS, VARIADIC } from "../src/index.js";

const FILE = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "ir", "OPS.md");
const FLAGS: readonly (readonly [number, string])[] = [
  [BB_END, "BB_END"], [BB_EXIT, "BB_EXIT"], [NO_FALLTHROUGH, "NO_FALLTHROUGH"], [COND_BRANCH, "COND_BRANCH"],
  [SIDE_EFFECTS, "SIDE_EFFECTS"], [CALL, "CALL"], [CAN_FAULT, "CAN_FAULT"], [VARIADIC, "VARIADIC"],
];

function generate(): string {
  const rows = OP_TABLE.map((r) => {
    const names = r.types === "int" ? `\`${r.name}_i32\` \`${r.name}_i64\`` : r.types === "i64" ? `\`${r.name}_i64\`` : `\`${r.name}\``;
    const outs = r.outs.join(", ") || "—";
    const ins = r.flags & VARIADIC ? "(helper signature)" : r.ins.join(", ") || "—";
    const consts = r.consts.map(([n, k]) => `${n}:${k}`).join(", ") || "—";
    const flags = FLAGS.filter(([b]) => (r.flags & b) !== 0).map(([, n]) => n).join(" ") || "—";
    return `| ${names} | ${outs} | ${ins} | ${consts} | ${flags} | ${r.doc.replace(/\|/g, "\\|")} |`;
  });
  return [
    "# TCG IR ops",
    "",
    "Generated from `src/ir/opcodes.ts` by `test/ir-ops-doc.test.ts` (`UPDATE=1` to regenerate). `T` is the op type.",
    "",
    "| mnemonics | outs | ins | consts | flags | semantics |",
    "|-----------|------|-----|--------|-------|-----------|",
    ...rows,
    "",
  ].join("\n");
}

describe("src/ir/OPS.md", () => {
  it("matches the op table", () => {
    const want = generate();
    if (process.env.UPDATE === "1") {
      writeFileSync(FILE, want);
      return;
    }
    let have = "";
    try {
      have = readFileSync(FILE, "utf8");
    } catch {
      // missing: reported by the comparison below
    }
    expect(have, "src/ir/OPS.md is stale; run with UPDATE=1").toBe(want);
  });
});
