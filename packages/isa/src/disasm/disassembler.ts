import { ImmKind, type CompiledRow } from "../decoder/compiled-row.js";
import { COMPILED_ROWS } from "../decoder/compiled-row.js";
import { decodeAt, instructionLength } from "../decoder/decode.js";
import { decodeLenient } from "../decoder/decode-lenient.js";
import type { Instruction } from "../decoder/instruction.js";
import { csrName } from "../spec/csr-names.js";
import { FENCE_SETS, FPR_NAMES, GPR_NAMES, ROUNDING_MODES, RM_DYN } from "../spec/registers.js";
import type { Extension } from "../spec/types.js";
import { parseArch } from "./arch.js";
import { chooseAlias, objdumpConditional } from "./choose-alias.js";
import { compressedSpelling, reservedCompressedText } from "./compressed-spelling.js";
import { unknownEncodingText } from "./unknown.js";

/** Options of a {@link Disassembler}. */
export interface DisassemblerOptions {
  /**
   * Text printed for an address operand (branch/jump target, the `# addr <sym>` comment).
   * Default: `address.toString(16)`. objdump prints e.g. `10300 <main+0x14>`.
   */
  formatAddress?: (address: bigint) => string;
  /** Value of `__global_pointer$` if the file defines it (enables gp-relative comments). */
  globalPointer?: bigint;
  /**
   * ISA string naming the extensions to decode (as objdump takes it from the ELF
   * `.riscv.attributes` section's `Tag_RISCV_arch`, e.g. `rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0`);
   * instructions of other extensions print as objdump prints unknown encodings. objdump
   * uses `rv64gc` for files without attributes. Default: `rv64gc`, objdump's own default
   * (so pass the file's arch string, or e.g. `rv64gc_zba_zbb_zbs`, to see bit-manipulation
   * instructions; binutils 2.40 does not know Zicond: add `_zicond` to print czero.*).
   */
  arch?: string;
}

/** One disassembled instruction. */
export interface DisassembledInsn {
  /**
   * Bytes consumed: 2 or 4; for an unknown longer encoding its length (6, 8, 10, ...) as
   * objdump consumes it; for truncated input, the bytes left (objdump then prints
   * `Address 0x… is out of bounds.` and stops disassembling the section).
   */
  length: number;
  /**
   * Exactly what objdump prints after the raw-bytes column, e.g. `addi\ta0,a0,1`,
   * `jal\tra,10300 <main+0x14>`, `auipc\ta0,0x2`, or for an illegal/unknown encoding what
   * objdump 2.40 prints for it (`.4byte\t0x...`, `.2byte\t0x...`).
   */
  text: string;
  /** True when the bytes are not a legal instruction for wasmu's decoder (reserved, unknown or truncated). */
  illegal: boolean;
}

const MASK64 = (1n << 64n) - 1n;

const tokenCache = new Map<string, readonly string[]>();
/** A template split into operand names and the punctuation between them (cached). */
function tokens(template: string): readonly string[] {
  let t = tokenCache.get(template);
  if (t === undefined) {
    t = template.match(/[a-z0-9]+|[,()]/g) ?? [];
    tokenCache.set(template, t);
  }
  return t;
}

/** Mutable per-register state objdump keeps across instructions (riscv-dis.c `hi_addr`). */
interface AddressState {
  readonly hi: (bigint | undefined)[];
  printAddr: bigint;
  toPrint: boolean;
}

/**
 * A GNU-objdump-2.40-compatible disassembler for RV64GC (+ Zba, Zbb, Zbs; Zicond on request).
 *
 * It keeps objdump's cross-instruction state: after `lui`/`auipc rd` (and `c.lui`) it
 * remembers rd's value and annotates the next instruction that uses rd as a base
 * (`addi`, loads, stores, `jalr`) with `# <address>`; with `globalPointer` set, gp-based
 * accesses are annotated too, and so are accesses based on `zero` and `tp`. objdump keeps
 * this state for the whole run (it does not reset it between sections or symbols), so a
 * caller disassembling one file in address order needs {@link Disassembler.reset} only
 * before starting another file.
 */
