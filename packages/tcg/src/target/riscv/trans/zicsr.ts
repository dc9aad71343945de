/**
 * Zicsr: CSR access.
 *
 * - fflags, frm and fcsr are handled inline on the CPU state (illegal when FS is off).
 * - cycle, time and instret (user mode) are read through the `read_counter` helper.
 * - Every other CSR goes through the `csr_rw` hook (illegal in user mode; system mode
 *   supplies the implementation). It may raise, and the TB ends after a write, since a
 *   CSR write may change what later instructions mean (TB flags, translation).
 *
 * A write happens for csrrw/csrrwi always, for csrrs/csrrc(i) only when rs1 (or zimm) is
 * not 0; a read happens unless it is csrrw(i) with rd = x0. Writes to read-only CSRs
 * (csr[11:10] = 3) are illegal.
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import type { Val } from "../../../ir/builder.js";
import type { Temp } from "../../../ir/temp.js";
import { CpuOffset } from "../cpu-state.js";
import type { DisasContext } from "../disas-context.js";
import { CsrOp } from "../helpers.js";
import type { TransTable } from "./types.js";

type CsrKind = "w" | "s" | "c";

/** CSR numbers the front end handles itself. */
export const CsrNum = { FFLAGS: 0x001, FRM: 0x002, FCSR: 0x003, CYCLE: 0xc00, TIME: 0xc01, INSTRET: 0xc02 } as const;

function combine(ctx: DisasContext, kind: CsrKind, old: Temp<"i64">, src: Val<"i64">): Temp<"i64"> {
  const n = ctx.t64();
  if (kind === "w") ctx.b.mov(n, src);
  else if (kind === "s") ctx.b.or(n, old, src);
  else ctx.b.andc(n, old, src);
  return n;
}

function genFpCsr(ctx: DisasContext, a: Instruction, kind: CsrKind, src: Val<"i64">, writes: boolean): boolean {
  if (ctx.flags.fsOff) return false;
  const b = ctx.b;
  const old = ctx.t64();
  if (a.csr === CsrNum.FFLAGS) b.ld32u(old, CpuOffset.FFLAGS);
  else if (a.csr === CsrNum.FRM) b.ld32u(old, CpuOffset.FRM);
  else {
    const fr = ctx.t64();
    b.ld32u(old, CpuOffset.FFLAGS);
    b.ld32u(fr, CpuOffset.FRM);
    b.shl(fr, fr, 5);
    b.or(old, old, fr);
  }
  if (writes) {
    ctx.markFsDirty();
    const n = combine(ctx, kind, old, src);
    const v = ctx.t64();
    if (a.csr !== CsrNum.FRM) {
      b.and(v, n, 0x1f);
      b.st32(v, CpuOffset.FFLAGS);
    }
    if (a.csr !== CsrNum.FFLAGS) {
      const w = ctx.t64();
      if (a.csr === CsrNum.FCSR) b.extract(w, n, 5, 3);
      else b.and(w, n, 7);
      b.st32(w, CpuOffset.FRM);
    }
    ctx.frmChecked = false;
  }
  ctx.setX(a.rd, old);
  return true;
}

function genCsr(ctx: DisasContext, a: Instruction, kind: CsrKind, imm: boolean): boolean {
  const src: Val<"i64"> = imm ? a.imm : ctx.x(a.rs1);
  const writes = kind === "w" || (imm ? a.imm !== 0 : a.rs1 !== 0);
  const reads = kind !== "w" || a.rd !== 0;
  if (writes && ((a.csr >> 10) & 3) === 3) return false;
  if (a.csr === CsrNum.FFLAGS || a.csr === CsrNum.FRM || a.csr === CsrNum.FCSR) return genFpCsr(ctx, a, kind, src, writes);
  if (!ctx.flags.system && a.csr >= CsrNum.CYCLE && a.csr <= CsrNum.INSTRET) {
    const t = ctx.t64();
    ctx.b.call(ctx.helpers.readCounter, t, [a.csr]);
    ctx.setX(a.rd, t);
    return true;
  }
  // The hook: old value in CSR_VALUE, non-zero status when it raised.
  const op = (writes ? (kind === "w" ? CsrOp.WRITE : kind === "s" ? CsrOp.SET : CsrOp.CLEAR) : CsrOp.NONE) | (reads ? CsrOp.READ : 0);
  const status = ctx.t32();
  ctx.b.call(ctx.helpers.csrRw, status, [a.csr, op, src, ctx.pc, a.raw]);
  ctx.checkStatus(status);
  if (reads) {
    const t = ctx.t64();
    ctx.b.ld(t, CpuOffset.CSR_VALUE);
    ctx.setX(a.rd, t);
  }
  if (writes) ctx.isJmp = "exit";
  return true;
}

/** Zicsr translators. */
export const ZICSR_TRANS = {
  csrrw: (ctx, a) => genCsr(ctx, a, "w", false),
  csrrs: (ctx, a) => genCsr(ctx, a, "s", false),
  csrrc: (ctx, a) => genCsr(ctx, a, "c", false),
  csrrwi: (ctx, a) => genCsr(ctx, a, "w", true),
  csrrsi: (ctx, a) => genCsr(ctx, a, "s", true),
  csrrci: (ctx, a) => genCsr(ctx, a, "c", true),
} satisfies TransTable;
