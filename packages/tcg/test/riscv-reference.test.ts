// The correctness net: random RV64GC sequences (test/reference/random-program.ts) run on
// the reference interpreter (test/reference/riscv-reference.ts, written separately from
// the front end and the IR) and on the translator (front end, optimizer, wasm back end,
// cpuExec through BareMetal); every x and f register, fflags, frm, the data area and the
// way the sequence stopped must agree. WASMU_REF_SEQS=<n> sets the number of sequences
// (WASMU_REF_SEED=<s> the first seed). Where qemu-riscv64-static is installed, the
// sequences that reach their ebreak are also run on QEMU, each wrapped in a static ELF
// (test/reference/qemu-elf.ts; WASMU_REF_QEMU_SEQS=<n>), against the reference. The
// reference itself is checked first against values taken from the spec.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assembleProgram, Disassembler } from "@wasmu/isa";
import { assert, beforeAll, describe, expect, it } from "vitest";
import { BareMetal } from "../src/exec/harness.js";
import { available, QEMU_CPU } from "./riscv-qemu-support.js";
import { CpuOffset, createRiscvTarget } from "../src/index.js";
import { BASE, DATA, DATA_SIZE, GENERATED_ROWS, randomProgram, WINDOW, type RandomProgram } from "./reference/random-program.js";
import { qemuElf, QEMU_OUTPUT_BYTES } from "./reference/qemu-elf.js";
import { type TierCase, TIERS } from "./tiers.js";
import { box32, RefCause, RiscvReference, type RefStop } from "./reference/riscv-reference.js";

const SEQS = Number(process.env.WASMU_REF_SEQS ?? "2000");
const FIRST_SEED = Number(process.env.WASMU_REF_SEED ?? "1");
const QEMU_SEQS = Number(process.env.WASMU_REF_QEMU_SEQS ?? "150");
const QEMU = "qemu-riscv64-static";
/**
 * Mnemonics whose sequences are not run on QEMU: qemu-riscv64 7.2 (Debian 12) has no Zicond
 * (czero.*), and its ctzw returns the trailing-zero count of the whole 64-bit register when
 * the low word is zero (seen: 63, 53, 45) where the spec says 32; the reference and the
 * translator both give 32. Sequences with both lr.d and sc.w are skipped too: QEMU's gen_sc
 * compares the low word in its cmpxchg (and stores) but reports failure when the LR.D value
 * is not a sign-extended word, the quirk fixed in wasmu's trans/rva.ts (see the regression
 * test above).
 */
