/**
 * RV64A: LR/SC with the reservation in the CPU state, and the AMOs on the IR's atomic ops.
 *
 * LR records (address, loaded value, valid). SC succeeds when the reservation is valid
 * for the same address and a compare-and-swap of the loaded value with rs2 succeeds (so
 * another hart's intervening store of a different value breaks it, as in QEMU; an ABA
 * store of the same value does not, which the spec allows since LR/SC only guarantee
 * forward progress in constrained loops). Every SC clears the reservation.
 *
 * The IR's atomics are sequentially consistent, which covers every aq/rl combination of
 * the AMOs; LR and SC add explicit barriers for aq (after) and rl (before).
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import type { IrBuilder, Val } from "../../../ir/builder.js";
import { memopAligned } from "../../../ir/memop.js";
import { MB_ACQ, MB_ALL, MB_REL } from "../../../ir/opcodes.js";
import type { Temp } from "../../../ir/temp.js";
import { Cause, GLOBAL_RES_ADDR, GLOBAL_RES_VAL, GLOBAL_RES_VALID } from "../cpu-state.js";
import type { DisasContext } from "../disas-context.js";
import type { TransTable } from "./types.js";

type AmoEmit = (b: IrBuilder, d: Temp<"i64">, addr: Val<"i64">, v: Val<"i64">, mop: number) => void;

function transLr(ctx: DisasContext, a: Instruction, size: 32 | 64): boolean {
  const mop = memopAligned(size, true);
  if (a.rl) ctx.b.mb(MB_ALL | MB_REL);
  const v = ctx.t64();
  ctx.b.guestLd(v, ctx.x(a.rs1), mop);
  ctx.b.mov(ctx.global<"i64">(GLOBAL_RES_ADDR), ctx.x(a.rs1));
  ctx.b.mov(ctx.global<"i64">(GLOBAL_RES_VAL), v);
  ctx.b.mov(ctx.global<"i32">(GLOBAL_RES_VALID), 1);
  if (a.aq) ctx.b.mb(MB_ALL | MB_ACQ);
  ctx.setX(a.rd, v);
  return true;
}

function transSc(ctx: DisasContext, a: Instruction, size: 32 | 64): boolean {
  const mop = memopAligned(size, true);
  const b = ctx.b;
  const resAddr = ctx.global<"i64">(GLOBAL_RES_ADDR);
  const resVal = ctx.global<"i64">(GLOBAL_RES_VAL);
  const resValid = ctx.global<"i32">(GLOBAL_RES_VALID);
  // Read the sources before rd may overwrite them; the result lives in a TB temp across labels.
  const addr = b.tbTemp("i64");
  const src = b.tbTemp("i64");
  const result = b.tbTemp("i64");
  b.mov(addr, ctx.x(a.rs1));
  b.mov(src, ctx.x(a.rs2));
  // A misaligned SC raises store/AMO address misaligned whether or not the reservation
  // matches (spec A: "If the address is not naturally aligned, an address-misaligned
  // exception ... will be generated"); checked out of line, before the reservation.
  const mis = ctx.t64();
  b.and(mis, addr, size / 8 - 1);
  const misaligned = b.label();
  b.brcond("ne", mis, 0, misaligned);
  const pc = ctx.pc;
  ctx.addTail(() => {
    b.setLabel(misaligned);
    b.call(ctx.helpers.raiseException, undefined, [Cause.STORE_MISALIGNED, addr, pc]);
  });
  const fail = b.label();
  const done = b.label();
  if (a.rl) b.mb(MB_ALL | MB_REL);
  b.brcond("eq", resValid, 0, fail);
  b.brcond("ne", addr, resAddr, fail);
  const old = ctx.t64();
  b.atomicCmpxchg(old, addr, resVal, src, mop);
  // The cmpxchg compares the low `size` bits only; decide success the same way, or an SC.W
  // after an LR.D whose value is not a sign-extended word would store and still report
  // failure (QEMU's gen_sc has that quirk).
  if (size === 32) {
    const want = ctx.t64();
    b.ext32s(want, resVal);
    b.setcond(result, "ne", old, want);
  } else {
    b.setcond(result, "ne", old, resVal);
  }
  b.br(done);
  b.setLabel(fail);
  b.mov(result, 1);
  b.setLabel(done);
  b.mov(resValid, 0);
  if (a.aq) b.mb(MB_ALL | MB_ACQ);
  ctx.setX(a.rd, result);
  return true;
}

function amo(emit: AmoEmit, size: 32 | 64) {
  return (ctx: DisasContext, a: Instruction): boolean => {
    const old = ctx.t64();
    emit(ctx.b, old, ctx.x(a.rs1), ctx.x(a.rs2), memopAligned(size, true));
    ctx.setX(a.rd, old);
    return true;
  };
}

const swap: AmoEmit = (b, d, x, v, m) => b.atomicXchg(d, x, v, m);
const add: AmoEmit = (b, d, x, v, m) => b.atomicFetchAdd(d, x, v, m);
const xor: AmoEmit = (b, d, x, v, m) => b.atomicFetchXor(d, x, v, m);
const and: AmoEmit = (b, d, x, v, m) => b.atomicFetchAnd(d, x, v, m);
const or: AmoEmit = (b, d, x, v, m) => b.atomicFetchOr(d, x, v, m);
const min: AmoEmit = (b, d, x, v, m) => b.atomicFetchSmin(d, x, v, m);
const max: AmoEmit = (b, d, x, v, m) => b.atomicFetchSmax(d, x, v, m);
const minu: AmoEmit = (b, d, x, v, m) => b.atomicFetchUmin(d, x, v, m);
const maxu: AmoEmit = (b, d, x, v, m) => b.atomicFetchUmax(d, x, v, m);

/** RV64A translators. */
export const RVA_TRANS = {
  "lr.w": (ctx, a) => transLr(ctx, a, 32),
  "sc.w": (ctx, a) => transSc(ctx, a, 32),
  "amoswap.w": amo(swap, 32),
  "amoadd.w": amo(add, 32),
  "amoxor.w": amo(xor, 32),
  "amoand.w": amo(and, 32),
  "amoor.w": amo(or, 32),
  "amomin.w": amo(min, 32),
  "amomax.w": amo(max, 32),
  "amominu.w": amo(minu, 32),
  "amomaxu.w": amo(maxu, 32),
  "lr.d": (ctx, a) => transLr(ctx, a, 64),
  "sc.d": (ctx, a) => transSc(ctx, a, 64),
  "amoswap.d": amo(swap, 64),
  "amoadd.d": amo(add, 64),
  "amoxor.d": amo(xor, 64),
  "amoand.d": amo(and, 64),
  "amoor.d": amo(or, 64),
  "amomin.d": amo(min, 64),
  "amomax.d": amo(max, 64),
  "amominu.d": amo(minu, 64),
  "amomaxu.d": amo(maxu, 64),
} satisfies TransTable;
