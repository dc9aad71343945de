// The reference semantics of the value ops, checked against hand-computed results
// (RISC-V's division rules, shift counts modulo the width, bit counts of zero, ...).
import { describe, expect, it } from "vitest";
import { condCode, evalValueOp, type Cond, type IrType, type OpName } from "../src/index.js";

const MIN64 = -0x8000_0000_0000_0000n;
const MAX64 = 0x7fff_ffff_ffff_ffffn;
const MIN32 = -0x8000_0000n;

type Row = readonly [OpName, IrType, readonly bigint[], readonly number[], bigint];

const ROWS: readonly Row[] = [
  ["add", "i64", [MAX64, 1n], [], MIN64],
  ["add", "i32", [0x7fff_ffffn, 1n], [], MIN32],
  ["sub", "i64", [0n, 1n], [], -1n],
  ["neg", "i64", [MIN64], [], MIN64],
  ["mul", "i32", [0x10000n, 0x10000n], [], 0n],
  ["mulsh", "i64", [-1n, -1n], [], 0n],
  ["mulsh", "i64", [MIN64, MIN64], [], 0x4000_0000_0000_0000n],
  ["muluh", "i64", [-1n, -1n], [], -2n],
  ["muluh", "i32", [-1n, 2n], [], 1n],
  ["div", "i64", [7n, 0n], [], -1n],
  ["div", "i64", [MIN64, -1n], [], MIN64],
  ["div", "i64", [-7n, 2n], [], -3n],
  ["div", "i32", [MIN32, -1n], [], MIN32],
  ["divu", "i64", [7n, 0n], [], -1n],
  ["divu", "i64", [-1n, 2n], [], MAX64],
  ["divu", "i32", [-2n, 2n], [], 0x7fff_ffffn],
  ["rem", "i64", [7n, 0n], [], 7n],
  ["rem", "i64", [MIN64, -1n], [], 0n],
  ["rem", "i64", [-7n, 2n], [], -1n],
  ["remu", "i64", [7n, 0n], [], 7n],
  ["remu", "i32", [-1n, 10n], [], 5n],
  ["andc", "i64", [0xffn, 0x0fn], [], 0xf0n],
  ["orc", "i32", [0n, -2n], [], 1n],
  ["eqv", "i64", [5n, 5n], [], -1n],
  ["nand", "i64", [-1n, -1n], [], 0n],
  ["nor", "i64", [0n, 0n], [], -1n],
  ["shl", "i64", [1n, 64n], [], 1n],
  ["shl", "i64", [1n, 63n], [], MIN64],
  ["shl", "i32", [1n, 33n], [], 2n],
  ["shr", "i64", [-1n, 60n], [], 0xfn],
  ["shr", "i32", [-1n, 28n], [], 0xfn],
  ["sar", "i64", [MIN64, 63n], [], -1n],
  ["sar", "i32", [MIN32, -1n], [], -1n],
  ["rotl", "i64", [MIN64, 1n], [], 1n],
  ["rotr", "i32", [1n, 1n], [], MIN32],
  ["rotl", "i32", [0x1234_5678n, 0n], [], 0x1234_5678n],
  ["rotr", "i64", [0x1234n, 64n], [], 0x1234n],
  ["clz", "i64", [0n], [], 64n],
  ["clz", "i32", [1n], [], 31n],
  ["clz", "i64", [-1n], [], 0n],
  ["ctz", "i32", [0n], [], 32n],
  ["ctz", "i64", [MIN64], [], 63n],
  ["ctpop", "i64", [-1n], [], 64n],
  ["ctpop", "i32", [-1n], [], 32n],
  ["bswap16", "i64", [0x1122_3344n], [], 0x4433n],
  ["bswap32", "i64", [0x1122_3344n], [], 0x4433_2211n],
  ["bswap32", "i32", [0x1122_3380n], [], -0x7fcc_ddefn],
  ["bswap64", "i64", [0x0102_0304_0506_0708n], [], 0x0807_0605_0403_0201n],
  ["ext8s", "i64", [0x80n], [], -0x80n],
  ["ext8u", "i32", [-1n], [], 0xffn],
  ["ext16s", "i32", [0x18000n], [], -0x8000n],
  ["ext16u", "i64", [-1n], [], 0xffffn],
  ["ext32s", "i64", [0xffff_ffffn], [], -1n],
  ["ext32u", "i64", [-1n], [], 0xffff_ffffn],
  ["ext_i32_i64", "i64", [-1n], [], -1n],
  ["extu_i32_i64", "i64", [-1n], [], 0xffff_ffffn],
  ["extrl_i64_i32", "i64", [0x1_8000_0000n], [], MIN32],
  ["extrh_i64_i32", "i64", [MIN64], [], MIN32],
  ["extract", "i64", [0xabcdn], [4, 8], 0xbcn],
  ["extract", "i32", [-1n], [0, 32], -1n],
  ["sextract", "i64", [0x0f0n], [4, 4], -1n],
  ["sextract", "i32", [0x070n], [4, 4], 7n],
  ["deposit", "i64", [-1n, 0n], [8, 8], -0xff01n],
  ["deposit", "i32", [0n, -1n], [31, 1], MIN32],
  ["movcond", "i64", [1n, 2n, 10n, 20n], [condCode("lt")], 10n],
  ["movcond", "i64", [-1n, 2n, 10n, 20n], [condCode("ltu")], 20n],
];

const CONDS: readonly (readonly [Cond, bigint, bigint, boolean])[] = [
  ["eq", 1n, 1n, true], ["ne", 1n, 1n, false], ["lt", -1n, 0n, true], ["ge", -1n, 0n, false],
  ["le", 0n, 0n, true], ["gt", 0n, -1n, true], ["ltu", -1n, 0n, false], ["geu", -1n, 0n, true],
  ["leu", 5n, 5n, true], ["gtu", 0n, -1n, false], ["tsteq", 6n, 1n, true], ["tstne", 6n, 2n, true],
];

describe("evalValueOp", () => {
  it.each(ROWS.map((r) => [`${r[0]}_${r[1]}(${r[2].join(", ")}${r[3].length ? "; " + r[3].join(", ") : ""})`, r] as const))(
    "%s",
    (_name, [opc, type, ins, consts, want]) => {
      expect(evalValueOp(opc, type, ins, consts)).toBe(want);
    },
  );

  it.each(CONDS)("setcond %s(%d, %d) = %s", (cond, a, b, want) => {
    expect(evalValueOp("setcond", "i64", [a, b], [condCode(cond)])).toBe(want ? 1n : 0n);
  });
});
