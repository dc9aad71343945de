/**
 * Generates assembly source lines covering every 32-bit table row with boundary operands
 * (registers 0/31 and a mix, immediate min/max, every rounding mode, every aq/rl
 * combination, CSR names and numbers, fence sets). GNU as turns them into the committed
 * vectors (test/data/gnu-vectors.tsv); the expected encodings always come from GNU as.
 */
import { FPR_NAMES, GPR_NAMES, INSTRUCTIONS, type InsnSpec } from "../../src/index.js";

export interface VectorSource {
  ext: string;
  /** Our canonical text of the instruction (also what the vector checks we assemble). */
  text: string;
  /** What GNU as is given (differs for Zicond, which binutils 2.40 does not know). */
  gas: string;
}

function immVariants(spec: InsnSpec): string[] {
  const shamtWidth = (spec.pattern.replace(/ /g, "").slice(6, 7) === "." ? 6 : 5);
  switch (spec.format) {
    case "I":
    case "S":
      return ["-2048", "2047", "1"];
    case "B":
      return [".-4096", ".+4094", ".+8"];
    case "J":
      return [".-1048576", ".+1048574", ".+16"];
    case "U":
      return ["0x0", "0xfffff", "0x12345"];
    case "SH":
      return shamtWidth === 6 ? ["0x0", "0x3f", "0x5"] : ["0x0", "0x1f", "0x5"];
    case "CSRI":
      return ["0", "31", "5"];
    default:
      return ["0", "0", "0"];
  }
}

const REGS = [0, 31, 10];
const CSRS = ["fflags", "0xfff", "mstatus"];
const RMS = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"];

export function vectorSources(): VectorSource[] {
  const out: VectorSource[] = [];
  for (const spec of INSTRUCTIONS as readonly InsnSpec[]) {
    const imms = immVariants(spec);
    const ops = spec.operands === "" ? [] : spec.operands.split(",");
    const variants: string[] = [];
    for (let v = 0; v < 3; v++) {
      const r = REGS[v]!;
      const text = ops
        .filter((o) => o !== "rm")
        .map((o) => {
          switch (o) {
            case "rd":
              return GPR_NAMES[r];
            case "rs1":
              return GPR_NAMES[v === 2 ? 11 : r];
            case "rs2":
              return GPR_NAMES[v === 2 ? 12 : r];
            case "frd":
              return FPR_NAMES[r];
            case "frs1":
              return FPR_NAMES[v === 2 ? 11 : r];
            case "frs2":
              return FPR_NAMES[v === 2 ? 12 : r];
            case "frs3":
              return FPR_NAMES[v === 2 ? 13 : r];
            case "imm(rs1)":
              return `${imms[v]}(${GPR_NAMES[v === 2 ? 11 : r]})`;
            case "(rs1)":
              return `(${GPR_NAMES[v === 2 ? 11 : r]})`;
            case "csr":
              return CSRS[v];
            case "pred":
              return ["iorw", "w", "rw"][v];
            case "succ":
              return ["iorw", "r", "w"][v];
            default:
              return imms[v];
          }
        })
        .join(",");
      variants.push(text);
    }
    const names = spec.format === "AMO" ? [spec.name, `${spec.name}.aq`, `${spec.name}.rl`, `${spec.name}.aqrl`] : [spec.name];
    const hasRm = ops.includes("rm");
    const unique = [...new Set(variants)];
    for (const text of unique) {
      for (const name of names) {
        const line = text === "" ? name : `${name} ${text}`;
        out.push({ ext: spec.ext, text: line, gas: line });
        if (hasRm && text === unique[unique.length - 1]) for (const rm of RMS) out.push({ ext: spec.ext, text: `${line},${rm}`, gas: `${line},${rm}` });
      }
    }
  }
  for (const v of out) {
    const m = /^czero\.(eqz|nez) (\w+),(\w+),(\w+)$/.exec(v.text);
    if (m) v.gas = `.insn r 0x33, ${m[1] === "eqz" ? 5 : 7}, 7, ${m[2]}, ${m[3]}, ${m[4]}`;
  }
  return out;
}
