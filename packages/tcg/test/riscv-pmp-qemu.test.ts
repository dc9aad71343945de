// PMP (src/target/riscv/priv/pmp.ts) against QEMU's: seeded random PMP configurations
// (OFF, TOR, NA4 and NAPOT entries, random permissions, some locked) and physical accesses
// in M, S and U mode, run by a bare-metal program (test/priv-oracle/pmp-walker.S) on
// qemu-system-riscv64 and replayed through pmpAllows() on the same memory: every access
// must end the same way. Without qemu-system-riscv64 the test skips loudly (it fails under
// CI).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { Cause, CPU_STATE_BYTES, Priv } from "../src/target/riscv/cpu-state.js";
import { CSR, CsrFile } from "../src/target/riscv/priv/csr-file.js";
import type { AccessType } from "../src/target/riscv/priv/mmu.js";
import { pmpAllows, pmpRange } from "../src/target/riscv/priv/pmp.js";
import { runSystemElf } from "./system-support.js";

const IN_CI = process.env.CI === "true";
const HAVE_QEMU = spawnSync("qemu-system-riscv64", ["--version"], { stdio: "ignore" }).status === 0;
if (!HAVE_QEMU && !IN_CI) console.warn("SKIP: qemu-system-riscv64 is not installed: the PMP differential test against QEMU does not run");

const BLOB = 0x8020_0000n;
const BLOB_BYTES = 0x21_0000;
const DATA_LO = 0x8027_0000n;
const DATA_HI = 0x8041_0000n;
const STUBS = 0x8000_1000n;
const ECALL = 0x73n;
const KIND: Record<AccessType, bigint> = { load: 0n, store: 1n, fetch: 2n };
const FAULT: Record<AccessType, number> = { load: Cause.LOAD_ACCESS, store: Cause.STORE_ACCESS, fetch: Cause.INSN_ACCESS };

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { chance: (p: number) => next() < p, int: (n: number) => Math.floor(next() * n) };
}

interface Case { pa: bigint; kind: AccessType; priv: number; value: bigint }

function scenario(seed: number, empty = false) {
  const r = rng(seed);
  const cfg = new Array<number>(16).fill(0);
  const addr = new Array<bigint>(16).fill(0n);
  if (!empty) {
    for (let i = 0; i < 14; i++) {
      const mode = r.int(4);
      const perms = r.int(8); // any of R, W, X
      const legalPerms = (perms & 3) === 2 ? perms | 1 : perms; // R=0,W=1 is reserved
      cfg[i] = (mode << 3) | legalPerms | (r.chance(0.15) ? 0x80 : 0);
      const at = DATA_LO + 0x8000n + BigInt(r.int(Number((DATA_HI - DATA_LO - 0x10000n) / 4n))) * 4n;
      if (mode === 3) {
        const ones = r.int(14); // 8 B .. 64 KiB
        const size = 8n << BigInt(ones);
        const base = at & ~(size - 1n);
        addr[i] = (base >> 2n) | ((1n << BigInt(ones)) - 1n);
      } else {
        addr[i] = at >> 2n;
      }
    }
    // entry 14, often: the whole data region, so that a fall-through is allowed and a
    // partial match (which fails) differs from no match
    if (r.chance(0.7)) {
      cfg[14] = (1 << 3) | 7; // TOR over [pmpaddr13, pmpaddr14): pmpaddr13 moves to the region's start
      cfg[13] = 0;
      addr[13] = DATA_LO >> 2n;
      addr[14] = DATA_HI >> 2n;
    }
    // entry 15: the program and its stubs, readable and executable
    cfg[15] = (3 << 3) | 5;
    addr[15] = (0x8000_0000n + 0x8000n - 1n) >> 2n;
  }
  const cases: Case[] = [];
  const kinds: AccessType[] = ["load", "store", "fetch"];
  const add = (pa: bigint) => {
    if (pa < DATA_LO || pa + 8n > DATA_HI) return;
    cases.push({ pa, kind: kinds[r.int(3)]!, priv: [Priv.S, Priv.U, Priv.M][r.int(3)]!, value: (BigInt(0x7700 + cases.length) << 32n) | ECALL });
  };
  // Around every entry's edges (8-byte accesses straddling an edge match partly), then anywhere.
  const csrs = new CsrFile(new DataView(new ArrayBuffer(CPU_STATE_BYTES)), { externalPending: () => 0, time: () => 0n, instret: () => 0n }, { hartId: 0 });
  csrs.reset();
  configure(csrs, cfg, addr);
  for (let i = 0; i < 14; i++) {
    const range = pmpRange(csrs, i);
    if (!range) continue;
    for (const edge of [range.lo, range.hi]) for (const d of [-8n, -4n, 0n, 4n]) add((edge + d) & ~7n);
  }
  while (cases.length < 400) add(DATA_LO + BigInt(r.int(Number((DATA_HI - DATA_LO) / 8n))) * 8n);
  return { cfg, addr, cases };
}

