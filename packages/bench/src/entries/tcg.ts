// `tcg`: the translator on compute kernels (issue 3's Bench section). Five RISC-V kernels,
// written in assembly here and assembled with @wasmu/isa (RVC forms where possible), run
// on @wasmu/tcg's bare-metal harness with the RISC-V front end and inline
// lookup_and_goto_ptr. Reported per kernel:
//
// - `exec`: millions of guest instructions per second with every TB translated (a warm
//   machine). The kernels' dynamic instruction counts are computed here, in TypeScript,
//   from the kernel's parameters (the engine counts no retired instructions), and every
//   run checks the kernel's result: a wrong result fails the workload.
// - `interp`: the same with tier=interp (tcg's tier 0 alone: every TB interpreted).
// - its figures, from one cold run (a fresh machine, every TB translated on the way) with
//   the engine's statistics: translation cost per TB and per guest instruction, split by
//   phase (front end, optimizer, wasm emission, WebAssembly.Module, instantiation);
//   generated wasm bytes per translated guest instruction; and the share of wall time
//   outside generated code (translation, the cpu-exec loop in JS), timed with the
//   engine's opt-in `timeCode` in the cold run and in a warm run. Helpers called from
//   generated code (FP, ecall) count as inside.
// - `vs-qemu`: where qemu-riscv64-static is installed, the same bytes wrapped in a static
//   ELF and run by QEMU against a cold wasmu run (fresh machine, translation included), in
//   alternation; QEMU's time includes its process start. QEMU's result is checked on its
//   low 8 bits (the exit status).
//
// @wasmu/tcg and @wasmu/isa are loaded at run time, like in the isa entry: the bench
// builds, and says why this entry is absent, while a layer below does not build.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchEntry, Figure, Workload } from "../entry.js";

/** What the entry uses of @wasmu/tcg. */
interface TcgApi {
  createRiscvTarget(): object;
  xOffset(i: number): number;
  CpuOffset: { readonly PC: number };
  BareMetal: new (opts: { translator: object; ramBase: bigint; ramSize: number; tier?: "jit" | "interp" | "auto" }) => Machine;
}

/** The part of BareMetal the entry uses. */
interface Machine {
  readonly state: DataView;
  readonly cpu: { timeCode: boolean; readonly stats: Stats };
  load(addr: bigint, bytes: Uint8Array): void;
  read(addr: bigint, n: number): Uint8Array;
  setPc(pc: bigint): void;
  run(): { readonly kind: string };
}

/** The engine's ExecStats fields the entry reads. */
interface Stats {
  readonly tbs: number;
  readonly insns: number;
  readonly returns: number;
  readonly translateMs: number;
  readonly optimizeMs: number;
  readonly emitMs: number;
  readonly compileMs: number;
  readonly instantiateMs: number;
  readonly codeBytes?: number;
  readonly codeMs?: number;
}

interface IsaApi {
  assembleProgram(
    source: string,
    base: bigint,
    options: { compress?: boolean },
  ): { ok: true; bytes: Uint8Array } | { ok: false; error: { message: string; line: number } };
}

const TCG = "@wasmu/tcg";
const ISA = "@wasmu/isa";

interface Api {
  readonly tcg: TcgApi;
  readonly isa: IsaApi;
}

async function loadApi(): Promise<Api> {
  const tcg = (await import(TCG)) as Partial<TcgApi>;
  const isa = (await import(ISA)) as Partial<IsaApi>;
  if (typeof tcg.BareMetal !== "function" || typeof tcg.createRiscvTarget !== "function" || typeof tcg.xOffset !== "function")
    throw new Error("@wasmu/tcg exports no BareMetal, createRiscvTarget or xOffset");
  if (typeof isa.assembleProgram !== "function") throw new Error("@wasmu/isa exports no assembleProgram");
  return { tcg: tcg as TcgApi, isa: isa as IsaApi };
}

/** Where the kernels live, in wasmu's RAM and in QEMU's address space alike. */
export const BASE = 0x4000_0000n;
/** Guest RAM (and the ELF segment's memory size). */
const RAM_SIZE = 4 << 20;
/** The QEMU prologue (arguments, exit syscall number), inside the image. */
const PROLOGUE = 0x8000n;
/** Kernel data (the memory kernel's buffers). */
export const DATA = BASE + 0x1_0000n;
/** Top of wasmu's stack (QEMU gives its own). */
const STACK_TOP = BASE + BigInt(RAM_SIZE) - 16n;

const M64 = (1n << 64n) - 1n;

