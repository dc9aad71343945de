// Semantic tests of the RISC-V front end: guest code assembled with @wasmu/isa, translated,
// run on the IR reference interpreter (unoptimized and optimized), registers compared with
// values derived from the RISC-V spec, boundary values included.
import { describe, expect, it } from "vitest";
import { Cause, CpuOffset, createRiscvTranslator, FFLAG_DZ, FFLAG_NV, FFLAG_NX, MAX_TB_INSNS, RISCV_TRANS, translateBlock, USER_TB_FLAGS } from "../src/index.js";
import { INSTRUCTIONS } from "@wasmu/isa";
import { asm, CODE_BASE, DATA_BASE, runAsm, TestMachine } from "./riscv-support.js";

const MIN = -0x8000_0000_0000_0000n;
const MAX = 0x7fff_ffff_ffff_ffffn;
const M32 = -0x8000_0000n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

// Registers: a0 = x10, a1 = x11, a2 = x12, a3 = x13.
interface Case {
  readonly code: string;
  readonly in: readonly bigint[];
  readonly out: bigint;
}

/** rd = a2 from a0, a1. */
const R = (code: string, a0: bigint, a1: bigint, out: bigint): Case => ({ code, in: [a0, a1], out });

const CASES: Readonly<Record<string, readonly Case[]>> = {
  "RV64I arithmetic": [
    R("add a2, a0, a1", MAX, 1n, MIN),
    R("sub a2, a0, a1", MIN, 1n, MAX),
    R("addi a2, a0, -2048", 0n, 0n, -2048n),
    R("addiw a2, a0, 1", 0x7fff_ffffn, 0n, M32),
    R("addw a2, a0, a1", 0xffff_ffffn, 1n, 0n),
    R("subw a2, a0, a1", 0n, 1n, -1n),
    R("slt a2, a0, a1", -1n, 0n, 1n),
    R("sltu a2, a0, a1", -1n, 0n, 0n),
    R("slti a2, a0, -1", MIN, 0n, 1n),
    R("sltiu a2, a0, -1", 5n, 0n, 1n),
    R("xori a2, a0, -1", 0x1234n, 0n, ~0x1234n),
    R("ori a2, a0, 0x700", 0x0ffn, 0n, 0x7ffn),
    R("andi a2, a0, 0x0f0", -1n, 0n, 0xf0n),
    R("and a2, a0, a1", 0xff00n, 0x0ff0n, 0x0f00n),
    R("or a2, a0, a1", 0xff00n, 0x0ff0n, 0xfff0n),
    R("xor a2, a0, a1", 0xff00n, 0x0ff0n, 0xf0f0n),
    R("sll a2, a0, a1", 1n, 65n, 2n),
    R("srl a2, a0, a1", MIN, 63n, 1n),
    R("sra a2, a0, a1", MIN, 63n, -1n),
    R("slli a2, a0, 63", 1n, 0n, MIN),
    R("srli a2, a0, 60", -1n, 0n, 0xfn),
    R("srai a2, a0, 4", -256n, 0n, -16n),
    R("sllw a2, a0, a1", 1n, 31n, M32),
    R("sllw a2, a0, a1", 1n, 32n, 1n),
    R("srlw a2, a0, a1", -1n, 4n, 0x0fff_ffffn),
    R("sraw a2, a0, a1", 0x8000_0000n, 31n, -1n),
    R("slliw a2, a0, 31", 1n, 0n, M32),
    R("srliw a2, a0, 0", 0xffff_ffffn, 0n, -1n),
    R("sraiw a2, a0, 16", 0x8000_0000n, 0n, -0x8000n),
    R("lui a2, 0x80000", 0n, 0n, M32),
    R("lui a2, 0xfffff", 0n, 0n, -0x1000n),
  ],
  "RV64M": [
    R("mul a2, a0, a1", MIN, -1n, MIN),
    R("mulh a2, a0, a1", MIN, MIN, 0x4000_0000_0000_0000n),
    R("mulh a2, a0, a1", -1n, 1n, -1n),
    R("mulhu a2, a0, a1", -1n, -1n, -2n),
    R("mulhsu a2, a0, a1", -1n, -1n, -1n),
    R("mulhsu a2, a0, a1", MIN, -1n, MIN),
    R("mulhsu a2, a0, a1", MIN, 2n, -1n),
    R("mulhsu a2, a0, a1", 2n, -1n, 1n),
    R("div a2, a0, a1", 7n, 0n, -1n),
    R("div a2, a0, a1", MIN, -1n, MIN),
    R("div a2, a0, a1", -7n, 2n, -3n),
    R("divu a2, a0, a1", 7n, 0n, -1n),
    R("divu a2, a0, a1", -1n, 2n, MAX),
    R("rem a2, a0, a1", 7n, 0n, 7n),
    R("rem a2, a0, a1", MIN, -1n, 0n),
    R("rem a2, a0, a1", -7n, 2n, -1n),
    R("remu a2, a0, a1", -1n, 0n, -1n),
    R("remu a2, a0, a1", 7n, 3n, 1n),
    R("mulw a2, a0, a1", 0x10000n, 0x10000n, 0n),
    R("mulw a2, a0, a1", 0x7fff_ffffn, 2n, -2n),
    R("divw a2, a0, a1", M32, -1n, M32),
    R("divw a2, a0, a1", 5n, 0n, -1n),
    R("divuw a2, a0, a1", 0xffff_fffen, 0n, -1n),
    R("divuw a2, a0, a1", 0xffff_fffen, 2n, 0x7fff_ffffn),
    R("remw a2, a0, a1", M32, -1n, 0n),
    R("remw a2, a0, a1", 0x1_0000_0005n, 0n, 5n),
    R("remuw a2, a0, a1", 0xffff_ffffn, 0n, -1n),
  ],
  "Zba": [
    R("sh1add a2, a0, a1", 3n, 1n, 7n),
    R("sh2add a2, a0, a1", 3n, 1n, 13n),
    R("sh3add a2, a0, a1", -1n, 0n, -8n),
    R("add.uw a2, a0, a1", -1n, 1n, 0x1_0000_0000n),
    R("sh1add.uw a2, a0, a1", -1n, 0n, 0x1_ffff_fffen),
    R("sh2add.uw a2, a0, a1", 0x1_0000_0001n, 0n, 4n),
    R("sh3add.uw a2, a0, a1", 0x8000_0000n, 0n, 0x4_0000_0000n),
    R("slli.uw a2, a0, 4", -1n, 0n, 0xf_ffff_fff0n),
  ],
  "Zbb": [
    R("andn a2, a0, a1", 0xffn, 0x0fn, 0xf0n),
    R("orn a2, a0, a1", 0n, -2n, 1n),
    R("xnor a2, a0, a1", 0n, 0n, -1n),
    R("clz a2, a0", 0n, 0n, 64n),
    R("clz a2, a0", 1n, 0n, 63n),
    R("ctz a2, a0", 0n, 0n, 64n),
    R("ctz a2, a0", MIN, 0n, 63n),
    R("cpop a2, a0", -1n, 0n, 64n),
    R("clzw a2, a0", 0xffff_ffff_0000_0000n, 0n, 32n),
    R("clzw a2, a0", 0x8000_0000n, 0n, 0n),
    R("ctzw a2, a0", 0xffff_ffff_0000_0000n, 0n, 32n),
    R("ctzw a2, a0", 0x10n, 0n, 4n),
    R("cpopw a2, a0", -1n, 0n, 32n),
    R("max a2, a0, a1", -1n, 1n, 1n),
    R("maxu a2, a0, a1", -1n, 1n, -1n),
    R("min a2, a0, a1", -1n, 1n, -1n),
    R("minu a2, a0, a1", -1n, 1n, 1n),
    R("sext.b a2, a0", 0x80n, 0n, -128n),
    R("sext.h a2, a0", 0x7fffn, 0n, 0x7fffn),
    R("zext.h a2, a0", -1n, 0n, 0xffffn),
    R("rol a2, a0, a1", MIN, 1n, 1n),
    R("ror a2, a0, a1", 1n, 1n, MIN),
    R("rolw a2, a0, a1", 0x8000_0000n, 1n, 1n),
    R("rorw a2, a0, a1", 1n, 1n, M32),
    R("rori a2, a0, 4", 0xfn, 0n, s64(0xf000_0000_0000_0000n)),
    R("roriw a2, a0, 4", 0xfn, 0n, s64(0xffff_ffff_f000_0000n)),
    R("orc.b a2, a0", 0x0001_0080_0000_7f00n, 0n, 0x00ff_00ff_0000_ff00n),
    R("orc.b a2, a0", -1n, 0n, -1n),
    R("rev8 a2, a0", 0x0102_0304_0506_0708n, 0n, 0x0807_0605_0403_0201n),
  ],
  "Zbs": [
    R("bclr a2, a0, a1", -1n, 63n, MAX),
    R("bclri a2, a0, 0", -1n, 0n, -2n),
    R("bext a2, a0, a1", MIN, 127n, 1n),
    R("bexti a2, a0, 62", MIN, 0n, 0n),
    R("binv a2, a0, a1", 0n, 64n, 1n),
    R("binvi a2, a0, 63", 0n, 0n, MIN),
    R("bset a2, a0, a1", 0n, 5n, 32n),
    R("bseti a2, a0, 40", 0n, 0n, 0x100_0000_0000n),
  ],
  "Zicond": [
    R("czero.eqz a2, a0, a1", 5n, 0n, 0n),
    R("czero.eqz a2, a0, a1", 5n, 1n, 5n),
    R("czero.nez a2, a0, a1", 5n, 0n, 5n),
    R("czero.nez a2, a0, a1", 5n, -1n, 0n),
  ],
};

