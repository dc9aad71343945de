/**
 * What the forward simplifier knows about each temp at the current op: which other
 * temp (or constant) it is a copy of, and its known bits.
 *
 * Copies are tracked with version stamps instead of copy lists: every write to a temp
 * bumps its version, and "a is a copy of r" is only believed while r's version is the
 * one recorded when the copy was made. So overwriting r silently invalidates all its
 * copies in O(1).
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

interface DefRecord {
  readonly op: Op;
  readonly vers: readonly number[];
}

/** Number of leading bits equal to the sign bit of the canonical value `v` of `type`. */
export function signBitsOfValue(type: IrType, v: bigint): number {
  const w = typeBits(type);
  const u = unsigned(type, v < 0n ? ~v : v);
  return u === 0n ? w : w - u.toString(2).length;
}

/** Number of leading bits known to be zero given a zmask, as sign bits (0 if the top bit may be 1). */
export function signBitsFromZmask(type: IrType, z: bigint): number {
  const w = typeBits(type);
  if (z === 0n) return w;
  const len = z.toString(2).length;
  return len >= w ? 1 : w - len;
}

/** Per-temp facts for the forward simplifier. */
export class TempState {
  private readonly repr: (Temp | undefined)[];
  private readonly reprVer: Int32Array;
  private readonly ver: Int32Array;
  private readonly zm: bigint[];
  private readonly sb: Int32Array;
  private readonly defs: (DefRecord | undefined)[];
  private readonly zero: { i32: Temp; i64: Temp };

  /** @param func The function being simplified (its temp list must not shrink). */
  constructor(readonly func: IrFunc) {
    const n = func.temps.length;
    this.repr = new Array<Temp | undefined>(n).fill(undefined);
    this.reprVer = new Int32Array(n);
    this.ver = new Int32Array(n);
    this.zm = new Array<bigint>(n);
    this.sb = new Int32Array(n);
    this.defs = new Array<DefRecord | undefined>(n).fill(undefined);
    for (const t of func.temps) this.setUnknownBits(t);
    this.zero = { i32: func.constant("i32", 0), i64: func.constant("i64", 0) };
  }

  private setUnknownBits(t: Temp): void {
    if (t.kind === "const") {
      this.zm[t.id] = unsigned(t.type, t.value);
      this.sb[t.id] = signBitsOfValue(t.type, t.value);
    } else if (t.global?.hardwiredZero === true) {
      this.zm[t.id] = 0n;
      this.sb[t.id] = typeBits(t.type);
    } else {
      this.zm[t.id] = typeMask(t.type);
      this.sb[t.id] = 1;
    }
  }

  /** The temp to read instead of `t`: a constant or the oldest live copy, else `t`. */
  resolve(t: Temp): Temp {
    if (t.kind === "const") return t;
    if (t.global?.hardwiredZero === true) return this.zero[t.type];
    const r = this.repr[t.id];
    if (r !== undefined && this.reprVer[t.id] === this.version(r)) return r;
    return t;
  }

  /** Current version of `t` (bumped by every write). */
  version(t: Temp): number {
    return t.id < this.ver.length ? (this.ver[t.id] ?? 0) : 0;
  }

  /** Known-zero mask of `t` (bits that may be 1). */
  zmask(t: Temp): bigint {
    if (t.kind === "const") return unsigned(t.type, t.value);
    return this.zm[t.id] ?? typeMask(t.type);
  }

  /** Known sign bits of `t`. */
  sbits(t: Temp): number {
    if (t.kind === "const") return signBitsOfValue(t.type, t.value);
    return t.id < this.sb.length ? Math.max(1, this.sb[t.id] ?? 1) : 1;
  }

  /**
   * The op that last wrote `t`, if none of that op's inputs has been written since
   * (so the op could be re-evaluated here with the same result).
   */
  defOf(t: Temp): Op | undefined {
    const d = t.id < this.defs.length ? this.defs[t.id] : undefined;
    if (d === undefined) return undefined;
    for (let i = 0; i < d.vers.length; i++) {
      const input = d.op.ins[i];
      if (input === undefined || this.version(input) !== d.vers[i]) return undefined;
    }
    return d.op;
  }

  /** Record a write to `t` with the given known bits; forgets copies of and from `t`. */
  written(t: Temp, zmask: bigint = typeMask(t.type), sbits = 1): void {
    if (t.id >= this.ver.length) return;
    this.ver[t.id] = (this.ver[t.id] ?? 0) + 1;
    this.repr[t.id] = undefined;
    this.defs[t.id] = undefined;
    const z = zmask & typeMask(t.type);
    this.zm[t.id] = z;
    this.sb[t.id] = Math.max(sbits, signBitsFromZmask(t.type, z));
  }

  /** Record `d = mov s` (s already resolved): d becomes a copy of s with its facts. */
  copied(d: Temp, s: Temp): void {
    this.written(d, this.zmask(s), this.sbits(s));
    if (d.id >= this.ver.length) return;
    if (s.kind === "const" || s.id < this.ver.length) {
      this.repr[d.id] = s;
      this.reprVer[d.id] = this.version(s);
    }
  }

  /** Record that `t` was just written by `op` (call after {@link TempState.written}). */
  setDef(t: Temp, op: Op): void {
    if (t.id >= this.defs.length || op.ins.includes(t)) return;
    this.defs[t.id] = { op, vers: op.ins.map((i) => this.version(i)) };
  }

  /** Forget everything about globals (a helper may have written them). */
  forgetGlobals(): void {
    for (const g of this.func.globals) this.written(g);
  }

  /** Forget everything about every non-constant temp (at a label: control flow merges). */
  forgetAll(): void {
    const n = this.ver.length;
    for (let i = 0; i < n; i++) {
      const t = this.func.temps[i];
      if (t !== undefined && t.kind !== "const") this.written(t);
    }
  }
}