/** One kernel at one size: its inputs, its result, and how many instructions it retires. */
export interface KernelRun {
  /** a0, a1, ... */
  readonly args: readonly bigint[];
  /** Bytes to place at DATA before the run. */
  readonly data?: Uint8Array;
  /** a0 at the final ecall. */
  readonly expected: bigint;
  /** Instructions executed, the final ecall included. */
  readonly insns: number;
}

/** A compute kernel: assembly ending in `ecall` with the result in a0 (a7 is left alone: QEMU's exit). */
export interface Kernel {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  /** The run at `size` (the bench's size, or a tiny one in tests). */
  readonly at: (size: number) => KernelRun;
  /** The bench's size (about 50-200 ms per warm run, so that QEMU's start-up weighs little). */
  readonly size: number;
}

function xorshift(n: number, seed: bigint): { sum: bigint } {
  let x = seed;
  let sum = 0n;
  for (let i = 0; i < n; i++) {
    x ^= (x << 13n) & M64;
    x ^= x >> 7n;
    x ^= (x << 17n) & M64;
    sum = (sum + x) & M64;
  }
  return { sum };
}

/** `words` pseudo-random u64 words (little-endian). */
function buffer(words: number): { bytes: Uint8Array; sum: bigint } {
  const bytes = new Uint8Array(words * 8);
  const dv = new DataView(bytes.buffer);
  let x = 0x9e37_79b9_7f4a_7c15n;
  let sum = 0n;
  for (let i = 0; i < words; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & M64;
    dv.setBigUint64(i * 8, x, true);
    sum = (sum + x) & M64;
  }
  return { bytes, sum };
}

function collatz(n: number): { steps: number; insns: number } {
  let steps = 0;
  let insns = 3 + 2; // li a2, li a1, li t2; mv a0, ecall
  for (let i = 1; i <= n; i++) {
    let t = i;
    insns += 1 + 1 + 2; // mv t0; the taken beq; addi a1, bgeu
    while (t !== 1) {
      if (t % 2 === 0) {
        t /= 2;
        insns += 6;
      } else {
        t = 3 * t + 1;
        insns += 8;
      }
      steps++;
    }
  }
  return { steps, insns };
}

function fib(n: number): { value: bigint; insns: number } {
  const v: bigint[] = [0n, 1n];
  const c: number[] = [3, 3];
  for (let i = 2; i <= n; i++) {
    v.push(v[i - 1]! + v[i - 2]!);
    c.push(16 + c[i - 1]! + c[i - 2]!);
  }
  return { value: v[n]!, insns: 1 + c[n]! + 1 };
}

function fmaLoop(n: number): bigint {
  // acc = fma(acc, 0.5, x); x += 1: the product is exact, so fused and unfused agree.
  let acc = 0;
  let x = 0;
  for (let i = 0; i < n; i++) {
    acc = acc * 0.5 + x;
    x += 1;
  }
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, acc, true);
  return dv.getBigUint64(0, true);
}