describe("RISC-V integer semantics on the IR interpreter", () => {
  for (const [group, cases] of Object.entries(CASES)) {
    for (const opt of [false, true]) {
      it(`${group}${opt ? " (optimized)" : ""}`, () => {
        for (const c of cases) {
          const m = runAsm(`${c.code}\nebreak`, { 10: c.in[0] ?? 0n, 11: c.in[1] ?? 0n }, { optimize: opt });
          expect(m.cpu.x(12), `${c.code} with ${c.in.join(", ")}`).toBe(c.out);
        }
      });
    }
  }

  it("writes to x0 are discarded and rd = rs works", () => {
    const m = runAsm("addi zero, zero, 5\nadd a0, a0, a0\nsub a1, a1, a1\nebreak", { 10: 21n, 11: 9n });
    expect(m.cpu.x(0)).toBe(0n);
    expect(m.cpu.x(10)).toBe(42n);
    expect(m.cpu.x(11)).toBe(0n);
  });
});

describe("loads, stores and control flow", () => {
  it("loads sign/zero-extend, stores write the low bytes", () => {
    const m = runAsm(
      `li t0, -1
       sd t0, 0(a0)
       li t1, 0x80
       sb t1, 1(a0)
       sh zero, 2(a0)
       lb a1, 1(a0)
       lbu a2, 1(a0)
       lh a3, 0(a0)
       lhu a4, 0(a0)
       lw a5, 0(a0)
       lwu a6, 0(a0)
       ld a7, 0(a0)
       sw zero, 4(a0)
       ld s2, 0(a0)
       ebreak`,
      { 10: DATA_BASE },
    );
    expect([11, 12, 13, 14, 15, 16, 17, 18].map((r) => m.cpu.x(r))).toEqual([
      -128n, 0x80n, -0x7f01n, 0x80ffn, 0x80ffn, 0x80ffn, s64(0xffff_ffff_0000_80ffn), 0x80ffn,
    ]);
  });

  it("misaligned plain loads are allowed (user mode)", () => {
    const m = runAsm("sd t0, 8(a0)\nld a1, 9(a0)\nebreak", { 10: DATA_BASE, 5: 0x1122334455667788n });
    expect(m.cpu.x(11)).toBe(0x11223344556677n);
  });

  it("a loop with branches, jal and jalr", () => {
    // sum 1..10, then call and return.
    const m = runAsm(
      `li a0, 0
       li t0, 10
     loop:
       add a0, a0, t0
       addi t0, t0, -1
       bnez t0, loop
       jal ra, f
       j end
     f:
       addi a0, a0, 100
       ret
     end:
       ebreak`,
    );
    expect(m.cpu.x(10)).toBe(155n);
    expect(m.cpu.x(1)).toBe(CODE_BASE + 0x18n);
  });

  it("jalr with rd = rs1 jumps to the old value; bit 0 of the target is cleared", () => {
    const code = asm("auipc t0, 0\naddi t0, t0, 17\njalr t0, 0(t0)\nebreak\nli a0, 7\nebreak");
    const m = new TestMachine().load(code);
    const end = m.run();
    expect(end).toMatchObject({ kind: "exception", cause: Cause.BREAKPOINT });
    expect(m.cpu.x(10)).toBe(7n);
    expect(m.cpu.x(5)).toBe(CODE_BASE + 12n);
  });

  it("every branch condition, taken and not taken", () => {
    const conds: [string, bigint, bigint, boolean][] = [
      ["beq", 1n, 1n, true], ["beq", 1n, 2n, false], ["bne", 1n, 2n, true], ["bne", 3n, 3n, false],
      ["blt", -1n, 0n, true], ["blt", 0n, -1n, false], ["bge", 0n, -1n, true], ["bge", MIN, MAX, false],
      ["bltu", 0n, -1n, true], ["bltu", -1n, 0n, false], ["bgeu", -1n, 0n, true], ["bgeu", 0n, 1n, false],
    ];
    for (const [op, a, b, taken] of conds) {
      const m = runAsm(`li a2, 0\n${op} a0, a1, out\nli a2, 1\nout: ebreak`, { 10: a, 11: b });
      expect(m.cpu.x(12), `${op} ${a} ${b}`).toBe(taken ? 0n : 1n);
    }
  });

  it("compressed instructions run with their own lengths", () => {
    const m = new TestMachine().load(asm("li a0, 5\naddi a0, a0, 3\nmv a1, a0\nadd a1, a1, a0\nebreak", CODE_BASE, true));
    const end = m.run();
    expect(end).toMatchObject({ kind: "exception", cause: Cause.BREAKPOINT, pc: CODE_BASE + 8n });
    expect(m.cpu.x(11)).toBe(16n);
    expect(m.tbs[0]!.size).toBe(10);
  });
});

