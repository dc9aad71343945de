// Random RISC-V programs through the real front end, run two ways from the same initial
// state: the wasm back end under cpuExec (chaining, inline lookups, batching, caching of
// globals), and the IR reference interpreter following the pc from TB to TB. CPU state
// and data memory must agree. WASMU_EXEC_FUZZ=<n> sets the number of programs.
import { assembleProgram } from "@wasmu/isa";
import { assert, describe, it } from "vitest";
import { BareMetal } from "../src/exec/harness.js";
import { CpuOffset, createRiscvTarget, FlatGuestMemory, optimize, referenceInterpret, type Translator } from "../src/index.js";
import { Rng } from "./ir-support.js";
import { TIERS } from "./tiers.js";

const PROGRAMS = Number(process.env.WASMU_EXEC_FUZZ ?? "150");
const RAM = 0x8000_0000n;
const RAM_SIZE = 1 << 16;
const DATA = 0x8000n; // data area offset (s0 points here)
const REGS = ["a0", "a1", "a2", "a3", "a4", "a5", "t0", "t1", "t2", "t3", "s2", "s3"];
const FREGS = ["fa0", "fa1", "fa2", "fa3", "ft0", "ft1"];
const R = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw", "sllw", "srlw", "sraw",
  "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw",
  "sh1add", "sh2add", "andn", "orn", "xnor", "min", "max", "minu", "maxu", "rol", "ror", "czero.eqz", "czero.nez", "bset", "bclr", "binv", "bext"];
const I = ["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"];
const SH = ["slli", "srli", "srai"];
const SHW = ["slliw", "srliw", "sraiw"];
const U = ["clz", "ctz", "cpop", "sext.b", "sext.h", "zext.h", "rev8", "orc.b", "clzw", "ctzw", "cpopw"];
const LD = ["ld", "lw", "lh", "lb", "lbu", "lhu", "lwu"];
const ST = ["sd", "sw", "sh", "sb"];
const BR = ["beq", "bne", "blt", "bge", "bltu", "bgeu"];
const FD = ["fadd.d", "fsub.d", "fmul.d", "fdiv.d", "fmin.d", "fmax.d", "fsgnj.d", "fadd.s", "fmul.s"];

function program(rng: Rng, n: number): string {
  const lines: string[] = [];
  const r = (): string => rng.pick(REGS);
  const f = (): string => rng.pick(FREGS);
  for (const x of REGS) lines.push(`li ${x}, ${rng.int(4096) - 2048}`);
  for (const x of FREGS) lines.push(`fcvt.d.l ${x}, ${r()}`);
  let label = 0;
  const pending: [number, string][] = [];
  for (let i = 0; i < n; i++) {
    for (const [, l] of pending.filter(([at]) => at === i)) lines.push(`${l}:`);
    const k = rng.int(100);
    if (k < 30) lines.push(`${rng.pick(R)} ${r()}, ${r()}, ${r()}`);
    else if (k < 45) lines.push(`${rng.pick(I)} ${r()}, ${r()}, ${rng.int(4096) - 2048}`);
    else if (k < 50) lines.push(`${rng.pick(SH)} ${r()}, ${r()}, ${rng.int(64)}`);
    else if (k < 53) lines.push(`${rng.pick(SHW)} ${r()}, ${r()}, ${rng.int(32)}`);
    else if (k < 58) lines.push(`${rng.pick(U)} ${r()}, ${r()}`);
    else if (k < 66) lines.push(`${rng.pick(LD)} ${r()}, ${rng.int(2000)}(s0)`);
    else if (k < 74) lines.push(`${rng.pick(ST)} ${r()}, ${rng.int(2000)}(s0)`);
    else if (k < 82) {
      const l = `L${label++}`;
      lines.push(`${rng.pick(BR)} ${r()}, ${r()}, ${l}`);
      pending.push([Math.min(n, i + 1 + rng.int(6)), l]);
    } else if (k < 90) lines.push(`${rng.pick(FD)} ${f()}, ${f()}, ${f()}`);
    else if (k < 93) lines.push(`fmv.x.d ${r()}, ${f()}`);
    else if (k < 96) lines.push(`feq.d ${r()}, ${f()}, ${f()}`);
    else lines.push(`amoadd.d ${r()}, ${r()}, (s0)`);
  }
  for (const [, l] of pending.filter(([at]) => at >= n)) lines.push(`${l}:`);
  lines.push("ecall");
  return lines.join("\n");
}