export const KERNELS: readonly Kernel[] = [
  {
    name: "int-xorshift",
    description: "xorshift64 PRNG summed over a0 iterations (9 ALU instructions and a branch per iteration)",
    size: 20_000_000,
    source: `
      li a2, 0
    loop:
      slli t0, a1, 13
      xor a1, a1, t0
      srli t0, a1, 7
      xor a1, a1, t0
      slli t0, a1, 17
      xor a1, a1, t0
      add a2, a2, a1
      addi a0, a0, -1
      bnez a0, loop
      mv a0, a2
      ecall`,
    at: (n) => ({ args: [BigInt(n), 0x2545_f491_4f6c_dd1dn], expected: xorshift(n, 0x2545_f491_4f6c_dd1dn).sum, insns: 1 + 9 * n + 2 }),
  },
  {
    name: "mem-copy-sum",
    description: "copy a buffer of a2 u64 words (ld/sd) then checksum the copy, a3 times",
    size: 1000,
    source: `
      li a6, 0
    outer:
      mv t0, a0
      mv t1, a1
      mv t2, a2
    copy:
      ld t3, 0(t0)
      sd t3, 0(t1)
      addi t0, t0, 8
      addi t1, t1, 8
      addi t2, t2, -1
      bnez t2, copy
      mv t1, a1
      mv t2, a2
    sum:
      ld t3, 0(t1)
      add a6, a6, t3
      addi t1, t1, 8
      addi t2, t2, -1
      bnez t2, sum
      addi a3, a3, -1
      bnez a3, outer
      mv a0, a6
      ecall`,
    at: (reps) => {
      const words = 8192; // 64 KiB copied into the next 64 KiB
      const b = buffer(words);
      return {
        args: [DATA, DATA + BigInt(words * 8), BigInt(words), BigInt(reps)],
        data: b.bytes,
        expected: (b.sum * BigInt(reps)) & M64,
        insns: 1 + reps * (3 + 6 * words + 2 + 5 * words + 2) + 2,
      };
    },
  },
  {
    name: "branchy-collatz",
    description: "total Collatz steps of 1..a0 (data-dependent branches)",
    size: 50_000,
    source: `
      li a2, 0
      li a1, 1
      li t2, 1
    outer:
      mv t0, a1
    inner:
      beq t0, t2, next
      andi t1, t0, 1
      bnez t1, odd
      srli t0, t0, 1
      addi a2, a2, 1
      j inner
    odd:
      slli t1, t0, 1
      add t0, t0, t1
      addi t0, t0, 1
      addi a2, a2, 1
      j inner
    next:
      addi a1, a1, 1
      bgeu a0, a1, outer
      mv a0, a2
      ecall`,
    at: (n) => {
      const c = collatz(n);
      return { args: [BigInt(n)], expected: BigInt(c.steps), insns: c.insns };
    },
  },
  {
    name: "calls-fib",
    description: "recursive fib(a0): a call and a return (lookup_and_goto_ptr) every 8 instructions",
    size: 30,
    source: `
      jal ra, fib
      ecall
    fib:
      li t0, 2
      blt a0, t0, base
      addi sp, sp, -16
      sd ra, 8(sp)
      sd a0, 0(sp)
      addi a0, a0, -1
      jal ra, fib
      ld t1, 0(sp)
      sd a0, 0(sp)
      addi a0, t1, -2
      jal ra, fib
      ld t1, 0(sp)
      add a0, a0, t1
      ld ra, 8(sp)
      addi sp, sp, 16
      ret
    base:
      ret`,
    at: (n) => {
      const f = fib(n);
      return { args: [BigInt(n)], expected: f.value, insns: f.insns };
    },
  },
  {
    name: "fp-fmadd",
    description: "acc = fmadd.d(acc, 0.5, x); x = fadd.d(x, 1.0), a0 times",
    size: 1_000_000,
    source: `
      fcvt.d.l fa0, zero
      fcvt.d.l fa1, zero
      li t0, 1
      fcvt.d.l fa2, t0
      li t0, 2
      fcvt.d.l fa3, t0
      fdiv.d fa3, fa2, fa3
    loop:
      fmadd.d fa0, fa0, fa3, fa1
      fadd.d fa1, fa1, fa2
      addi a0, a0, -1
      bnez a0, loop
      fmv.x.d a0, fa0
      ecall`,
    at: (n) => ({ args: [BigInt(n)], expected: fmaLoop(n), insns: 7 + 4 * n + 2 }),
  },
];

function assemble(api: Api, source: string, base: bigint): Uint8Array {
  const r = api.isa.assembleProgram(source, base, { compress: true });
  if (!r.ok) throw new Error(`assembler: ${r.error.message} (line ${r.error.line})`);
  return r.bytes;
}

/** A machine with the kernel's code loaded (`tier`: tcg's execution tiers, default jit: every TB compiled). */
function machine(api: Api, code: Uint8Array, tier: "jit" | "interp" = "jit"): Machine {
  const t = api.tcg.createRiscvTarget();
  const m = new api.tcg.BareMetal({ translator: t, ramBase: BASE, ramSize: RAM_SIZE, tier });
  m.load(BASE, code);
  return m;
}

/** Runs the kernel once on `m` (arguments, data, pc) and checks its result; returns the instructions retired. */
function runOn(api: Api, m: Machine, k: Kernel, r: KernelRun): number {
  const x = (i: number, v: bigint): void => m.state.setBigUint64(api.tcg.xOffset(i), v, true);
  r.args.forEach((v, i) => x(10 + i, v));
  x(2, STACK_TOP);
  if (r.data) m.load(DATA, r.data);
  m.setPc(BASE);
  const e = m.run();
  if (e.kind !== "helper") throw new Error(`${k.name}: stopped by ${e.kind}, not by its ecall`);
  const a0 = m.state.getBigUint64(api.tcg.xOffset(10), true);
  if (a0 !== r.expected) throw new Error(`${k.name}: result 0x${a0.toString(16)}, expected 0x${r.expected.toString(16)}`);
  return r.insns;
}