export class Disassembler {
  private readonly formatAddress: (address: bigint) => string;
  private readonly gp: bigint | undefined;
  private readonly extensions: ReadonlySet<Extension>;
  private readonly state: AddressState = { hi: new Array<bigint | undefined>(32).fill(undefined), printAddr: 0n, toPrint: false };

  /** Creates a disassembler; see {@link DisassemblerOptions}. */
  constructor(options: DisassemblerOptions = {}) {
    this.formatAddress = options.formatAddress ?? ((a: bigint): string => a.toString(16));
    this.gp = options.globalPointer;
    this.extensions = parseArch(options.arch ?? "rv64gc");
  }

  /** Forgets the cross-instruction state (the registers loaded by lui/auipc). */
  reset(): void {
    this.state.hi.fill(undefined);
    this.state.toPrint = false;
  }

  /**
   * Disassembles the instruction at `bytes[offset]` located at guest `address`.
   * Keeps objdump's per-register state between calls.
   */
  next(bytes: Uint8Array, offset: number, address: bigint): DisassembledInsn {
    const decoded = decodeAt(bytes, offset);
    if (decoded.illegal) {
      if (decoded.reason === "truncated") {
        return { length: Math.max(decoded.length, 0), text: `Address 0x${address.toString(16)} is out of bounds.`, illegal: true };
      }
      if (decoded.length === 2 && this.extensions.has("c")) {
        const text = reservedCompressedText(decoded.raw);
        if (text !== undefined) return { length: 2, text, illegal: true };
      }
      const lenient = decoded.reason === "long-encoding" ? undefined : decodeLenient(bytes, offset);
      if (lenient !== undefined && this.extensions.has(lenient.spec.ext) && objdumpConditional(lenient) !== null) {
        return { length: lenient.length, text: this.format(lenient, address), illegal: true };
      }
      const length = decoded.reason === "long-encoding" ? instructionLength(decoded.raw & 0xffff) : decoded.length;
      if (length > bytes.length - offset) {
        return { length: bytes.length - offset, text: `Address 0x${address.toString(16)} is out of bounds.`, illegal: true };
      }
      return { length, text: unknownEncodingText(bytes, offset, length), illegal: true };
    }
    if (!this.extensions.has(decoded.spec.ext) || (decoded.compressed !== undefined && !this.extensions.has("c"))) {
      return { length: decoded.length, text: unknownEncodingText(bytes, offset, decoded.length), illegal: false };
    }
    if (objdumpConditional(decoded) === null) {
      return { length: decoded.length, text: unknownEncodingText(bytes, offset, decoded.length), illegal: false };
    }
    return { length: decoded.length, text: this.format(decoded, address), illegal: false };
  }

  /** Formats a decoded instruction located at `pc` (updates the address state). */
  private format(insn: Instruction, pc: bigint): string {
    const st = this.state;
    st.toPrint = false;
    let text: string;
    if (insn.compressed !== undefined) {
      const spelling = compressedSpelling(insn);
      text = this.render(insn, pc, spelling.name, spelling.template, true);
    } else {
      const row = COMPILED_ROWS[insn.id]!;
      const alias = objdumpConditional(insn) ?? chooseAlias(insn);
      text =
        alias === undefined
          ? this.render(insn, pc, nameWithSuffix(row, insn), row.spec.operands, false)
          : this.render(insn, pc, alias.name, alias.template, false);
    }
    if (st.toPrint) {
      text += ` # ${this.formatAddress(st.printAddr)}`;
      st.toPrint = false;
    }
    return text;
  }

  /** objdump's maybe_print_address. */
  private maybePrintAddress(base: number, offset: number, wide: boolean): void {
    const st = this.state;
    const hi = st.hi[base];
    if (hi !== undefined) {
      st.printAddr = ((base !== 0 ? hi : 0n) + BigInt(offset)) & MASK64;
      st.hi[base] = undefined;
    } else if (base === 3 && this.gp !== undefined) {
      st.printAddr = (this.gp + BigInt(offset)) & MASK64;
    } else if (base === 4 || base === 0) {
      st.printAddr = BigInt(offset) & MASK64;
    } else {
      return;
    }
    st.toPrint = true;
    if (wide) st.printAddr = BigInt.asUintN(64, BigInt.asIntN(32, st.printAddr));
  }

