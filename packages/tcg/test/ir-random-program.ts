// Random IR programs for the optimizer's semantics check: every op, boundary
// constants, forward branches, helpers with each flag combination, guest memory
// accesses that mostly hit the test memory (and sometimes fault or are misaligned).
import {
  CONDS, HELPER_NO_READ_GLOBALS, HELPER_NO_RETURN, HELPER_NO_SIDE_EFFECTS, HELPER_NO_WRITE_GLOBALS,
  IrBuilder, IrFunc, memop, OP_TABLE, type GlobalDef, type HelperDef, type IrType, type Label, type MemSize,
  type OpName, type Temp,
} from "../src/index.js";
import { BOUNDARY_64, MEM_BASE, MEM_SIZE, type Rng } from "./ir-support.js";

/** Globals of the random programs: 8 i64, 4 i32, and a hardwired zero. */
export const RANDOM_GLOBALS: readonly GlobalDef[] = [
  ...Array.from({ length: 8 }, (_, i): GlobalDef => ({ name: `g${i}`, type: "i64", offset: i * 8 })),
  ...Array.from({ length: 4 }, (_, i): GlobalDef => ({ name: `w${i}`, type: "i32", offset: 0x40 + i * 4 })),
  { name: "zero", type: "i64", offset: 0x50, hardwiredZero: true },
];

/** First and last CPU-state offsets used by ld/st (outside every global). */
const HOST_LO = 0x100;
const HOST_HI = 0x1f8;

function mix(args: readonly bigint[], k: bigint): bigint {
  let v = k;
  for (const a of args) v = BigInt.asIntN(64, v * 0x9e3779b97f4a7c15n + a + (v >> 29n));
  return v;
}

/** Helpers of the random programs, one per interesting flag combination. */
export const RANDOM_HELPERS: readonly HelperDef[] = [
  { name: "h_pure", ret: "i64", args: ["i64", "i64"], flags: HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS | HELPER_NO_SIDE_EFFECTS, impl: (_e, a) => mix(a, 1n) },
  { name: "h_pure32", ret: "i32", args: ["i32"], flags: HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS | HELPER_NO_SIDE_EFFECTS, impl: (_e, a) => BigInt.asIntN(32, mix(a, 2n)) },
  {
    name: "h_readg", ret: "i64", args: ["i64"], flags: HELPER_NO_WRITE_GLOBALS | HELPER_NO_SIDE_EFFECTS,
    impl: (e, a) => mix([...a, e.state.getBigInt64(0, true), e.state.getBigInt64(8, true)], 3n),
  },
  {
    name: "h_writeg", ret: "void", args: ["i64"], flags: 0,
    impl: (e, a) => {
      e.state.setBigInt64(16, mix([...a, e.state.getBigInt64(16, true)], 4n), true);
      e.state.setInt32(0x44, Number(BigInt.asIntN(32, a[0] ?? 0n)), true);
      return undefined;
    },
  },
  {
    name: "h_state", ret: "i64", args: ["i64"], flags: HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS,
    impl: (e, a) => {
      const v = mix([...a, e.state.getBigInt64(HOST_LO, true)], 5n);
      e.state.setBigInt64(HOST_LO, v, true);
      return v;
    },
  },
  {
    // "No side effects" but may write globals: still not removable.
    name: "h_setg", ret: "i64", args: ["i64"], flags: HELPER_NO_SIDE_EFFECTS | HELPER_NO_READ_GLOBALS,
    impl: (e, a) => {
      e.state.setBigInt64(0x30, mix(a, 7n), true);
      return mix(a, 8n);
    },
  },
  {
    // Leaves the TB without reading globals itself: the loop still sees the CPU state.
    name: "h_exit", ret: "void", args: ["i64"], flags: HELPER_NO_RETURN | HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS,
    impl: () => undefined,
  },
  {
    name: "h_raise", ret: "void", args: ["i32"], flags: HELPER_NO_RETURN | HELPER_NO_WRITE_GLOBALS,
    impl: (e, a) => {
      e.state.setBigInt64(0x200, mix([...a, e.state.getBigInt64(24, true)], 6n), true);
      return undefined;
    },
  },
];

/** Ops the generator emits through its generic path (all value, memory and state ops). */
const GENERIC_OPS: readonly OpName[] = OP_TABLE.map((r) => r.name).filter(
  (n) => !["set_label", "br", "brcond", "goto_tb", "exit_tb", "lookup_and_goto_ptr", "call", "insn_start", "discard", "mb"].includes(n),
);

