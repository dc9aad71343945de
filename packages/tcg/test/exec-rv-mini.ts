// A minimal RISC-V RV64I(+M, A subset) front end for the execution tests, written here
// (not the real front end, which lands in src/target/riscv) so that the loop can be tested
// on assembled guest programs. CPU state: x0..x31 at 8*i, pc at 0x100, the exception
// cause at 0x108 (set by the noreturn helper `raise`).
import { decode } from "@wasmu/isa";
import {
  HELPER_NO_RETURN, HELPER_NO_WRITE_GLOBALS, IrBuilder, IrFunc, memop, memopAligned, type Cond, type GlobalDef, type HelperDef, type MemSize, type Temp,
} from "../src/index.js";
import type { Translator, TranslatedTb, TranslateRequest } from "../src/exec/translator.js";

export const PC_OFF = 0x100;
export const CAUSE_OFF = 0x108;
export const CAUSE_ILLEGAL = 2n;
export const CAUSE_BREAKPOINT = 3n;
export const CAUSE_ECALL = 8n;

const GLOBALS: readonly GlobalDef[] = [
  ...Array.from({ length: 32 }, (_, i): GlobalDef => ({ name: `x${i}`, type: "i64", offset: i * 8, ...(i === 0 ? { hardwiredZero: true } : {}) })),
  { name: "pc", type: "i64", offset: PC_OFF },
];

export const RAISE: HelperDef = {
  name: "raise", ret: "void", args: ["i32"], flags: HELPER_NO_RETURN | HELPER_NO_WRITE_GLOBALS,
  impl: (e, a) => { e.state.setBigInt64(CAUSE_OFF, a[0]!, true); return undefined; },
};

const BRANCH: Record<string, Cond> = { beq: "eq", bne: "ne", blt: "lt", bge: "ge", bltu: "ltu", bgeu: "geu" };
const LOADS: Record<string, [MemSize, boolean]> = { lb: [8, true], lh: [16, true], lw: [32, true], ld: [64, false], lbu: [8, false], lhu: [16, false], lwu: [32, false] };
const STORES: Record<string, MemSize> = { sb: 8, sh: 16, sw: 32, sd: 64 };
const MAX_INSNS = 64;

export class MiniRiscv implements Translator {
  readonly globals = GLOBALS;
  readonly helpers: readonly HelperDef[] = [RAISE];
  readonly stateSize = 0x200;
  readonly pcOffset = PC_OFF;
  translated = 0;

  getPc(state: DataView): bigint { return state.getBigUint64(PC_OFF, true); }
  setPc(state: DataView, pc: bigint): void { state.setBigUint64(PC_OFF, pc, true); }
  tbFlags(): number { return 0; }

