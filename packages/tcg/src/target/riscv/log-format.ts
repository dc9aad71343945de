/**
 * The RISC-V target's `-d` formatters (exec/log.ts's {@link TargetLogFormat}): in_asm lines
 * laid out as qemu-riscv64 7.2 prints them (`0x%016x:  <insn hex, 16 wide>  <mnemonic, 24
 * wide><operands>`), with the instruction text of @wasmu/isa's objdump-compatible
 * disassembler (QEMU's own disassembler spells some instructions differently: objdump's
 * aliases such as `li` for `addi rd,zero,imm`); and the cpu item's register dump in
 * QEMU's user-mode riscv_cpu_dump_state format (pc, x0/zero..x31/t6 four per line, and
 * with the fpu item f0/ft0..f31/ft11).
 *
 * @module
 */
import { Disassembler, FPR_NAMES, GPR_NAMES } from "@wasmu/isa";
import { hex16, type TargetLogFormat } from "../../exec/log.js";
import type { GuestCodeReader } from "../../exec/translator.js";
import { CpuOffset, fOffset, xOffset } from "./cpu-state.js";

function regLines(names: readonly string[], value: (i: number) => bigint): string {
  let s = "";
  for (let i = 0; i < 32; i++) {
    s += ` ${names[i]!.padEnd(8)} ${hex16(value(i))}`;
    if ((i & 3) === 3) s += "\n";
  }
  return s;
}

const X_NAMES = GPR_NAMES.map((n, i) => `x${i}/${n}`);
const F_NAMES = FPR_NAMES.map((n, i) => `f${i}/${n}`);

/** Disassembles `size` bytes of guest code at `pc` as in_asm lines. */
function disassemble(code: GuestCodeReader, pc: bigint, size: number): string {
  const dis = new Disassembler({ formatAddress: (a) => `0x${a.toString(16)}` });
  let s = "";
  let off = 0;
  while (off < size) {
    const addr = pc + BigInt(off);
    const lo = code.read(addr, 2);
    if (lo === undefined) break;
    const len = (lo & 3) === 3 ? 4 : 2;
    const word = len === 4 ? code.read(addr, 4) : lo;
    if (word === undefined) break;
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, word, true);
    const d = dis.next(bytes.subarray(0, len), 0, addr);
    const tab = d.text.indexOf("\t");
    const mnemonic = tab < 0 ? d.text : d.text.slice(0, tab);
    const operands = tab < 0 ? "" : d.text.slice(tab + 1);
    const raw = word.toString(16).padStart(len * 2, "0");
    s += `0x${hex16(addr)}:  ${raw.padEnd(16)}  ${mnemonic.padEnd(24)}${operands}\n`;
    off += len;
  }
  return s;
}

/** The RISC-V formatters for exec/log.ts. */
export const riscvLogFormat: TargetLogFormat = {
  disassemble,
  dumpCpu(state: DataView, fpu: boolean): string {
    let s = ` pc       ${hex16(state.getBigUint64(CpuOffset.PC, true))}\n`;
    s += regLines(X_NAMES, (i) => (i === 0 ? 0n : state.getBigUint64(xOffset(i), true)));
    if (fpu) s += regLines(F_NAMES, (i) => state.getBigUint64(fOffset(i), true));
    return s;
  },
};