interface Gen {
  readonly rng: Rng;
  readonly f: IrFunc;
  readonly b: IrBuilder;
  readonly bb: Temp[];
  /** bb temps written by the op being generated: usable from the next op on. */
  readonly pending: Temp[];
  readonly tb: Temp[];
  readonly open: Label[];
  readonly used: Set<string>;
}

function constOf<T extends IrType>(g: Gen, type: T): Temp<T> {
  const r = g.rng.int(5);
  const v = r === 0 ? BigInt(g.rng.int(70)) : r === 1 ? g.rng.value64() : r === 2 ? g.rng.pick([0n, 1n, -1n]) : g.rng.pick(BOUNDARY_64);
  return g.f.constant(type, v);
}

function pickIn<T extends IrType>(g: Gen, type: T): Temp<T> {
  const cands: Temp[] = [
    ...g.f.globals.filter((t) => t.type === type),
    ...g.tb.filter((t) => t.type === type),
    ...g.bb.filter((t) => t.type === type),
  ];
  if (g.rng.chance(0.3) || cands.length === 0) return constOf(g, type);
  // Recent bb temps are the most interesting (they chain ops together).
  const recent = g.bb.filter((t) => t.type === type).slice(-3);
  if (recent.length > 0 && g.rng.chance(0.4)) return g.rng.pick(recent) as Temp<T>;
  return g.rng.pick(cands) as Temp<T>;
}

function pickOut(g: Gen, type: IrType): Temp {
  const r = g.rng.int(10);
  if (r < 5) {
    const t = g.f.newTemp(type, "bb");
    g.pending.push(t);
    return t;
  }
  if (r < 8) {
    const gs = g.f.globals.filter((t) => t.type === type);
    return g.rng.pick(gs);
  }
  const ts = g.tb.filter((t) => t.type === type);
  return g.rng.pick(ts);
}

function address(g: Gen, size: number): Temp<"i64"> {
  if (g.rng.chance(0.05)) return pickIn(g, "i64");
  const a = g.f.newTemp("i64", "bb");
  const mask = g.rng.chance(0.85) ? BigInt(MEM_SIZE - 8) & ~BigInt(size / 8 - 1) : BigInt(MEM_SIZE - 1);
  g.b.and(a, pickIn(g, "i64"), mask);
  g.b.add(a, a, MEM_BASE);
  g.bb.push(a);
  return a;
}

