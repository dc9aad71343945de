/**
 * The text form of the IR: printing and parsing, round-trippable.
 *
 * ```text
 * global i64 x5 @0x28
 * global i64 pc @0x100
 * helper div_check(i64, i64) -> i64 no_side_effects
 *
 * insn_start $0x10078
 * add_i64 t0, x5, $0x10
 * brcond_i64 t0, $0x0, eq, L0
 * call div_check, t1, t0, x5
 * mov_i64 x5, t1
 * set_label L0
 * mov_i64 pc, $0x1007c
 * exit_tb 0
 * ```
 *
 * - Declarations first: `global <type> <name> @<offset> [zero]` and
 *   `helper <name>(<arg types>) -> <type|void> [flags]`.
 * - Then one op per line: the mnemonic, then outputs, inputs and consts separated by
 *   commas. `call` puts the helper name first.
 * - Temps: globals by name; bb temps `t<n>`; TB-local temps `l<n>`; constants `$<int>`
 *   (hex or decimal, optionally negative). Temp types are inferred from the op.
 * - Consts: conditions by name (`ltu`), labels `L<n>`, MemOps `s32:al`, immediates in
 *   decimal, CPU-state offsets in hex, barrier bits joined by `|`.
 * - `;` starts a comment. The printer numbers temps and labels in order of first
 *   appearance, so printing a parsed canonical text gives the same text back.
 *
 * @module
 */
import { CONDS, condCode, condFromCode, type Cond } from "./cond.js";
import { IrFunc, type Label, NAME_RE } from "./func.js";
import { formatHelperFlags, HELPER_FLAG_NAMES, type HelperDef } from "./helper.js";
import { formatMemop, parseMemop } from "./memop.js";
import { mnemonic, Op } from "./op.js";
import { isOpName, MB_NAMES, OPS, type ConstKind, type OpDef, type OpName, type OperandType } from "./opcodes.js";
import type { GlobalDef, Temp } from "./temp.js";
import { isIrType, type IrType } from "./types.js";

/** Options for {@link printIr}. */
export interface PrintOptions {
  /** Print `global`/`helper` declarations for what the ops use (default true). */
  readonly declarations?: boolean;
}

/** Text of a constant value: `$0x10`, `$-0x1`. */
export function formatConstValue(v: bigint): string {
  return v < 0n ? `$-0x${(-v).toString(16)}` : `$0x${v.toString(16)}`;
}

function formatMb(bits: number): string {
  const names = MB_NAMES.filter(([b]) => (bits & b) !== 0).map(([, n]) => n);
  return names.length === 0 ? "0" : names.join("|");
}

/** Print a function in the text form. */
export function printIr(func: IrFunc, opts: PrintOptions = {}): string {
  const names = new Map<Temp, string>();
  const labelNames = new Map<number, string>();
  let nBb = 0;
  let nTb = 0;
  const tempName = (t: Temp): string => {
    if (t.kind === "const") return formatConstValue(t.value);
    if (t.kind === "global") return t.global?.name ?? `g${t.id}`;
    let n = names.get(t);
    if (n === undefined) {
      n = t.kind === "tb" ? `l${nTb++}` : `t${nBb++}`;
      names.set(t, n);
    }
    return n;
  };
  const labelName = (id: number): string => {
    let n = labelNames.get(id);
    if (n === undefined) {
      n = `L${labelNames.size}`;
      labelNames.set(id, n);
    }
    return n;
  };
  const constText = (kind: ConstKind, v: number): string => {
    switch (kind) {
      case "cond": return condFromCode(v);
      case "label": return labelName(v);
      case "memop": return formatMemop(v);
      case "imm": return String(v);
      case "offset": return `0x${v.toString(16)}`;
      case "mb": return formatMb(v);
      case "helper": return func.helpers[v]?.name ?? `helper${v}`;
    }
  };
  const lines: string[] = [];
  const usedGlobals = new Set<Temp>();
  const usedHelpers = new Set<number>();
  for (const op of func.ops) {
    const parts: string[] = [];
    if (op.opc === "call") {
      usedHelpers.add(op.consts[0] ?? 0);
      parts.push(constText("helper", op.consts[0] ?? 0));
    }
    for (const t of op.outs) parts.push(tempName(t));
    for (const t of op.ins) parts.push(tempName(t));
    for (const t of [...op.outs, ...op.ins]) if (t.kind === "global") usedGlobals.add(t);
    if (op.opc !== "call") op.def.consts.forEach(([, kind], i) => parts.push(constText(kind, op.consts[i] ?? 0)));
    lines.push(parts.length === 0 ? op.mnemonic : `${op.mnemonic} ${parts.join(", ")}`);
  }
  if (opts.declarations === false) return lines.map((l) => `${l}\n`).join("");
  const decls: string[] = [];
  for (const g of func.globals) {
    const d = g.global;
    if (d === undefined || !usedGlobals.has(g)) continue;
    decls.push(`global ${d.type} ${d.name} @0x${d.offset.toString(16)}${d.hardwiredZero === true ? " zero" : ""}`);
  }
  [...usedHelpers].sort((a, b) => a - b).forEach((i) => {
    const h = func.helpers[i];
    if (h === undefined) return;
    const flags = formatHelperFlags(h.flags);
    decls.push(`helper ${h.name}(${h.args.join(", ")}) -> ${h.ret}${flags === "" ? "" : ` ${flags}`}`);
  });
  if (decls.length > 0) decls.push("");
  return [...decls, ...lines].map((l) => `${l}\n`).join("");
}

