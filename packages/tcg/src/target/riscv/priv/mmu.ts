/**
 * Sv39 and Sv48 address translation (RISC-V privileged architecture 1.12, 4.3-4.5): the
 * page-table walk of the slow path, which fills a soft-TLB entry or reports the fault.
 *
 * - satp.MODE Bare, or an access at (effective) privilege M: no translation.
 * - The virtual address must be canonical: bits 63..39 (Sv39) / 63..48 (Sv48) equal to
 *   the top translated bit; otherwise a page fault.
 * - Walk from satp.PPN: a PTE with V=0, or W=1 with R=0, or reserved bits 63..54 set
 *   (no Svnapot, Svpbmt) is a page fault; R or X set makes it a leaf; a non-leaf at the
 *   last level is a page fault; a PTE that cannot be read (outside memory) is an access
 *   fault. A leaf above level 0 must have its low PPN fields zero (else a misaligned
 *   superpage: page fault).
 * - Permissions: fetch needs X; load needs R, or X with mstatus.MXR; store (and AMO)
 *   needs W. A U-mode access needs U=1; an S-mode access to a U=1 page faults for a fetch
 *   always and for a load/store unless mstatus.SUM.
 * - A and D are updated by the walk, atomically (compare-and-swap on the PTE, restarting
 *   the walk if it changed), as QEMU does: A on any access, D on a store.
 *
 * The result carries the page's size and the permissions a TLB entry for this privilege
 * may cache: write only when D is set (so the first store to a clean page comes back here
 * to set D), read and execute as the PTE, SUM and MXR allow (a change of SUM, MXR, MPRV
 * or satp must therefore flush the TLB, as QEMU does).
 */
import { Cause, Priv } from "../cpu-state.js";

export type AccessType = "fetch" | "load" | "store";

/** Physical memory as the walker reads it; undefined / false: no memory there (access fault). */
export interface PhysMemory {
  load64(pa: bigint): bigint | undefined;
  /** Stores `value` if the doubleword still holds `expected`; true when stored. */
  cas64(pa: bigint, expected: bigint, value: bigint): boolean;
}

export interface TranslateContext {
  readonly satp: bigint;
  /** The effective privilege of the access (mstatus.MPP under MPRV for loads and stores). */
  readonly priv: number;
  readonly sum: boolean;
  readonly mxr: boolean;
}

export const PTE_V = 1n;
export const PTE_R = 2n;
export const PTE_W = 4n;
export const PTE_X = 8n;
export const PTE_U = 16n;
export const PTE_G = 32n;
export const PTE_A = 64n;
export const PTE_D = 128n;
const PTE_RESERVED = 0xffc0_0000_0000_0000n; // bits 63..54: N, PBMT, reserved
const PPN_MASK = (1n << 44n) - 1n;

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export type TranslateResult =
  | { readonly ok: true; readonly pa: bigint; readonly pageSize: bigint; readonly prot: number }
  | { readonly ok: false; readonly cause: number };

const PAGE_FAULT: Record<AccessType, number> = { fetch: Cause.INSN_PAGE_FAULT, load: Cause.LOAD_PAGE_FAULT, store: Cause.STORE_PAGE_FAULT };
const ACCESS_FAULT: Record<AccessType, number> = { fetch: Cause.INSN_ACCESS, load: Cause.LOAD_ACCESS, store: Cause.STORE_ACCESS };

/** Translates `va` for an access of `type`. */
export function translate(va: bigint, type: AccessType, ctx: TranslateContext, mem: PhysMemory): TranslateResult {
  va = BigInt.asUintN(64, va);
  const mode = ctx.satp >> 60n;
  if (mode === 0n || ctx.priv === Priv.M) return { ok: true, pa: va, pageSize: 1n << 12n, prot: PROT_READ | PROT_WRITE | PROT_EXEC };
  const levels = mode === 8n ? 3 : mode === 9n ? 4 : 0;
  if (levels === 0) return { ok: false, cause: PAGE_FAULT[type] };
  const vaBits = BigInt(12 + 9 * levels);
  const top = va >> (vaBits - 1n);
  if (top !== 0n && top !== (1n << (65n - vaBits)) - 1n) return { ok: false, cause: PAGE_FAULT[type] };

  for (;;) {
    let table = (ctx.satp & PPN_MASK) << 12n;
    for (let level = levels - 1; level >= 0; level--) {
      const vpn = (va >> BigInt(12 + 9 * level)) & 0x1ffn;
      const pteAddr = table + vpn * 8n;
      const pte = mem.load64(pteAddr);
      if (pte === undefined) return { ok: false, cause: ACCESS_FAULT[type] };
      if ((pte & PTE_V) === 0n || (pte & (PTE_R | PTE_W)) === PTE_W || (pte & PTE_RESERVED) !== 0n) return { ok: false, cause: PAGE_FAULT[type] };
      const ppn = (pte >> 10n) & PPN_MASK;
      if ((pte & (PTE_R | PTE_X)) === 0n) {
        if (level === 0) return { ok: false, cause: PAGE_FAULT[type] };
        table = ppn << 12n;
        continue;
      }
      // A leaf.
      const user = (pte & PTE_U) !== 0n;
      if (ctx.priv === Priv.U && !user) return { ok: false, cause: PAGE_FAULT[type] };
      if (ctx.priv === Priv.S && user && (type === "fetch" || !ctx.sum)) return { ok: false, cause: PAGE_FAULT[type] };
      const readable = (pte & PTE_R) !== 0n || (ctx.mxr && (pte & PTE_X) !== 0n);
      const allowed = type === "fetch" ? (pte & PTE_X) !== 0n : type === "load" ? readable : (pte & PTE_W) !== 0n;
      if (!allowed) return { ok: false, cause: PAGE_FAULT[type] };
      const lowMask = (1n << BigInt(9 * level)) - 1n;
      if ((ppn & lowMask) !== 0n) return { ok: false, cause: PAGE_FAULT[type] }; // misaligned superpage
      let updated = pte | PTE_A;
      if (type === "store") updated |= PTE_D;
      if (updated !== pte && !mem.cas64(pteAddr, pte, updated)) {
        if (mem.load64(pteAddr) === undefined) return { ok: false, cause: ACCESS_FAULT[type] };
        break; // the PTE changed under us: walk again
      }
      const pageShift = BigInt(12 + 9 * level);
      const pa = ((ppn & ~lowMask) << 12n) | (va & ((1n << pageShift) - 1n));
      // What a TLB entry for this privilege may allow without walking again.
      const sOnUser = ctx.priv === Priv.S && user;
      let prot = 0;
      if (readable && !(sOnUser && !ctx.sum)) prot |= PROT_READ;
      if ((pte & PTE_X) !== 0n && !sOnUser) prot |= PROT_EXEC;
      if ((pte & PTE_W) !== 0n && (updated & PTE_D) !== 0n && !(sOnUser && !ctx.sum)) prot |= PROT_WRITE;
      return { ok: true, pa, pageSize: 1n << pageShift, prot };
    }
  }
}
