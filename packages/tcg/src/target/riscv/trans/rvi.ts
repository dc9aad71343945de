/**
 * RV64I: integer computation, loads and stores, jumps and branches, fences.
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import { MB_LD_LD, MB_LD_ST, MB_ST_LD, MB_ST_ST } from "../../../ir/opcodes.js";
import { memop } from "../../../ir/memop.js";
import {
  genArith, genArithImm, genArithW, genBranch, genLoad, genSetcond, genStore, type DisasContext,
} from "../disas-context.js";
import type { TransTable } from "./types.js";

const link = (ctx: DisasContext): bigint => ctx.pcNext;

function transLui(ctx: DisasContext, a: Instruction): boolean {
  ctx.setX(a.rd, a.imm);
  return true;
}

function transAuipc(ctx: DisasContext, a: Instruction): boolean {
  ctx.setX(a.rd, BigInt.asIntN(64, ctx.pc + BigInt(a.imm)));
  return true;
}

function transJal(ctx: DisasContext, a: Instruction): boolean {
  ctx.setX(a.rd, BigInt.asIntN(64, link(ctx)));
  ctx.gotoTb(0, BigInt.asUintN(64, ctx.pc + BigInt(a.imm)));
  if (a.rd !== 0) ctx.likelySuccessor(link(ctx));
  ctx.isJmp = "noreturn";
  return true;
}

function transJalr(ctx: DisasContext, a: Instruction): boolean {
  // The target is computed before rd is written (rd may be rs1).
  const t = ctx.t64();
  ctx.b.add(t, ctx.x(a.rs1), a.imm);
  ctx.b.and(t, t, -2);
  ctx.setX(a.rd, BigInt.asIntN(64, link(ctx)));
  ctx.gotoPtr(t);
  if (a.rd !== 0) ctx.likelySuccessor(link(ctx));
  ctx.isJmp = "noreturn";
  return true;
}

/** Fence: the `mb` bits for the predecessor/successor sets' r and w bits (i and o are ignored). */
export function fenceBits(pred: number, succ: number): number {
  const pr = (pred & 2) !== 0, pw = (pred & 1) !== 0, sr = (succ & 2) !== 0, sw = (succ & 1) !== 0;
  return (pr && sr ? MB_LD_LD : 0) | (pw && sr ? MB_ST_LD : 0) | (pr && sw ? MB_LD_ST : 0) | (pw && sw ? MB_ST_ST : 0);
}

function transFence(ctx: DisasContext, a: Instruction): boolean {
  const bits = fenceBits(a.pred, a.succ);
  if (bits !== 0) ctx.b.mb(bits);
  return true;
}

function transFenceTso(ctx: DisasContext): boolean {
  ctx.b.mb(MB_LD_LD | MB_LD_ST | MB_ST_ST);
  return true;
}

const ld = (size: 8 | 16 | 32 | 64, signed: boolean) => (ctx: DisasContext, a: Instruction): boolean => genLoad(ctx, a, memop(size, signed));
const st = (size: 8 | 16 | 32 | 64) => (ctx: DisasContext, a: Instruction): boolean => genStore(ctx, a, memop(size));

/** RV64I translators. */
export const RVI_TRANS = {
  lui: transLui,
  auipc: transAuipc,
  jal: transJal,
  jalr: transJalr,
  beq: (ctx, a) => genBranch(ctx, a, "eq"),
  bne: (ctx, a) => genBranch(ctx, a, "ne"),
  blt: (ctx, a) => genBranch(ctx, a, "lt"),
  bge: (ctx, a) => genBranch(ctx, a, "ge"),
  bltu: (ctx, a) => genBranch(ctx, a, "ltu"),
  bgeu: (ctx, a) => genBranch(ctx, a, "geu"),
  lb: ld(8, true),
  lh: ld(16, true),
  lw: ld(32, true),
  ld: ld(64, true),
  lbu: ld(8, false),
  lhu: ld(16, false),
  lwu: ld(32, false),
  sb: st(8),
  sh: st(16),
  sw: st(32),
  sd: st(64),
  addi: (ctx, a) => genArithImm(ctx, a, (b, d, x, y) => b.add(d, x, y)),
  slti: (ctx, a) => genSetcond(ctx, a, "lt", a.imm),
  sltiu: (ctx, a) => genSetcond(ctx, a, "ltu", a.imm),
  xori: (ctx, a) => genArithImm(ctx, a, (b, d, x, y) => b.xor(d, x, y)),
  ori: (ctx, a) => genArithImm(ctx, a, (b, d, x, y) => b.or(d, x, y)),
  andi: (ctx, a) => genArithImm(ctx, a, (b, d, x, y) => b.and(d, x, y)),
  slli: (ctx, a) => genArithImm(ctx, a, (b, d, x, y) => b.shl(d, x, y)),
  srli: (ctx, a) => genArithImm(ctx, a, (b, d, x, y) => b.shr(d, x, y)),
  srai: (ctx, a) => genArithImm(ctx, a, (b, d, x, y) => b.sar(d, x, y)),
  add: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.add(d, x, y)),
  sub: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.sub(d, x, y)),
  sll: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.shl(d, x, y)),
  slt: (ctx, a) => genSetcond(ctx, a, "lt"),
  sltu: (ctx, a) => genSetcond(ctx, a, "ltu"),
  xor: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.xor(d, x, y)),
  srl: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.shr(d, x, y)),
  sra: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.sar(d, x, y)),
  or: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.or(d, x, y)),
  and: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.and(d, x, y)),
  addiw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.add(d, x, y), a.imm),
  slliw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.shl(d, x, y), a.imm),
  srliw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.shr(d, x, y), a.imm),
  sraiw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.sar(d, x, y), a.imm),
  addw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.add(d, x, y)),
  subw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.sub(d, x, y)),
  sllw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.shl(d, x, y)),
  srlw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.shr(d, x, y)),
  sraw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.sar(d, x, y)),
  fence: transFence,
  "fence.tso": transFenceTso,
} satisfies TransTable;