function genericOp(g: Gen, name: OpName): void {
  const row = OP_TABLE.find((r) => r.name === name);
  if (row === undefined) return;
  const type: IrType = row.types === "i64" ? "i64" : row.types === "int" ? g.rng.pick(["i32", "i64"] as const) : "i64";
  const w = type === "i32" ? 32 : 64;
  const size = (): MemSize => g.rng.pick(([8, 16, 32, 64] as const).filter((s) => s <= w));
  const memopFor = (): number => {
    const s = size();
    return memop(s, g.rng.chance(0.5), g.rng.chance(0.3) ? s / 8 : 1);
  };
  const b = g.b;
  g.used.add(name);
  switch (name) {
    case "ext_i32_i64": return b.extI32I64(pickOut(g, "i64") as Temp<"i64">, pickIn(g, "i32"));
    case "extu_i32_i64": return b.extuI32I64(pickOut(g, "i64") as Temp<"i64">, pickIn(g, "i32"));
    case "extrl_i64_i32": return b.extrlI64I32(pickOut(g, "i32") as Temp<"i32">, pickIn(g, "i64"));
    case "extrh_i64_i32": return b.extrhI64I32(pickOut(g, "i32") as Temp<"i32">, pickIn(g, "i64"));
    case "extract": case "sextract": {
      const len = 1 + g.rng.int(w);
      const pos = g.rng.int(w - len + 1);
      const ins = [pickIn(g, type)];
      if (name === "extract") b.extract(pickOut(g, type), ins[0] as Temp, pos, len);
      else b.sextract(pickOut(g, type), ins[0] as Temp, pos, len);
      return;
    }
    case "deposit": {
      const len = 1 + g.rng.int(w);
      const pos = g.rng.int(w - len + 1);
      return b.deposit(pickOut(g, type), pickIn(g, type), pickIn(g, type), pos, len);
    }
    case "setcond": return b.setcond(pickOut(g, type), g.rng.pick(CONDS), pickIn(g, type), pickIn(g, type));
    case "movcond": return b.movcond(pickOut(g, type), g.rng.pick(CONDS), pickIn(g, type), pickIn(g, type), pickIn(g, type), pickIn(g, type));
    case "ld8u": case "ld8s": case "ld16u": case "ld16s": case "ld32u": case "ld32s": case "ld": {
      const off = HOST_LO + g.rng.int(HOST_HI - HOST_LO);
      const d = pickOut(g, type);
      if (name === "ld32u" || name === "ld32s") b[name](d as Temp<"i64">, off);
      else b[name](d, off);
      return;
    }
    case "st8": case "st16": case "st32": case "st": {
      const off = HOST_LO + g.rng.int(HOST_HI - HOST_LO);
      const v = pickIn(g, type);
      if (name === "st32") b.st32(v as Temp<"i64">, off);
      else b[name](v, off);
      return;
    }
    case "guest_ld": {
      const m = memopFor();
      return b.guestLd(pickOut(g, type), address(g, 64), m);
    }
    case "guest_st": {
      const m = memopFor();
      return b.guestSt(pickIn(g, type), address(g, 64), m);
    }
    case "atomic_cmpxchg": {
      const m = memopFor();
      return b.atomicCmpxchg(pickOut(g, type), address(g, 64), pickIn(g, type), pickIn(g, type), m);
    }
    default: {
      if (name.startsWith("atomic_")) {
        const m = memopFor();
        const method = ({
          atomic_xchg: "atomicXchg", atomic_fetch_add: "atomicFetchAdd", atomic_fetch_and: "atomicFetchAnd",
          atomic_fetch_or: "atomicFetchOr", atomic_fetch_xor: "atomicFetchXor", atomic_fetch_smin: "atomicFetchSmin",
          atomic_fetch_smax: "atomicFetchSmax", atomic_fetch_umin: "atomicFetchUmin", atomic_fetch_umax: "atomicFetchUmax",
        } as const)[name as "atomic_xchg"];
        return b[method](pickOut(g, type), address(g, 64), pickIn(g, type), m);
      }
      // Value ops with one or two inputs of the op type.
      const ins = row.ins.map(() => pickIn(g, type));
      const d = pickOut(g, type);
      const unary = b as unknown as Record<string, (d: Temp, ...a: Temp[]) => void>;
      const fn = unary[name];
      if (fn === undefined) throw new Error(`no builder method for ${name}`);
      fn.call(b, d, ...ins);
    }
  }
}

/** Options of {@link randomProgram}. */
export interface RandomProgramOptions {
  /** Approximate number of ops. */
  readonly ops: number;
  /** Bias toward one op (to make sure each op gets exercised); optional. */
  readonly focus?: OpName | undefined;
}

