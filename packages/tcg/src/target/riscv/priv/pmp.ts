/**
 * Physical memory protection (RISC-V privileged architecture 1.12, 3.7) over the pmpcfg
 * and pmpaddr registers of a CsrFile: the check every physical access of a hart makes
 * (after address translation, and for the page-table walk's own reads as S-mode
 * accesses).
 *
 * Entries are matched in order 0..15; the first whose range contains any byte of the
 * access decides: the whole access must lie inside it (else the access fails), and its R,
 * W or X bit must allow the access type — in M mode only when the entry is locked (an
 * unlocked match lets M through). With no matching entry, M-mode accesses succeed and S/U
 * accesses fail, also when no entry is active at all (QEMU 7.2 goes further: its mret
 * into S or U is an illegal instruction while no PMP entry is active). Address
 * modes: OFF, TOR ([pmpaddr(i-1), pmpaddr(i)) × 4), NA4 (4 bytes), NAPOT (the trailing
 * ones of pmpaddr give the size: 8 << ones bytes). Granularity 4 bytes, as QEMU's.
 */
import { Csr, Priv } from "../cpu-state.js";
import type { CsrFile } from "./csr-file.js";
import type { AccessType } from "./mmu.js";

const PMP_R = 1;
const PMP_W = 2;
const PMP_X = 4;
const PMP_A_SHIFT = 3;
const PMP_L = 0x80;
const A_OFF = 0;
const A_TOR = 1;
const A_NA4 = 2;
const ENTRIES = 16;

function cfgOf(csrs: CsrFile, i: number): number {
  return Number((csrs.get(Csr.PMPCFG0 + (i >> 3)) >> BigInt((i & 7) * 8)) & 0xffn);
}

/** The byte range [lo, hi) of entry `i`, or undefined when it is off or empty. */
export function pmpRange(csrs: CsrFile, i: number): { lo: bigint; hi: bigint } | undefined {
  const a = (cfgOf(csrs, i) >> PMP_A_SHIFT) & 3;
  const addr = csrs.get(Csr.PMPADDR0 + i);
  if (a === A_OFF) return undefined;
  if (a === A_TOR) {
    const lo = i === 0 ? 0n : csrs.get(Csr.PMPADDR0 + i - 1) << 2n;
    const hi = addr << 2n;
    return lo < hi ? { lo, hi } : undefined;
  }
  if (a === A_NA4) return { lo: addr << 2n, hi: (addr << 2n) + 4n };
  let ones = 0n;
  while (((addr >> ones) & 1n) === 1n && ones < 64n) ones++;
  const base = (addr & ~((1n << ones) - 1n)) << 2n;
  return { lo: base, hi: base + (8n << ones) };
}

/** Whether a `size`-byte access of `type` at physical `pa` in privilege `priv` passes PMP. */
export function pmpAllows(csrs: CsrFile, pa: bigint, size: number, type: AccessType, priv: number): boolean {
  const end = pa + BigInt(size);
  for (let i = 0; i < ENTRIES; i++) {
    const r = pmpRange(csrs, i);
    if (!r) continue;
    if (end <= r.lo || pa >= r.hi) continue; // no byte in this entry
    if (pa < r.lo || end > r.hi) return false; // partly inside: fails whatever the privilege
    const cfg = cfgOf(csrs, i);
    if (priv === Priv.M && (cfg & PMP_L) === 0) return true;
    const need = type === "fetch" ? PMP_X : type === "load" ? PMP_R : PMP_W;
    return (cfg & need) !== 0;
  }
  return priv === Priv.M;
}