/** Runs from `state`/`ram` on the IR interpreter, TB by TB, until ecall or an exception. */
function interpret(t: Translator, state: DataView, ram: Uint8Array): void {
  const mem = new FlatGuestMemory(RAM, ram);
  const code = { read: (a: bigint, b: 1 | 2 | 4): number | undefined => { const v = mem.load(a, b); return v === undefined ? undefined : Number(v); } };
  for (let steps = 0; steps < 10_000; steps++) {
    const pc = t.getPc(state);
    const tb = t.translate({ pc, flags: t.tbFlags(state), cflags: 0, code });
    if (tb === undefined) throw new Error(`fetch fault at ${pc.toString(16)}`);
    optimize(tb.func);
    const e = referenceInterpret(tb.func, { state, memory: mem });
    if (e.kind === "noreturn") { t.setPc(state, state.getBigUint64(CpuOffset.EXC_PC, true)); return; }
    if (e.kind === "fault") { t.setPc(state, e.pc ?? pc); return; }
    if (e.kind === "exit_tb" && (t.loopExitCodes ?? []).includes(e.code)) return;
    if (e.kind === "end") throw new Error("TB fell off its end");
  }
  throw new Error("too many TBs");
}

describe.each(TIERS)("random RISC-V programs: cpuExec ($name) vs the IR interpreter", ({ opts }) => {
  it(`agree on ${PROGRAMS} programs`, () => {
    const exits = new Map<string, number>();
    let insns = 0;
    let interpTbs = 0;
    let tiered = 0;
    for (let p = 0; p < PROGRAMS; p++) {
      const rng = new Rng(4242 + p * 7717);
      const src = program(rng, 30 + (p % 50));
      const asm = assembleProgram(src, RAM);
      if (!asm.ok) throw new Error(`${asm.error.message} at line ${asm.error.line}:\n${src}`);
      const t = createRiscvTarget();
      const m = new BareMetal({ translator: t, ramBase: RAM, ramSize: RAM_SIZE, tbsPerModule: 1 + (p % 8), cacheGlobals: p % 3 !== 0, ...opts });
      m.load(RAM, asm.bytes);
      for (let i = 0; i < 2048; i++) m.ram[Number(DATA) + i] = rng.int(256);
      m.state.setBigUint64(CpuOffset.X + 8 * 8, RAM + DATA, true); // s0
      m.setPc(RAM);
      const state0 = new Uint8Array(m.state.buffer, m.state.byteOffset, m.state.byteLength).slice();
      const ram0 = m.ram.slice();
      const e = m.run();
      exits.set(e.kind, (exits.get(e.kind) ?? 0) + 1);
      insns += m.cpu.stats.insns;
      interpTbs += m.cpu.stats.interpTbs;
      tiered += m.cpu.stats.tieredTbs;
      const note = `program ${p} (exit ${e.kind}):\n${src}`;
      const refState = new DataView(state0.buffer);
      const refRam = ram0;
      interpret(t, refState, refRam);
      const got = new Uint8Array(m.state.buffer, m.state.byteOffset, 0x260);
      assert.equal(Buffer.from(got).toString("hex"), Buffer.from(state0.subarray(0, 0x260)).toString("hex"), note);
      assert.equal(Buffer.from(m.ram.subarray(Number(DATA), Number(DATA) + 2048)).toString("hex"), Buffer.from(refRam.subarray(Number(DATA), Number(DATA) + 2048)).toString("hex"), note);
    }
    // Most programs must reach their ecall (a few stop earlier at a misaligned AMO).
    assert.isAbove(exits.get("helper") ?? 0, PROGRAMS / 2, JSON.stringify([...exits]));
    console.log(`exits: ${JSON.stringify([...exits])}; ${insns} guest instructions translated; ${interpTbs} TBs interpreted, ${tiered} tiered up`);
    // Each tier really ran: interpreted TBs (interp, auto), tier-up batches (auto).
    if (opts.tier !== "jit") assert.isAbove(interpTbs, 100);
    else assert.equal(interpTbs, 0);
    if (opts.tier === "auto") assert.isAbove(tiered, 100);
  }, 60_000 + PROGRAMS * 200);
});