/** Generate a random, valid IR program; `used` collects the op names emitted. */
export function randomProgram(rng: Rng, opts: RandomProgramOptions, used = new Set<string>()): IrFunc {
  const f = new IrFunc(RANDOM_GLOBALS);
  const b = new IrBuilder(f);
  const g: Gen = { rng, f, b, bb: [], pending: [], tb: [], open: [], used };
  for (let i = 0; i < 3; i++) g.tb.push(f.newTemp("i64", "tb"));
  for (let i = 0; i < 2; i++) g.tb.push(f.newTemp("i32", "tb"));
  for (const t of g.tb) b.mov(t, constOf(g, t.type));
  let pc = 0x10000n;
  b.insnStart(pc);
  const focus = opts.focus !== undefined && GENERIC_OPS.includes(opts.focus) ? opts.focus : undefined;
  for (let n = 0; n < opts.ops; n++) {
    g.bb.push(...g.pending.splice(0));
    const r = rng.int(100);
    if (r < 6) {
      pc += 4n;
      b.insnStart(pc);
      used.add("insn_start");
    } else if (r < 12) {
      const l = g.open.length > 0 && rng.chance(0.5) ? rng.pick(g.open) : b.label();
      if (!g.open.includes(l)) g.open.push(l);
      const type = rng.pick(["i32", "i64"] as const);
      b.brcond(rng.pick(CONDS), pickIn(g, type), pickIn(g, type), l);
      used.add("brcond");
    } else if (r < 14) {
      const l = g.open.length > 0 && rng.chance(0.5) ? rng.pick(g.open) : b.label();
      if (!g.open.includes(l)) g.open.push(l);
      b.br(l);
      used.add("br");
      g.bb.length = 0;
      g.pending.length = 0;
      // Code after br up to the next label is unreachable; place a label soon.
      if (rng.chance(0.7)) placeLabel(g);
    } else if (r < 20) {
      if (g.open.length > 0) placeLabel(g);
    } else if (r < 24) {
      const h = rng.pick(RANDOM_HELPERS);
      if ((h.flags & HELPER_NO_RETURN) !== 0 && !rng.chance(0.5)) continue;
      const ret = h.ret === "void" ? undefined : pickOut(g, h.ret);
      b.call(h, ret, h.args.map((t) => pickIn(g, t)));
      used.add("call");
      if ((h.flags & HELPER_NO_RETURN) !== 0 && g.open.length > 0) placeLabel(g);
    } else if (r < 25) {
      b.mb(rng.int(128));
      used.add("mb");
    } else if (r < 26) {
      const t = g.bb.pop();
      if (t !== undefined && t.kind === "bb") {
        b.discard(t);
        used.add("discard");
      }
    } else if (r < 40) {
      idiom(g);
    } else if (r < 46) {
      // Copies: the optimizer's bread and butter.
      const type = rng.pick(["i32", "i64"] as const);
      b.mov(pickOut(g, type), pickIn(g, type));
      used.add("mov");
    } else {
      genericOp(g, focus !== undefined && rng.chance(0.3) ? focus : rng.pick(GENERIC_OPS));
    }
  }
  while (g.open.length > 0) placeLabel(g);
  const exit = rng.int(3);
  if (exit === 0) {
    // Like a front end's TB end: goto_tb, then (not chained) set the pc and exit.
    const slot = rng.int(2) as 0 | 1;
    b.gotoTb(slot);
    used.add("goto_tb");
    b.mov(rng.pick(f.globals.filter((t) => t.type === "i64")) as Temp<"i64">, constOf(g, "i64"));
    b.exitTb(slot);
  } else if (exit === 1) {
    b.lookupAndGotoPtr();
    used.add("lookup_and_goto_ptr");
  } else {
    b.exitTb(rng.int(4));
  }
  used.add("exit_tb");
  used.add("set_label");
  return f;
}

const EXTENDERS = ["ext8s", "ext8u", "ext16s", "ext16u", "ext32s", "ext32u", "extract", "sextract", "and"] as const;