/** A syntax or typing error in IR text, with a 1-based position. */
export class IrParseError extends Error {
  /**
   * @param msg What is wrong.
   * @param line 1-based line number.
   * @param column 1-based column number.
   */
  constructor(msg: string, readonly line: number, readonly column: number) {
    super(`${line}:${column}: ${msg}`);
    this.name = "IrParseError";
  }
}

/** Options for {@link parseIr}. */
export interface ParseOptions {
  /** Globals known without a declaration in the text (e.g. the target's registers). */
  readonly globals?: readonly GlobalDef[];
  /**
   * Helpers known by name. A `helper` declaration of the same name must match its
   * signature; the known definition (with its implementation) is used.
   */
  readonly helpers?: readonly HelperDef[];
}

interface Token {
  readonly text: string;
  readonly col: number;
}

function splitOperands(s: string, col0: number): Token[] {
  const out: Token[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s[i] === ",") {
      const raw = s.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      out.push({ text: raw.trim(), col: col0 + start + lead });
      start = i + 1;
    }
  }
  return out;
}

function parseIntText(s: string): bigint | undefined {
  const m = /^(-)?(0x[0-9a-fA-F_]+|[0-9_]+)$/.exec(s);
  if (!m?.[2]) return undefined;
  const v = BigInt(m[2].replace(/_/g, ""));
  return m[1] === undefined ? v : -v;
}

const RESERVED_RE = /^([tlL]\d+)$/;

function splitMnemonic(m: string): { opc: OpName; type: IrType | undefined; def: OpDef } | undefined {
  if (isOpName(m) && OPS[m].types === "none") return { opc: m, type: undefined, def: OPS[m] };
  const us = m.lastIndexOf("_");
  if (us < 0) return undefined;
  const base = m.slice(0, us);
  const type = m.slice(us + 1);
  if (!isOpName(base) || !isIrType(type)) return undefined;
  const def = OPS[base];
  if (def.types === "none" || (def.types === "i64" && type !== "i64")) return undefined;
  return { opc: base, type, def };
}

