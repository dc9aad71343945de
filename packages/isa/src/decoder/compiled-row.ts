import { INSTRUCTIONS, type Mnemonic } from "../spec/index.js";
import type { InsnSpec } from "../spec/types.js";
import { freeBitsIn, parsePattern } from "./pattern.js";

/** How the immediate of a row is laid out (derived from its format and pattern). */
export const enum ImmKind {
  None,
  I,
  S,
  B,
  U,
  J,
  Shamt5,
  Shamt6,
  Csr,
  CsrImm,
}

/** A 32-bit table row prepared for decoding and encoding. */
export interface CompiledRow {
  readonly id: number;
  readonly name: Mnemonic;
  readonly spec: InsnSpec;
  readonly mask: number;
  readonly match: number;
  readonly hasRd: boolean;
  readonly hasRs1: boolean;
  readonly hasRs2: boolean;
  readonly hasRs3: boolean;
  readonly imm: ImmKind;
  readonly hasRm: boolean;
  readonly hasAqRl: boolean;
  readonly hasFence: boolean;
  /** Operand names of the template, in order (`imm(rs1)` split into `imm`, `rs1`). */
  readonly operands: readonly string[];
}

function immKindOf(spec: InsnSpec): ImmKind {
  switch (spec.format) {
    case "I":
      return ImmKind.I;
    case "S":
      return ImmKind.S;
    case "B":
      return ImmKind.B;
    case "U":
      return ImmKind.U;
    case "J":
      return ImmKind.J;
    case "SH":
      return freeBitsIn(spec.pattern, 25, 20) === 6 ? ImmKind.Shamt6 : ImmKind.Shamt5;
    case "CSR":
      return ImmKind.Csr;
    case "CSRI":
      return ImmKind.CsrImm;
    default:
      return ImmKind.None;
  }
}

function compile(spec: InsnSpec, id: number): CompiledRow {
  const { mask, match } = parsePattern(spec.pattern, 32);
  const operands = spec.operands === "" ? [] : spec.operands.split(/[,()]+/).filter((s) => s !== "");
  const has = (...names: string[]): boolean => names.some((n) => operands.includes(n));
  return {
    id,
    name: spec.name as Mnemonic,
    spec,
    mask,
    match,
    hasRd: has("rd", "frd"),
    hasRs1: has("rs1", "frs1"),
    hasRs2: has("rs2", "frs2"),
    hasRs3: has("frs3"),
    imm: immKindOf(spec),
    hasRm: has("rm"),
    hasAqRl: spec.format === "AMO",
    hasFence: spec.format === "FENCE",
    operands,
  };
}

/** Every 32-bit row, compiled; index = opcode id. */
export const COMPILED_ROWS: readonly CompiledRow[] = INSTRUCTIONS.map((s, i) => compile(s, i));

const byName = new Map<string, CompiledRow>(COMPILED_ROWS.map((r) => [r.name, r]));

/** The compiled row of a mnemonic, or undefined. */
export function rowByName(name: string): CompiledRow | undefined {
  return byName.get(name);
}
