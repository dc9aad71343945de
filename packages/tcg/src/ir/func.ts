/**
 * The translation-unit container: the temps, labels, helpers and op list of one TB.
 *
 * An `IrFunc` is created per translation and owned by one vCPU's translator context;
 * nothing in the IR is global or shared between translations except the immutable
 * {@link GlobalDef} and {@link HelperDef} descriptions.
 *
 * @module
 */
import type { HelperDef } from "./helper.js";
import type { Op } from "./op.js";
import { Temp, type GlobalDef } from "./temp.js";
import { canon, type IrType } from "./types.js";

/** A branch target. Its `id` is what `br`/`brcond`/`set_label` store in their consts. */
export class Label {
  /** @param id Index in the owning function's `labels`. */
  constructor(readonly id: number) {}
}

/** Name pattern of globals and helpers in the text form. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.]*$/;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const I32_MIN = -0x8000_0000;
const I32_MAX = 0x7fff_ffff;

/**
 * The global temps of a global list, shared by every function built over that list (the
 * front end passes the same array for every TB). Temps are immutable and a global's id
 * is its index in the list, so sharing them is invisible; it saves creating 68 temps and
 * a map per TB (~6 µs and most of the IR's garbage on the RISC-V target).
 */
interface GlobalTemps {
  readonly temps: readonly Temp[];
  readonly byName: ReadonlyMap<string, Temp>;
}

/** Checked global lists and their temps. */
const GLOBAL_TEMPS = new WeakMap<readonly GlobalDef[], GlobalTemps>();

function globalTemps(globals: readonly GlobalDef[]): GlobalTemps {
  let g = GLOBAL_TEMPS.get(globals);
  if (g === undefined) {
    checkGlobals(globals);
    const temps = globals.map((d, i) => new Temp(i, d.type, "global", 0n, d));
    g = { temps, byName: new Map(temps.map((t) => [t.global!.name, t])) };
    GLOBAL_TEMPS.set(globals, g);
  }
  return g;
}

function checkGlobals(globals: readonly GlobalDef[]): void {
  const names = new Set<string>();
  const spans = globals
    .map((g) => [g.offset, g.offset + (g.type === "i32" ? 4 : 8), g.name] as const)
    .sort((a, b) => a[0] - b[0]);
  for (const g of globals) {
    if (!NAME_RE.test(g.name)) throw new Error(`invalid global name '${g.name}'`);
    if (names.has(g.name)) throw new Error(`duplicate global '${g.name}'`);
    names.add(g.name);
  }
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1];
    const cur = spans[i];
    if (prev !== undefined && cur !== undefined && cur[0] < prev[1]) throw new Error(`global '${cur[2]}' overlaps '${prev[2]}'`);
  }
}


/** The temps, labels, helpers and ops of one translation block. */
export class IrFunc {
  /** Every temp, indexed by `Temp.id`. */
  readonly temps: Temp[];
  /** The global temps, in declaration order (a prefix of `temps`). */
  readonly globals: readonly Temp[];
  /** Labels, indexed by `Label.id`. */
  readonly labels: Label[] = [];
  /** Helpers referenced by `call` ops, indexed by the op's helper const. */
  readonly helpers: HelperDef[] = [];
  /** The op list, in execution order. Passes may replace the array. */
  ops: Op[] = [];
  // Interned constants by value: a number key when the value is a safe integer (Map
  // lookups with number keys are several times faster than with bigint keys).
  private readonly consts32 = new Map<number | bigint, Temp>();
  private readonly consts64 = new Map<number | bigint, Temp>();
  private readonly globalMap: ReadonlyMap<string, Temp>;

  /**
   * @param globals CPU-state fields the TB may use as globals. Names must be unique
   *   and the fields must not overlap.
   */
  constructor(globals: readonly GlobalDef[] = []) {
    const g = globalTemps(globals);
    this.globals = g.temps;
    this.globalMap = g.byName;
    this.temps = g.temps.slice();
  }

  /** A new TB-local (`tb`) or basic-block-local (`bb`, the default) temp. */
  newTemp<T extends IrType>(type: T, kind: "tb" | "bb" = "bb"): Temp<T> {
    const t = new Temp(this.temps.length, type, kind);
    this.temps.push(t);
    return t;
  }

  /** The interned constant temp of `type` with value `v` (brought to canonical form). */
  constant<T extends IrType>(type: T, v: bigint | number): Temp<T> {
    // Fast path: a number already in canonical form is its own key.
    if (typeof v === "number" && Number.isSafeInteger(v) && (type === "i64" || (v >= I32_MIN && v <= I32_MAX))) {
      const hit = (type === "i32" ? this.consts32 : this.consts64).get(v);
      if (hit !== undefined) return hit as Temp<T>;
    } else if (typeof v === "bigint" && v >= -MAX_SAFE && v <= MAX_SAFE) {
      // A bigint that is a safe integer (every pc of user mode): canonical when it fits the
      // type, so its key is its number and a new constant needs no BigInt.asIntN.
      const n = Number(v);
      if (type === "i64" || (n >= I32_MIN && n <= I32_MAX)) {
        const map = type === "i32" ? this.consts32 : this.consts64;
        let t = map.get(n);
        if (t === undefined) {
          t = new Temp(this.temps.length, type, "const", v);
          this.temps.push(t);
          map.set(n, t);
        }
        return t as Temp<T>;
      }
    }
    return this.constantSlow(type, v);
  }

  private constantSlow<T extends IrType>(type: T, v: bigint | number): Temp<T> {
    const value = canon(type, typeof v === "bigint" ? v : BigInt(v));
    // Map lookups with number keys are several times faster than with bigint keys.
    const key = value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value;
    const map = type === "i32" ? this.consts32 : this.consts64;
    let t = map.get(key);
    if (t === undefined) {
      t = new Temp(this.temps.length, type, "const", value);
      this.temps.push(t);
      map.set(key, t);
    }
    return t as Temp<T>;
  }

  /**
   * The global temp named `name`, if declared. With `type`, also checks the global
   * has that type (and returns it typed), throwing otherwise.
   */
  global<T extends IrType = IrType>(name: string, type?: T): Temp<T> | undefined {
    const g = this.globalMap.get(name);
    if (g !== undefined && type !== undefined && g.type !== type) throw new TypeError(`global '${name}' has type ${g.type}, not ${type}`);
    return g as Temp<T> | undefined;
  }

  /** A new, not yet placed label. */
  newLabel(): Label {
    const l = new Label(this.labels.length);
    this.labels.push(l);
    return l;
  }

  /** The index of `h` in `helpers`, registering it on first use. */
  helperIndex(h: HelperDef): number {
    let i = this.helpers.indexOf(h);
    if (i < 0) {
      if (this.helpers.some((o) => o.name === h.name)) throw new Error(`two different helpers named '${h.name}'`);
      i = this.helpers.push(h) - 1;
    }
    return i;
  }
}
