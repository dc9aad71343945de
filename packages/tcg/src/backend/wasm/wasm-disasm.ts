/**
 * A small WebAssembly disassembler for what this back end emits: the bodies of TB
 * functions (`-d out_asm`) as a WAT-like listing, one instruction per line with its offset
 * and bytes, indented by block depth; calls are named (direct calls by the module's
 * imports, `call_indirect` of a constant slot by the runtime table's slot names).
 *
 * The opcode names come from the same tables the emitter uses (opcodes.ts): a table key
 * such as `i64ExtendI32U` or `i32AtomicRmw8CmpxchgU` is turned into its text-format name
 * (`i64.extend_i32_u`, `i32.atomic.rmw8.cmpxchg_u`), and each opcode has one immediate
 * kind. Decoding is total: a byte that is no known opcode prints as `.byte 0x..` and the
 * listing goes on with the next byte, so a bad body never throws. The tests round-trip
 * every emitter method through it (decode, re-encode the decoded immediates, same bytes).
 *
 * @module
 */
import { readSLeb32, readSLeb64, readULeb32 } from "./leb.js";
import { AtomicOp, AtomicRmw, AtomicWidth, MiscOp, Op, SectionId, ValType } from "./opcodes.js";

/** The immediates an opcode takes, in the binary format's order. */
export type WasmImmKind =
  | "none"
  | "blocktype"
  | "u32" // an index or a depth
  | "u32x2" // call_indirect: type, table; memory.copy; table.init; table.copy
  | "br_table"
  | "memarg"
  | "zero" // a reserved 0x00 byte (memory.size/grow, memory.fill, atomic.fence)
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "reftype";

/** One decoded instruction. */
export interface WasmInsn {
  /** Offset of its first byte in the body. */
  readonly offset: number;
  /** Bytes it takes. */
  readonly length: number;
  /** Text-format name (`i32.add`), or `.byte` for an unknown byte. */
  readonly name: string;
  /** Prefix (0xfc, 0xfe) or 0. */
  readonly prefix: number;
  /** Opcode byte (or the sub-opcode after a prefix). */
  readonly code: number;
  /** Its immediate kind. */
  readonly kind: WasmImmKind;
  /** Immediate values in encoding order (memarg: align, offset; br_table: targets..., default). */
  readonly imms: readonly (number | bigint)[];
  /** The WAT-like text (`i64.load offset=8`, `br_if 2`, `call 5 <helpers.fadd_d>`). */
  readonly text: string;
}

/** Turns an opcodes.ts key (`i64ExtendI32U`) into its text-format name (`i64.extend_i32_u`). */
export function watName(key: string): string {
  const words = key.match(/[A-Z]?[a-z]+[0-9]*|[A-Z][0-9]*/g) ?? [key];
  const lower = words.map((w) => w.toLowerCase());
  const out: string[] = [];
  let i = 0;
  const typed = /^[if](32|64)$/.test(lower[0] ?? "");
  // Words after which the text format puts a dot (i32.atomic.rmw8.add_u, local.get, memory.atomic.wait32).
  const dotAfter = new Set(["local", "global", "table", "memory", "ref", "data", "elem", "atomic"]);
  let s = "";
  if (typed) {
    s = `${lower[0]!}.`;
    i = 1;
  }
  for (; i < lower.length; i++) {
    const w = lower[i]!;
    out.push(w);
    const next = lower[i + 1];
    if (next === undefined) break;
    if (dotAfter.has(w) || /^rmw[0-9]*$/.test(w)) out.push(".");
    else out.push("_");
  }
  return s + out.join("");
}

interface OpInfo {
  readonly name: string;
  readonly kind: WasmImmKind;
}

function kindOfOp(key: string, code: number): WasmImmKind {
  switch (key) {
    case "block": case "loop": case "if": return "blocktype";
    case "br": case "brIf": case "call": case "returnCall": case "localGet": case "localSet": case "localTee": case "globalGet": case "globalSet":
    case "tableGet": case "tableSet": case "refFunc": return "u32";
    case "callIndirect": case "returnCallIndirect": return "u32x2";
    case "brTable": return "br_table";
    case "memorySize": case "memoryGrow": return "zero";
    case "i32Const": return "i32";
    case "i64Const": return "i64";
    case "f32Const": return "f32";
    case "f64Const": return "f64";
    case "refNull": return "reftype";
    default: return code >= Op.i32Load && code <= Op.i64Store32 ? "memarg" : "none";
  }
}

function kindOfMisc(key: string): WasmImmKind {
  switch (key) {
    case "memoryInit": return "u32x2"; // data index, memory 0x00 (read as a u32)
    case "dataDrop": case "elemDrop": case "tableGrow": case "tableSize": case "tableFill": return "u32";
    case "memoryCopy": case "tableInit": case "tableCopy": return "u32x2";
    case "memoryFill": return "zero";
    default: return "none";
  }
}

