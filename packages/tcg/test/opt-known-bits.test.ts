// Soundness of the known-bits transfer functions: for random concrete inputs and
// facts that hold for them (exact, or weakened at random), the facts computed for
// the output must hold for the output the op really produces.
import { describe, expect, it } from "vitest";
import { evalValueOp, IrFunc, Op, OP_TABLE, typeBits, typeMask, unsigned, VALUE_OPS, type IrType, type OpName, type Temp } from "../src/index.js";
import { outputBits } from "../src/opt/known-bits.js";
import { signBitsOfValue, TempState } from "../src/opt/temp-state.js";
import { Rng } from "./ir-support.js";

const VALUE_ROWS = OP_TABLE.filter((r) => VALUE_OPS.has(r.name) && r.name !== "mov");

function consts(rng: Rng, name: OpName, w: number): number[] {
  if (name === "setcond" || name === "movcond") return [rng.int(12)];
  if (name === "extract" || name === "sextract" || name === "deposit") {
    const len = 1 + rng.int(w);
    return [rng.int(w - len + 1), len];
  }
  return [];
}

function inputType(o: string, opType: IrType): IrType {
  return o === "T" ? opType : (o as IrType);
}

describe("known bits", () => {
  it.each(VALUE_ROWS.map((r) => [r.name] as const))("%s computes sound facts", (name) => {
    const row = OP_TABLE.find((r) => r.name === name)!;
    const rng = new Rng(name.length * 1000 + name.charCodeAt(0));
    const types: IrType[] = row.types === "int" ? ["i32", "i64"] : ["i64"];
    for (const type of types) {
      for (let iter = 0; iter < 400; iter++) {
        const f = new IrFunc();
        const ins: Temp[] = row.ins.map((o) => f.newTemp(inputType(o, type), "bb"));
        const outType = row.outs[0] === undefined ? type : inputType(row.outs[0], type);
        const out = f.newTemp(outType, "bb");
        const values = ins.map((t) => {
          // Values with structure: small, extended, boundary, or random.
          const r = rng.int(4);
          let v = rng.value64();
          if (r === 0) v = BigInt.asIntN(rng.pick([8, 16, 32]), v);
          if (r === 1) v = BigInt.asUintN(rng.pick([8, 16, 32]), v);
          return t.type === "i32" ? BigInt.asIntN(32, v) : v;
        });
        const w = typeBits(type);
        const op = new Op(name, row.types === "none" ? undefined : type, [out], ins, consts(rng, name, w));
        // Shift counts are often constants in real code: make some inputs constant temps.
        if (rng.chance(0.3) && ins.length === 2) {
          const c = f.constant(type, values[1] ?? 0n);
          op.ins[1] = c;
        }
        const st = new TempState(f);
        ins.forEach((t, i) => {
          const v = values[i] ?? 0n;
          let z = unsigned(t.type, v);
          let s = signBitsOfValue(t.type, v);
          if (rng.chance(0.5)) z |= BigInt(rng.u32()) & typeMask(t.type);
          if (rng.chance(0.5)) s = 1 + rng.int(s);
          st.written(t, z, s);
        });
        const bits = outputBits(st, op);
        const actual = evalValueOp(name, type, op.ins.map((t, i) => (t.kind === "const" ? t.value : values[i] ?? 0n)), op.consts);
        const u = unsigned(outType, actual);
        const what = `${op.mnemonic} ins=${values.join(",")} consts=${op.consts.join(",")} -> ${actual}`;
        expect((u & ~bits.z) === 0n, `${what}: zmask 0x${bits.z.toString(16)} misses a set bit`).toBe(true);
        expect(signBitsOfValue(outType, actual), `${what}: claimed ${bits.s} sign bits`).toBeGreaterThanOrEqual(bits.s);
      }
    }
  });
});