describe("precise exceptions", () => {
  it("a faulting load leaves rd and later state untouched and reports its pc", () => {
    const m = new TestMachine().load(asm("li a1, 1\nli a2, 2\nld a2, 0(a0)\nli a3, 3\nebreak"));
    m.cpu.setX(10, 0x9999_0000n);
    const end = m.run();
    expect(end).toEqual({ kind: "fault", pc: CODE_BASE + 8n, addr: 0x9999_0000n, misaligned: false });
    expect([m.cpu.x(11), m.cpu.x(12), m.cpu.x(13)]).toEqual([1n, 2n, 0n]);
  });

  it("a faulting store and AMO report their pc; a misaligned AMO is a misaligned fault", () => {
    let m = new TestMachine().load(asm("li a1, 1\nsd a1, 0(a0)\nebreak"));
    m.cpu.setX(10, 8n);
    expect(m.run()).toEqual({ kind: "fault", pc: CODE_BASE + 4n, addr: 8n, misaligned: false });
    m = new TestMachine().load(asm("amoadd.w a2, a1, (a0)\nebreak"));
    m.cpu.setX(10, DATA_BASE + 2n);
    expect(m.run()).toEqual({ kind: "fault", pc: CODE_BASE, addr: DATA_BASE + 2n, misaligned: true });
    expect(m.cpu.x(12)).toBe(0n);
  });

  it("ecall, ebreak and illegal instructions record cause, tval and pc", () => {
    let m = new TestMachine().load(asm("li a0, 1\necall\nli a0, 2"));
    expect(m.run()).toEqual({ kind: "exception", cause: Cause.ECALL_U, pc: CODE_BASE + 4n, tval: 0n });
    expect(m.cpu.x(10)).toBe(1n);
    m = new TestMachine().load(new Uint8Array([0x13, 0x05, 0x10, 0x00, 0x73, 0x10, 0x00, 0xc0]));
    expect(m.run()).toEqual({ kind: "exception", cause: Cause.ILLEGAL_INSN, pc: CODE_BASE + 4n, tval: 0xc0001073n });
    expect(m.cpu.x(10)).toBe(1n);
    m = new TestMachine().load(asm("mret"));
    expect(m.run()).toMatchObject({ kind: "exception", cause: Cause.ILLEGAL_INSN, pc: CODE_BASE });
    m = new TestMachine().load(asm("csrr a0, mstatus"));
    expect(m.run()).toMatchObject({ kind: "exception", cause: Cause.ILLEGAL_INSN, pc: CODE_BASE });
    m = new TestMachine().load(asm("csrw cycle, a0"));
    expect(m.run()).toMatchObject({ kind: "exception", cause: Cause.ILLEGAL_INSN, pc: CODE_BASE });
  });

  it("an instruction fetch fault at the TB start raises INSN_ACCESS; later it ends the TB", () => {
    const m = new TestMachine();
    m.cpu.pc = 0x4000n;
    expect(m.run()).toEqual({ kind: "exception", cause: Cause.INSN_ACCESS, pc: 0x4000n, tval: 0x4000n });
    // A 4-byte instruction whose second parcel is unmapped: the fault is at pc + 2, with the
    // cause the translator's fetchFaultCause gives (system mode: a page fault).
    const pf = new TestMachine({ tr: createRiscvTranslator({ fetchFaultCause: () => Cause.INSN_PAGE_FAULT }) });
    const top = CODE_BASE + BigInt(pf.mem.bytes.length) - 2n;
    pf.mem.write(top, new Uint8Array([0x13, 0x05]));
    pf.cpu.pc = top;
    expect(pf.run()).toEqual({ kind: "exception", cause: Cause.INSN_PAGE_FAULT, pc: top, tval: top + 2n });
  });
});

