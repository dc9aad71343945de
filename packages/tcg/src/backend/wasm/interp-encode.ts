/**
 * Encoding a TB's IR into the interpreted form (interp-format.ts): one pass over the ops,
 * labels resolved by fix-ups (branches are forward only). Returns undefined for an op the
 * interpreter has no handler for or a TB whose frame does not fit; the loop then compiles
 * that TB at once, as before tiering.
 *
 * Every cold TB goes through here once, so the pass allocates next to nothing: handler
 * numbers come from tables indexed by op, type and condition or memop (built once from
 * interp-format.ts's keys), operand words are kept as (value, kind) pairs in reused typed
 * arrays until the frame is laid out, temps and constants are numbered through arrays
 * indexed by temp id, and the pc an exit carries is tracked as two 32-bit halves.
 *
 * @module
 */
import type { IrFunc } from "../../ir/func.js";
import { HELPER_NO_RETURN } from "../../ir/helper.js";
import type { Temp } from "../../ir/temp.js";
import { CONDS } from "../../ir/cond.js";
import {
  canonicalMemop, INTERP_ATOMICS, INTERP_BINARY, INTERP_FRAME_SLOTS, INTERP_HOST_LD, INTERP_HOST_ST, INTERP_MAGIC, INTERP_UNARY,
  interpFrameOffset, interpHandler, InterpHeader,
} from "./interp-format.js";
import { CTRL_BYTES, ExitKind, HELPER_ABI_ARGS } from "./lower-abi.js";

/** What the encoder needs to know about the environment. */
export interface InterpEncodeEnv {
  /** Bytes of the target's CPU state (the frame follows it). */
  readonly stateSize: number;
  /** Runtime-table slot of a helper, by name. */
  helperSlot(name: string): number;
}

/** Handler numbers by what selects them; index 0 is i32, 1 is i64; -1 or absent: none. */
interface Tables {
  /** mov, unary, binary, extract, sextract, deposit, host loads and stores, by opc. */
  readonly byOpc: readonly [Map<string, number>, Map<string, number>];
  readonly setcond: readonly [Int32Array, Int32Array];
  readonly movcond: readonly [Int32Array, Int32Array];
  readonly brcond: readonly [Int32Array, Int32Array];
  readonly guestLd: readonly [Map<number, number>, Map<number, number>];
  readonly guestSt: readonly [Map<number, number>, Map<number, number>];
  /** By atomic opc, then type, then canonical memop. */
  readonly atomic: Map<string, readonly [Map<number, number>, Map<number, number>]>;
  /** call_{void,i32,i64}_{0,1} at (ret index) * 2 + noreturn. */
  readonly call: Int32Array;
  readonly br: number;
  readonly gotoTb: number;
  readonly exitTb: number;
  readonly lookup: number;
  readonly mb: number;
}

let tables: Tables | undefined;

function must(key: string): number {
  const h = interpHandler(key);
  if (h === undefined) throw new Error(`interp: no handler '${key}'`);
  return h;
}

/** The tables, from interp-format.ts's handler keys (so the two cannot disagree). */
function handlerTables(): Tables {
  if (tables !== undefined) return tables;
  const types = ["i32", "i64"] as const;
  const byOpc: [Map<string, number>, Map<string, number>] = [new Map<string, number>(), new Map<string, number>()];
  const conds = (kind: string): [Int32Array, Int32Array] =>
    [0, 1].map((ti) => Int32Array.from(CONDS, (c) => interpHandler(`${kind}_${types[ti]!}_${c}`) ?? -1)) as [Int32Array, Int32Array];
  const memops = (prefix: string): [Map<number, number>, Map<number, number>] =>
    [0, 1].map((ti) => {
      const m = new Map<number, number>();
      for (let k = 0; k < 256; k++) {
        const h = interpHandler(`${prefix}_${types[ti]!}_${k}`);
        if (h !== undefined) m.set(k, h);
      }
      return m;
    }) as [Map<number, number>, Map<number, number>];
  types.forEach((t, ti) => {
    for (const opc of ["mov", ...INTERP_UNARY, ...INTERP_BINARY, "extract", "sextract", "deposit", ...INTERP_HOST_LD, ...INTERP_HOST_ST]) {
      const h = interpHandler(`${opc}_${t}`);
      if (h !== undefined) byOpc[ti]!.set(opc, h);
    }
  });
  const atomic = new Map<string, readonly [Map<number, number>, Map<number, number>]>();
  for (const o of INTERP_ATOMICS) atomic.set(o, memops(o));
  const call = new Int32Array(6);
  ["void", "i32", "i64"].forEach((r, i) => { call[i * 2] = must(`call_${r}_0`); call[i * 2 + 1] = must(`call_${r}_1`); });
  tables = {
    byOpc, setcond: conds("setcond"), movcond: conds("movcond"), brcond: conds("brcond"),
    guestLd: memops("guest_ld"), guestSt: memops("guest_st"), atomic, call,
    br: must("br"), gotoTb: must("goto_tb"), exitTb: must("exit_tb"), lookup: must("lookup_and_goto_ptr"), mb: must("mb"),
  };
  return tables;
}

