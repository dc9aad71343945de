// Test support for the RISC-V front end: assemble guest code, translate TBs and run them
// on the IR reference interpreter over a CPU state and a flat guest memory, following TB
// exits like a (chain-less) cpu-exec loop.
import { assembleProgram } from "@wasmu/isa";
import {
  assertValidIr, Cause, CPU_STATE_BYTES, createRiscvTranslator, FlatGuestMemory, optimize, referenceInterpret,
  RISCV_EXIT_EXCEPTION, RISCV_EXIT_NOCHAIN, RiscvCpuState, translateBlock, USER_TB_FLAGS,
  type FetchParcel, type InterpExit, type RiscvTranslator, type TranslatedBlock,
} from "../src/index.js";

/** Where test code is placed. */
export const CODE_BASE = 0x10000n;
/** Where test data is placed (a0 points here by default). */
export const DATA_BASE = 0x20000n;
/** Bytes of test data. */
export const DATA_SIZE = 0x1000;

/** Assembles `src` at `base`; throws on errors. */
export function asm(src: string, base = CODE_BASE, compress = false): Uint8Array {
  const p = assembleProgram(src, base, { compress });
  if (!p.ok) throw new Error(`assembly failed: ${JSON.stringify(p.error ?? p)}`);
  return p.bytes;
}

/** A guest memory of several regions, for code and data. */
export class GuestMemory extends FlatGuestMemory {
  constructor(base: bigint, size: number) {
    super(base, new Uint8Array(size));
  }
  /** Copies `bytes` to `addr`. */
  write(addr: bigint, bytes: Uint8Array): void {
    this.bytes.set(bytes, Number(addr - this.base));
  }
  /** A fetch callback over this memory (parcels within it; undefined elsewhere). */
  fetcher(): FetchParcel {
    return (a) => {
      const v = this.load(a, 2);
      return v === undefined ? undefined : Number(v);
    };
  }
}

/** How a run ended. */
export type RunEnd =
  | { readonly kind: "exception"; readonly cause: number; readonly pc: bigint; readonly tval: bigint }
  | { readonly kind: "fault"; readonly pc: bigint; readonly addr: bigint; readonly misaligned: boolean }
  | { readonly kind: "steps" };

/** A machine for tests: one vCPU state and one memory covering code and data. */
export class TestMachine {
  readonly cpu = RiscvCpuState.create();
  readonly mem: GuestMemory;
  readonly tr: RiscvTranslator;
  /** Every TB translated, in order. */
  readonly tbs: TranslatedBlock[] = [];

  private readonly cache = new Map<bigint, TranslatedBlock>();

  constructor(readonly opts: { flags?: number; optimize?: boolean; tr?: RiscvTranslator; mem?: GuestMemory; cache?: boolean } = {}) {
    this.mem = opts.mem ?? new GuestMemory(CODE_BASE, Number(DATA_BASE - CODE_BASE) + DATA_SIZE);
    this.tr = opts.tr ?? createRiscvTranslator();
  }

  /** Loads code at CODE_BASE and sets pc there. */
  load(code: Uint8Array, at = CODE_BASE): this {
    this.mem.write(at, code);
    this.cpu.pc = at;
    return this;
  }

  /** Translates and interprets one TB at the current pc. */
  step(): InterpExit {
    const pc = this.cpu.pc;
    let tb = this.opts.cache === true ? this.cache.get(pc) : undefined;
    if (tb === undefined) {
      tb = translateBlock(this.tr, pc, this.opts.flags ?? USER_TB_FLAGS, 0, this.mem.fetcher());
      assertValidIr(tb.func);
      if (this.opts.optimize === true) optimize(tb.func);
      this.tbs.push(tb);
      if (this.opts.cache === true) this.cache.set(pc, tb);
    }
    return referenceInterpret(tb.func, { state: this.cpu.view, memory: this.mem });
  }

  /**
   * Runs TBs until an exception (ecall and ebreak included), a fault, or `maxTbs`. On an
   * exception the pc is left at the raising instruction, as the contract says.
   */
  run(maxTbs = 1000): RunEnd {
    for (let i = 0; i < maxTbs; i++) {
      const e = this.step();
      switch (e.kind) {
        case "exit_tb":
          if (e.code === RISCV_EXIT_EXCEPTION) return this.exception();
          if (e.code > RISCV_EXIT_NOCHAIN) throw new Error(`unexpected exit_tb ${e.code}`);
          break;
        case "lookup_and_goto_ptr":
          break;
        case "noreturn":
          return this.exception();
        case "fault":
          return { kind: "fault", pc: e.pc ?? -1n, addr: e.addr, misaligned: e.misaligned };
        default:
          throw new Error(`unexpected exit ${e.kind}`);
      }
    }
    return { kind: "steps" };
  }

  private exception(): RunEnd {
    const x = this.cpu.exception;
    if (x === undefined) throw new Error("exception exit without a recorded exception");
    this.cpu.clearException();
    this.cpu.pc = x.pc;
    return { kind: "exception", cause: x.cause, pc: x.pc, tval: x.tval };
  }
}

/** Runs `src` (assembled at CODE_BASE, ending in ebreak) with registers preset; returns the machine. */
export function runAsm(src: string, regs: Readonly<Record<number, bigint>> = {}, opts: { optimize?: boolean; fregs?: Readonly<Record<number, bigint>> } = {}): TestMachine {
  const m = new TestMachine({ optimize: opts.optimize ?? false }).load(asm(src));
  for (const [r, v] of Object.entries(regs)) m.cpu.setX(Number(r), v);
  for (const [r, v] of Object.entries(opts.fregs ?? {})) m.cpu.setF(Number(r), v);
  const end = m.run();
  if (end.kind !== "exception" || end.cause !== Cause.BREAKPOINT) throw new Error(`run ended with ${JSON.stringify(end, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v))}`);
  return m;
}

/** Bytes of a CPU state (for comparisons). */
export const STATE_BYTES = CPU_STATE_BYTES;