const SINGLE = new Map<number, OpInfo>();
const MISC = new Map<number, OpInfo>();
const ATOMIC = new Map<number, OpInfo>();
for (const [k, c] of Object.entries(Op)) {
  if (k === "prefixMisc" || k === "prefixAtomic") continue;
  SINGLE.set(c, { name: watName(k), kind: kindOfOp(k, c) });
}
for (const [k, c] of Object.entries(MiscOp)) MISC.set(c, { name: watName(k), kind: kindOfMisc(k) });
for (const [k, c] of Object.entries(AtomicOp)) {
  if (k === "rmwBase") continue;
  ATOMIC.set(c, { name: watName(k), kind: k === "atomicFence" ? "zero" : "memarg" });
}
{
  const widthPrefix = ["i32.atomic.rmw.", "i64.atomic.rmw.", "i32.atomic.rmw8.", "i32.atomic.rmw16.", "i64.atomic.rmw8.", "i64.atomic.rmw16.", "i64.atomic.rmw32."];
  for (const [op, o] of Object.entries(AtomicRmw)) {
    for (const w of Object.values(AtomicWidth)) {
      const code = AtomicOp.rmwBase + 7 * o + w;
      ATOMIC.set(code, { name: `${widthPrefix[w]!}${op}${w >= 2 ? "_u" : ""}`, kind: "memarg" });
    }
  }
}

/** Natural alignment (log2) of a memory access opcode, from its name: the default the text format omits. */
function naturalAlign(name: string): number {
  const m = /(?:load|store|rmw|wait)(8|16|32|64)/.exec(name);
  if (m !== null) return Math.log2(Number(m[1]) / 8);
  if (name === "memory.atomic.notify") return 2;
  return name.startsWith("i64") || name.startsWith("f64") ? 3 : 2;
}

const VALTYPE_NAMES = new Map<number, string>(Object.entries(ValType).map(([k, v]) => [v, k]));

/** Options of {@link disassembleBody}. */
export interface WasmDisasmOptions {
  /** A name for function index `i` (call targets), e.g. from {@link wasmImportNames}. */
  readonly funcName?: (index: number) => string | undefined;
  /**
   * A name for slot `i` of the table that `call_indirect` / `return_call_indirect` go
   * through, when the slot is the constant pushed just before (TB modules reach the
   * runtime and the helpers that way: `TbModuleBuilder.slotNames`).
   */
  readonly slotName?: (slot: number) => string | undefined;
}

/**
 * Decodes the instructions of a function body's code `bytes` (no local declarations:
 * what `FunctionBuilder` holds; a final `end` is decoded like any other).
 */
export function decodeBody(bytes: Uint8Array, opts: WasmDisasmOptions = {}): WasmInsn[] {
  const out: WasmInsn[] = [];
  let o = 0;
  while (o < bytes.length) {
    const start = o;
    let insn: WasmInsn;
    try {
      insn = decodeOne(bytes, o, opts);
    } catch {
      insn = { offset: start, length: 1, name: ".byte", prefix: 0, code: bytes[start]!, kind: "none", imms: [], text: `.byte 0x${bytes[start]!.toString(16).padStart(2, "0")}` };
    }
    const prev = out[out.length - 1];
    if (opts.slotName !== undefined && insn.prefix === 0 && (insn.code === Op.callIndirect || insn.code === Op.returnCallIndirect) && prev?.code === Op.i32Const && prev.prefix === 0) {
      const name = opts.slotName(Number(prev.imms[0]));
      if (name !== undefined) insn = { ...insn, text: `${insn.text} <${name}>` };
    }
    out.push(insn);
    o = start + insn.length;
  }
  return out;
}