describe("A extension", () => {
  it("LR/SC succeed on an intact reservation and fail after SC or on another address", () => {
    const m = runAsm(
      `li t0, 5
       sw t0, 0(a0)
       lr.w a1, (a0)
       addi a1, a1, 1
       sc.w a2, a1, (a0)
       sc.w a3, a1, (a0)
       lr.d t1, (a0)
       sc.d a4, t1, 8(a0)
       lw a5, 0(a0)
       ebreak`.replace("8(a0)", "(a6)"),
      { 10: DATA_BASE, 16: DATA_BASE + 8n },
    );
    expect([m.cpu.x(12), m.cpu.x(13), m.cpu.x(14), m.cpu.x(15)]).toEqual([0n, 1n, 1n, 6n]);
  });

  it("SC fails when memory changed since LR", () => {
    const m = runAsm("lr.d a1, (a0)\nli t0, 9\nsd t0, 0(a0)\nsc.d a2, a1, (a0)\nld a3, 0(a0)\nebreak", { 10: DATA_BASE });
    expect([m.cpu.x(12), m.cpu.x(13)]).toEqual([1n, 9n]);
  });

  it("every AMO returns the old value and stores the operation's result", () => {
    const amos: [string, bigint, bigint, bigint][] = [
      ["amoswap.w", 5n, 7n, 7n], ["amoadd.w", 0x7fff_ffffn, 1n, M32], ["amoxor.w", 0xffn, 0x0fn, 0xf0n],
      ["amoand.w", 0xffn, 0x0fn, 0x0fn], ["amoor.w", 0xf0n, 0x0fn, 0xffn], ["amomin.w", -1n, 1n, -1n],
      ["amomax.w", -1n, 1n, 1n], ["amominu.w", -1n, 1n, 1n], ["amomaxu.w", -1n, 1n, -1n],
      ["amoswap.d", 5n, MIN, MIN], ["amoadd.d", MAX, 1n, MIN], ["amoxor.d", -1n, 1n, -2n],
      ["amoand.d", -1n, 6n, 6n], ["amoor.d", 1n, 6n, 7n], ["amomin.d", MIN, MAX, MIN],
      ["amomax.d", MIN, MAX, MAX], ["amominu.d", MIN, MAX, MAX], ["amomaxu.d", MIN, MAX, MIN],
    ];
    for (const [op, old, v, res] of amos) {
      const w = op.endsWith(".w");
      const m = runAsm(`${w ? "sw" : "sd"} a1, 0(a0)\n${op}.aqrl a3, a2, (a0)\n${w ? "lw" : "ld"} a4, 0(a0)\nebreak`, { 10: DATA_BASE, 11: old, 12: v });
      expect([op, m.cpu.x(13), m.cpu.x(14)]).toEqual([op, w ? BigInt.asIntN(32, old) : old, w ? BigInt.asIntN(32, res) : res]);
    }
  });
});

