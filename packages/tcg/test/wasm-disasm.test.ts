// The out_asm disassembler against the emitter: every FunctionBuilder method (with
// boundary immediates) and real lowered TBs decode to instructions whose immediates
// re-encode to the same bytes; names are the text format's; unknown bytes never throw.
import { describe, expect, it } from "vitest";
import { assembleProgram } from "@wasmu/isa";
import { FunctionBuilder } from "../src/backend/wasm/function-builder.js";
import { TbModuleBuilder } from "../src/backend/wasm/lower-module.js";
import { AtomicRmw, AtomicWidth, ValType } from "../src/backend/wasm/opcodes.js";
import { decodeBody, disassembleBody, watName, wasmImportNames, type WasmInsn } from "../src/backend/wasm/wasm-disasm.js";
import { ByteWriter } from "../src/backend/wasm/byte-writer.js";
import { ModuleBuilder } from "../src/backend/wasm/module-builder.js";
import { createExecShared, lowerConfigOf } from "../src/exec/exec-shared.js";
import { createRiscvTarget } from "../src/target/riscv/target.js";
import { optimize } from "../src/opt/optimize.js";

const { i32, i64, f64 } = ValType;

/** Re-encodes a decoded instruction from its opcode and immediates (independent of the emitter). */
function encode(insn: WasmInsn): Uint8Array {
  const w = new ByteWriter(16);
  if (insn.prefix !== 0) {
    w.u8(insn.prefix);
    w.uleb(insn.code);
  } else {
    w.u8(insn.code);
  }
  const imms = insn.imms;
  switch (insn.kind) {
    case "none": break;
    case "blocktype": {
      const v = Number(imms[0]);
      if (v === 0x40 || v >= 0x6f) w.u8(v);
      else w.sleb32(v);
      break;
    }
    case "u32": case "u32x2": case "br_table": case "memarg": for (const v of imms) w.uleb(Number(v)); break;
    case "zero": case "reftype": w.u8(Number(imms[0])); break;
    case "i32": w.sleb32(Number(imms[0])); break;
    case "i64": w.sleb64(BigInt(imms[0]!)); break;
    case "f32": w.u32(Number(imms[0])); break;
    case "f64": { const b = BigInt(imms[0]!); w.u32(Number(b & 0xffff_ffffn)); w.u32(Number(b >> 32n)); break; }
  }
  return w.buf.slice(0, w.pos);
}

function roundTrip(code: Uint8Array): WasmInsn[] {
  const insns = decodeBody(code);
  const parts = insns.map(encode);
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    joined.set(p, o);
    o += p.length;
  }
  expect(insns.filter((i) => i.name === ".byte")).toEqual([]);
  expect(Buffer.from(joined).toString("hex")).toBe(Buffer.from(code).toString("hex"));
  return insns;
}

const SKIP = new Set(["constructor", "begin", "reset", "end", "else", "block", "loop", "if", "finishInto", "allocLocal", "freeLocal", "param", "ensure"]);

function call(fb: FunctionBuilder, name: string, args: unknown[]): void {
  (fb as unknown as Record<string, (...a: unknown[]) => void>)[name]!.apply(fb, args);
}

