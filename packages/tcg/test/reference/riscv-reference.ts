// A plain RV64GC (+ Zba, Zbb, Zbs, Zicond) interpreter over @wasmu/isa's `Decoded`
// instructions, used only by tests as the oracle of the random differential test
// (riscv-reference.test.ts). It is written from the RISC-V unprivileged spec and does not
// share code with the front end or the IR: integer, M, A, bit-manipulation and CSR
// semantics are spelled out here on bigints.
//
// F and D arithmetic calls the typed functions of the FPU library (f32Add, f64MulAdd, ...):
// that library is checked bit-exactly against QEMU on its own (fpu-qemu.test.ts,
// fpu-recorded.test.ts), so re-deriving IEEE rounding here would add nothing. NaN boxing,
// rounding-mode resolution (dynamic rm, reserved frm values), register moves, loads and
// stores of F/D are this file's own.
//
// LR/SC follows the translator's (and QEMU's) documented choice: the reservation holds the
// address and the loaded value; SC succeeds when the reservation is valid, the address is
// the same and memory still holds the loaded value; every SC clears the reservation.
import { decodeAt, type Instruction } from "@wasmu/isa";
import {
  f32Add, f32Class, f32Div, f32Eq, f32Le, f32Lt, f32Max, f32Min, f32MulAdd, f32Mul, f32Sgnj, f32Sgnjn, f32Sgnjx, f32Sqrt, f32Sub,
  f32ToF64, f32ToI32, f32ToI64, f32ToU32, f32ToU64, f64Add, f64Class, f64Div, f64Eq, f64Le, f64Lt, f64Max, f64Min, f64MulAdd, f64Mul,
  f64Sgnj, f64Sgnjn, f64Sgnjx, f64Sqrt, f64Sub, f64ToF32, f64ToI32, f64ToI64, f64ToU32, f64ToU64, FpStatus, i32ToF32, i32ToF64,
  i64ToF32, i64ToF64, type RoundingMode, u32ToF32, u32ToF64, u64ToF32, u64ToF64,
} from "../../src/index.js";

/** Exception causes (mcause values) the reference can report. */
export const RefCause = {
  ILLEGAL_INSN: 2, BREAKPOINT: 3, LOAD_MISALIGNED: 4, LOAD_ACCESS: 5, STORE_MISALIGNED: 6, STORE_ACCESS: 7, ECALL_U: 8, INSN_ACCESS: 1,
} as const;

/** Why the reference stopped: the cause and the pc of the instruction that stopped it. */
export interface RefStop {
  readonly cause: number;
  readonly pc: bigint;
  /** Faulting address of memory exceptions. */
  readonly tval?: bigint;
}

const M64 = (1n << 64n) - 1n;
const M32 = 0xffffffffn;
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
/** Sign-extends the low 32 bits to a 64-bit register value. */
const sx32 = (v: bigint): bigint => BigInt.asUintN(64, BigInt.asIntN(32, v));
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const zx32 = (v: bigint): bigint => v & M32;
const imm64 = (imm: number): bigint => u64(BigInt(imm));
const bool = (b: boolean): bigint => (b ? 1n : 0n);
const INT64_MIN = 1n << 63n;
const INT32_MIN = -(1n << 31n);

/** The binary32 in a 64-bit f register: the canonical NaN unless the upper half is all ones. */
export function unbox32(reg: bigint): number {
  return reg >> 32n === M32 ? Number(reg & M32) : 0x7fc00000;
}
/** The 64-bit f register image of a binary32 (upper half all ones). */
export function box32(bits: number): bigint {
  return (M32 << 32n) | BigInt(bits >>> 0);
}

