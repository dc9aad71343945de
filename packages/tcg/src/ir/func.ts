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
  private readonly constMap = new Map<string, Temp>();
  private readonly globalMap = new Map<string, Temp>();

  /**
   * @param globals CPU-state fields the TB may use as globals. Names must be unique
   *   and the fields must not overlap.
   */
  constructor(globals: readonly GlobalDef[] = []) {
    const spans: [number, number, string][] = [];
    for (const g of globals) {
      if (!NAME_RE.test(g.name)) throw new Error(`invalid global name '${g.name}'`);
      if (this.globalMap.has(g.name)) throw new Error(`duplicate global '${g.name}'`);
      const end = g.offset + (g.type === "i32" ? 4 : 8);
      for (const [s, e, n] of spans) {
        if (g.offset < e && s < end) throw new Error(`global '${g.name}' overlaps '${n}'`);
      }
      spans.push([g.offset, end, g.name]);
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
    const value = canon(type, BigInt(v));
    const key = `${type}:${value}`;
    let t = this.constMap.get(key);
    if (t === undefined) {
      t = new Temp(this.temps.length, type, "const", value);
      this.temps.push(t);
      this.constMap.set(key, t);
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
