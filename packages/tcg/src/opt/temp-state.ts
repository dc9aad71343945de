/**
 * What the forward simplifier knows about each temp at the current op: which other
 * temp (or constant) it is a copy of, the op that defined it, and its known bits.
 *
 * Copies are tracked with version stamps instead of copy lists: every write to a temp
 * bumps its version, and "a is a copy of r" is only believed while r's version is the
 * one recorded when the copy was made. So overwriting r silently invalidates all its
 * copies in O(1). Facts also carry an epoch; a label (where control flow merges)
 * starts a new epoch, which forgets every fact in O(1).
 *
 * Known bits, after QEMU's optimizer but in our own representation:
 * - `zmask`: the bits that may be 1 (a 0 bit is known to be 0), unsigned, type width;
 * - `sbits`: how many of the most significant bits are known to equal the sign bit
 *   (1 = nothing known; 33 for an i64 that is a sign-extended 32-bit value).
 *
 * @module
 */
import type { IrFunc } from "../ir/func.js";
import type { Op } from "../ir/op.js";
import type { Temp } from "../ir/temp.js";
import { type IrType, typeBits, typeMask, unsigned } from "../ir/types.js";

/** Number of significant bits of a non-negative bigint below 2^64 (0 for 0). */
export function bitLength(u: bigint): number {
  if (u < 0x1_0000_0000n) return 32 - Math.clz32(Number(u));
  return 64 - Math.clz32(Number(u >> 32n));
}

/** Number of leading bits equal to the sign bit of the canonical value `v` of `type`. */
export function signBitsOfValue(type: IrType, v: bigint): number {
  const w = typeBits(type);
  const u = unsigned(type, v < 0n ? ~v : v);
  return w - bitLength(u);
}

/** Number of leading bits known to be zero given a zmask, as sign bits (1 if the top bit may be 1). */
export function signBitsFromZmask(type: IrType, z: bigint): number {
  const w = typeBits(type);
  const len = bitLength(z);
  return len >= w ? 1 : w - len;
}

interface Facts {
  epoch: number;
  zmask: bigint;
  sbits: number;
  repr: Temp | undefined;
  reprVer: number;
  def: Op | undefined;
  defVers: number[] | undefined;
}

/** Per-temp facts for the forward simplifier. */
export class TempState {
  private readonly facts: (Facts | undefined)[] = [];
  private readonly ver: number[] = [];
  private epoch = 0;
  private readonly zero: { readonly i32: Temp; readonly i64: Temp };

  /** @param func The function being simplified. */
  constructor(readonly func: IrFunc) {
    this.zero = { i32: func.constant("i32", 0), i64: func.constant("i64", 0) };
  }

  private current(t: Temp): Facts | undefined {
    const f = this.facts[t.id];
    return f !== undefined && f.epoch === this.epoch ? f : undefined;
  }

  /** The temp to read instead of `t`: a constant or the oldest live copy, else `t`. */
  resolve(t: Temp): Temp {
    if (t.kind === "const") return t;
    if (t.global?.hardwiredZero === true) return this.zero[t.type];
    const f = this.current(t);
    const r = f?.repr;
    if (r !== undefined && f !== undefined && f.reprVer === this.version(r)) return r;
    return t;
  }

  /** Current version of `t` (bumped by every write). */
  version(t: Temp): number {
    return this.ver[t.id] ?? 0;
  }

  /** Known-zero mask of `t` (bits that may be 1). */
  zmask(t: Temp): bigint {
    if (t.kind === "const") return unsigned(t.type, t.value);
    if (t.global?.hardwiredZero === true) return 0n;
    return this.current(t)?.zmask ?? typeMask(t.type);
  }

  /** Known sign bits of `t`. */
  sbits(t: Temp): number {
    if (t.kind === "const") return signBitsOfValue(t.type, t.value);
    if (t.global?.hardwiredZero === true) return typeBits(t.type);
    return this.current(t)?.sbits ?? 1;
  }

  /**
   * The op that last wrote `t`, if none of that op's inputs has been written since
   * and no label intervened (so the op could be re-evaluated here with the same result).
   */
  defOf(t: Temp): Op | undefined {
    const f = this.current(t);
    const d = f?.def;
    const vers = f?.defVers;
    if (d === undefined || vers === undefined) return undefined;
    for (let i = 0; i < vers.length; i++) {
      const input = d.ins[i];
      if (input === undefined || this.version(input) !== vers[i]) return undefined;
    }
    return d;
  }

  /** Record a write to `t` with the given known bits; forgets copies of and from `t`. */
  written(t: Temp, zmask: bigint = typeMask(t.type), sbits = 1): void {
    this.ver[t.id] = (this.ver[t.id] ?? 0) + 1;
    const m = typeMask(t.type);
    let z = zmask;
    let s = sbits;
    if (z !== m) {
      z &= m;
      s = Math.max(sbits, signBitsFromZmask(t.type, z));
    }
    const f = this.facts[t.id];
    if (f === undefined) {
      this.facts[t.id] = { epoch: this.epoch, zmask: z, sbits: s, repr: undefined, reprVer: 0, def: undefined, defVers: undefined };
    } else {
      f.epoch = this.epoch;
      f.zmask = z;
      f.sbits = s;
      f.repr = undefined;
      f.def = undefined;
      f.defVers = undefined;
    }
  }

  /**
   * Record `d = mov s` (s already resolved): d and s now hold the same value, with the
   * same facts and defining op. When s is a temp and d a global, later reads of s are
   * answered with d (the global is the representative), so the temp's only read is
   * this mov and coalescing can write the global directly; otherwise reads of d are
   * answered with s.
   */
  copied(d: Temp, s: Temp): void {
    const sf = this.current(s);
    this.written(d, this.zmask(s), this.sbits(s));
    const f = this.facts[d.id];
    if (f === undefined) return;
    if (sf?.def !== undefined && sf.defVers !== undefined) {
      f.def = sf.def;
      f.defVers = sf.defVers;
    }
    if (d.kind === "global" && (s.kind === "bb" || s.kind === "tb") && sf !== undefined) {
      sf.repr = d;
      sf.reprVer = this.version(d);
      return;
    }
    f.repr = s;
    f.reprVer = this.version(s);
  }

  /** Record that `t` was just written by `op` (call after {@link TempState.written}). */
  setDef(t: Temp, op: Op): void {
    const f = this.facts[t.id];
    if (f === undefined || op.ins.includes(t)) return;
    f.def = op;
    f.defVers = op.ins.map((i) => this.version(i));
  }

  /** Forget everything about globals (a helper may have written them). */
  forgetGlobals(): void {
    for (const g of this.func.globals) this.written(g);
  }

  /** Forget everything about every non-constant temp (at a label: control flow merges). */
  forgetAll(): void {
    this.epoch++;
  }
}