function clz(v: bigint, width: number): bigint {
  let n = 0;
  for (let i = width - 1; i >= 0 && ((v >> BigInt(i)) & 1n) === 0n; i--) n++;
  return BigInt(n);
}
function ctz(v: bigint, width: number): bigint {
  let n = 0;
  for (let i = 0; i < width && ((v >> BigInt(i)) & 1n) === 0n; i++) n++;
  return BigInt(n);
}
function cpop(v: bigint): bigint {
  let n = 0n;
  for (let x = v; x !== 0n; x >>= 1n) n += x & 1n;
  return n;
}
function rotl(v: bigint, sh: bigint, width: bigint): bigint {
  const mask = (1n << width) - 1n;
  const s = sh % width;
  return s === 0n ? v & mask : ((v << s) | (v >> (width - s))) & mask;
}

class Stop extends Error {
  constructor(readonly stop: RefStop) {
    super(`stop ${stop.cause}`);
  }
}

/** RV64GC reference state and interpreter over a memory window at `base`. */
export class RiscvReference {
  /** x0..x31 as unsigned 64-bit values (x0 stays 0). */
  readonly x: bigint[] = new Array<bigint>(32).fill(0n);
  /** f0..f31 raw register images (unsigned 64-bit). */
  readonly f: bigint[] = new Array<bigint>(32).fill(0n);
  pc = 0n;
  fflags = 0;
  frm = 0;
  /** Load reservation. */
  resValid = false;
  resAddr = 0n;
  resVal = 0n;
  /** Retired instructions. */
  retired = 0;

  /**
   * @param mem the memory window (code and data).
   * @param base guest address of mem[0].
   */
  constructor(readonly mem: Uint8Array, readonly base: bigint) {}

  /** Runs until ecall, ebreak or an exception (or `maxSteps` instructions: then throws). */
  run(maxSteps = 100_000): RefStop {
    for (let i = 0; i < maxSteps; i++) {
      try {
        this.step();
      } catch (e) {
        if (e instanceof Stop) return e.stop;
        throw e;
      }
    }
    throw new Error(`reference: no stop after ${maxSteps} instructions`);
  }

  private stop(cause: number, tval?: bigint): never {
    throw new Stop(tval === undefined ? { cause, pc: this.pc } : { cause, pc: this.pc, tval });
  }

  private offset(addr: bigint, size: number, store: boolean): number {
    const o = addr - this.base;
    if (o < 0n || o + BigInt(size) > BigInt(this.mem.length)) this.stop(store ? RefCause.STORE_ACCESS : RefCause.LOAD_ACCESS, addr);
    return Number(o);
  }

