// Decoder: typed results for legal instructions (compressed ones expanded), and illegal,
// reserved, long and truncated encodings reported as such — never decoded as something else.
import { describe, expect, it } from "vitest";
import { INSTRUCTIONS, OPCODES, decode, decodeAt, encode, instructionLength } from "../src/index.js";

function word(name: Parameters<typeof encode>[0], fields: Parameters<typeof encode>[1]): number {
  const e = encode(name, fields);
  if (!e.ok) throw new Error(e.message);
  return e.value;
}

describe("decoder", () => {
  it("decodes a 32-bit instruction to its fields", () => {
    expect(decode(0x00b50533)).toMatchObject({ illegal: false, name: "add", rd: 10, rs1: 10, rs2: 11, length: 4, raw: 0x00b50533, compressed: undefined });
    expect(decode(0xfff00513)).toMatchObject({ name: "addi", rd: 10, rs1: 0, imm: -1 });
    expect(decode(0x12345537)).toMatchObject({ name: "lui", rd: 10, imm: 0x12345000 });
    expect(decode(0x02b5f553)).toMatchObject({ name: "fadd.d", rd: 10, rs1: 11, rs2: 11, rm: 7 });
    expect(decode(0x0ff0000f)).toMatchObject({ name: "fence", pred: 15, succ: 15 });
    expect(decode(0x30002573)).toMatchObject({ name: "csrrs", rd: 10, csr: 0x300, rs1: 0 });
    expect(decode(0x06c5b52f)).toMatchObject({ name: "amoadd.d", rd: 10, rs1: 11, rs2: 12, aq: true, rl: true });
  });

  it("expands compressed parcels and keeps their length and bits", () => {
    expect(decode(0x0511)).toMatchObject({ name: "addi", rd: 10, rs1: 10, imm: 4, length: 2, raw: 0x0511 });
    expect(decode(0x0511)).toHaveProperty("compressed.name", "c.addi");
    expect(decode(0x8082)).toMatchObject({ name: "jalr", rd: 0, rs1: 1, imm: 0, length: 2 });
    expect(decode(0x7131)).toMatchObject({ name: "addi", rd: 2, rs1: 2, imm: -192 });
    expect(decode(0x4118)).toMatchObject({ name: "lw", rd: 14, rs1: 10, imm: 0 });
    expect(decode(0x65c1)).toMatchObject({ name: "lui", rd: 11, imm: 0x10000 });
    expect(decode(0x9002)).toMatchObject({ name: "ebreak", length: 2 });
    // Upper bits beyond a compressed parcel are ignored (a 32-bit fetch may be passed).
    expect(decode(0xdead0511)).toMatchObject({ name: "addi", raw: 0x0511 });
  });

  it("legal HINT encodings decode to their expansion", () => {
    expect(decode(0x0005)).toMatchObject({ name: "addi", rd: 0, imm: 1 }); // c.addi x0 (c.nop hint)
    expect(decode(0x4001)).toMatchObject({ name: "addi", rd: 0, rs1: 0, imm: 0 }); // c.li x0
    expect(decode(0x6005)).toMatchObject({ name: "lui", rd: 0 }); // c.lui x0
    expect(decode(0x8006)).toMatchObject({ name: "add", rd: 0, rs1: 0, rs2: 1 }); // c.mv x0
    expect(decode(0x8001)).toMatchObject({ name: "srli", rd: 8, imm: 0 }); // c.srli64
  });

  const illegal: [string, number, string][] = [
    ["all-zero parcel", 0x0000, "reserved-encoding"],
    ["C.ADDI4SPN with zero immediate", 0x0004, "reserved-encoding"],
    ["C.LUI with zero immediate", 0x6281, "reserved-encoding"],
    ["C.ADDI16SP (C.LUI rd=2) with zero immediate", 0x6101, "reserved-encoding"],
    ["C.LWSP rd=0", 0x4002, "reserved-encoding"],
    ["C.LDSP rd=0", 0x6002, "reserved-encoding"],
    ["C.JR rs1=0", 0x8002, "reserved-encoding"],
    ["C.ADDIW rd=0", 0x2001, "reserved-encoding"],
    ["compressed quadrant 0 funct3=100", 0x8000, "unknown-encoding"],
    ["C.SUBW-space reserved (funct2=10, bit12=1)", 0x9c41, "unknown-encoding"],
    ["reserved rounding mode 5 (fadd.d)", 0x02b5d553, "reserved-rounding-mode"],
    ["reserved rounding mode 6 (fmadd.s)", 0x68b5e543, "reserved-rounding-mode"],
    ["rm field nonzero where the instruction has none (fsgnj.s funct3=011)", 0x20b5b553, "unknown-encoding"],
    ["rm field nonzero where the instruction has none (fmv.x.w funct3=010)", 0xe0052553, "unknown-encoding"],
    ["slliw with shamt[5] set", word("slliw", { rd: 10, rs1: 10, imm: 1 }) | (1 << 25), "unknown-encoding"],
    ["srai with funct6 bit set", 0x4405d513 | (1 << 26), "unknown-encoding"],
    ["fence with rd != 0", 0x0ff0050f, "unknown-encoding"],
    ["fence with a reserved fm", 0x4ff0000f, "unknown-encoding"],
    ["ecall with rs1 != 0", 0x00050073, "unknown-encoding"],
    ["lr.w with rs2 != 0", 0x1005a52f | (1 << 20), "unknown-encoding"],
    ["custom-3 opcode", 0x0000007b, "unknown-encoding"],
    ["all-ones word", 0xffffffff, "long-encoding"],
  ];
  it.each(illegal)("rejects %s", (_what, bits, reason) => {
    const d = decode(bits);
    expect(d.illegal).toBe(true);
    if (d.illegal) {
      expect(d.reason).toBe(reason);
      expect(d.message).not.toBe("");
      expect(d.raw).toBe(reason === "long-encoding" ? bits & 0xffff : (bits & 3) === 3 ? bits >>> 0 : bits & 0xffff);
    }
  });

  it("legal neighbours of the rejected encodings", () => {
    expect(decode(word("slli", { rd: 10, rs1: 10, imm: 32 }))).toMatchObject({ name: "slli", imm: 32 }); // RV64: shamt[5] legal
    expect(decode(0x02b5c553)).toMatchObject({ name: "fadd.d", rm: 4 });
    expect(decode(0x8330000f)).toMatchObject({ name: "fence.tso" });
  });

  it("reports 48-bit and longer encodings with their length", () => {
    expect(instructionLength(0x001f)).toBe(6);
    expect(instructionLength(0x003f)).toBe(8);
    expect(instructionLength(0x007f)).toBe(10);
    expect(decode(0x0000001f)).toMatchObject({ illegal: true, reason: "long-encoding", length: 6 });
  });

  it("reports truncated input", () => {
    expect(decodeAt(new Uint8Array([0x13]), 0)).toMatchObject({ illegal: true, reason: "truncated", length: 1 });
    expect(decodeAt(new Uint8Array([0x33, 0x05]), 0)).toMatchObject({ illegal: true, reason: "truncated", length: 2, raw: 0x0533 });
    expect(decodeAt(new Uint8Array([0x11, 0x05]), 0)).toMatchObject({ illegal: false, name: "addi", length: 2 });
    expect(decodeAt(new Uint8Array([1, 2, 3]), 3)).toMatchObject({ illegal: true, reason: "truncated", length: 0 });
  });
});

describe("opcode ids", () => {
  it("OPCODES maps every mnemonic to the id the decoder reports", () => {
    expect(OPCODES.add).toBe((decode(0x00b50533) as { id: number }).id);
    expect(new Set(Object.values(OPCODES)).size).toBe(INSTRUCTIONS.length);
    INSTRUCTIONS.forEach((s, i) => expect(OPCODES[s.name]).toBe(i));
  });
});