function decodeOne(b: Uint8Array, offset: number, opts: WasmDisasmOptions): WasmInsn {
  let o = offset;
  const first = b[o++]!;
  let prefix = 0;
  let code = first;
  let info: OpInfo | undefined;
  if (first === Op.prefixMisc || first === Op.prefixAtomic) {
    prefix = first;
    const r = readULeb32(b, o);
    code = r.value;
    o = r.next;
    info = (first === Op.prefixMisc ? MISC : ATOMIC).get(code);
  } else {
    info = SINGLE.get(code);
  }
  if (info === undefined) throw new RangeError("unknown opcode");
  const imms: (number | bigint)[] = [];
  const u = (): number => {
    const r = readULeb32(b, o);
    o = r.next;
    imms.push(r.value);
    return r.value;
  };
  let text = info.name;
  switch (info.kind) {
    case "none": break;
    case "blocktype": {
      const bt = b[o];
      if (bt === undefined) throw new RangeError("truncated");
      if (bt === 0x40) {
        o++;
        imms.push(0x40);
      } else if (VALTYPE_NAMES.has(bt)) {
        o++;
        imms.push(bt);
        text += ` (result ${VALTYPE_NAMES.get(bt)!})`;
      } else {
        const r = readSLeb64(b, o);
        o = r.next;
        imms.push(Number(r.value));
        text += ` (type ${r.value})`;
      }
      break;
    }
    case "u32": {
      const v = u();
      const name = info.name === "call" || info.name === "return_call" || info.name === "ref.func" ? opts.funcName?.(v) : undefined;
      text += ` ${v}${name !== undefined ? ` <${name}>` : ""}`;
      break;
    }
    case "u32x2": text += ` ${u()} ${u()}`; break;
    case "br_table": {
      const n = u();
      const t: number[] = [];
      for (let i = 0; i <= n; i++) t.push(u());
      text += ` ${t.join(" ")}`;
      break;
    }
    case "memarg": {
      const align = u();
      const off = u();
      if (off !== 0) text += ` offset=${off}`;
      if (align !== naturalAlign(info.name)) text += ` align=${2 ** align}`;
      break;
    }
    case "zero": {
      const z = b[o++];
      if (z === undefined) throw new RangeError("truncated");
      imms.push(z);
      break;
    }
    case "i32": {
      const r = readSLeb32(b, o);
      o = r.next;
      imms.push(r.value);
      text += ` ${r.value}`;
      break;
    }
    case "i64": {
      const r = readSLeb64(b, o);
      o = r.next;
      imms.push(r.value);
      text += ` ${r.value}`;
      break;
    }
    case "f32": case "f64": {
      const n = info.kind === "f32" ? 4 : 8;
      if (o + n > b.length) throw new RangeError("truncated");
      const dv = new DataView(b.buffer, b.byteOffset + o, n);
      const v = n === 4 ? dv.getFloat32(0, true) : dv.getFloat64(0, true);
      const bits = n === 4 ? BigInt(dv.getUint32(0, true)) : dv.getBigUint64(0, true);
      o += n;
      imms.push(bits);
      text += ` ${Object.is(v, -0) ? "-0" : String(v)}`;
      break;
    }
    case "reftype": {
      const t = b[o++];
      if (t === undefined) throw new RangeError("truncated");
      imms.push(t);
      text += ` ${t === ValType.funcref ? "func" : t === ValType.externref ? "extern" : `0x${t.toString(16)}`}`;
      break;
    }
  }
  return { offset, length: o - offset, name: info.name, prefix, code, kind: info.kind, imms, text };
}

/**
 * The listing of a body: `0x%04x:  <bytes>  <indent><text>` per instruction (at most 8
 * bytes shown; longer instructions continue on the next lines as QEMU's out_asm does).
 */
export function disassembleBody(bytes: Uint8Array, opts: WasmDisasmOptions = {}): string {
  const lines: string[] = [];
  let depth = 1;
  for (const insn of decodeBody(bytes, opts)) {
    if (insn.prefix === 0 && (insn.code === Op.end || insn.code === Op.else)) depth = Math.max(0, depth - 1);
    const raw = Array.from(bytes.subarray(insn.offset, insn.offset + insn.length), (x) => x.toString(16).padStart(2, "0"));
    for (let i = 0; i < raw.length; i += 8) {
      const chunk = raw.slice(i, i + 8).join(" ");
      const at = `0x${(insn.offset + i).toString(16).padStart(4, "0")}:  `;
      lines.push(i === 0 ? `${at}${chunk.padEnd(24)} ${"  ".repeat(depth)}${insn.text}` : `${at}${chunk}`);
    }
    if (insn.prefix === 0 && (insn.code === Op.block || insn.code === Op.loop || insn.code === Op.if || insn.code === Op.else)) depth++;
  }
  return lines.map((l) => `${l}\n`).join("");
}

/**
 * Names of the imported functions of a module (`module.name`, by function index), read
 * from its import section; `[]` when the bytes are not a well-formed module.
 */
export function wasmImportNames(module: Uint8Array): string[] {
  const names: string[] = [];
  try {
    let o = 8;
    while (o < module.length) {
      const id = module[o++]!;
      const size = readULeb32(module, o);
      o = size.next;
      const end = o + size.value;
      if (id === SectionId.import) {
        let p = o;
        const n = readULeb32(module, p);
        p = n.next;
        for (let i = 0; i < n.value; i++) {
          const name = (): string => {
            const l = readULeb32(module, p);
            // Import names are ASCII here (no TextDecoder: tcg has no DOM or Node types).
            const s = String.fromCharCode(...module.subarray(l.next, l.next + l.value));
            p = l.next + l.value;
            return s;
          };
          const m = name();
          const f = name();
          const kind = module[p++]!;
          if (kind === 0) {
            names.push(`${m}.${f}`);
            p = readULeb32(module, p).next;
          } else if (kind === 1) {
            p++; // reftype
            const flags = module[p++]!;
            p = readULeb32(module, p).next;
            if ((flags & 1) !== 0) p = readULeb32(module, p).next;
          } else if (kind === 2) {
            const flags = module[p++]!;
            p = readULeb32(module, p).next;
            if ((flags & 1) !== 0) p = readULeb32(module, p).next;
          } else if (kind === 3) {
            p += 2; // valtype, mutability
          } else {
            return names;
          }
        }
        return names;
      }
      o = end;
    }
  } catch {
    return names;
  }
  return names;
}
