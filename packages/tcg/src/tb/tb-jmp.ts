/**
 * Direct chaining between TBs (QEMU's tb_add_jump, tb_remove_from_jmp_list,
 * tb_jmp_unlink), over the jump fields of the descriptors (see tb-desc.ts).
 *
 * A TB has two outgoing jump slots. Chaining `from` slot n to `to` records:
 *   - from.JMP_DEST[n] = to (compare-exchange from 0, so a slot is chained at most once,
 *     and never once it is closed),
 *   - from.JMP_TARGET[n] = to + 1 (the word the generated goto_tb code reads: non-zero
 *     means "tail-call TB to - 1" instead of returning to the dispatcher; this is the
 *     wasm analogue of patching the native jump),
 *   - (from, n) pushed on to's incoming list (JMP_LIST_HEAD / JMP_LIST_NEXTn).
 * All of it under `to`'s jmp_lock, after checking that `to` is not invalid; invalidation
 * sets INVALID under the same lock, so a TB being invalidated never gains incoming jumps.
 *
 * Invalidating a TB then: closes each outgoing slot (atomic or of bit 0) and removes
 * itself from the destination's incoming list under the destination's jmp_lock
 * ({@link tbRemoveFromJmpList}); and resets every incoming jump under its own jmp_lock
 * ({@link tbJmpUnlink}). Only one jmp_lock is held at a time.
 *
 * tb-lock=on mode: callers hold tb_lock (asserted in debug builds).
 */
import { spinLock, spinUnlock } from "../sync/spinlock.js";
import { LockClass } from "../sync/lock-checker.js";
import type { TbContext } from "./tb-context.js";
import { encodeTbLink, linkSlot, linkTb, TbField, TB_STATE_INVALID } from "./tb-desc.js";

/** Takes `tb`'s jmp_lock. */
export function jmpLock(ctx: TbContext, tb: number): void {
  ctx.thread.checker?.acquire(LockClass.jmp, tb);
  spinLock(ctx.words, ctx.tbs.at(tb, TbField.JMP_LOCK), ctx.thread.owner, ctx.thread.canBlock);
}

/** Releases `tb`'s jmp_lock. */
export function jmpUnlock(ctx: TbContext, tb: number): void {
  spinUnlock(ctx.words, ctx.tbs.at(tb, TbField.JMP_LOCK));
  ctx.thread.checker?.release(LockClass.jmp, tb);
}

/**
 * Chains slot `n` of `from` to `to` (tb_add_jump). Returns whether the jump was added;
 * false if `to` is invalid or the slot is already chained or closed.
 */
export function tbAddJump(ctx: TbContext, from: number, n: number, to: number): boolean {
  ctx.assertTbLockIfEnabled();
  const w = ctx.words;
  const tbs = ctx.tbs;
  jmpLock(ctx, to);
  try {
    if ((Atomics.load(w, tbs.at(to, TbField.STATE)) & TB_STATE_INVALID) !== 0) return false;
    if (Atomics.compareExchange(w, tbs.at(from, TbField.JMP_DEST0 + n), 0, (to + 1) << 1) !== 0) return false;
    Atomics.store(w, tbs.at(from, TbField.JMP_TARGET0 + n), to + 1);
    Atomics.store(w, tbs.at(from, TbField.JMP_LIST_NEXT0 + n), Atomics.load(w, tbs.at(to, TbField.JMP_LIST_HEAD)));
    Atomics.store(w, tbs.at(to, TbField.JMP_LIST_HEAD), encodeTbLink(from, n));
    return true;
  } finally {
    jmpUnlock(ctx, to);
  }
}

/** The TB that slot `n` of `tb` tail-calls, or -1 (what goto_tb code reads). */
export function tbJmpTarget(ctx: TbContext, tb: number, n: number): number {
  return Atomics.load(ctx.words, ctx.tbs.at(tb, TbField.JMP_TARGET0 + n)) - 1;
}

/**
 * Closes slot `n` of `orig` and removes it from its destination's incoming list
 * (tb_remove_from_jmp_list). Called while invalidating `orig`.
 */
export function tbRemoveFromJmpList(ctx: TbContext, orig: number, n: number): void {
  const w = ctx.words;
  const tbs = ctx.tbs;
  const destAt = tbs.at(orig, TbField.JMP_DEST0 + n);
  const ptr = Atomics.or(w, destAt, 1) | 1;
  const dest = (ptr >>> 1) - 1;
  if (dest < 0) return;
  jmpLock(ctx, dest);
  try {
    // The destination may have been invalidated meanwhile, which resets our slot to
    // "closed, no destination" (1) and drops the whole incoming list.
    if (Atomics.load(w, destAt) !== ptr) return;
    let prev = tbs.at(dest, TbField.JMP_LIST_HEAD);
    let link = Atomics.load(w, prev);
    while (link !== 0) {
      const t = linkTb(link);
      const k = linkSlot(link);
      const nextAt = tbs.at(t, TbField.JMP_LIST_NEXT0 + k);
      if (t === orig && k === n) {
        Atomics.store(w, prev, Atomics.load(w, nextAt));
        Atomics.store(w, tbs.at(orig, TbField.JMP_TARGET0 + n), 0);
        return;
      }
      prev = nextAt;
      link = Atomics.load(w, prev);
    }
    throw new Error(`tb ${orig} slot ${n} missing from the incoming list of tb ${dest}`);
  } finally {
    jmpUnlock(ctx, dest);
  }
}

/**
 * Resets every jump into `dest` (tb_jmp_unlink): each source slot stops tail-calling
 * `dest` (JMP_TARGET = 0) and forgets it (JMP_DEST keeps only its closed bit).
 */
export function tbJmpUnlink(ctx: TbContext, dest: number): void {
  const w = ctx.words;
  const tbs = ctx.tbs;
  jmpLock(ctx, dest);
  try {
    let link = Atomics.load(w, tbs.at(dest, TbField.JMP_LIST_HEAD));
    while (link !== 0) {
      const t = linkTb(link);
      const k = linkSlot(link);
      Atomics.store(w, tbs.at(t, TbField.JMP_TARGET0 + k), 0);
      Atomics.and(w, tbs.at(t, TbField.JMP_DEST0 + k), 1);
      link = Atomics.load(w, tbs.at(t, TbField.JMP_LIST_NEXT0 + k));
    }
    Atomics.store(w, tbs.at(dest, TbField.JMP_LIST_HEAD), 0);
  } finally {
    jmpUnlock(ctx, dest);
  }
}

/** The incoming jumps of `dest` as [tb, slot] pairs (takes its jmp_lock; for checks). */
export function tbIncomingJumps(ctx: TbContext, dest: number): [number, number][] {
  const out: [number, number][] = [];
  jmpLock(ctx, dest);
  try {
    let link = Atomics.load(ctx.words, ctx.tbs.at(dest, TbField.JMP_LIST_HEAD));
    while (link !== 0) {
      const t = linkTb(link);
      const k = linkSlot(link);
      out.push([t, k]);
      link = Atomics.load(ctx.words, ctx.tbs.at(t, TbField.JMP_LIST_NEXT0 + k));
    }
  } finally {
    jmpUnlock(ctx, dest);
  }
  return out;
}