/** Kinds of an operand word before the frame is laid out. */
const RAW = 0;
const CONST = 1;
const TEMP = 2;
const DISCARD = 3;

/** The label's incoming pcs: none yet, one known pc, or paths that disagree. */
const PC_NONE = 0;
const PC_KNOWN = 1;
const PC_UNKNOWN = 2;

// Scratch reused across calls (the encoder runs on one thread at a time per worker).
let wordVal = new Int32Array(1024);
let wordKind = new Uint8Array(1024);
let slotOf = new Int32Array(256);
let labelAt = new Int32Array(64);
let labelPcState = new Uint8Array(64);
let labelPcLo = new Int32Array(64);
let labelPcHi = new Int32Array(64);
let fixAt = new Int32Array(64);
let fixLabel = new Int32Array(64);

/** Encodes `func` (of `icount` guest instructions); undefined if it cannot be interpreted. */
export function encodeInterp(func: IrFunc, icount: number, env: InterpEncodeEnv): Uint8Array | undefined {
  const T = handlerTables();
  const frame = interpFrameOffset(env.stateSize);
  const nTemps = func.temps.length;
  if (slotOf.length < nTemps) slotOf = new Int32Array(Math.max(nTemps, slotOf.length * 2));
  slotOf.fill(-1, 0, nTemps);
  const nLabels = func.labels.length;
  if (labelAt.length < nLabels) {
    const n = Math.max(nLabels, labelAt.length * 2);
    labelAt = new Int32Array(n);
    labelPcState = new Uint8Array(n);
    labelPcLo = new Int32Array(n);
    labelPcHi = new Int32Array(n);
  }
  labelAt.fill(-1, 0, nLabels);
  labelPcState.fill(PC_NONE, 0, nLabels);
  // Constants: slot numbers by temp id in slotOf; values deduplicated (64-bit) here.
  const consts: bigint[] = [0n];
  const constByValue = new Map<bigint, number>([[0n, 0]]);
  let nTempSlots = 0;
  let n = 0;
  let nFix = 0;
  let bad = false;

  const push = (v: number, kind: number): void => {
    if (n === wordVal.length) {
      const v2 = new Int32Array(n * 2); v2.set(wordVal); wordVal = v2;
      const k2 = new Uint8Array(n * 2); k2.set(wordKind); wordKind = k2;
    }
    wordVal[n] = v;
    wordKind[n++] = kind;
  };
  const handler = (h: number | undefined): void => {
    if (h === undefined || h < 0) bad = true;
    else push(h, RAW);
  };
  const input = (t: Temp): void => {
    const kind = t.kind;
    if (kind === "global") {
      const g = t.global!;
      if (g.hardwiredZero === true) push(0, CONST);
      else push(CTRL_BYTES + g.offset, RAW);
    } else if (kind === "const") {
      let s = slotOf[t.id]!;
      if (s < 0) {
        const v = BigInt.asUintN(64, t.value);
        const had = constByValue.get(v);
        if (had === undefined) {
          s = consts.length;
          consts.push(v);
          constByValue.set(v, s);
        } else s = had;
        slotOf[t.id] = s;
      }
      push(s, CONST);
    } else {
      let s = slotOf[t.id]!;
      if (s < 0) slotOf[t.id] = s = nTempSlots++;
      push(s, TEMP);
    }
  };
  const output = (t: Temp): void => {
    if (t.kind === "global" && t.global!.hardwiredZero === true) push(0, DISCARD);
    else input(t);
  };
  // The pc of the current guest instruction, as two words: the last insn_start on the
  // way here. After a label it is the pc of every branch into it (an out-of-line tail
  // raising for the instruction that branched there), as the lowering's labelPcs; where
  // paths disagree it is unknown, and an op that needs it makes the TB compiled instead.
  let pcKnown = true;
  let pcLo = 0;
  let pcHi = 0;
  let reachable = true;
  const incoming = (label: number): void => {
    const s = labelPcState[label]!;
    if (!pcKnown) labelPcState[label] = PC_UNKNOWN;
    else if (s === PC_NONE) {
      labelPcState[label] = PC_KNOWN;
      labelPcLo[label] = pcLo;
      labelPcHi[label] = pcHi;
    } else if (s === PC_KNOWN && (labelPcLo[label] !== pcLo || labelPcHi[label] !== pcHi)) labelPcState[label] = PC_UNKNOWN;
  };
  const fixup = (label: number): void => {
    if (nFix === fixAt.length) {
      const a = new Int32Array(nFix * 2); a.set(fixAt); fixAt = a;
      const l = new Int32Array(nFix * 2); l.set(fixLabel); fixLabel = l;
    }
    fixAt[nFix] = n - 1;
    fixLabel[nFix++] = label;
  };
  const pcWords = (): void => {
    if (!pcKnown) bad = true;
    push(pcLo, RAW);
    push(pcHi, RAW);
  };

  push(INTERP_MAGIC, RAW);
  for (let i = 0; i < 7; i++) push(i === 4 ? icount : 0, RAW);
  const ops = func.ops;
  for (let oi = 0; oi < ops.length; oi++) {
    if (bad) return undefined;
    const op = ops[oi]!;
    const ti = op.type === "i32" ? 0 : 1;
    const ins = op.ins;
    const o = op.outs[0];
    const opc = op.opc;
    switch (opc) {
      case "discard": break;
      case "insn_start": {
        const v = ins[0]!.value;
        pcLo = Number(BigInt.asIntN(32, v));
        pcHi = Number(BigInt.asIntN(32, v >> 32n));
        pcKnown = true;
        break;
      }
      case "set_label": {
        const l = op.consts[0]!;
        labelAt[l] = n * 4;
        if (reachable) incoming(l);
        const s = labelPcState[l]!;
        if (s === PC_KNOWN) { pcKnown = true; pcLo = labelPcLo[l]!; pcHi = labelPcHi[l]!; }
        else if (s === PC_UNKNOWN) pcKnown = false;
        reachable = true;
        continue;
      }
      case "br":
        handler(T.br); push(0, RAW);
        fixup(op.consts[0]!);
        incoming(op.consts[0]!);
        reachable = false;
        continue;
      case "brcond":
        handler(T.brcond[ti][op.consts[0]!]); input(ins[0]!); input(ins[1]!); push(0, RAW);
        fixup(op.consts[1]!);
        incoming(op.consts[1]!);
        break;
      case "setcond": handler(T.setcond[ti][op.consts[0]!]); output(o!); input(ins[0]!); input(ins[1]!); break;
      case "movcond":
        handler(T.movcond[ti][op.consts[0]!]); output(o!); input(ins[0]!); input(ins[1]!); input(ins[2]!); input(ins[3]!);
        break;
      case "goto_tb": handler(T.gotoTb); push(op.consts[0]!, RAW); break;
      case "exit_tb": handler(T.exitTb); push(op.consts[0]!, RAW); reachable = false; break;
      case "lookup_and_goto_ptr": handler(T.lookup); reachable = false; break;
      case "mb": handler(T.mb); break;
      case "extract": case "sextract":
        handler(T.byOpc[ti].get(opc)); output(o!); input(ins[0]!); push(op.consts[0]!, RAW); push(op.consts[1]!, RAW);
        break;
      case "deposit":
        handler(T.byOpc[ti].get(opc)); output(o!); input(ins[0]!); input(ins[1]!); push(op.consts[0]!, RAW); push(op.consts[1]!, RAW);
        break;
      case "ld8u": case "ld8s": case "ld16u": case "ld16s": case "ld32u": case "ld32s": case "ld":
        handler(T.byOpc[ti].get(opc)); output(o!); push(CTRL_BYTES + op.consts[0]!, RAW);
        break;
      case "st8": case "st16": case "st32": case "st":
        handler(T.byOpc[ti].get(opc)); input(ins[0]!); push(CTRL_BYTES + op.consts[0]!, RAW);
        break;
      case "guest_ld":
        handler(T.guestLd[ti].get(canonicalMemop(ti === 0 ? "i32" : "i64", op.consts[0]!, false))); output(o!); input(ins[0]!); pcWords();
        break;
      case "guest_st":
        handler(T.guestSt[ti].get(canonicalMemop(ti === 0 ? "i32" : "i64", op.consts[0]!, true))); input(ins[0]!); input(ins[1]!); pcWords();
        break;
      case "atomic_cmpxchg": case "atomic_xchg": case "atomic_fetch_add": case "atomic_fetch_and": case "atomic_fetch_or": case "atomic_fetch_xor":
      case "atomic_fetch_smin": case "atomic_fetch_smax": case "atomic_fetch_umin": case "atomic_fetch_umax":
        handler(T.atomic.get(opc)?.[ti].get(canonicalMemop(ti === 0 ? "i32" : "i64", op.consts[0]!, false)));
        output(o!); input(ins[0]!); input(ins[1]!);
        if (opc === "atomic_cmpxchg") input(ins[2]!);
        pcWords();
        break;
      case "call": {
        const h = func.helpers[op.consts[0]!];
        if (h === undefined || ins.length > HELPER_ABI_ARGS) return undefined;
        let mask = 0;
        for (let i = 0; i < ins.length; i++) if (ins[i]!.type === "i32") mask |= 1 << i;
        const nr = (h.flags & HELPER_NO_RETURN) !== 0 ? 1 : 0;
        handler(T.call[(h.ret === "void" ? 0 : h.ret === "i32" ? 2 : 4) + nr]);
        push(env.helperSlot(h.name), RAW);
        push(mask, RAW);
        if (o === undefined) push(0, DISCARD);
        else output(o);
        for (let i = 0; i < ins.length; i++) input(ins[i]!);
        for (let i = ins.length; i < HELPER_ABI_ARGS; i++) push(0, CONST);
        if (nr === 1) { pcWords(); reachable = false; } else { push(0, RAW); push(0, RAW); }
        break;
      }
      case "mov": handler(T.byOpc[ti].get("mov")); output(o!); input(ins[0]!); break;
      default:
        if (o === undefined || (ins.length !== 1 && ins.length !== 2)) return undefined;
        handler(T.byOpc[ti].get(opc));
        output(o);
        input(ins[0]!);
        if (ins.length === 2) input(ins[1]!);
    }
  }
  // Falling off the end (IR without a final exit) returns END, as compiled code does.
  handler(T.exitTb);
  push(ExitKind.END, RAW);
  if (bad) return undefined;
  for (let i = 0; i < nFix; i++) {
    const at = labelAt[fixLabel[i]!]!;
    if (at < 0) return undefined;
    wordVal[fixAt[i]!] = at;
  }
  // Frame: the constants (copied in at entry), the discard slot, the temps.
  const nConst = consts.length;
  if (nConst + 1 + nTempSlots > INTERP_FRAME_SLOTS) return undefined;
  const opsEnd = n * 4;
  const constOff = (opsEnd + 7) & ~7;
  const buf = new Uint8Array(constOff + nConst * 8);
  const out = new Int32Array(buf.buffer, 0, buf.length >> 2);
  const discard = frame + 8 * nConst;
  const temps = discard + 8;
  for (let i = 0; i < n; i++) {
    const k = wordKind[i]!;
    const v = wordVal[i]!;
    out[i] = k === RAW ? v : k === CONST ? frame + 8 * v : k === TEMP ? temps + 8 * v : discard;
  }
  out[InterpHeader.CONST_BYTES >> 2] = nConst * 8;
  out[InterpHeader.CONST_OFF >> 2] = constOff;
  const dv = new DataView(buf.buffer);
  for (let i = 1; i < nConst; i++) dv.setBigUint64(constOff + 8 * i, consts[i]!, true);
  return buf;
}