  private render(insn: Instruction, pc: bigint, name: string, template: string, compressed: boolean): string {
    if (template === "") return name;
    const row = COMPILED_ROWS[insn.id]!;
    let out = "";
    for (const tok of tokens(template)) {
      switch (tok) {
        case ",":
        case "(":
        case ")":
          out += tok;
          break;
        case "rd":
          this.noteDestination(insn, pc);
          out += GPR_NAMES[insn.rd];
          break;
        case "rs1":
          if (!compressed && row.name === "jalr") this.maybePrintAddress(insn.rs1, insn.imm, false);
          out += GPR_NAMES[insn.rs1];
          break;
        case "rs2":
          out += GPR_NAMES[insn.rs2];
          break;
        case "frd":
          out += FPR_NAMES[insn.rd];
          break;
        case "frs1":
          out += FPR_NAMES[insn.rs1];
          break;
        case "frs2":
          out += FPR_NAMES[insn.rs2];
          break;
        case "frs3":
          out += FPR_NAMES[insn.rs3];
          break;
        case "imm":
          out += this.immediate(insn, row, template, compressed);
          break;
        case "zimm":
          out += String(insn.imm);
          break;
        case "target":
          out += this.formatAddress((pc + BigInt(insn.imm)) & MASK64);
          break;
        case "csr":
          out += csrName(insn.csr) ?? `0x${insn.csr.toString(16)}`;
          break;
        case "rm":
          if (insn.rm === RM_DYN) out = out.replace(/,$/, "");
          else out += ROUNDING_MODES[insn.rm] ?? "unknown";
          break;
        case "pred":
          out += FENCE_SETS[insn.pred] ?? "unknown";
          break;
        case "succ":
          out += FENCE_SETS[insn.succ] ?? "unknown";
          break;
        case "0":
          break;
        default:
          out += tok;
      }
    }
    return `${name}\t${out}`;
  }

  /** objdump's 'd' operand: lui/auipc/c.lui record the value they put in rd. */
  private noteDestination(insn: Instruction, pc: bigint): void {
    if (insn.name === "auipc" && insn.compressed === undefined) {
      this.state.hi[insn.rd] = (pc + BigInt(insn.imm)) & MASK64;
    } else if (insn.name === "lui") {
      this.state.hi[insn.rd] = BigInt.asUintN(64, BigInt(insn.imm));
    }
  }

  private immediate(insn: Instruction, row: CompiledRow, template: string, compressed: boolean): string {
    const imm = insn.imm;
    switch (row.imm) {
      case ImmKind.U:
        return `0x${((imm >>> 12) & 0xfffff).toString(16)}`;
      case ImmKind.Shamt5:
      case ImmKind.Shamt6:
        return `0x${imm.toString(16)}`;
      case ImmKind.S:
        if (!compressed) this.maybePrintAddress(insn.rs1, imm, false);
        return String(imm);
      case ImmKind.I:
        if (compressed) {
          if ((row.name === "addi" || row.name === "addiw") && insn.rs1 === insn.rd && insn.rd !== 0 && insn.compressed?.name === `c.${row.name}`) {
            this.maybePrintAddress(insn.rd, imm, row.name === "addiw");
          }
        } else if (template.includes("imm(")) {
          this.maybePrintAddress(insn.rs1, imm, false);
          if (row.name === "jalr") this.maybePrintAddress(insn.rs1, imm, false);
        } else if ((row.name === "addi" || row.name === "addiw") && insn.rs1 !== 0) {
          this.maybePrintAddress(insn.rs1, imm, row.name === "addiw");
        }
        return String(imm);
      default:
        return String(imm);
    }
  }
}

function nameWithSuffix(row: CompiledRow, insn: Instruction): string {
  if (!row.hasAqRl) return row.name;
  return row.name + (insn.aq ? (insn.rl ? ".aqrl" : ".aq") : insn.rl ? ".rl" : "");
}
