// Assembler: pseudo-instructions, objdump's spellings, pc-relative targets, compression,
// multi-line programs with labels, and typed errors with line and column. The expected
// encodings were checked against GNU as 2.40 (rv64gc, with and without RVC).
import { describe, expect, it } from "vitest";
import { assemble, assembleProgram, decodeAt } from "../src/index.js";

function hex(text: string, options: Parameters<typeof assemble>[1] = {}): string {
  const a = assemble(text, options);
  if (!a.ok) throw new Error(`${text}: ${a.error.message}`);
  let v = 0;
  for (let i = a.length - 1; i >= 0; i--) v = v * 256 + a.bytes[i]!;
  return v.toString(16).padStart(a.length * 2, "0");
}

describe("assemble", () => {
  it("assembles pseudo-instructions that are one instruction", () => {
    expect(hex("nop")).toBe("00000013");
    expect(hex("li a0,-1")).toBe("fff00513");
    expect(hex("mv a0,a1")).toBe("00058513");
    expect(hex("not a0,a1")).toBe("fff5c513");
    expect(hex("neg a0,a1")).toBe("40b00533");
    expect(hex("seqz a0,a1")).toBe("0015b513");
    expect(hex("ret")).toBe("00008067");
    expect(hex("jr a0")).toBe("00050067");
    expect(hex("csrr a0,mstatus")).toBe("30002573");
    expect(hex("frflags a0")).toBe("00102573");
    expect(hex("rdcycle a0")).toBe("c0002573");
    expect(hex("fmv.d fa0,fa1")).toBe("22b58553");
    expect(hex("sext.w a0,a1")).toBe("0005851b");
    expect(hex("zext.w a0,a1")).toBe("0805853b");
    expect(hex("fence")).toBe("0ff0000f");
    expect(hex("bgt a0,a1,.+8")).toBe("00a5c463");
  });

  it("accepts objdump's output, annotations included", () => {
    expect(hex("add\ta0,a0,4")).toBe("00450513");
    expect(hex("sll\ta1,a1,0x2")).toBe("00259593");
    expect(hex("lw\ta6,0(a6) # 6 <f+0x6>")).toBe("00082803");
    expect(hex("jal\t10300 <main+0x14>", { pc: 0x10000n })).toBe("300000ef");
    expect(hex("beqz\ta0,fffc", { pc: 0x10000n })).toBe("fe050ee3");
    expect(hex(".4byte\t0xc3676d7")).toBe("0c3676d7");
    expect(hex("fence\tiorw,unknown")).toBe("0f00000f");
  });

  it("compresses like GNU as when asked", () => {
    expect(hex("addi a0,a0,4", { compress: true })).toBe("0511");
    expect(hex("addi sp,sp,-192", { compress: true })).toBe("7131");
    expect(hex("addi a0,a1,0", { compress: true })).toBe("852e");
    expect(hex("ld a0,8(sp)", { compress: true })).toBe("6522");
    expect(hex("add a0,a1,a2", { compress: true })).toBe("00c58533");
    expect(hex("c.li zero,0")).toBe("4001");
    expect(hex("c.srli64 s0")).toBe("8001");
    expect(hex("c.lwsp a0,12(sp)")).toBe("4532");
  });

  it("reports errors with line and column, never throws", () => {
    expect(assemble("frob a0,a1", { line: 7 })).toEqual({ ok: false, error: { message: 'unknown instruction "frob"', line: 7, column: 1 } });
    const r = assemble("addi a0, a1, 4096");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ line: 1, column: 14 });
    const reg = assemble("  add a0,a1,q9");
    expect(reg.ok).toBe(false);
    if (!reg.ok) expect(reg.error.column).toBe(13);
    expect(assemble("add a0,a1").ok).toBe(false);
    expect(assemble("slli a0,a0,64").ok).toBe(false);
    expect(assemble("beq a0,a1,.+3").ok).toBe(false);
    expect(assemble("").ok).toBe(false);
    expect(assemble("fadd.s fa0,fa1,fa2,xyz").ok).toBe(false);
  });
});