  /** Unsigned little-endian load of `size` bytes (misaligned plain accesses are allowed, as in user mode). */
  load(addr: bigint, size: number): bigint {
    const o = this.offset(addr, size, false);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.mem[o + i]!);
    return v;
  }

  /** Little-endian store of the low `size` bytes of `v`. */
  store(addr: bigint, size: number, v: bigint): void {
    const o = this.offset(addr, size, true);
    for (let i = 0; i < size; i++) this.mem[o + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  }

  private setX(rd: number, v: bigint): void {
    if (rd !== 0) this.x[rd] = u64(v);
  }

  /** The rounding mode of an instruction with an rm field; reserved values are illegal. */
  private rm(d: Instruction): RoundingMode {
    const rm = d.rm === 7 ? this.frm : d.rm;
    if (rm > 4) this.stop(RefCause.ILLEGAL_INSN);
    return rm as RoundingMode;
  }

  /** Executes one instruction (throws Stop). */
  step(): void {
    const o = this.pc - this.base;
    if (o < 0n || o >= BigInt(this.mem.length)) this.stop(RefCause.INSN_ACCESS, this.pc);
    const d = decodeAt(this.mem, Number(o));
    if (d.illegal) this.stop(RefCause.ILLEGAL_INSN);
    let next = this.pc + BigInt(d.length);
    const a = this.x[d.rs1]!;
    const b = this.x[d.rs2]!;
    const imm = imm64(d.imm);
    const sh = BigInt(d.imm);
    const name = d.name as string;
    switch (name) {
      // ---- RV64I
      case "lui": this.setX(d.rd, imm); break;
      case "auipc": this.setX(d.rd, this.pc + imm); break;
      case "jal": this.setX(d.rd, next); next = this.pc + imm; break;
      case "jalr": { const t = u64(a + imm) & ~1n; this.setX(d.rd, next); next = t; break; }
      case "beq": if (a === b) next = this.pc + imm; break;
      case "bne": if (a !== b) next = this.pc + imm; break;
      case "blt": if (s64(a) < s64(b)) next = this.pc + imm; break;
      case "bge": if (s64(a) >= s64(b)) next = this.pc + imm; break;
      case "bltu": if (a < b) next = this.pc + imm; break;
      case "bgeu": if (a >= b) next = this.pc + imm; break;
      case "lb": this.setX(d.rd, BigInt.asIntN(8, this.load(u64(a + imm), 1))); break;
      case "lh": this.setX(d.rd, BigInt.asIntN(16, this.load(u64(a + imm), 2))); break;
      case "lw": this.setX(d.rd, s32(this.load(u64(a + imm), 4))); break;
      case "ld": this.setX(d.rd, this.load(u64(a + imm), 8)); break;
      case "lbu": this.setX(d.rd, this.load(u64(a + imm), 1)); break;
      case "lhu": this.setX(d.rd, this.load(u64(a + imm), 2)); break;
      case "lwu": this.setX(d.rd, this.load(u64(a + imm), 4)); break;
      case "sb": this.store(u64(a + imm), 1, b); break;
      case "sh": this.store(u64(a + imm), 2, b); break;
      case "sw": this.store(u64(a + imm), 4, b); break;
      case "sd": this.store(u64(a + imm), 8, b); break;
      case "addi": this.setX(d.rd, a + imm); break;
      case "slti": this.setX(d.rd, bool(s64(a) < s64(imm))); break;
      case "sltiu": this.setX(d.rd, bool(a < imm)); break;
      case "xori": this.setX(d.rd, a ^ imm); break;
      case "ori": this.setX(d.rd, a | imm); break;
      case "andi": this.setX(d.rd, a & imm); break;
      case "slli": this.setX(d.rd, a << sh); break;
      case "srli": this.setX(d.rd, a >> sh); break;
      case "srai": this.setX(d.rd, s64(a) >> sh); break;
      case "add": this.setX(d.rd, a + b); break;
      case "sub": this.setX(d.rd, a - b); break;
      case "sll": this.setX(d.rd, a << (b & 63n)); break;
      case "slt": this.setX(d.rd, bool(s64(a) < s64(b))); break;
      case "sltu": this.setX(d.rd, bool(a < b)); break;
      case "xor": this.setX(d.rd, a ^ b); break;
      case "srl": this.setX(d.rd, a >> (b & 63n)); break;
      case "sra": this.setX(d.rd, s64(a) >> (b & 63n)); break;
      case "or": this.setX(d.rd, a | b); break;
      case "and": this.setX(d.rd, a & b); break;
      case "addiw": this.setX(d.rd, sx32(a + imm)); break;
      case "slliw": this.setX(d.rd, sx32(a << sh)); break;
      case "srliw": this.setX(d.rd, sx32(zx32(a) >> sh)); break;
      case "sraiw": this.setX(d.rd, sx32(s32(a) >> sh)); break;
      case "addw": this.setX(d.rd, sx32(a + b)); break;
      case "subw": this.setX(d.rd, sx32(a - b)); break;
      case "sllw": this.setX(d.rd, sx32(a << (b & 31n))); break;
      case "srlw": this.setX(d.rd, sx32(zx32(a) >> (b & 31n))); break;
      case "sraw": this.setX(d.rd, sx32(s32(a) >> (b & 31n))); break;
      case "fence": case "fence.tso": case "fence.i": break;
      case "ecall": this.stop(RefCause.ECALL_U); break;
      case "ebreak": this.stop(RefCause.BREAKPOINT); break;
      // ---- M
      case "mul": this.setX(d.rd, a * b); break;
      case "mulh": this.setX(d.rd, (s64(a) * s64(b)) >> 64n); break;
      case "mulhsu": this.setX(d.rd, (s64(a) * b) >> 64n); break;
      case "mulhu": this.setX(d.rd, (a * b) >> 64n); break;
      case "div": this.setX(d.rd, b === 0n ? M64 : a === INT64_MIN && b === M64 ? a : s64(a) / s64(b)); break;
      case "divu": this.setX(d.rd, b === 0n ? M64 : a / b); break;
      case "rem": this.setX(d.rd, b === 0n ? a : a === INT64_MIN && b === M64 ? 0n : s64(a) % s64(b)); break;
      case "remu": this.setX(d.rd, b === 0n ? a : a % b); break;
      case "mulw": this.setX(d.rd, sx32(a * b)); break;
      case "divw": {
        const x = s32(a), y = s32(b);
        this.setX(d.rd, sx32(y === 0n ? -1n : x === INT32_MIN && y === -1n ? x : x / y));
        break;
      }
      case "divuw": this.setX(d.rd, sx32(zx32(b) === 0n ? M32 : zx32(a) / zx32(b))); break;
      case "remw": {
        const x = s32(a), y = s32(b);
        this.setX(d.rd, sx32(y === 0n ? x : x === INT32_MIN && y === -1n ? 0n : x % y));
        break;
      }
      case "remuw": this.setX(d.rd, sx32(zx32(b) === 0n ? zx32(a) : zx32(a) % zx32(b))); break;
      // ---- Zba
      case "sh1add": this.setX(d.rd, (a << 1n) + b); break;
      case "sh2add": this.setX(d.rd, (a << 2n) + b); break;
      case "sh3add": this.setX(d.rd, (a << 3n) + b); break;
      case "add.uw": this.setX(d.rd, zx32(a) + b); break;
      case "sh1add.uw": this.setX(d.rd, (zx32(a) << 1n) + b); break;
      case "sh2add.uw": this.setX(d.rd, (zx32(a) << 2n) + b); break;
      case "sh3add.uw": this.setX(d.rd, (zx32(a) << 3n) + b); break;
      case "slli.uw": this.setX(d.rd, zx32(a) << sh); break;
      // ---- Zbb
      case "andn": this.setX(d.rd, a & ~b); break;
      case "orn": this.setX(d.rd, a | (~b & M64)); break;
      case "xnor": this.setX(d.rd, ~(a ^ b)); break;
      case "clz": this.setX(d.rd, clz(a, 64)); break;
      case "ctz": this.setX(d.rd, ctz(a, 64)); break;
      case "cpop": this.setX(d.rd, cpop(a)); break;
      case "clzw": this.setX(d.rd, clz(zx32(a), 32)); break;
      case "ctzw": this.setX(d.rd, ctz(zx32(a), 32)); break;
      case "cpopw": this.setX(d.rd, cpop(zx32(a))); break;
      case "max": this.setX(d.rd, s64(a) > s64(b) ? a : b); break;
      case "maxu": this.setX(d.rd, a > b ? a : b); break;
      case "min": this.setX(d.rd, s64(a) < s64(b) ? a : b); break;
      case "minu": this.setX(d.rd, a < b ? a : b); break;
      case "sext.b": this.setX(d.rd, BigInt.asIntN(8, a)); break;
      case "sext.h": this.setX(d.rd, BigInt.asIntN(16, a)); break;
      case "zext.h": this.setX(d.rd, a & 0xffffn); break;
      case "rol": this.setX(d.rd, rotl(a, b & 63n, 64n)); break;
      case "ror": this.setX(d.rd, rotl(a, 64n - (b & 63n), 64n)); break;
      case "rori": this.setX(d.rd, rotl(a, 64n - sh, 64n)); break;
      case "rolw": this.setX(d.rd, sx32(rotl(zx32(a), b & 31n, 32n))); break;
      case "rorw": this.setX(d.rd, sx32(rotl(zx32(a), 32n - (b & 31n), 32n))); break;
      case "roriw": this.setX(d.rd, sx32(rotl(zx32(a), 32n - sh, 32n))); break;
      case "orc.b": {
        let r = 0n;
        for (let i = 0n; i < 64n; i += 8n) if (((a >> i) & 0xffn) !== 0n) r |= 0xffn << i;
        this.setX(d.rd, r);
        break;
      }
      case "rev8": {
        let r = 0n;
        for (let i = 0n; i < 8n; i++) r |= ((a >> (8n * i)) & 0xffn) << (8n * (7n - i));
        this.setX(d.rd, r);
        break;
      }
      // ---- Zbs
      case "bclr": this.setX(d.rd, a & ~(1n << (b & 63n))); break;
      case "bclri": this.setX(d.rd, a & ~(1n << sh)); break;
      case "bext": this.setX(d.rd, (a >> (b & 63n)) & 1n); break;
      case "bexti": this.setX(d.rd, (a >> sh) & 1n); break;
      case "binv": this.setX(d.rd, a ^ (1n << (b & 63n))); break;
      case "binvi": this.setX(d.rd, a ^ (1n << sh)); break;
      case "bset": this.setX(d.rd, a | (1n << (b & 63n))); break;
      case "bseti": this.setX(d.rd, a | (1n << sh)); break;
      // ---- Zicond
      case "czero.eqz": this.setX(d.rd, b === 0n ? 0n : a); break;
      case "czero.nez": this.setX(d.rd, b !== 0n ? 0n : a); break;
      // ---- Zicsr (only the floating-point CSRs exist in user mode here)
      case "csrrw": case "csrrs": case "csrrc": case "csrrwi": case "csrrsi": case "csrrci": this.csr(d, a); break;
      default:
        if (d.spec.ext === "a") this.atomic(d, name, a, b);
        else if (d.spec.ext === "f" || d.spec.ext === "d") this.float(d, name, a, imm);
        else this.stop(RefCause.ILLEGAL_INSN);
    }
    this.pc = u64(next);
    this.retired++;
  }

  private readCsr(csr: number): bigint {
    if (csr === 1) return BigInt(this.fflags);
    if (csr === 2) return BigInt(this.frm);
    if (csr === 3) return BigInt((this.frm << 5) | this.fflags);
    return this.stop(RefCause.ILLEGAL_INSN);
  }

  private csr(d: Instruction, a: bigint): void {
    const name = d.name as string;
    const immForm = name.endsWith("i");
    const src = immForm ? BigInt(d.imm) : a;
    const old = this.readCsr(d.csr);
    const op = name.slice(0, 5);
    // csrrs/csrrc with rs1 = x0 (or zimm = 0) do not write.
    const writes = op === "csrrw" || (immForm ? d.imm !== 0 : d.rs1 !== 0);
    if (writes) {
      const v = op === "csrrw" ? src : op === "csrrs" ? old | src : old & ~src;
      if (d.csr === 1) this.fflags = Number(v & 0x1fn);
      else if (d.csr === 2) this.frm = Number(v & 7n);
      else { this.fflags = Number(v & 0x1fn); this.frm = Number((v >> 5n) & 7n); }
    }
    this.setX(d.rd, old);
  }

  private atomic(d: Instruction, name: string, a: bigint, b: bigint): void {
    const size = name.endsWith(".w") ? 4 : 8;
    const ext = (v: bigint): bigint => (size === 4 ? sx32(v) : v);
    const op = name.slice(0, -2);
    if (op === "lr") {
      if (a % BigInt(size) !== 0n) this.stop(RefCause.LOAD_MISALIGNED, a);
      const v = ext(this.load(a, size));
      this.resValid = true;
      this.resAddr = a;
      this.resVal = v;
      this.setX(d.rd, v);
      return;
    }
    if (a % BigInt(size) !== 0n) this.stop(RefCause.STORE_MISALIGNED, a);
    if (op === "sc") {
      let ok = false;
      if (this.resValid && this.resAddr === a) {
        // As QEMU's cmpxchg: only the low `size` bytes of the LR value are compared (this
        // matters for an SC.W after an LR.D, whose outcome the spec leaves open).
        const cur = this.load(a, size);
        if (cur === (size === 4 ? zx32(this.resVal) : this.resVal)) {
          this.store(a, size, b);
          ok = true;
        }
      }
      this.resValid = false;
      this.setX(d.rd, ok ? 0n : 1n);
      return;
    }
    // The access must be writable even when the value does not change.
    this.offset(a, size, true);
    const old = ext(this.load(a, size));
    const v = ext(b);
    const sOld = s64(old), sV = s64(v);
    let r: bigint;
    switch (op) {
      case "amoswap": r = v; break;
      case "amoadd": r = old + v; break;
      case "amoxor": r = old ^ v; break;
      case "amoand": r = old & v; break;
      case "amoor": r = old | v; break;
      case "amomin": r = sOld < sV ? old : v; break;
      case "amomax": r = sOld > sV ? old : v; break;
      // Both are sign-extended the same way, so unsigned order of the 64-bit images is the
      // unsigned order of the 32-bit values too.
      case "amominu": r = old < v ? old : v; break;
      case "amomaxu": r = old > v ? old : v; break;
      default: this.stop(RefCause.ILLEGAL_INSN);
    }
    this.store(a, size, r);
    this.setX(d.rd, old);
  }

  private float(d: Instruction, name: string, a: bigint, imm: bigint): void {
    const f1 = this.f[d.rs1]!, f2 = this.f[d.rs2]!, f3 = this.f[d.rs3]!;
    const s1 = unbox32(f1), s2 = unbox32(f2), s3 = unbox32(f3);
    const st = new FpStatus();
    // Every instruction with an rm field checks it, including those whose result is exact.
    const rm: RoundingMode = d.spec.operands.endsWith(",rm") ? this.rm(d) : 0;
    const setF = (v: bigint): void => { this.f[d.rd] = u64(v); };
    const setS = (v: number): void => { this.f[d.rd] = box32(v); };
    const setXs = (v: number | bigint): void => this.setX(d.rd, sx32(BigInt(v)));
    switch (name) {
      case "flw": setS(Number(this.load(u64(a + imm), 4))); return;
      case "fld": setF(this.load(u64(a + imm), 8)); return;
      case "fsw": this.store(u64(a + imm), 4, f2); return;
      case "fsd": this.store(u64(a + imm), 8, f2); return;
      case "fadd.s": setS(f32Add(s1, s2, rm, st)); break;
      case "fsub.s": setS(f32Sub(s1, s2, rm, st)); break;
      case "fmul.s": setS(f32Mul(s1, s2, rm, st)); break;
      case "fdiv.s": setS(f32Div(s1, s2, rm, st)); break;
      case "fsqrt.s": setS(f32Sqrt(s1, rm, st)); break;
      case "fmadd.s": setS(f32MulAdd(s1, s2, s3, false, false, rm, st)); break;
      case "fmsub.s": setS(f32MulAdd(s1, s2, s3, false, true, rm, st)); break;
      case "fnmsub.s": setS(f32MulAdd(s1, s2, s3, true, false, rm, st)); break;
      case "fnmadd.s": setS(f32MulAdd(s1, s2, s3, true, true, rm, st)); break;
      case "fsgnj.s": setS(f32Sgnj(s1, s2)); break;
      case "fsgnjn.s": setS(f32Sgnjn(s1, s2)); break;
      case "fsgnjx.s": setS(f32Sgnjx(s1, s2)); break;
      case "fmin.s": setS(f32Min(s1, s2, st)); break;
      case "fmax.s": setS(f32Max(s1, s2, st)); break;
      case "feq.s": this.setX(d.rd, BigInt(f32Eq(s1, s2, st))); break;
      case "flt.s": this.setX(d.rd, BigInt(f32Lt(s1, s2, st))); break;
      case "fle.s": this.setX(d.rd, BigInt(f32Le(s1, s2, st))); break;
      case "fclass.s": this.setX(d.rd, BigInt(f32Class(s1))); break;
      case "fcvt.w.s": setXs(f32ToI32(s1, rm, st)); break;
      case "fcvt.wu.s": setXs(f32ToU32(s1, rm, st)); break;
      case "fcvt.l.s": this.setX(d.rd, f32ToI64(s1, rm, st)); break;
      case "fcvt.lu.s": this.setX(d.rd, f32ToU64(s1, rm, st)); break;
      case "fcvt.s.w": setS(i32ToF32(Number(s32(a)), rm, st)); break;
      case "fcvt.s.wu": setS(u32ToF32(Number(s32(a)), rm, st)); break;
      case "fcvt.s.l": setS(i64ToF32(s64(a), rm, st)); break;
      case "fcvt.s.lu": setS(u64ToF32(a, rm, st)); break;
      // fmv.x.w moves the raw low half (no NaN-boxing check); fmv.w.x boxes.
      case "fmv.x.w": this.setX(d.rd, sx32(f1)); break;
      case "fmv.w.x": this.f[d.rd] = box32(Number(zx32(a))); break;
      case "fadd.d": setF(f64Add(f1, f2, rm, st)); break;
      case "fsub.d": setF(f64Sub(f1, f2, rm, st)); break;
      case "fmul.d": setF(f64Mul(f1, f2, rm, st)); break;
      case "fdiv.d": setF(f64Div(f1, f2, rm, st)); break;
      case "fsqrt.d": setF(f64Sqrt(f1, rm, st)); break;
      case "fmadd.d": setF(f64MulAdd(f1, f2, f3, false, false, rm, st)); break;
      case "fmsub.d": setF(f64MulAdd(f1, f2, f3, false, true, rm, st)); break;
      case "fnmsub.d": setF(f64MulAdd(f1, f2, f3, true, false, rm, st)); break;
      case "fnmadd.d": setF(f64MulAdd(f1, f2, f3, true, true, rm, st)); break;
      case "fsgnj.d": setF(f64Sgnj(f1, f2)); break;
      case "fsgnjn.d": setF(f64Sgnjn(f1, f2)); break;
      case "fsgnjx.d": setF(f64Sgnjx(f1, f2)); break;
      case "fmin.d": setF(f64Min(f1, f2, st)); break;
      case "fmax.d": setF(f64Max(f1, f2, st)); break;
      case "fcvt.s.d": setS(f64ToF32(f1, rm, st)); break;
      case "fcvt.d.s": setF(f32ToF64(s1, st)); break;
      case "feq.d": this.setX(d.rd, BigInt(f64Eq(f1, f2, st))); break;
      case "flt.d": this.setX(d.rd, BigInt(f64Lt(f1, f2, st))); break;
      case "fle.d": this.setX(d.rd, BigInt(f64Le(f1, f2, st))); break;
      case "fclass.d": this.setX(d.rd, BigInt(f64Class(f1))); break;
      case "fcvt.w.d": setXs(f64ToI32(f1, rm, st)); break;
      case "fcvt.wu.d": setXs(f64ToU32(f1, rm, st)); break;
      case "fcvt.l.d": this.setX(d.rd, f64ToI64(f1, rm, st)); break;
      case "fcvt.lu.d": this.setX(d.rd, f64ToU64(f1, rm, st)); break;
      case "fcvt.d.w": setF(i32ToF64(Number(s32(a)))); break;
      case "fcvt.d.wu": setF(u32ToF64(Number(s32(a)))); break;
      case "fcvt.d.l": setF(i64ToF64(s64(a), rm, st)); break;
      case "fcvt.d.lu": setF(u64ToF64(a, rm, st)); break;
      case "fmv.x.d": this.setX(d.rd, f1); break;
      case "fmv.d.x": this.f[d.rd] = a; break;
      default: this.stop(RefCause.ILLEGAL_INSN);
    }
    this.fflags |= st.flags;
  }
}