const QEMU_SKIP = ["czero", "ctzw"];
const hex = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16).padStart(16, "0")}`;

// ---------------------------------------------------------------- the reference alone

/** Runs `src` (assembled at BASE) on the reference with x/f preset; returns it and the stop. */
function ref(src: string, setup: (r: RiscvReference) => void = () => undefined): { r: RiscvReference; stop: RefStop } {
  const asm = assembleProgram(src, BASE);
  if (!asm.ok) throw new Error(`${asm.error.message} at line ${asm.error.line}`);
  const mem = new Uint8Array(WINDOW);
  mem.set(asm.bytes);
  const r = new RiscvReference(mem, BASE);
  r.pc = BASE;
  r.x[8] = BASE + BigInt(DATA);
  setup(r);
  return { r, stop: r.run() };
}
const X = (v: bigint): bigint => BigInt.asUintN(64, v);

describe("the reference interpreter, against values from the spec", () => {
  it("M: division by zero and overflow (spec table 'Semantics for division by zero and division overflow')", () => {
    const { r } = ref(`
      li a0, 7
      li a1, 0
      div a2, a0, a1
      divu a3, a0, a1
      rem a4, a0, a1
      remu a5, a0, a1
      li t0, 1
      slli t0, t0, 63
      li t1, -1
      div a6, t0, t1
      rem a7, t0, t1
      divw s2, a0, a1
      remuw s3, t1, a1
      li t2, 1
      slli t2, t2, 31
      divw s4, t2, t1
      remw s5, t2, t1
      mulhsu s6, t1, t1
      mulhu s7, t1, t1
      mulh s8, t0, t0
      ebreak`);
    expect(r.x[12]).toBe(X(-1n));
    expect(r.x[13]).toBe(X(-1n));
    expect(r.x[14]).toBe(7n);
    expect(r.x[15]).toBe(7n);
    expect(r.x[16]).toBe(1n << 63n);
    expect(r.x[17]).toBe(0n);
    expect(r.x[18]).toBe(X(-1n));
    expect(r.x[19]).toBe(X(-1n)); // remuw by zero: the dividend's low 32 bits, sign-extended
    expect(r.x[20]).toBe(X(-0x8000_0000n));
    expect(r.x[21]).toBe(0n);
    expect(r.x[22]).toBe(X(-1n)); // -1 * (2^64-1) >> 64 = -1
    expect(r.x[23]).toBe(X(-2n)); // (2^64-1)^2 >> 64 = 2^64-2
    expect(r.x[24]).toBe(1n << 62n);
  });

  it("I: W forms sign-extend, shifts mask their amount, compares are signed/unsigned", () => {
    const { r } = ref(`
      li a0, 1
      slli a0, a0, 31
      addi a0, a0, -1
      addiw a1, a0, 1
      li t0, 65
      sll a2, a0, t0
      li t1, -8
      sraiw a3, t1, 1
      srliw a4, t1, 28
      slt a5, t1, a0
      sltu a6, t1, a0
      lui a7, 0x80000
      ebreak`);
    expect(r.x[11]).toBe(X(-0x8000_0000n));
    expect(r.x[12]).toBe(0xffff_fffen);
    expect(r.x[13]).toBe(X(-4n));
    expect(r.x[14]).toBe(0xfn);
    expect(r.x[15]).toBe(1n);
    expect(r.x[16]).toBe(0n);
    expect(r.x[17]).toBe(X(-0x8000_0000n));
  });

  it("Zba/Zbb/Zbs/Zicond", () => {
    const { r } = ref(`
      li a0, 0
      clz a1, a0
      ctzw a2, a0
      rev8 a3, t0
      orc.b a4, t1
      li t2, -1
      add.uw a5, t2, x0
      sh3add a6, t0, a0
      rori a7, t0, 8
      roriw s2, t0, 8
      bexti s3, t2, 63
      binvi s4, a0, 63
      cpopw s5, t2
      czero.eqz s6, t2, a0
      czero.nez s7, t2, a0
      sext.b s8, t1
      ebreak`, (q) => {
      q.x[5] = 0x0102030405060708n;
      q.x[6] = 0x0100000000ff0001n;
    });
    expect(r.x[11]).toBe(64n);
    expect(r.x[12]).toBe(32n);
    expect(r.x[13]).toBe(0x0807060504030201n);
    expect(r.x[14]).toBe(0xff00_0000_00ff_00ffn);
    expect(r.x[15]).toBe(0xffff_ffffn);
    expect(r.x[16]).toBe(0x0102030405060708n << 3n);
    expect(r.x[17]).toBe(0x0801020304050607n);
    expect(r.x[18]).toBe(0x0805_0607n);
    expect(r.x[19]).toBe(1n);
    expect(r.x[20]).toBe(1n << 63n);
    expect(r.x[21]).toBe(32n);
    expect(r.x[22]).toBe(0n);
    expect(r.x[23]).toBe(X(-1n));
    expect(r.x[24]).toBe(1n);
  });

  it("A: AMOs return the old value, LR/SC uses the reservation, misaligned AMOs trap", () => {
    const { r, stop } = ref(`
      li t0, -5
      sw t0, 0(s0)
      li t1, 3
      amomin.w a0, t1, (s0)
      lw a1, 0(s0)
      amominu.w a2, t1, (s0)
      lw a3, 0(s0)
      sc.w a4, t1, (s0)
      lr.d a5, (s0)
      sc.d a6, t1, (s0)
      ld a7, 0(s0)
      addi s1, s0, 4
      amoadd.d s2, t1, (s1)
      ebreak`);
    expect(r.x[10]).toBe(X(-5n));
    expect(r.x[11]).toBe(X(-5n));
    expect(r.x[12]).toBe(X(-5n));
    expect(r.x[13]).toBe(3n);
    expect(r.x[14]).toBe(1n); // no reservation
    expect(r.x[16]).toBe(0n);
    expect(r.x[17]).toBe(3n);
    expect(stop).toEqual({ cause: RefCause.STORE_MISALIGNED, pc: BASE + 48n, tval: BASE + BigInt(DATA) + 4n });
  });

  it("F/D: NaN boxing, conversions at the limits, CSRs and reserved rounding modes", () => {
    const { r, stop } = ref(`
      fadd.s f2, f0, f1
      fmv.x.w a0, f0
      fcvt.w.s a1, f3
      fcvt.wu.d a2, f4
      fclass.s a3, f0
      fsgnjn.d f5, f4, f4
      csrrw a4, fcsr, a5
      frflags a6
      frrm a7
      fadd.d f6, f4, f4
      ebreak`, (q) => {
      q.f[0] = 0x0000_0000_3f80_0000n; // 1.0f not boxed
      q.f[1] = box32(0x3f80_0000);
      q.f[3] = box32(0x7fc0_0000);
      q.f[4] = 0xbff0_0000_0000_0000n; // -1.0
      q.x[15] = 0xabn; // frm 5 (reserved), fflags 0b01011
    });
    expect(r.f[2]).toBe(box32(0x7fc0_0000)); // the unboxed operand is the canonical NaN
    expect(r.x[10]).toBe(0x3f80_0000n);
    expect(r.x[11]).toBe(0x7fff_ffffn); // NaN -> INT32_MAX
    expect(r.x[12]).toBe(0n); // -1.0 -> 0 (invalid)
    expect(r.x[13]).toBe(1n << 9n); // quiet NaN
    expect(r.f[5]).toBe(0x3ff0_0000_0000_0000n);
    expect(r.x[14]).toBe(0x10n); // NV from the conversions
    expect(r.x[16]).toBe(0x0bn);
    expect(r.x[17]).toBe(5n);
    expect(stop).toEqual({ cause: RefCause.ILLEGAL_INSN, pc: BASE + 9n * 4n });
  });
});

// ---------------------------------------------------------------- differential

const ARCH = "rv64gc_zba_zbb_zbs_zicond";

/** Offsets of the instructions of `code`. */
function insnOffsets(code: Uint8Array): number[] {
  const d = new Disassembler({ arch: ARCH });
  const out: number[] = [];
  for (let off = 0; off < code.length; off += Math.max(2, d.next(code, off, 0n).length)) out.push(off);
  return out;
}

function disassemble(code: Uint8Array): string {
  const d = new Disassembler({ arch: ARCH });
  const lines: string[] = [];
  for (let off = 0; off < code.length;) {
    const i = d.next(code, off, BASE + BigInt(off));
    lines.push(`  ${(BASE + BigInt(off)).toString(16)}: ${i.text}`);
    off += Math.max(2, i.length);
  }
  return lines.join("\n");
}

interface Outcome {
  readonly x: readonly bigint[];
  readonly f: readonly bigint[];
  readonly fflags: number;
  readonly frm: number;
  readonly data: Uint8Array;
  /** "cause@pc", with memory faults as "mem@pc" (the harness does not say load or store precisely). */
  readonly stop: string;
}

function runReference(p: RandomProgram): Outcome {
  const mem = new Uint8Array(WINDOW);
  mem.set(p.code);
  mem.set(p.data, DATA);
  const r = new RiscvReference(mem, BASE);
  p.x.forEach((v, i) => (r.x[i] = v));
  p.f.forEach((v, i) => (r.f[i] = v));
  r.frm = p.frm;
  r.fflags = p.fflags;
  r.pc = BASE;
  const s = r.run(10_000);
  const memCause = s.cause >= RefCause.LOAD_MISALIGNED && s.cause <= RefCause.STORE_ACCESS;
  return { x: r.x, f: r.f, fflags: r.fflags, frm: r.frm, data: mem.slice(DATA, DATA + DATA_SIZE), stop: `${memCause ? "mem" : s.cause}@${hex(s.pc)}` };
}

const target = createRiscvTarget();
let machine: BareMetal | undefined;
let machineUses = 0;
/** The execution tier of the translator runs (tiers.ts). */
let tierOpts: TierCase["opts"] = { tier: "jit" };

/** TBs the interpreter refused (compiled instead) since the last {@link useTier}. */
let refused = 0;

function useTier(opts: TierCase["opts"]): void {
  tierOpts = opts;
  machine = undefined;
  refused = 0;
}

/**
 * Runs `p` through the translator. One BareMetal serves 50 sequences in a row (creating one
 * costs more than running a sequence): loading the next sequence's code invalidates the
 * previous translations, and the whole CPU state is reset.
 */
function runTranslator(p: RandomProgram): Outcome {
  if (machine === undefined || ++machineUses >= 50) {
    machine = new BareMetal({ translator: target, ramBase: BASE, ramSize: WINDOW, ...tierOpts });
    machineUses = 0;
  }
  const m = machine;
  const t = target;
  new Uint8Array(m.state.buffer, m.state.byteOffset, m.state.byteLength).fill(0);
  m.load(BASE, p.code);
  m.load(BASE + BigInt(DATA), p.data);
  const s = m.state;
  p.x.forEach((v, i) => s.setBigUint64(CpuOffset.X + 8 * i, v, true));
  p.f.forEach((v, i) => s.setBigUint64(CpuOffset.F + 8 * i, v, true));
  s.setUint32(CpuOffset.FRM, p.frm, true);
  s.setUint32(CpuOffset.FFLAGS, p.fflags, true);
  m.setPc(BASE);
  const e = m.run();
  refused += m.cpu.stats.interpRefused;
  m.cpu.stats.interpRefused = 0;
  let stop: string;
  if (e.kind === "fault") stop = `mem@${hex(e.pc)}`;
  else if (e.kind === "helper" || e.kind === "exit_tb") {
    const cause = Number(s.getBigUint64(CpuOffset.EXC_CAUSE, true));
    const memCause = cause >= RefCause.LOAD_MISALIGNED && cause <= RefCause.STORE_ACCESS;
    stop = `${memCause ? "mem" : cause}@${hex(e.kind === "helper" ? e.pc : s.getBigUint64(CpuOffset.EXC_PC, true))}`;
  } else stop = `${e.kind}@${hex(t.getPc(s))}`;
  return {
    x: Array.from({ length: 32 }, (_, i) => s.getBigUint64(CpuOffset.X + 8 * i, true)),
    f: Array.from({ length: 32 }, (_, i) => s.getBigUint64(CpuOffset.F + 8 * i, true)),
    fflags: s.getUint32(CpuOffset.FFLAGS, true),
    frm: s.getUint32(CpuOffset.FRM, true),
    data: m.read(BASE + BigInt(DATA), DATA_SIZE),
    stop,
  };
}

/** Differences between the two outcomes, one per line (empty when they agree). */
function diff(want: Outcome, got: Outcome, other = "translator"): string[] {
  const out: string[] = [];
  if (want.stop !== got.stop) out.push(`stop: reference ${want.stop}, ${other} ${got.stop}`);
  for (let i = 1; i < 32; i++) if (want.x[i] !== got.x[i]) out.push(`x${i}: reference ${hex(want.x[i]!)}, ${other} ${hex(got.x[i]!)}`);
  for (let i = 0; i < 32; i++) if (want.f[i] !== got.f[i]) out.push(`f${i}: reference ${hex(want.f[i]!)}, ${other} ${hex(got.f[i]!)}`);
  if (want.fflags !== got.fflags) out.push(`fflags: reference ${want.fflags.toString(2)}, ${other} ${got.fflags.toString(2)}`);
  if (want.frm !== got.frm) out.push(`frm: reference ${want.frm}, ${other} ${got.frm}`);
  for (let o = 0; o < DATA_SIZE; o++) {
    if (want.data[o] !== got.data[o]) {
      out.push(`data+0x${o.toString(16)}: reference ${want.data[o]}, ${other} ${got.data[o]}`);
      break;
    }
  }
  return out;
}

/**
 * Localizes a mismatch: the first instruction i such that the sequence cut after it (the
 * next instruction replaced by ebreak, or c.ebreak when 2 bytes) already differs.
 */
function firstDifference(p: RandomProgram): string {
  const offs = insnOffsets(p.code);
  for (let i = 0; i + 1 < offs.length; i++) {
    // Run up to the instruction at offs[i]: the one after it becomes ebreak.
    const cut = new Uint8Array(p.code);
    const next = offs[i + 1]!;
    const cv = new DataView(cut.buffer);
    if ((offs[i + 2] ?? p.code.length) - next === 2) cv.setUint16(next, 0x9002, true);
    else cv.setUint32(next, 0x0010_0073, true);
    const q = { ...p, code: cut };
    const d = diff(runReference(q), runTranslator(q));
    if (d.length > 0) {
      const dis = new Disassembler({ arch: ARCH }).next(p.code, offs[i]!, BASE + BigInt(offs[i]!)).text;
      return `first difference at the instruction at ${(BASE + BigInt(offs[i]!)).toString(16)} (${dis}):\n${d.join("\n")}`;
    }
  }
  return "no prefix differs";
}

function initialState(p: RandomProgram): string {
  const xs = p.x.map((v, i) => `x${i}=${hex(v)}`).join(" ");
  const fs = p.f.map((v, i) => `f${i}=${hex(v)}`).join(" ");
  return `frm=${p.frm} fflags=${p.fflags.toString(2)}\n${xs}\n${fs}`;
}

/** A hand-written sequence in the generator's format: x8 = data area, x9 = data area + 4. */
function handProgram(src: string, data: readonly bigint[]): RandomProgram {
  const asm = assembleProgram(src, BASE);
  if (!asm.ok) throw new Error(`${asm.error.message} at line ${asm.error.line}`);
  const bytes = new Uint8Array(DATA_SIZE);
  data.forEach((v, i) => new DataView(bytes.buffer).setBigUint64(8 * i, v, true));
  const x = new Array<bigint>(32).fill(0n);
  x[8] = BASE + BigInt(DATA);
  x[9] = BASE + BigInt(DATA) + 4n;
  return { seed: 0, code: asm.bytes, insns: asm.bytes.length / 4, ebreakOffset: asm.bytes.length - 4, x, f: new Array<bigint>(32).fill(0n), frm: 0, fflags: 0, data: bytes };
}

describe.each(TIERS)("translator bugs found by the differential test (regressions, $name)", ({ opts }) => {
  beforeAll(() => { useTier(opts); });
  it("sc.w after lr.d of a value that is not a sign-extended word succeeds and says so", () => {
    // Was: the cmpxchg compared the low word (equal) and stored, but success was decided
    // on all 64 bits of the LR value, so rd = 1 (failure) with memory written.
    const p = handProgram(`
      lr.d a0, (s0)
      li a1, 5
      sc.w a2, a1, (s0)
      ld a3, 0(s0)
      ebreak`, [0x1_8000_0000n]);
    const want = runReference(p);
    const got = runTranslator(p);
    expect(want.x[12]).toBe(0n);
    expect(want.x[13]).toBe(0x1_0000_0005n);
    expect(diff(want, got)).toEqual([]);
  });

  it("a misaligned sc.d raises store/AMO address misaligned even without a reservation", () => {
    // Was: with no (or another) reservation the SC just failed, without the exception.
    const p = handProgram(`
      li a1, 5
      sc.d a2, a1, (s1)
      ebreak`, []);
    const want = runReference(p);
    const got = runTranslator(p);
    expect(want.stop).toBe(`mem@${hex(BASE + 4n)}`);
    expect(diff(want, got)).toEqual([]);
    expect(machine?.state.getBigUint64(CpuOffset.EXC_CAUSE, true)).toBe(BigInt(RefCause.STORE_MISALIGNED));
  });
});

describe("random RV64GC sequences: reference interpreter vs the translator", () => {
  it("the generator draws every non-privileged row of the table", () => {
    expect(GENERATED_ROWS.length).toBeGreaterThan(180);
    const seen = new Set<string>();
    const d = new Disassembler({ arch: ARCH });
    for (let s = 0; s < 200; s++) {
      const p = randomProgram(s);
      for (let off = 0; off < p.code.length;) {
        const i = d.next(p.code, off, BASE + BigInt(off));
        seen.add(i.text.split(/\s/)[0]!);
        off += i.length;
      }
    }
    expect(seen.size).toBeGreaterThan(150);
  });

  // Long loops yield to the event loop every 10 sequences: a test worker blocked for 60 s
  // (this file took 250 s on a loaded machine) fails the run with vitest's onTaskUpdate
  // RPC timeout although every test passed (packages/cli/test/run.ts says why).
  it.each(TIERS)(`agree on ${SEQS} sequences from seed ${FIRST_SEED} ($name)`, async ({ opts }) => {
    useTier(opts);
    const stops = new Map<string, number>();
    let failures = 0;
    const report: string[] = [];
    for (let s = FIRST_SEED; s < FIRST_SEED + SEQS; s++) {
      if (s % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      const p = randomProgram(s, 20 + (s % 41));
      const want = runReference(p);
      const got = runTranslator(p);
      const kind = want.stop.split("@")[0]!;
      stops.set(kind, (stops.get(kind) ?? 0) + 1);
      const d = diff(want, got);
      if (d.length > 0) {
        failures++;
        if (report.length < 3) report.push(`seed ${s}:\n${d.join("\n")}\n${firstDifference(p)}\n${disassemble(p.code)}\ninitial state:\n${initialState(p)}`);
      }
    }
    console.log(`riscv-reference (${tierOpts.tier}): ${SEQS} sequences, ${failures} mismatches; stops ${JSON.stringify([...stops])}`);
    if (failures > 0) assert.fail(`${failures} of ${SEQS} sequences differ; the first ones:\n\n${report.join("\n\n")}`);
    // The interpreter runs every instruction the generator draws (no TB compiled instead).
    expect(refused).toBe(0);
    // Most sequences must reach their ebreak.
    expect(stops.get(String(RefCause.BREAKPOINT)) ?? 0).toBeGreaterThan(SEQS / 2);
  }, 600_000);
});

describe.skipIf(!available(QEMU))(`the same sequences on ${QEMU} (static ELF per sequence)`, () => {
  it(`agree with the reference on the first ${QEMU_SEQS} sequences that reach their ebreak`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmu-ref-"));
    let ran = 0;
    let skipped = 0;
    const report: string[] = [];
    try {
      for (let s = FIRST_SEED; ran < QEMU_SEQS; s++) {
        if (s % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
        const p = randomProgram(s, 20 + (s % 41));
        const want = runReference(p);
        const dis = disassemble(p.code);
        // Only complete sequences (an exception would be a signal), without the instructions
        // the installed QEMU gets wrong or lacks (QEMU_SKIP).
        if (!want.stop.startsWith(`${RefCause.BREAKPOINT}@`) || QEMU_SKIP.some((m) => dis.includes(m)) || (dis.includes("lr.d") && dis.includes("sc.w"))) {
          skipped++;
          continue;
        }
        ran++;
        const path = join(dir, "seq");
        writeFileSync(path, qemuElf(p));
        chmodSync(path, 0o755);
        const out = new Uint8Array(execFileSync(QEMU, [...QEMU_CPU, path], { maxBuffer: 1 << 20 }));
        expect(out.length).toBe(QEMU_OUTPUT_BYTES);
        const v = new DataView(out.buffer, out.byteOffset + DATA_SIZE);
        const fcsr = Number(v.getBigUint64(512, true));
        const got: Outcome = {
          x: Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : v.getBigUint64(8 * i, true))),
          f: Array.from({ length: 32 }, (_, i) => v.getBigUint64(256 + 8 * i, true)),
          fflags: fcsr & 0x1f,
          frm: fcsr >> 5,
          data: out.subarray(0, DATA_SIZE),
          stop: want.stop,
        };
        const d = diff(want, got, "qemu");
        if (d.length > 0 && report.length < 3) report.push(`seed ${s} (qemu):\n${d.join("\n")}\n${dis}\ninitial state:\n${initialState(p)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`riscv-reference vs qemu: ${ran} sequences (${skipped} skipped), ${report.length === 0 ? "no" : "some"} mismatches`);
    if (report.length > 0) assert.fail(report.join("\n\n"));
  }, 120_000);
});