/** Statistics of one cold run (a fresh machine) and one warm run, both with timeCode. */
export interface ColdRun {
  readonly stats: Stats;
  readonly wallMs: number;
  readonly warmWallMs: number;
  readonly warmCodeMs: number;
  readonly warmReturns: number;
  readonly insns: number;
}

function coldRun(api: Api, code: Uint8Array, k: Kernel, r: KernelRun): ColdRun {
  const m = machine(api, code);
  m.cpu.timeCode = true;
  let t0 = performance.now();
  runOn(api, m, k, r);
  const wallMs = performance.now() - t0;
  const stats = { ...m.cpu.stats };
  t0 = performance.now();
  runOn(api, m, k, r);
  const warmWallMs = performance.now() - t0;
  const s = m.cpu.stats;
  return { stats, wallMs, warmWallMs, warmCodeMs: (s.codeMs ?? 0) - (stats.codeMs ?? 0), warmReturns: s.returns - stats.returns, insns: r.insns };
}

/** The figures of a cold run. */
export function coldFigures(c: ColdRun): Figure[] {
  const s = c.stats;
  const phases: [string, number][] = [
    ["front end", s.translateMs],
    ["optimizer", s.optimizeMs],
    ["emit wasm", s.emitMs],
    ["compile", s.compileMs],
    ["instantiate", s.instantiateMs],
  ];
  const translateMs = phases.reduce((a, [, ms]) => a + ms, 0);
  const figs: Figure[] = [
    { name: "TBs translated", value: s.tbs, unit: "" },
    { name: "guest insns translated", value: s.insns, unit: "" },
    { name: "translate per TB", value: (translateMs * 1000) / s.tbs, unit: "µs" },
    { name: "translate per guest insn", value: (translateMs * 1000) / s.insns, unit: "µs" },
    ...phases.map(([name, ms]) => ({ name: `  ${name} per insn`, value: (ms * 1000) / s.insns, unit: "µs" })),
  ];
  if (s.codeBytes !== undefined) figs.push({ name: "wasm bytes per guest insn", value: s.codeBytes / s.insns, unit: "B" });
  if (s.codeMs !== undefined) {
    figs.push({ name: "outside generated code, cold run", value: (100 * (c.wallMs - s.codeMs)) / c.wallMs, unit: "%" });
    figs.push({ name: "  of which translation", value: (100 * translateMs) / c.wallMs, unit: "%" });
    figs.push({ name: "outside generated code, warm run", value: (100 * (c.warmWallMs - c.warmCodeMs)) / c.warmWallMs, unit: "%" });
  }
  figs.push({ name: "returns to the loop per M guest insns (warm)", value: (c.warmReturns * 1e6) / c.insns, unit: "" });
  return figs;
}

function le(bytes: number[], v: bigint, n: number): void {
  for (let i = 0; i < n; i++) bytes.push(Number((v >> BigInt(8 * i)) & 0xffn));
}

/** A static RISC-V ELF executable of one RWX segment at `vaddr` holding `image`, entered at `entry`. */
export function staticElf(image: Uint8Array, vaddr: bigint, memSize: number, entry: bigint): Uint8Array {
  const h: number[] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  le(h, 2n, 2); // ET_EXEC
  le(h, 243n, 2); // EM_RISCV
  le(h, 1n, 4);
  le(h, entry, 8);
  le(h, 64n, 8); // e_phoff
  le(h, 0n, 8); // e_shoff
  le(h, 0x5n, 4); // RVC, double-float ABI
  le(h, 64n, 2);
  le(h, 56n, 2);
  le(h, 1n, 2);
  le(h, 64n, 2);
  le(h, 0n, 2);
  le(h, 0n, 2);
  le(h, 1n, 4); // PT_LOAD
  le(h, 7n, 4); // RWX
  le(h, 0x1000n, 8); // p_offset
  le(h, vaddr, 8);
  le(h, vaddr, 8);
  le(h, BigInt(image.length), 8);
  le(h, BigInt(memSize), 8);
  le(h, 0x1000n, 8);
  const out = new Uint8Array(0x1000 + image.length);
  out.set(h);
  out.set(image, 0x1000);
  return out;
}

/** Instructions that put the 64-bit `v` in `reg` (11 bits at a time). */
function li64(reg: string, v: bigint): string[] {
  const out = [`li ${reg}, ${Number(v >> 55n)}`];
  for (let shift = 44n; shift >= 0n; shift -= 11n) out.push(`slli ${reg}, ${reg}, 11`, `ori ${reg}, ${reg}, ${Number((v >> shift) & 0x7ffn)}`);
  return out;
}