/** Parse IR text into a new {@link IrFunc}. Throws {@link IrParseError}. */
export function parseIr(text: string, opts: ParseOptions = {}): IrFunc {
  const lines = text.split("\n");
  const globals: GlobalDef[] = [...(opts.globals ?? [])];
  const helperDecls = new Map<string, HelperDef>();
  const known = new Map((opts.helpers ?? []).map((h) => [h.name, h]));
  let func: IrFunc | undefined;
  const temps = new Map<string, Temp>();
  const labels = new Map<string, Label>();

  const fail = (msg: string, line: number, col: number): never => {
    throw new IrParseError(msg, line, col);
  };

  for (let ln = 0; ln < lines.length; ln++) {
    const lineNo = ln + 1;
    const raw = lines[ln] ?? "";
    const semi = raw.indexOf(";");
    const body = (semi < 0 ? raw : raw.slice(0, semi)).trimEnd();
    const indent = body.length - body.trimStart().length;
    const line = body.trim();
    if (line === "") continue;
    const sp = line.search(/\s/);
    const head = sp < 0 ? line : line.slice(0, sp);
    const restCol = indent + 1 + (sp < 0 ? line.length : sp);
    const rest = sp < 0 ? "" : line.slice(sp);

    if (head === "global") {
      if (func !== undefined) fail("global declarations must come before the first op", lineNo, indent + 1);
      const m = /^\s+(i32|i64)\s+([^\s]+)\s+@(0x[0-9a-fA-F]+|\d+)(\s+zero)?\s*$/.exec(rest);
      if (!m?.[1] || !m[2] || !m[3]) return fail("expected 'global <type> <name> @<offset> [zero]'", lineNo, restCol);
      if (!NAME_RE.test(m[2]) || RESERVED_RE.test(m[2])) fail(`invalid global name '${m[2]}'`, lineNo, restCol);
      const d: GlobalDef = { type: m[1] as IrType, name: m[2], offset: Number(m[3]), ...(m[4] ? { hardwiredZero: true } : {}) };
      const prev = globals.findIndex((g) => g.name === d.name);
      if (prev >= 0) {
        const p = globals[prev];
        if (p?.type !== d.type || p.offset !== d.offset || (p.hardwiredZero ?? false) !== (d.hardwiredZero ?? false)) {
          fail(`global '${d.name}' does not match its earlier definition`, lineNo, restCol);
        }
      } else {
        const end = d.offset + (d.type === "i32" ? 4 : 8);
        const clash = globals.find((g) => d.offset < g.offset + (g.type === "i32" ? 4 : 8) && g.offset < end);
        if (clash !== undefined) fail(`global '${d.name}' overlaps '${clash.name}'`, lineNo, restCol);
        globals.push(d);
      }
      continue;
    }
    if (head === "helper") {
      const m = /^\s+([A-Za-z_][A-Za-z0-9_.]*)\(([^)]*)\)\s*->\s*(i32|i64|void)((?:\s+[a-z_]+)*)\s*$/.exec(rest);
      if (!m?.[1] || m[2] === undefined || !m[3]) return fail("expected 'helper <name>(<types>) -> <type> [flags]'", lineNo, restCol);
      const args = m[2].trim() === "" ? [] : m[2].split(",").map((s) => s.trim());
      for (const a of args) if (!isIrType(a)) fail(`invalid argument type '${a}'`, lineNo, restCol);
      let flags = 0;
      for (const f of (m[4] ?? "").trim().split(/\s+/).filter((s) => s !== "")) {
        const bit = HELPER_FLAG_NAMES.find(([, n]) => n === f)?.[0];
        if (bit === undefined) fail(`unknown helper flag '${f}'`, lineNo, restCol);
        flags |= bit ?? 0;
      }
      const decl: HelperDef = { name: m[1], ret: m[3] as IrType | "void", args: args as IrType[], flags };
      const k = known.get(decl.name);
      if (k !== undefined && (k.ret !== decl.ret || k.flags !== decl.flags || k.args.join() !== decl.args.join())) {
        fail(`helper '${decl.name}' does not match the known definition`, lineNo, restCol);
      }
      helperDecls.set(decl.name, k ?? decl);
      continue;
    }

    if (func === undefined) {
      try {
        func = new IrFunc(globals);
      } catch (e) {
        fail(e instanceof Error ? e.message : String(e), lineNo, indent + 1);
      }
    }
    const f: IrFunc = func as IrFunc;
    const mn = splitMnemonic(head);
    if (mn === undefined) return fail(`unknown op '${head}'`, lineNo, indent + 1);
    const ops = rest.trim() === "" ? [] : splitOperands(rest, restCol);
    let pos = 0;
    const next = (what: string): Token => {
      const t = ops[pos++];
      if (t === undefined) return fail(`missing operand: ${what}`, lineNo, indent + 1 + line.length);
      if (t.text === "") fail(`empty operand: ${what}`, lineNo, t.col);
      return t;
    };
    const typeOf = (o: OperandType): IrType => (o === "T" ? (mn.type ?? "i64") : o);
    const temp = (tok: Token, type: IrType, isOut: boolean): Temp => {
      const s = tok.text;
      if (s.startsWith("$")) {
        if (isOut) fail("a constant cannot be an output", lineNo, tok.col);
        const v = parseIntText(s.slice(1));
        if (v === undefined) return fail(`invalid constant '${s}'`, lineNo, tok.col);
        return f.constant(type, v);
      }
      const g = f.global(s);
      if (g !== undefined) {
        if (g.type !== type) fail(`global '${s}' has type ${g.type}, expected ${type}`, lineNo, tok.col);
        return g;
      }
      const m = /^([tl])\d+$/.exec(s);
      if (!m) return fail(`unknown temp '${s}'`, lineNo, tok.col);
      let t = temps.get(s);
      if (t === undefined) {
        t = f.newTemp(type, m[1] === "l" ? "tb" : "bb");
        temps.set(s, t);
      } else if (t.type !== type) {
        fail(`temp '${s}' has type ${t.type}, expected ${type}`, lineNo, tok.col);
      }
      return t;
    };
    const constVal = (tok: Token, kind: ConstKind): number => {
      const s = tok.text;
      switch (kind) {
        case "cond":
          if (!(CONDS as readonly string[]).includes(s)) fail(`invalid condition '${s}'`, lineNo, tok.col);
          return condCode(s as Cond);
        case "label": {
          if (!/^L\d+$/.test(s)) fail(`invalid label '${s}'`, lineNo, tok.col);
          let l = labels.get(s);
          if (l === undefined) {
            l = f.newLabel();
            labels.set(s, l);
          }
          return l.id;
        }
        case "memop": {
          const m = parseMemop(s);
          return m ?? fail(`invalid memop '${s}'`, lineNo, tok.col);
        }
        case "imm":
        case "offset": {
          const v = parseIntText(s);
          if (v === undefined || v < 0n || v > 0x7fffffffn) fail(`invalid ${kind} '${s}'`, lineNo, tok.col);
          return Number(v);
        }
        case "mb": {
          if (s === "0") return 0;
          let bits = 0;
          for (const part of s.split("|")) {
            const b = MB_NAMES.find(([, n]) => n === part.trim())?.[0];
            if (b === undefined) fail(`invalid barrier '${part}'`, lineNo, tok.col);
            bits |= b ?? 0;
          }
          return bits;
        }
        case "helper": {
          const h = helperDecls.get(s) ?? known.get(s);
          if (h === undefined) return fail(`undeclared helper '${s}'`, lineNo, tok.col);
          return f.helperIndex(h);
        }
      }
    };

    let op: Op;
    if (mn.opc === "call") {
      const hi = constVal(next("helper"), "helper");
      const h = f.helpers[hi];
      if (h === undefined) return fail("bad helper", lineNo, indent + 1);
      const outs = h.ret === "void" ? [] : [temp(next("result"), h.ret, true)];
      const ins = h.args.map((a, i) => temp(next(`argument ${i}`), a, false));
      op = new Op("call", undefined, outs, ins, [hi]);
    } else {
      const outs = mn.def.outs.map((o, i) => temp(next(`output ${i}`), typeOf(o), true));
      const ins = mn.def.ins.map((o, i) => temp(next(`input ${i}`), typeOf(o), false));
      const consts = mn.def.consts.map(([name, kind]) => constVal(next(name), kind));
      op = new Op(mn.opc, mn.type, outs, ins, consts);
    }
    if (pos < ops.length) fail(`too many operands for ${mnemonic(op.opc, op.type)}`, lineNo, ops[pos]?.col ?? 1);
    if (op.opc === "insn_start" && op.ins[0]?.kind !== "const") fail("insn_start takes a constant pc", lineNo, restCol);
    f.ops.push(op);
  }
  if (func !== undefined) return func;
  try {
    return new IrFunc(globals);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e), lines.length, 1);
  }
}
