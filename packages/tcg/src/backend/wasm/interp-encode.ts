/**
 * Encoding a TB's IR into the interpreted form (interp-format.ts): one pass over the ops,
 * labels resolved by fix-ups (branches are forward only). Returns undefined for an op the
 * interpreter has no handler for or a TB whose frame does not fit; the loop then compiles
 * that TB at once, as before tiering.
 *
 * @module
 */
import { condFromCode } from "../../ir/cond.js";
import type { IrFunc } from "../../ir/func.js";
import { HELPER_NO_RETURN } from "../../ir/helper.js";
import type { Temp } from "../../ir/temp.js";
import type { IrType } from "../../ir/types.js";
import { canonicalMemop, INTERP_FRAME_SLOTS, INTERP_MAGIC, interpFrameOffset, interpHandler, InterpHeader } from "./interp-format.js";
import { CTRL_BYTES, ExitKind, HELPER_ABI_ARGS } from "./lower-abi.js";

/** What the encoder needs to know about the environment. */
export interface InterpEncodeEnv {
  /** Bytes of the target's CPU state (the frame follows it). */
  readonly stateSize: number;
  /** Runtime-table slot of a helper, by name. */
  helperSlot(name: string): number;
}

/** An operand before the frame is laid out: a raw word, or a slot reference. */
type Word = number | { readonly slot: "const"; readonly n: number } | { readonly slot: "temp"; readonly n: number } | { readonly slot: "discard" };