function memory(): DataView {
  const dv = new DataView(new ArrayBuffer(BLOB_BYTES));
  for (let o = Number(DATA_LO - BLOB); o < BLOB_BYTES; o += 8) dv.setBigUint64(o, (BigInt(o) << 32n) | ECALL, true);
  return dv;
}

function blob(s: ReturnType<typeof scenario>): Uint8Array {
  const dv = memory();
  const pack = (from: number) => s.cfg.slice(from, from + 8).reduce((acc, c, k) => acc | (BigInt(c) << BigInt(8 * k)), 0n);
  dv.setBigUint64(0, BigInt(s.cases.length), true);
  dv.setBigUint64(8, pack(0), true);
  dv.setBigUint64(16, pack(8), true);
  s.addr.forEach((a, i) => dv.setBigUint64(24 + i * 8, a, true));
  s.cases.forEach((c, i) => {
    const o = 256 + i * 48;
    dv.setBigUint64(o, c.pa, true);
    dv.setBigUint64(o + 8, KIND[c.kind], true);
    dv.setBigUint64(o + 16, BigInt(c.priv), true);
    dv.setBigUint64(o + 40, c.value, true);
  });
  return new Uint8Array(dv.buffer);
}

/** Programs PMP as the walker does: the addresses, then the configurations. */
function configure(csrs: CsrFile, cfg: readonly number[], addr: readonly bigint[]): void {
  addr.forEach((a, i) => csrs.write(CSR.PMPADDR0 + i, Priv.M, a));
  const pack = (from: number) => cfg.slice(from, from + 8).reduce((acc, c, k) => acc | (BigInt(c) << BigInt(8 * k)), 0n);
  csrs.write(CSR.PMPCFG0, Priv.M, pack(0));
  csrs.write(CSR.PMPCFG0 + 2, Priv.M, pack(8));
}

function predict(s: ReturnType<typeof scenario>): string[] {
  const csrs = new CsrFile(new DataView(new ArrayBuffer(CPU_STATE_BYTES)), { externalPending: () => 0, time: () => 0n, instret: () => 0n }, { hartId: 0 });
  csrs.reset();
  configure(csrs, s.cfg, s.addr);
  const mem = memory();
  const h = (v: bigint) => BigInt.asUintN(64, v).toString(16).padStart(16, "0");
  const lines: string[] = [];
  s.cases.forEach((c, i) => {
    const ecall = c.priv === Priv.U ? 8n : c.priv === Priv.S ? 9n : 11n;
    let cause: bigint;
    let tval = 0n;
    let t1 = 0n;
    if (!pmpAllows(csrs, STUBS, 8, "fetch", c.priv)) {
      cause = BigInt(Cause.INSN_ACCESS); // the stub itself cannot run
      tval = STUBS + KIND[c.kind] * 16n;
    } else if (!pmpAllows(csrs, c.pa, c.kind === "fetch" ? 4 : 8, c.kind, c.priv)) {
      // a fetch is checked for the instruction's 4 bytes (QEMU probes its first byte: the
      // same with PMP's 4-byte granularity)
      cause = BigInt(FAULT[c.kind]);
      tval = c.pa;
    } else {
      cause = ecall;
      const o = Number(c.pa - BLOB);
      if (c.kind === "load") t1 = mem.getBigUint64(o, true);
      else if (c.kind === "store") mem.setBigUint64(o, c.value, true);
    }
    lines.push(`C ${h(BigInt(i))} ${h(cause)} ${h(tval)} ${h(t1)}`);
  });
  return lines;
}

