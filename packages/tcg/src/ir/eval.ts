/**
 * Reference semantics of the value ops: one function computing an op's output from
 * constant inputs. Used by the constant folder and the reference interpreter, and
 * tested on its own against hand-computed tables (test/ir-eval.test.ts).
 *
 * @module
 */
import { condFromCode, evalCond } from "./cond.js";
import type { OpName } from "./opcodes.js";
import { canon, type IrType, typeBits, unsigned } from "./types.js";

function bitsOf(type: IrType): bigint {
  return BigInt(typeBits(type));
}

function clz(type: IrType, a: bigint): bigint {
  const u = unsigned(type, a);
  return u === 0n ? bitsOf(type) : bitsOf(type) - BigInt(u.toString(2).length);
}

function ctz(type: IrType, a: bigint): bigint {
  let u = unsigned(type, a);
  if (u === 0n) return bitsOf(type);
  let n = 0n;
  while ((u & 1n) === 0n) {
    u >>= 1n;
    n++;
  }
  return n;
}

function ctpop(type: IrType, a: bigint): bigint {
  let u = unsigned(type, a);
  let n = 0n;
  while (u !== 0n) {
    n += u & 1n;
    u >>= 1n;
  }
  return n;
}

function bswap(a: bigint, bytes: number): bigint {
  let r = 0n;
  for (let i = 0; i < bytes; i++) r = (r << 8n) | ((a >> BigInt(8 * i)) & 0xffn);
  return r;
}

function minValue(type: IrType): bigint {
  return -(1n << (bitsOf(type) - 1n));
}

/** The ops {@link evalValueOp} can evaluate: pure functions of their inputs and consts. */
export const VALUE_OPS: ReadonlySet<OpName> = new Set<OpName>([
  "mov", "add", "sub", "neg", "mul", "mulsh", "muluh", "div", "divu", "rem", "remu",
  "and", "or", "xor", "not", "andc", "orc", "eqv", "nand", "nor",
  "shl", "shr", "sar", "rotl", "rotr", "clz", "ctz", "ctpop", "bswap16", "bswap32", "bswap64",
  "ext8s", "ext8u", "ext16s", "ext16u", "ext32s", "ext32u",
  "ext_i32_i64", "extu_i32_i64", "extrl_i64_i32", "extrh_i64_i32",
  "extract", "sextract", "deposit", "setcond", "movcond",
]);

/**
 * Evaluate a value op (one in {@link VALUE_OPS}) on canonical inputs.
 *
 * @param opc The op.
 * @param type The op type (ignored by the fixed-type conversions).
 * @param a The inputs, canonical for their operand types.
 * @param c The op's consts.
 * @returns The output, canonical for the output type.
 */
export function evalValueOp(opc: OpName, type: IrType, a: readonly bigint[], c: readonly number[]): bigint {
  const x = a[0] ?? 0n;
  const y = a[1] ?? 0n;
  const w = bitsOf(type);
  const sh = (): bigint => unsigned(type, y) & (w - 1n);
  const r = (v: bigint): bigint => canon(type, v);
  switch (opc) {
    case "mov": return x;
    case "add": return r(x + y);
    case "sub": return r(x - y);
    case "neg": return r(-x);
    case "mul": return r(x * y);
    case "mulsh": return r((x * y) >> w);
    case "muluh": return r((unsigned(type, x) * unsigned(type, y)) >> w);
    case "div":
      if (y === 0n) return -1n;
      if (x === minValue(type) && y === -1n) return x;
      return r(x / y);
    case "divu":
      if (y === 0n) return -1n;
      return r(unsigned(type, x) / unsigned(type, y));
    case "rem":
      if (y === 0n) return x;
      if (x === minValue(type) && y === -1n) return 0n;
      return r(x % y);
    case "remu":
      if (y === 0n) return x;
      return r(unsigned(type, x) % unsigned(type, y));
    case "and": return x & y;
    case "or": return x | y;
    case "xor": return x ^ y;
    case "not": return ~x;
    case "andc": return x & ~y;
    case "orc": return x | ~y;
    case "eqv": return ~(x ^ y);
    case "nand": return ~(x & y);
    case "nor": return ~(x | y);
    case "shl": return r(x << sh());
    case "shr": return r(unsigned(type, x) >> sh());
    case "sar": return x >> sh();
    case "rotl": {
      const s = sh();
      const u = unsigned(type, x);
      return r((u << s) | (u >> ((w - s) % w)));
    }
    case "rotr": {
      const s = sh();
      const u = unsigned(type, x);
      return r((u >> s) | (u << ((w - s) % w)));
    }
    case "clz": return clz(type, x);
    case "ctz": return ctz(type, x);
    case "ctpop": return ctpop(type, x);
    case "bswap16": return bswap(x, 2);
    case "bswap32": return r(bswap(x, 4));
    case "bswap64": return r(bswap(x, 8));
    case "ext8s": return BigInt.asIntN(8, x);
    case "ext8u": return BigInt.asUintN(8, x);
    case "ext16s": return BigInt.asIntN(16, x);
    case "ext16u": return BigInt.asUintN(16, x);
    case "ext32s": return BigInt.asIntN(32, x);
    case "ext32u": return BigInt.asUintN(32, x);
    case "ext_i32_i64": return BigInt.asIntN(32, x);
    case "extu_i32_i64": return BigInt.asUintN(32, x);
    case "extrl_i64_i32": return BigInt.asIntN(32, x);
    case "extrh_i64_i32": return BigInt.asIntN(32, x >> 32n);
    case "extract": return r(BigInt.asUintN(c[1] ?? 1, unsigned(type, x) >> BigInt(c[0] ?? 0)));
    case "sextract": return BigInt.asIntN(c[1] ?? 1, unsigned(type, x) >> BigInt(c[0] ?? 0));
    case "deposit": {
      const pos = BigInt(c[0] ?? 0);
      const field = ((1n << BigInt(c[1] ?? 1)) - 1n) << pos;
      return r((x & ~field) | ((y << pos) & field));
    }
    case "setcond": return evalCond(type, condFromCode(c[0] ?? 0), x, y) ? 1n : 0n;
    case "movcond": return evalCond(type, condFromCode(c[0] ?? 0), x, y) ? (a[2] ?? 0n) : (a[3] ?? 0n);
    default:
      throw new Error(`evalValueOp: ${opc} is not a value op`);
  }
}