describe("wasm disassembler", () => {
  it("names opcodes as the text format does", () => {
    const cases: [string, string][] = [
      ["i64ExtendI32U", "i64.extend_i32_u"], ["i32AtomicRmw8CmpxchgU", "i32.atomic.rmw8.cmpxchg_u"], ["localGet", "local.get"], ["brIf", "br_if"],
      ["returnCallIndirect", "return_call_indirect"], ["i32Load8S", "i32.load8_s"], ["memoryAtomicWait64", "memory.atomic.wait64"], ["refIsNull", "ref.is_null"],
      ["i64TruncSatF64U", "i64.trunc_sat_f64_u"], ["atomicFence", "atomic.fence"], ["i32Eqz", "i32.eqz"], ["f64ReinterpretI64", "f64.reinterpret_i64"],
    ];
    for (const [k, n] of cases) expect(watName(k)).toBe(n);
  });

  it("round-trips every argument-free emitter method", () => {
    const fb = new FunctionBuilder();
    const names = Object.getOwnPropertyNames(FunctionBuilder.prototype).filter((n) => {
      const d = Object.getOwnPropertyDescriptor(FunctionBuilder.prototype, n);
      return !SKIP.has(n) && typeof d?.value === "function" && (d.value as (...a: unknown[]) => unknown).length === 0;
    });
    expect(names.length).toBeGreaterThan(180);
    for (const n of names) {
      fb.begin([i32, i64]);
      call(fb, n, []);
      const code = fb.buf.slice(0, fb.pos);
      if (code.length === 0) continue; // accessors and helpers that emit nothing
      const insns = roundTrip(code);
      expect({ n, count: insns.length, name: insns[0]!.name }).toEqual({ n, count: 1, name: watName(n.replace(/^atomic(Notify|Wait)/, "memoryAtomic$1").replace(/^i(32|64)Atomic(Add|Xchg|Cmpxchg)$/, "i$1AtomicRmw$2").replace(/^refNullFunc$/, "refNull")) });
    }
  });

  it("round-trips methods with immediates at their boundaries", () => {
    const fb = new FunctionBuilder();
    fb.begin([i32, i64]);
    const l = fb.allocLocal(i64);
    for (let k = 0; k < 200; k++) fb.allocLocal(i32); // a local index above 127
    const far = fb.allocLocal(f64);
    fb.localGet(l); fb.localSet(far); fb.localTee(fb.param(1));
    fb.block(); fb.loop(i32); fb.if({ typeIndex: 3 }); fb.else(); fb.end(); fb.end(); fb.end();
    for (const v of [0, -1, 63, 64, -64, -65, 0x7fffffff, -0x80000000]) fb.i32Const(v);
    for (const v of [0n, -1n, 1n << 62n, -(1n << 63n), (1n << 63n) - 1n]) fb.i64Const(v);
    fb.f32Const(1.5); fb.f64Const(-0); fb.f64Const(Number.NaN);
    fb.br(0); fb.brIf(300); fb.brTable([0, 1, 200], 2); fb.call(5); fb.returnCall(70000); fb.callIndirect(2, 1); fb.returnCallIndirect(0);
    fb.i32Load(0, 0); fb.i64Load(1 << 20, 3); fb.i64Store32(12, 1); fb.i32AtomicLoad(4); fb.atomicRmw(AtomicRmw.cmpxchg, AtomicWidth.i64x32u, 8);
    fb.atomicRmw(AtomicRmw.xor, AtomicWidth.i32x16u, 0); fb.memoryInit(1); fb.dataDrop(1); fb.refFunc(3); fb.globalGet(2); fb.tableCopy(1, 0);
    const insns = roundTrip(fb.buf.slice(0, fb.pos));
    const text = insns.map((x) => x.text);
    expect(text).toContain("i64.load offset=1048576");
    expect(text).toContain("i64.store32 offset=12 align=2");
    expect(text).toContain("i32.load align=1");
    expect(text).toContain("i64.atomic.rmw32.cmpxchg_u offset=8");
    expect(text).toContain("i32.atomic.rmw16.xor_u");
    expect(text).toContain("br_table 0 1 200 2");
    expect(text).toContain("loop (result i32)");
    expect(text).toContain("if (type 3)");
    expect(text).toContain(`i64.const ${-(1n << 63n)}`);
    expect(text).toContain("local.set 203");
  });

  it("prints unknown bytes as .byte and goes on", () => {
    const insns = decodeBody(Uint8Array.from([0x6a, 0xff, 0xfc, 0x7f, 0x41]));
    // 0xfc 0x7f is no misc op: 0xfc alone, then 0x7f (i64.div_s); 0x41 lacks its immediate.
    expect(insns.map((x) => x.text)).toEqual(["i32.add", ".byte 0xff", ".byte 0xfc", "i64.div_s", ".byte 0x41"]);
    expect(insns.reduce((n, x) => n + x.length, 0)).toBe(5);
  });

  it("names direct calls from a module's imports", () => {
    const mb = new ModuleBuilder();
    const t = mb.addType([], []);
    mb.importFunction("rt", "first", t);
    mb.importFunction("helpers", "second", t);
    mb.sealPrefix();
    const fb = mb.beginFunction(t);
    fb.call(1);
    fb.call(0);
    fb.call(7);
    mb.endFunction();
    const module = mb.finish();
    const names = wasmImportNames(module);
    expect(names).toEqual(["rt.first", "helpers.second"]);
    const code = Uint8Array.from([0x10, 0x01, 0x10, 0x00, 0x10, 0x07]);
    expect(decodeBody(code, { funcName: (i) => names[i] }).map((x) => x.text)).toEqual(["call 1 <helpers.second>", "call 0 <rt.first>", "call 7"]);
    expect(wasmImportNames(Uint8Array.from([1, 2, 3]))).toEqual([]);
  });

  it("decodes real lowered TBs exactly, naming the runtime-table slots they call", () => {
    const t = createRiscvTarget();
    const shared = createExecShared({ ramBase: 0x8000_0000n, ramSize: 1 << 20, stateSize: t.stateSize, vcpus: 1 });
    const tmb = new TbModuleBuilder({ memoryPages: shared.layout.memoryPages, helpers: t.helpers }, lowerConfigOf(shared, t.pcOffset));
    const src = `
      addi a0, a0, 1
      ld a1, 8(a0)
      sw a1, -4(sp)
      amoadd.w.aqrl t2, t1, (t0)
      lr.d t3, (t0)
      sc.d t4, t3, (t0)
      fadd.d fa0, fa1, fa2
      divu a2, a3, a4
      mulh a5, a6, a7
      beq a0, a1, out
      jalr ra, 0(a5)
    out:
      ecall
    `;
    const asm = assembleProgram(src, 0x8000_0000n);
    if (!asm.ok) throw new Error(asm.error.message);
    const bytes = asm.bytes;
    let pc = 0x8000_0000n;
    const codes: Uint8Array[] = [];
    while (pc < 0x8000_0000n + BigInt(bytes.length)) {
      const base = pc;
      const tr = t.translate({
        pc: base, flags: t.tbFlags(new DataView(new ArrayBuffer(t.stateSize))), cflags: 0,
        code: { read: (a, n) => { const o = Number(a - 0x8000_0000n); if (o < 0 || o + n > bytes.length) return undefined; let v = 0; for (let k = n - 1; k >= 0; k--) v = v * 256 + bytes[o + k]!; return v; } },
      })!;
      optimize(tr.func);
      codes.push(tmb.add(tr.func).code);
      pc += BigInt(tr.size);
    }
    const module = tmb.finish();
    expect(WebAssembly.validate(module)).toBe(true);
    // TB modules import no function (their calls go through the runtime table).
    expect(wasmImportNames(module)).toEqual([]);
    let listing = "";
    for (const c of codes) {
      roundTrip(c);
      listing += disassembleBody(c, { slotName: (i) => tmb.slotNames[i] });
    }
    expect(listing).toMatch(/^0x[0-9a-f]{4}: {2}11 .* call_indirect \d+ 0 <helpers\.fp_fadd_d>$/m);
    expect(listing).toMatch(/return_call_indirect \d+ 0 <rt\.chain>/);
    expect(listing).toMatch(/\.atomic\.rmw/);
    expect(listing).toMatch(/^0x0000: {2}[0-9a-f]{2}/m);
  });
});
