// Wraps a random sequence (random-program.ts) in a small static riscv64 Linux ELF for
// qemu-riscv64, so the same sequences can be checked against QEMU where it is installed.
//
// One RWX PT_LOAD segment maps the window at BASE, so the sequence runs at the same
// address as on the reference (auipc and link values agree). The entry (at BASE + ENTRY)
// sets fcsr, f0..f31 and x1..x31 from an initial-state block and jumps to BASE; the
// sequence's final ebreak is replaced by a jump to the exit code, which stores x1..x31,
// f0..f31 and fcsr after the data area through x9 (a base register the sequence never
// writes; x8 gives the data area's address), writes the data area and that block to
// stdout and exits.
import { encode, type EncodeFields, type Mnemonic } from "@wasmu/isa";
import { BASE, BASE_REGS, DATA, DATA_SIZE, type RandomProgram } from "./random-program.js";

/** Offset of the saved-state block (right after the data area). */
const SAVE = DATA + DATA_SIZE;
/** Offset of the initial-state block, the entry code and the exit code. */
const INIT = SAVE + 0x400;
const ENTRY = SAVE + 0x800;
const EXIT = SAVE + 0xc00;
const IMAGE = SAVE + 0x1000;
/** Bytes QEMU prints: the data area, then x0..x31, f0..f31, fcsr (8 bytes each). */
export const QEMU_OUTPUT_BYTES = DATA_SIZE + 65 * 8;

function insn(name: string, f: EncodeFields): number {
  const e = encode(name as Mnemonic, f);
  if (!e.ok) throw new Error(`qemu-elf: ${e.message}`);
  return e.value;
}

/** The ELF image running `p` under qemu-riscv64. */
export function qemuElf(p: RandomProgram): Uint8Array {
  const img = new Uint8Array(IMAGE);
  const v = new DataView(img.buffer);
  img.set(p.code);
  img.set(p.data, DATA);
  // Initial state: x0..x31, f0..f31, fcsr.
  p.x.forEach((x, i) => v.setBigUint64(INIT + 8 * i, x, true));
  p.f.forEach((f, i) => v.setBigUint64(INIT + 256 + 8 * i, f, true));
  v.setBigUint64(INIT + 512, BigInt((p.frm << 5) | p.fflags), true);
  // Entry: x31 = INIT; fcsr, f regs, x1..x30, then x31 itself; jump to BASE.
  const entry: number[] = [
    insn("auipc", { rd: 31, imm: 0 }),
    insn("addi", { rd: 31, rs1: 31, imm: INIT - ENTRY }),
    insn("ld", { rd: 1, rs1: 31, imm: 512 }),
    insn("csrrw", { rd: 0, rs1: 1, csr: 3 }),
  ];
  for (let i = 0; i < 32; i++) entry.push(insn("fld", { rd: i, rs1: 31, imm: 256 + 8 * i }));
  for (let i = 1; i < 32; i++) entry.push(insn("ld", { rd: i, rs1: 31, imm: 8 * i }));
  entry.push(insn("jal", { rd: 0, imm: -(ENTRY + 4 * entry.length) }));
  entry.forEach((w, i) => v.setUint32(ENTRY + 4 * i, w, true));
  // The final ebreak becomes a jump to the exit code.
  v.setUint32(p.ebreakOffset, insn("jal", { rd: 0, imm: EXIT - p.ebreakOffset }), true);
  const [b9, off9] = BASE_REGS.find(([r]) => r === 9)!;
  const [b8, off8] = BASE_REGS.find(([r]) => r === 8)!;
  const save = SAVE - DATA - off9; // SAVE relative to x9
  const exit: number[] = [];
  for (let i = 1; i < 32; i++) exit.push(insn("sd", { rs1: b9, rs2: i, imm: save + 8 * i }));
  for (let i = 0; i < 32; i++) exit.push(insn("fsd", { rs1: b9, rs2: i, imm: save + 256 + 8 * i }));
  exit.push(
    insn("csrrs", { rd: 1, rs1: 0, csr: 3 }),
    insn("sd", { rs1: b9, rs2: 1, imm: save + 512 }),
    insn("addi", { rd: 10, rs1: 0, imm: 1 }), // fd 1
    insn("addi", { rd: 11, rs1: b8, imm: -off8 }), // the data area
    insn("lui", { rd: 12, imm: (QEMU_OUTPUT_BYTES + 0x800) & ~0xfff }),
    insn("addi", { rd: 12, rs1: 12, imm: ((QEMU_OUTPUT_BYTES & 0xfff) << 20) >> 20 }),
    insn("addi", { rd: 17, rs1: 0, imm: 64 }), // write
    insn("ecall", {}),
    insn("addi", { rd: 10, rs1: 0, imm: 0 }),
    insn("addi", { rd: 17, rs1: 0, imm: 93 }), // exit
    insn("ecall", {}),
  );
  exit.forEach((w, i) => v.setUint32(EXIT + 4 * i, w, true));

  // ELF64 header, one program header, the image at file offset 0x1000.
  const elf = new Uint8Array(0x1000 + IMAGE);
  const e = new DataView(elf.buffer);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  e.setUint16(16, 2, true); // ET_EXEC
  e.setUint16(18, 243, true); // EM_RISCV
  e.setUint32(20, 1, true);
  e.setBigUint64(24, BASE + BigInt(ENTRY), true);
  e.setBigUint64(32, 64n, true); // phoff
  e.setUint32(48, 0x5, true); // EF_RISCV_RVC | float ABI double
  e.setUint16(52, 64, true);
  e.setUint16(54, 56, true);
  e.setUint16(56, 1, true);
  e.setUint16(58, 64, true);
  e.setUint32(64, 1, true); // PT_LOAD
  e.setUint32(68, 7, true); // RWX
  e.setBigUint64(72, 0x1000n, true);
  e.setBigUint64(80, BASE, true);
  e.setBigUint64(88, BASE, true);
  e.setBigUint64(96, BigInt(IMAGE), true);
  e.setBigUint64(104, BigInt(IMAGE), true);
  e.setBigUint64(112, 0x1000n, true);
  elf.set(img, 0x1000);
  return elf;
}