/** Emit a multi-op pattern that one of the optimizer's rules targets, with random parameters. */
function idiom(g: Gen): void {
  const { rng, b, f } = g;
  const fresh = <T extends IrType>(type: T): Temp<T> => {
    const t = f.newTemp(type, "bb");
    g.pending.push(t);
    return t;
  };
  switch (rng.int(8)) {
    case 0: {
      // Compare feeding a test against zero.
      const type = rng.pick(["i32", "i64"] as const);
      const t = fresh(type);
      b.setcond(t, rng.pick(CONDS), pickIn(g, type), pickIn(g, type));
      const cond = rng.pick(["eq", "ne", "eq", "ne", "lt", "gtu"] as const);
      const zero = rng.chance(0.8) ? 0 : rng.int(3);
      const user = rng.int(3);
      if (user === 0) {
        const l = b.label();
        g.open.push(l);
        b.brcond(cond, t, zero, l);
      } else if (user === 1) {
        b.setcond(pickOut(g, type), cond, t, zero);
      } else {
        b.movcond(pickOut(g, type), cond, t, zero, pickIn(g, type), pickIn(g, type));
      }
      return;
    }
    case 1: {
      // Shift pairs: zext.w / sext.h style.
      const type = rng.pick(["i32", "i64"] as const);
      const w = type === "i32" ? 32 : 64;
      const k = rng.chance(0.8) ? rng.pick([w - 8, w - 16, w - 32, 1, w - 1].filter((x) => x > 0)) : rng.int(2 * w);
      const t = fresh(type);
      b.shl(t, pickIn(g, type), k);
      const k2 = rng.chance(0.85) ? k : rng.int(w);
      if (rng.chance(0.5)) b.shr(pickOut(g, type), t, k2);
      else b.sar(pickOut(g, type), t, k2);
      return;
    }
    case 2: {
      // i64 -> i32 (-> 8/16-bit extension) -> i64 and back.
      let t = fresh("i32");
      b.extrlI64I32(t, pickIn(g, "i64"));
      if (rng.chance(0.5)) {
        const e = fresh("i32");
        b[rng.pick(["ext8s", "ext8u", "ext16s", "ext16u"] as const)](e, t);
        t = e;
      }
      const d = pickOut(g, "i64") as Temp<"i64">;
      if (rng.chance(0.5)) b.extI32I64(d, t);
      else b.extuI32I64(d, t);
      if (rng.chance(0.5)) b.extrlI64I32(pickOut(g, "i32") as Temp<"i32">, d);
      return;
    }
    case 3: {
      // Chains of extensions, masks and bit fields on one value.
      const type = rng.pick(["i32", "i64"] as const);
      const w = type === "i32" ? 32 : 64;
      let v: Temp<typeof type> = pickIn(g, type);
      for (let n = 0; n < 2 + rng.int(3); n++) {
        const d = n === 0 || rng.chance(0.7) ? fresh(type) : (pickOut(g, type) as Temp<typeof type>);
        let ext: (typeof EXTENDERS)[number] = rng.pick(EXTENDERS);
        if ((ext === "ext32s" || ext === "ext32u") && type === "i32") ext = "ext16u";
        if (ext === "extract" || ext === "sextract") {
          const len = rng.pick([1, 7, 8, 15, 16, 31, 32, 33, w - 1, w].filter((x) => x <= w));
          const pos = rng.chance(0.7) ? 0 : rng.int(w - len + 1);
          b[ext](d, v, pos, len);
        } else if (ext === "and") {
          b.and(d, v, rng.pick([0xffn, 0xffffn, 0xffff_ffffn, 0x7fn, -1n, 0xff00n]));
        } else if (ext === "ext32s" || ext === "ext32u") {
          b[ext](d as Temp<"i64">, v as Temp<"i64">);
        } else {
          b[ext](d, v);
        }
        v = d;
      }
      return;
    }
    case 4: {
      // lui/addi and auipc/addi: a constant into a register, then an add of a small immediate.
      const r = g.rng.pick(f.globals.filter((t) => t.type === "i64" && t.global?.hardwiredZero !== true)) as Temp<"i64">;
      b.mov(r, BigInt.asIntN(64, BigInt(rng.u32() & 0xfffff000) << (rng.chance(0.5) ? 0n : 12n)));
      b.add(r, r, BigInt(rng.int(4096) - 2048));
      if (rng.chance(0.5)) b.ext32s(r, r);
      return;
    }
    case 5: {
      // Constant chains (addi chains, address arithmetic, masks).
      const type = rng.pick(["i32", "i64"] as const);
      const opc = rng.pick(["add", "and", "or", "xor"] as const);
      let v: Temp<typeof type> = pickIn(g, type);
      for (let n = 0; n < 2 + rng.int(2); n++) {
        const d = fresh(type);
        b[opc](d, v, rng.chance(0.5) ? constOf(g, type) : BigInt(rng.int(64) - 32));
        v = d;
      }
      return;
    }
    case 6: {
      // seqz / snez, optionally feeding a branch.
      const t = fresh("i64");
      if (rng.chance(0.5)) b.setcond(t, rng.pick(["ltu", "geu"] as const), pickIn(g, "i64"), 1);
      else b.setcond(t, rng.pick(["ltu", "leu"] as const), 0, pickIn(g, "i64"));
      if (rng.chance(0.5)) {
        const l = b.label();
        g.open.push(l);
        b.brcond(rng.pick(["eq", "ne"] as const), t, 0, l);
      }
      return;
    }
    default: {
      // Arithmetic whose result's bits are partly known, then redundant extensions.
      const d = fresh("i64");
      b.add(d, pickIn(g, "i64"), pickIn(g, "i64"));
      const e = fresh("i64");
      b.ext32s(e, d);
      b.ext32s(pickOut(g, "i64") as Temp<"i64">, e);
      return;
    }
  }
}

function placeLabel(g: Gen): void {
  const i = g.rng.int(g.open.length);
  const [l] = g.open.splice(i, 1);
  if (l === undefined) return;
  g.b.setLabel(l);
  g.bb.length = 0;
  g.pending.length = 0;
}