const tmp = mkdtempSync(join(tmpdir(), "wasmu-pmp-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const WALKER = new URL("./priv-oracle/pmp-walker", import.meta.url).pathname;

function qemu(s: ReturnType<typeof scenario>, name: string): string[] {
  const file = join(tmp, `${name}.bin`);
  writeFileSync(file, blob(s));
  const q = spawnSync("qemu-system-riscv64", [
    "-M", "virt", "-m", "128M", "-smp", "1", "-bios", "none", "-display", "none", "-serial", "stdio", "-monitor", "none",
    "-kernel", WALKER, "-device", `loader,file=${file},addr=0x${BLOB.toString(16)},force-raw=on`,
  ], { encoding: "utf8", timeout: 60_000 });
  expect(q.status).toBe(0);
  return q.stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("C "));
}

it.runIf(HAVE_QEMU || IN_CI).each([1, 2, 3, 4])("random PMP configurations and accesses (seed %i) end as under qemu-system-riscv64", (seed) => {
  expect(HAVE_QEMU, "qemu-system-riscv64 must be installed under CI").toBe(true);
  const s = scenario(seed);
  const want = predict(s);
  const got = qemu(s, `seed${seed}`);
  if (process.env.WASMU_PMP_DUMP) {
    writeFileSync(`${process.env.WASMU_PMP_DUMP}.qemu.${seed}`, got.join("\n") + "\n");
    writeFileSync(`${process.env.WASMU_PMP_DUMP}.wasmu.${seed}`, want.join("\n") + "\n");
  }
  expect(got).toEqual(want);
  const causes = new Set(want.map((l) => Number.parseInt(l.split(" ")[2]!, 16)));
  for (const c of [5, 7, 8, 9, 11]) expect(causes.has(c)).toBe(true);
});

it.runIf(HAVE_QEMU || IN_CI)("with no PMP entry active, S and U get nothing (QEMU 7.2 already refuses the mret into them)", () => {
  expect(HAVE_QEMU, "qemu-system-riscv64 must be installed under CI").toBe(true);
  const s = scenario(9, true);
  const got = qemu(s, "empty");
  expect(got.length).toBe(s.cases.length);
  s.cases.forEach((c, i) => {
    if (c.priv !== Priv.M) expect(got[i]!.split(" ").slice(2, 4)).toEqual(["0000000000000002", "0000000030200073"]); // mret: illegal
    else expect(got[i]!.split(" ")[2]).toBe("000000000000000b"); // M: no entry, no check: the access runs, then ecall
  });
  const csrs = new CsrFile(new DataView(new ArrayBuffer(CPU_STATE_BYTES)), { externalPending: () => 0, time: () => 0n, instret: () => 0n }, { hartId: 0 });
  csrs.reset();
  for (const c of s.cases) expect(pmpAllows(csrs, c.pa, 8, c.kind, c.priv)).toBe(c.priv === Priv.M);
  expect(pmpAllows(csrs, STUBS, 8, "fetch", Priv.M)).toBe(true);
});

// The same walker on wasmu's system-mode hart (both tiers): PMP checked by the soft TLB's
// slow paths and the fetch path must give the same lines as QEMU (which the prediction
// above is checked against).
it.each([[1, "interp"], [2, "jit"], [3, "auto"]] as const)("seed %i on wasmu's system-mode hart (tier %s) prints QEMU's lines", (seed, tier) => {
  const s = scenario(seed);
  const out = runSystemElf({ elf: new Uint8Array(readFileSync(WALKER)), blobs: [{ addr: BLOB, bytes: blob(s) }], tier });
  expect(out.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("C "))).toEqual(predict(s));
}, 120_000);