  translate(req: TranslateRequest): TranslatedTb | undefined {
    const f = new IrFunc(GLOBALS);
    const b = new IrBuilder(f);
    const x = (i: number): Temp<"i64"> => f.global(`x${i}`, "i64")!;
    const pcG = f.global("pc", "i64")!;
    const max = (req.cflags & 0x1ff) || MAX_INSNS;
    let pc = req.pc;
    let n = 0;
    const successors: bigint[] = [];
    const exitTo = (target: bigint, slot: 0 | 1): void => {
      b.mov(pcG, target);
      b.gotoTb(slot);
      b.exitTb(slot);
      successors.push(target);
    };
    const pageEnd = (req.pc | 0xfffn) + 1n;
    for (;;) {
      const lo = req.code.read(pc, 2);
      if (lo === undefined) {
        if (n === 0) return undefined;
        exitTo(pc, 0);
        break;
      }
      const len = (lo & 3) === 3 ? 4 : 2;
      const word = len === 4 ? req.code.read(pc, 4) : lo;
      if (word === undefined) { exitTo(pc, 0); break; }
      b.insnStart(pc);
      n++;
      const d = decode(word);
      const next = pc + BigInt(len);
      if (d.illegal) { b.call(RAISE, undefined, [f.constant("i32", CAUSE_ILLEGAL)]); pc = next; break; }
      const { rd, rs1, rs2, imm, name } = d;
      const t = b.temp("i64");
      let ends = false;
      const wr = (v: Temp<"i64">): void => { if (rd !== 0) b.mov(x(rd), v); };
      switch (name) {
        case "lui": if (rd) b.mov(x(rd), BigInt(imm)); break;
        case "auipc": if (rd) b.mov(x(rd), BigInt.asIntN(64, pc + BigInt(imm))); break;
        case "addi": b.add(t, x(rs1), imm); wr(t); break;
        case "addiw": b.add(t, x(rs1), imm); b.ext32s(t, t); wr(t); break;
        case "slti": b.setcond(t, "lt", x(rs1), imm); wr(t); break;
        case "sltiu": b.setcond(t, "ltu", x(rs1), imm); wr(t); break;
        case "xori": b.xor(t, x(rs1), imm); wr(t); break;
        case "ori": b.or(t, x(rs1), imm); wr(t); break;
        case "andi": b.and(t, x(rs1), imm); wr(t); break;
        case "slli": b.shl(t, x(rs1), imm); wr(t); break;
        case "srli": b.shr(t, x(rs1), imm); wr(t); break;
        case "srai": b.sar(t, x(rs1), imm); wr(t); break;
        case "add": b.add(t, x(rs1), x(rs2)); wr(t); break;
        case "addw": b.add(t, x(rs1), x(rs2)); b.ext32s(t, t); wr(t); break;
        case "sub": b.sub(t, x(rs1), x(rs2)); wr(t); break;
        case "subw": b.sub(t, x(rs1), x(rs2)); b.ext32s(t, t); wr(t); break;
        case "sll": b.shl(t, x(rs1), x(rs2)); wr(t); break;
        case "srl": b.shr(t, x(rs1), x(rs2)); wr(t); break;
        case "sra": b.sar(t, x(rs1), x(rs2)); wr(t); break;
        case "slt": b.setcond(t, "lt", x(rs1), x(rs2)); wr(t); break;
        case "sltu": b.setcond(t, "ltu", x(rs1), x(rs2)); wr(t); break;
        case "xor": b.xor(t, x(rs1), x(rs2)); wr(t); break;
        case "or": b.or(t, x(rs1), x(rs2)); wr(t); break;
        case "and": b.and(t, x(rs1), x(rs2)); wr(t); break;
        case "mul": b.mul(t, x(rs1), x(rs2)); wr(t); break;
        case "mulhu": b.muluh(t, x(rs1), x(rs2)); wr(t); break;
        case "div": b.div(t, x(rs1), x(rs2)); wr(t); break;
        case "divu": b.divu(t, x(rs1), x(rs2)); wr(t); break;
        case "rem": b.rem(t, x(rs1), x(rs2)); wr(t); break;
        case "remu": b.remu(t, x(rs1), x(rs2)); wr(t); break;
        case "fence": b.mb(15); break;
        case "amoadd.d": case "amoadd.w": {
          const size: MemSize = name === "amoadd.d" ? 64 : 32;
          b.atomicFetchAdd(t, x(rs1), x(rs2), memopAligned(size, true));
          wr(t);
          break;
        }
        case "jal": if (rd) b.mov(x(rd), next); exitTo(BigInt.asUintN(64, pc + BigInt(imm)), 0); ends = true; break;
        case "jalr":
          b.add(t, x(rs1), imm);
          b.and(t, t, -2);
          if (rd) b.mov(x(rd), next);
          b.mov(pcG, t);
          b.lookupAndGotoPtr();
          ends = true;
          break;
        case "ecall": case "ebreak":
          b.call(RAISE, undefined, [f.constant("i32", name === "ecall" ? CAUSE_ECALL : CAUSE_BREAKPOINT)]);
          ends = true;
          break;
        default: {
          const c = BRANCH[name];
          const ld = LOADS[name];
          const st = STORES[name];
          if (c !== undefined) {
            const taken = b.label();
            b.brcond(c, x(rs1), x(rs2), taken);
            exitTo(next, 0);
            b.setLabel(taken);
            exitTo(BigInt.asUintN(64, pc + BigInt(imm)), 1);
            ends = true;
          } else if (ld !== undefined) {
            b.add(t, x(rs1), imm);
            const v = b.temp("i64");
            b.guestLd(v, t, memop(ld[0], ld[1]));
            wr(v);
          } else if (st !== undefined) {
            b.add(t, x(rs1), imm);
            b.guestSt(x(rs2), t, memop(st));
          } else {
            b.call(RAISE, undefined, [f.constant("i32", CAUSE_ILLEGAL)]);
            ends = true;
          }
        }
      }
      pc = next;
      if (ends) break;
      if (n >= max || pc >= pageEnd) { exitTo(pc, 0); break; }
    }
    this.translated++;
    return { func: f, size: Number(pc - req.pc), icount: n, successors };
  }
}