/** The kernel's code, a prologue (arguments, a7 = exit) at PROLOGUE, and its data at DATA, as a static ELF. */
function kernelElf(api: Api, code: Uint8Array, r: KernelRun): Uint8Array {
  const prologue = [...r.args.flatMap((v, i) => li64(`a${i}`, v)), "li a7, 93", ...li64("t0", BASE), "jr t0"].join("\n");
  const p = assemble(api, prologue, BASE + PROLOGUE);
  const dataOff = Number(DATA - BASE);
  const image = new Uint8Array(dataOff + (r.data?.length ?? 0));
  image.set(code);
  image.set(p, Number(PROLOGUE));
  if (r.data) image.set(r.data, dataOff);
  return staticElf(image, BASE, RAM_SIZE, BASE + PROLOGUE);
}

const QEMU = "qemu-riscv64-static";

/** Options of {@link createTcgEntry}. */
export interface TcgEntryOptions {
  /** Size of every kernel instead of its own (tests: tiny). */
  readonly size?: (k: Kernel) => number;
}

/** The entry; `tcgEntry` is it with the bench's sizes. */
export function createTcgEntry(opts: TcgEntryOptions = {}): BenchEntry {
  return {
    name: "tcg",
    description:
      "The translator on compute kernels (RISC-V assembly): millions of guest instructions per second, translation cost per TB and per guest instruction by phase, wasm bytes per guest instruction, the share of time outside generated code; QEMU user mode on the same code where installed.",
    requires: [
      {
        kind: "check",
        what: "@wasmu/tcg and @wasmu/isa built (pnpm --filter @wasmu/tcg build)",
        check: async () => {
          try {
            await loadApi();
            return null;
          } catch (err) {
            return `@wasmu/tcg cannot be loaded (pnpm --filter @wasmu/tcg build): ${err instanceof Error ? err.message.split("\n")[0]! : String(err)}`;
          }
        },
      },
    ],
    comparators: [{ command: QEMU, role: "QEMU user mode (TCG) running the same kernels", install: "apt-get install qemu-user-static" }],
    workloads: async () => {
      const api = await loadApi();
      const out: Workload[] = [];
      let dir: string | null = null;
      for (const k of KERNELS) {
        const r = k.at(opts.size?.(k) ?? k.size);
        const code = assemble(api, k.source, BASE);
        if (code.length > Number(PROLOGUE)) throw new Error(`${k.name}: code overlaps the prologue`);
        let warm: Machine | null = null;
        let cold: ColdRun | null = null;
        out.push({
          kind: "single",
          name: k.name,
          description: `${k.description}; ${r.insns} guest instructions per run`,
          target: {
            kind: "function",
            label: "exec",
            unit: "insn",
            setup: () => {
              cold = coldRun(api, code, k, r);
              warm = machine(api, code);
              runOn(api, warm, k, r);
            },
            run: () => runOn(api, warm!, k, r),
            figures: () => coldFigures(cold!),
          },
        });
        let interp: Machine | null = null;
        out.push({
          kind: "single",
          name: `${k.name}-interp`,
          description: `${k.name} on tier 0 alone (tier=interp: every TB interpreted, none compiled); ${r.insns} guest instructions per run`,
          target: {
            kind: "function",
            label: "interp",
            unit: "insn",
            setup: () => {
              interp = machine(api, code, "interp");
              runOn(api, interp, k, r);
            },
            run: () => runOn(api, interp!, k, r),
          },
        });
        dir ??= mkdtempSync(join(tmpdir(), "wasmu-bench-tcg-"));
        const elf = join(dir, `${k.name}.elf`);
        writeFileSync(elf, kernelElf(api, code, r), { mode: 0o755 });
        const status = Number(r.expected & 0xffn);
        out.push({
          kind: "compare",
          name: `${k.name}-vs-qemu`,
          description: `${k.name}, whole run: QEMU user mode (process start included) against a cold wasmu machine (translation included)`,
          comparison: "wasmu/qemu",
          requires: [{ kind: "command", command: QEMU, install: "apt-get install qemu-user-static" }],
          baseline: { kind: "command", label: "qemu", argv: ["sh", "-c", `${QEMU} '${elf}'; test $? -eq ${status}`] },
          candidate: {
            kind: "function",
            label: "wasmu",
            unit: "run",
            run: () => {
              runOn(api, machine(api, code), k, r);
              return 1;
            },
            minSampleMs: 0,
          },
        });
      }
      return out;
    },
  };
}

export const tcgEntry: BenchEntry = createTcgEntry();