/** Encodes `func` (of `icount` guest instructions); undefined if it cannot be interpreted. */
export function encodeInterp(func: IrFunc, icount: number, env: InterpEncodeEnv): Uint8Array | undefined {
  const frame = interpFrameOffset(env.stateSize);
  const words: Word[] = [INTERP_MAGIC, 0, 0, 0, 0, icount, 0, 0];
  const consts: bigint[] = [0n];
  const constSlot = new Map<bigint, number>([[0n, 0]]);
  const tempSlot = new Map<number, number>();
  const labelAt = new Map<number, number>();
  const fixups: { readonly at: number; readonly label: number }[] = [];
  let bad = false;

  const operand = (t: Temp, write = false): Word => {
    switch (t.kind) {
      case "global":
        if (t.global!.hardwiredZero === true) return write ? { slot: "discard" } : { slot: "const", n: 0 };
        return CTRL_BYTES + t.global!.offset;
      case "const": {
        const v = BigInt.asUintN(64, t.value);
        let n = constSlot.get(v);
        if (n === undefined) {
          n = consts.length;
          consts.push(v);
          constSlot.set(v, n);
        }
        return { slot: "const", n };
      }
      default: {
        let n = tempSlot.get(t.id);
        if (n === undefined) {
          n = tempSlot.size;
          tempSlot.set(t.id, n);
        }
        return { slot: "temp", n };
      }
    }
  };
  const emit = (key: string, ...ops: Word[]): void => {
    const h = interpHandler(key);
    if (h === undefined) bad = true;
    else words.push(h, ...ops);
  };
  const ZERO: Word = { slot: "const", n: 0 };
  // The pc of the current guest instruction, as two words: the last insn_start on the
  // way here. After a label it is the pc of every branch into it (an out-of-line tail
  // raising for the instruction that branched there), as the lowering's labelPcs; where
  // paths disagree it is unknown (undefined), and an op that needs it makes the TB
  // compiled instead.
  let pc: bigint | undefined = 0n;
  let reachable = true;
  const incoming = new Map<number, (bigint | undefined)[]>();
  const branchTo = (label: number): void => {
    let l = incoming.get(label);
    if (l === undefined) incoming.set(label, (l = []));
    l.push(pc);
  };
  const pcWords = (): [number, number] => {
    if (pc === undefined) bad = true;
    const v = pc ?? 0n;
    return [Number(v & 0xffff_ffffn) | 0, Number(v >> 32n) | 0];
  };

  for (const op of func.ops) {
    if (bad) return undefined;
    const t: IrType = op.type ?? "i64";
    const o = op.outs[0];
    const [a, b] = op.ins;
    switch (op.opc) {
      case "discard": break;
      case "insn_start": pc = BigInt.asUintN(64, a!.value); break;
      case "set_label": {
        const l = op.consts[0]!;
        labelAt.set(l, words.length * 4);
        const list = incoming.get(l) ?? [];
        if (reachable) list.push(pc);
        const first: bigint | undefined = list.length > 0 ? list[0] : pc;
        pc = list.every((p) => p !== undefined && p === first) ? first : undefined;
        reachable = true;
        continue;
      }
      case "br":
        emit("br", 0);
        fixups.push({ at: words.length - 1, label: op.consts[0]! });
        branchTo(op.consts[0]!);
        reachable = false;
        continue;
      case "brcond":
        emit(`brcond_${t}_${condFromCode(op.consts[0]!)}`, operand(a!), operand(b!), 0);
        fixups.push({ at: words.length - 1, label: op.consts[1]! });
        branchTo(op.consts[1]!);
        break;
      case "setcond": emit(`setcond_${t}_${condFromCode(op.consts[0]!)}`, operand(o!, true), operand(a!), operand(b!)); break;
      case "movcond":
        emit(`movcond_${t}_${condFromCode(op.consts[0]!)}`, operand(o!, true), operand(a!), operand(b!), operand(op.ins[2]!), operand(op.ins[3]!));
        break;
      case "goto_tb": emit("goto_tb", op.consts[0]!); break;
      case "exit_tb": emit("exit_tb", op.consts[0]!); reachable = false; break;
      case "lookup_and_goto_ptr": emit("lookup_and_goto_ptr"); reachable = false; break;
      case "mb": emit("mb"); break;
      case "extract": case "sextract": emit(`${op.opc}_${t}`, operand(o!, true), operand(a!), op.consts[0]!, op.consts[1]!); break;
      case "deposit": emit(`deposit_${t}`, operand(o!, true), operand(a!), operand(b!), op.consts[0]!, op.consts[1]!); break;
      case "ld8u": case "ld8s": case "ld16u": case "ld16s": case "ld32u": case "ld32s": case "ld":
        emit(`${op.opc}_${t}`, operand(o!, true), CTRL_BYTES + op.consts[0]!);
        break;
      case "st8": case "st16": case "st32": case "st":
        emit(`${op.opc}_${t}`, operand(a!), CTRL_BYTES + op.consts[0]!);
        break;
      case "guest_ld": emit(`guest_ld_${t}_${canonicalMemop(t, op.consts[0]!, false)}`, operand(o!, true), operand(a!), ...pcWords()); break;
      case "guest_st": emit(`guest_st_${t}_${canonicalMemop(t, op.consts[0]!, true)}`, operand(a!), operand(b!), ...pcWords()); break;
      case "atomic_cmpxchg":
        emit(`${op.opc}_${t}_${canonicalMemop(t, op.consts[0]!, false)}`, operand(o!, true), operand(a!), operand(b!), operand(op.ins[2]!), ...pcWords());
        break;
      case "atomic_xchg": case "atomic_fetch_add": case "atomic_fetch_and": case "atomic_fetch_or": case "atomic_fetch_xor":
      case "atomic_fetch_smin": case "atomic_fetch_smax": case "atomic_fetch_umin": case "atomic_fetch_umax":
        emit(`${op.opc}_${t}_${canonicalMemop(t, op.consts[0]!, false)}`, operand(o!, true), operand(a!), operand(b!), ...pcWords());
        break;
      case "call": {
        const h = func.helpers[op.consts[0]!];
        if (h === undefined || op.ins.length > HELPER_ABI_ARGS) return undefined;
        let mask = 0;
        const args: Word[] = [];
        op.ins.forEach((x, i) => {
          if (x.type === "i32") mask |= 1 << i;
          args.push(operand(x));
        });
        while (args.length < HELPER_ABI_ARGS) args.push(ZERO);
        const nr = (h.flags & HELPER_NO_RETURN) !== 0 ? 1 : 0;
        emit(`call_${h.ret}_${nr}`, env.helperSlot(h.name), mask, o === undefined ? { slot: "discard" } : operand(o, true), ...args, ...(nr === 1 ? pcWords() : [0, 0]));
        if (nr === 1) reachable = false;
        break;
      }
      case "mov": emit(`mov_${t}`, operand(o!, true), operand(a!)); break;
      default:
        if (op.ins.length === 1 && o !== undefined) emit(`${op.opc}_${t}`, operand(o, true), operand(a!));
        else if (op.ins.length === 2 && o !== undefined) emit(`${op.opc}_${t}`, operand(o, true), operand(a!), operand(b!));
        else return undefined;
    }
  }
  // Falling off the end (IR without a final exit) returns END, as compiled code does.
  emit("exit_tb", ExitKind.END);
  if (bad) return undefined;
  for (const f of fixups) {
    const at = labelAt.get(f.label);
    if (at === undefined) return undefined;
    words[f.at] = at;
  }
  // Frame: the constants (copied in at entry), the discard slot, the temps.
  const nConst = consts.length;
  if (nConst + 1 + tempSlot.size > INTERP_FRAME_SLOTS) return undefined;
  const opsEnd = words.length * 4;
  const constOff = (opsEnd + 7) & ~7;
  const buf = new Uint8Array(constOff + nConst * 8);
  const dv = new DataView(buf.buffer);
  words.forEach((w, i) => {
    let v: number;
    if (typeof w === "number") v = w;
    else if (w.slot === "const") v = frame + 8 * w.n;
    else if (w.slot === "discard") v = frame + 8 * nConst;
    else v = frame + 8 * (nConst + 1 + w.n);
    dv.setInt32(i * 4, v, true);
  });
  dv.setInt32(InterpHeader.CONST_BYTES, nConst * 8, true);
  dv.setInt32(InterpHeader.CONST_OFF, constOff, true);
  consts.forEach((c, i) => dv.setBigUint64(constOff + 8 * i, c, true));
  return buf;
}
