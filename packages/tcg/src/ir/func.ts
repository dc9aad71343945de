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

/** Small integer constants (|v| < this) are interned through an array instead of a Map. */
const SMALL_CONSTS = 1024;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Global lists already checked (the front end passes the same array for every TB). */
const CHECKED_GLOBALS = new WeakSet<readonly GlobalDef[]>();

function checkGlobals(globals: readonly GlobalDef[]): void {
  if (CHECKED_GLOBALS.has(globals)) return;
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
  CHECKED_GLOBALS.add(globals);
}


/** The temps, labels, helpers and ops of one translation block. */
export class IrFunc {
  /** Every temp, indexed by `Temp.id`. */
  readonly temps: Temp[] = [];
  /** The global temps, in declaration order (a prefix of `temps`). */
  readonly globals: readonly Temp[];
  /** Labels, indexed by `Label.id`. */
  readonly labels: Label[] = [];
  /** Helpers referenced by `call` ops, indexed by the op's helper const. */
  readonly helpers: HelperDef[] = [];
  /** The op list, in execution order. Passes may replace the array. */
  ops: Op[] = [];
  private readonly small32: (Temp | undefined)[] = [];
  private readonly small64: (Temp | undefined)[] = [];
  private readonly consts32 = new Map<number | bigint, Temp>();
  private readonly consts64 = new Map<number | bigint, Temp>();
  private readonly globalMap = new Map<string, Temp>();

  /**
   * @param globals CPU-state fields the TB may use as globals. Names must be unique
   *   and the fields must not overlap.
   */
  constructor(globals: readonly GlobalDef[] = []) {
    checkGlobals(globals);
    for (const g of globals) {
      const t = new Temp(this.temps.length, g.type, "global", 0n, g);
      this.temps.push(t);
      this.globalMap.set(g.name, t);
    }
    this.globals = this.temps.slice();
  }

  /** A new TB-local (`tb`) or basic-block-local (`bb`, the default) temp. */
  newTemp<T extends IrType>(type: T, kind: "tb" | "bb" = "bb"): Temp<T> {
    const t = new Temp(this.temps.length, type, kind);
    this.temps.push(t);
    return t;
  }

  /** The interned constant temp of `type` with value `v` (brought to canonical form). */
  constant<T extends IrType>(type: T, v: bigint | number): Temp<T> {
    if (typeof v === "number" && Number.isInteger(v) && v >= -SMALL_CONSTS && v < SMALL_CONSTS) {
      const cache = type === "i32" ? this.small32 : this.small64;
      const hit = cache[v + SMALL_CONSTS];
      if (hit !== undefined) return hit as Temp<T>;
      const t = this.constantSlow(type, v);
      cache[v + SMALL_CONSTS] = t;
      return t;
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