describe("F and D extensions", () => {
  const ONE_D = 0x3ff0_0000_0000_0000n;
  const TWO_D = 0x4000_0000_0000_0000n;
  const THREE_D = 0x4008_0000_0000_0000n;
  const BOX = 0xffff_ffff_0000_0000n;
  const ONE_S = BOX | 0x3f80_0000n;

  it("fadd.d, fdiv.d by zero (DZ), fsqrt.s of -1 (NV, canonical NaN), fflags accrue", () => {
    const m = runAsm(
      `fadd.d fa0, fa1, fa2
       fdiv.d fa3, fa1, fa4
       fsqrt.s fa5, fa6
       frflags a0
       ebreak`,
      {},
      { fregs: { 11: ONE_D, 12: TWO_D, 14: 0n, 16: BOX | 0xbf80_0000n } },
    );
    expect(m.cpu.f(10)).toBe(THREE_D);
    expect(m.cpu.f(13)).toBe(0x7ff0_0000_0000_0000n);
    expect(m.cpu.f(15)).toBe(BOX | 0x7fc0_0000n);
    expect(m.cpu.x(10)).toBe(BigInt(FFLAG_DZ | FFLAG_NV));
  });

  it("NaN boxing: flw boxes, an unboxed single operand reads as the canonical NaN, fmv.x.w sign-extends", () => {
    const m = runAsm(
      `sw t0, 0(a0)
       flw fa0, 0(a0)
       fadd.s fa1, fa0, fa2
       fmv.x.w a1, fa0
       fmv.w.x fa3, t1
       fmv.x.w a2, fa3
       fsd fa0, 8(a0)
       ld a3, 8(a0)
       ebreak`,
      { 10: DATA_BASE, 5: 0x3f80_0000n, 6: 0xbf80_0000n },
      { fregs: { 12: 0x3f80_0000n } },
    );
    expect(m.cpu.f(10)).toBe(ONE_S);
    expect(m.cpu.f(11)).toBe(BOX | 0x7fc0_0000n);
    expect(m.cpu.x(11)).toBe(0x3f80_0000n);
    expect(m.cpu.f(13)).toBe(BOX | 0xbf80_0000n);
    expect(m.cpu.x(12)).toBe(-0x4080_0000n);
    expect(m.cpu.x(13)).toBe(s64(ONE_S));
  });

  it("static and dynamic rounding modes; a reserved frm raises at run time", () => {
    // 1/3 rounded down and up differ in the last bit.
    const code = `fdiv.d fa0, fa1, fa2, rdn
                  fdiv.d fa3, fa1, fa2, rup
                  fsrmi 3
                  fdiv.d fa4, fa1, fa2
                  ebreak`;
    const m = runAsm(code, {}, { fregs: { 11: ONE_D, 12: THREE_D } });
    expect(m.cpu.f(3 + 10) - m.cpu.f(10)).toBe(1n);
    expect(m.cpu.f(14)).toBe(m.cpu.f(13));
    expect(m.cpu.fflags).toBe(FFLAG_NX);
    const bad = new TestMachine().load(asm("li a0, 1\nfsrmi 5\nfadd.d fa0, fa1, fa2\nli a0, 2\nebreak"));
    const end = bad.run();
    expect(end).toMatchObject({ kind: "exception", cause: Cause.ILLEGAL_INSN, pc: CODE_BASE + 8n });
    expect(bad.cpu.x(10)).toBe(1n);
  });

  it("fcsr, frm and fflags CSRs", () => {
    const m = runAsm("li t0, 0xff\ncsrw fcsr, t0\ncsrr a0, frm\ncsrr a1, fflags\ncsrrci a2, fflags, 1\ncsrr a3, fcsr\nebreak");
    expect([m.cpu.x(10), m.cpu.x(11), m.cpu.x(12), m.cpu.x(13)]).toEqual([7n, 0x1fn, 0x1fn, 0xfen]);
    expect(m.cpu.view.getUint32(CpuOffset.FRM, true)).toBe(7);
  });

  it("conversions saturate and set NV; fsgnj.d; fclass; compares", () => {
    const m = runAsm(
      `fcvt.w.d a0, fa0, rtz
       fcvt.lu.d a1, fa1, rtz
       fsgnjn.d fa2, fa3, fa3
       fsgnjx.d fa4, fa3, fa2
       fclass.d a2, fa2
       flt.d a3, fa3, fa0
       feq.d a4, fa5, fa5
       fcvt.d.l fa6, a5
       ebreak`,
      { 15: -3n },
      { fregs: { 10: 0x7ff0_0000_0000_0000n, 11: 0xbff0_0000_0000_0000n, 13: ONE_D, 15: 0x7ff0_0000_0000_0001n } },
    );
    expect(m.cpu.x(10)).toBe(0x7fff_ffffn);
    expect(m.cpu.x(11)).toBe(0n);
    expect(m.cpu.f(12)).toBe(0xbff0_0000_0000_0000n);
    expect(m.cpu.f(14)).toBe(0xbff0_0000_0000_0000n);
    expect(m.cpu.x(12)).toBe(2n); // negative normal
    expect(m.cpu.x(13)).toBe(1n);
    expect(m.cpu.x(14)).toBe(0n);
    expect(m.cpu.f(16)).toBe(0xc008_0000_0000_0000n);
    expect(m.cpu.fflags & FFLAG_NV).toBe(FFLAG_NV);
  });
});

describe("TB limits", () => {
  it("cflags limits the instruction count (1 single-steps); MAX_TB_INSNS bounds every TB", () => {
    const m = new TestMachine().load(asm(Array.from({ length: 300 }, () => "addi a0, a0, 1").join("\n")));
    const tr = createRiscvTranslator();
    const one = translateBlock(tr, CODE_BASE, USER_TB_FLAGS, 1, m.mem.fetcher());
    expect([one.insns, one.size, one.successors]).toEqual([1, 4, [CODE_BASE + 4n]]);
    const full = translateBlock(tr, CODE_BASE, USER_TB_FLAGS, 0, m.mem.fetcher());
    expect(full.insns).toBe(MAX_TB_INSNS);
    expect(full.insnPcs[MAX_TB_INSNS - 1]).toBe(CODE_BASE + BigInt(4 * (MAX_TB_INSNS - 1)));
  });
});

describe("the translator table", () => {
  it("has a translator for every instruction the decoder knows", () => {
    const missing = INSTRUCTIONS.filter((row) => typeof RISCV_TRANS[row.name] !== "function").map((r) => r.name);
    expect(missing).toEqual([]);
  });
});
