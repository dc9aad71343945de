/**
 * Consistency checks over a quiescent TB arena (no thread running), used by the stress
 * tests after their workers finish. Not part of the package's public API.
 */
import type { TbContext } from "../tb-context.js";
import { linkSlot, linkTb, NO_PAGE, TbField, TB_STATE_ALLOCATED, TB_STATE_INVALID } from "../tb-desc.js";

/** Returns a description of every broken invariant (empty when consistent). */
export function checkTbInvariants(ctx: TbContext): string[] {
  const errors: string[] = [];
  const tbs = ctx.tbs;
  const cap = tbs.capacity;
  const inHash = new Uint8Array(cap);
  const keys = new Map<string, number>();
  ctx.hash.forEach((tb) => {
    if (inHash[tb] !== 0) errors.push(`tb ${tb} twice in the hash table`);
    inHash[tb] = 1;
    if (tbs.isInvalid(tb)) errors.push(`invalid tb ${tb} in the hash table`);
    const key = [TbField.PC_LO, TbField.PC_HI, TbField.FLAGS, TbField.CFLAGS, TbField.PHYS_PAGE0].map((f) => tbs.get(tb, f)).join(",");
    const other = keys.get(key);
    if (other !== undefined) errors.push(`tbs ${other} and ${tb} share key ${key}`);
    keys.set(key, tb);
  });
  // Page lists.
  const onPage = new Uint8Array(cap);
  for (let p = 0; p < ctx.pages.pageCount; p++) {
    if (ctx.pages.lockOwner(p) !== 0) errors.push(`page ${p} still locked by ${ctx.pages.lockOwner(p)}`);
    let link = ctx.pages.firstTb(p);
    let guard = 0;
    while (link !== 0 && guard++ <= cap) {
      const tb = linkTb(link);
      const n = linkSlot(link);
      const page = tbs.get(tb, n === 0 ? TbField.PHYS_PAGE0 : TbField.PHYS_PAGE1);
      if (page !== p) errors.push(`tb ${tb} on page ${p}'s list as its page ${n} (${page})`);
      if (inHash[tb] === 0) errors.push(`tb ${tb} on page ${p} but not in the hash table`);
      onPage[tb]! |= 1 << n;
      link = tbs.get(tb, TbField.PAGE_NEXT0 + n);
    }
    if (guard > cap) errors.push(`page ${p}'s list has a cycle`);
  }
  for (let tb = 0; tb < cap; tb++) {
    if (inHash[tb] === 0) continue;
    const want = tbs.get(tb, TbField.PHYS_PAGE1) === NO_PAGE ? 1 : 3;
    if (onPage[tb] !== want) errors.push(`tb ${tb} in the hash table but on pages ${onPage[tb]} (want ${want})`);
  }
  // Jumps.
  for (let tb = 0; tb < cap; tb++) {
    const state = tbs.get(tb, TbField.STATE);
    if ((state & TB_STATE_ALLOCATED) === 0) continue;
    const invalid = (state & TB_STATE_INVALID) !== 0;
    if (tbs.get(tb, TbField.JMP_LOCK) !== 0) errors.push(`tb ${tb} jmp_lock still held`);
    for (let k = 0; k < 2; k++) {
      const d = tbs.get(tb, TbField.JMP_DEST0 + k);
      const target = tbs.get(tb, TbField.JMP_TARGET0 + k);
      const dest = (d >>> 1) - 1;
      if (invalid && inHash[tb] === 0 && dest >= 0 && (d & 1) === 0) errors.push(`invalid tb ${tb} slot ${k} still chained to ${dest}`);
      if ((d & 1) === 0 && dest >= 0) {
        if (tbs.isInvalid(dest)) errors.push(`tb ${tb} slot ${k} chained to invalid tb ${dest}`);
        if (target !== dest + 1) errors.push(`tb ${tb} slot ${k}: dest ${dest} but target ${target - 1}`);
        let count = 0;
        let link = tbs.get(dest, TbField.JMP_LIST_HEAD);
        while (link !== 0) {
          if (linkTb(link) === tb && linkSlot(link) === k) count++;
          link = tbs.get(linkTb(link), TbField.JMP_LIST_NEXT0 + linkSlot(link));
        }
        if (count !== 1) errors.push(`tb ${tb} slot ${k} appears ${count} times in tb ${dest}'s incoming list`);
      } else if (target !== 0) {
        errors.push(`tb ${tb} slot ${k} has target ${target - 1} but no destination`);
      }
    }
    let link = tbs.get(tb, TbField.JMP_LIST_HEAD);
    let guard = 0;
    while (link !== 0 && guard++ <= 2 * cap) {
      const src = linkTb(link);
      const k = linkSlot(link);
      if (tbs.get(src, TbField.JMP_DEST0 + k) !== (tb + 1) << 1) errors.push(`tb ${tb} lists (${src}, ${k}) whose dest is ${tbs.get(src, TbField.JMP_DEST0 + k)}`);
      link = tbs.get(src, TbField.JMP_LIST_NEXT0 + k);
    }
    if (invalid && tbs.get(tb, TbField.JMP_LIST_HEAD) !== 0 && inHash[tb] === 0 && (state & TB_STATE_INVALID) !== 0) {
      errors.push(`invalid tb ${tb} still has incoming jumps`);
    }
  }
  return errors;
}