// Every explicit RVC mnemonic with boundary operands; encodings from GNU as 2.40 (-march=rv64gc).
const GNU_RVC: [string, string][] = [
    ["c.addi4spn s0,sp,1020", "1fe0"],
    ["c.fld fs1,248(a5)", "3fe4"],
    ["c.lw a0,124(s1)", "5ce8"],
    ["c.ld a5,248(a0)", "7d7c"],
    ["c.fsd fa5,8(s0)", "a41c"],
    ["c.sw a1,4(a2)", "c24c"],
    ["c.sd a3,16(a4)", "eb14"],
    ["c.addi t6,-32", "1f81"],
    ["c.addiw a0,31", "257d"],
    ["c.li a0,-1", "557d"],
    ["c.addi16sp sp,-512", "7101"],
    ["c.lui a0,0xfffff", "757d"],
    ["c.lui t0,0x1f", "62fd"],
    ["c.srli a0,63", "917d"],
    ["c.srai s1,1", "8485"],
    ["c.andi a5,-32", "9b81"],
    ["c.sub s0,s1", "8c05"],
    ["c.xor a0,a1", "8d2d"],
    ["c.or a2,a3", "8e55"],
    ["c.and a4,a5", "8f7d"],
    ["c.subw s0,a5", "9c1d"],
    ["c.addw a0,a1", "9d2d"],
    ["c.j .+2046", "affd"],
    ["c.beqz s0,.-256", "d001"],
    ["c.bnez a5,.+254", "effd"],
    ["c.slli t6,63", "1ffe"],
    ["c.fldsp ft11,504(sp)", "3ffe"],
    ["c.lwsp ra,252(sp)", "50fe"],
    ["c.ldsp t6,504(sp)", "7ffe"],
    ["c.jr t0", "8282"],
    ["c.mv a0,t6", "857e"],
    ["c.ebreak", "9002"],
    ["c.jalr a0", "9502"],
    ["c.add sp,t6", "917e"],
    ["c.fsdsp fs0,504(sp)", "bfa2"],
    ["c.swsp t6,252(sp)", "dffe"],
    ["c.sdsp ra,504(sp)", "ff86"],
    ["c.nop", "0001"],
];

describe("explicit RVC mnemonics", () => {
  it.each(GNU_RVC)("%s = %s", (text, encoding) => {
    expect(hex(text)).toBe(encoding);
  });
});

describe("assembleProgram", () => {
  it("resolves labels, forward and backward", () => {
    const r = assembleProgram(
      `
      # count down from 10
      start:  li a0, 10
      loop:   addi a0, a0, -1
              bnez a0, loop      // back
              j done
              .word 0xdeadbeef
      done:   ret
      `,
      0x1000n,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.labels.get("loop")).toBe(0x1004n);
    expect(r.labels.get("done")).toBe(0x1014n);
    expect(decodeAt(r.bytes, 8)).toMatchObject({ name: "bne", imm: -4 });
    expect(decodeAt(r.bytes, 12)).toMatchObject({ name: "jal", rd: 0, imm: 8 });
    expect(r.bytes.length).toBe(0x18);
  });

  it("compresses where it can", () => {
    const r = assembleProgram("l: addi a0,a0,1\n  beqz a0,l\n  ret", 0n, { compress: true });
    expect(r.ok).toBe(true);
    if (r.ok) expect(Array.from(r.bytes)).toEqual([0x05, 0x05, 0xe3, 0x0f, 0x05, 0xfe, 0x82, 0x80]);
  });

  it("reports the failing line and column", () => {
    const r = assembleProgram("nop\nnop\n  bogus a0\n", 0n);
    expect(r).toEqual({ ok: false, error: { message: 'unknown instruction "bogus"', line: 3, column: 3 } });
    const l = assembleProgram("x: nop\nx: nop");
    expect(l.ok).toBe(false);
    const m = assembleProgram("j nowhere");
    expect(m.ok).toBe(false);
  });
});
