// The Sv39/Sv48 page-table walk (src/target/riscv/priv/mmu.ts) against QEMU's: random page
// tables and accesses (seeded), run by a bare-metal program (test/priv-oracle/mmu-walker.S)
// on qemu-system-riscv64 in S and U mode, and replayed through translate() on the same
// memory image. Every access must end the same way (trap cause, mtval, loaded value) and
// the page tables must end with the same A and D bits. Without qemu-system-riscv64 the
// test skips loudly (it fails under CI).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { Priv } from "../src/target/riscv/cpu-state.js";
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, type AccessType, type PhysMemory, translate } from "../src/target/riscv/priv/mmu.js";
import { runSystemElf } from "./system-support.js";

const IN_CI = process.env.CI === "true";
const HAVE_QEMU = spawnSync("qemu-system-riscv64", ["--version"], { stdio: "ignore" }).status === 0;
if (!HAVE_QEMU && !IN_CI) console.warn("SKIP: qemu-system-riscv64 is not installed: the MMU differential test against QEMU does not run");

const RAM = 0x8000_0000n;
const RAM_BYTES = 128 << 20;
const BLOB = 0x8020_0000n;
const PAGE = 0x1000n;
const STUBS_PA = 0x8000_1000n;
const FIRST_TABLE_PAGE = 16;
const FIRST_DATA_PAGE = 128;
const BLOB_PAGES = 512;
const ECALL = 0x73n;

class Mem implements PhysMemory {
  readonly dv = new DataView(new ArrayBuffer(RAM_BYTES));
  load64(pa: bigint): bigint | undefined {
    const o = pa - RAM;
    if (o < 0n || o + 8n > BigInt(RAM_BYTES)) return undefined;
    return this.dv.getBigUint64(Number(o), true);
  }
  cas64(pa: bigint, expected: bigint, value: bigint): boolean {
    if (this.load64(pa) !== expected) return false;
    this.set(pa, value);
    return true;
  }
  set(pa: bigint, v: bigint): void {
    this.dv.setBigUint64(Number(pa - RAM), v, true);
  }
}

/** mulberry32: a small seeded generator, so that a failure reproduces. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, chance: (p: number) => next() < p, int: (n: number) => Math.floor(next() * n) };
}

interface Case {
  readonly va: bigint;
  readonly kind: AccessType;
  readonly priv: number;
  readonly sum: boolean;
  readonly mxr: boolean;
  readonly satp: bigint;
  readonly value: bigint;
}

const KIND_CODE: Record<AccessType, bigint> = { load: 0n, store: 1n, fetch: 2n };

function scenario(seed: number) {
  const r = rng(seed);
  const mem = new Mem();
  const pageAddr = (p: number) => BLOB + BigInt(p) * PAGE;
  for (let p = FIRST_DATA_PAGE; p < BLOB_PAGES; p++) {
    for (let w = 0; w < 512; w++) mem.set(pageAddr(p) + BigInt(w * 8), (BigInt((p << 16) | w) << 32n) | ECALL);
  }
  let nextTable = FIRST_TABLE_PAGE;
  const newTable = () => pageAddr(nextTable++);
  const pte = (pa: bigint, flags: bigint) => ((pa >> 12n) << 10n) | flags;

  /** Maps va at `level` in the tree of `root` (levels 3 or 4), creating pointer PTEs. */
  const map = (root: bigint, levels: number, va: bigint, value: bigint, level: number) => {
    let table = root;
    for (let l = levels - 1; l > level; l--) {
      const slot = table + ((va >> BigInt(12 + 9 * l)) & 0x1ffn) * 8n;
      let cur = mem.load64(slot)!;
      if ((cur & PTE_V) === 0n || (cur & (PTE_R | PTE_X)) !== 0n) {
        cur = pte(newTable(), PTE_V);
        mem.set(slot, cur);
      }
      table = ((cur >> 10n) & ((1n << 44n) - 1n)) << 12n;
    }
    mem.set(table + ((va >> BigInt(12 + 9 * level)) & 0x1ffn) * 8n, value);
  };
  const randomFlags = () => {
    let f = 0n;
    if (r.chance(0.92)) f |= PTE_V;
    if (r.chance(0.7)) f |= PTE_R;
    if (r.chance(0.5)) f |= PTE_W;
    if (r.chance(0.5)) f |= PTE_X;
    if (r.chance(0.5)) f |= PTE_U;
    if (r.chance(0.3)) f |= PTE_G;
    if (r.chance(0.6)) f |= PTE_A;
    if (r.chance(0.4)) f |= PTE_D;
    if (r.chance(0.04)) f |= 1n << 54n; // reserved
    if (r.chance(0.04)) f |= 1n << 61n; // PBMT (not implemented: reserved)
    return f;
  };

  const cases: Case[] = [];
  const addCases = (satp: bigint, base: bigint, span: bigint, n: number, kinds: readonly AccessType[]) => {
    for (let i = 0; i < n; i++) {
      cases.push({
        va: base + (BigInt(r.int(Number(span / 8n))) * 8n),
        kind: kinds[r.int(kinds.length)]!,
        priv: r.chance(0.5) ? Priv.S : Priv.U,
        sum: r.chance(0.5),
        mxr: r.chance(0.3),
        satp,
        value: (BigInt(0x5a00 + cases.length) << 32n) | ECALL,
      });
    }
  };
  const ALL: readonly AccessType[] = ["load", "store", "fetch"];

  for (const levels of [3, 4]) {
    const root = newTable();
    const satp = (levels === 3 ? 8n : 9n) << 60n | (root >> 12n);
    map(root, levels, 0x1000n, pte(STUBS_PA, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A), 0);
    map(root, levels, 0x2000n, pte(STUBS_PA, PTE_V | PTE_R | PTE_X | PTE_A), 0);
    // 4 KiB pages onto the marker pages
    const used = new Set<bigint>();
    const top = levels === 3 ? 0x4000_0000n : 0x7f_0000_0000n;
    for (let i = 0; i < (levels === 3 ? 60 : 20); i++) {
      let va: bigint;
      do va = (0x40_0000n + BigInt(r.int(Number((top - 0x40_0000n) / PAGE))) * PAGE) & ~(PAGE - 1n);
      while (used.has(va));
      used.add(va);
      map(root, levels, va, pte(pageAddr(FIRST_DATA_PAGE + r.int(BLOB_PAGES - FIRST_DATA_PAGE)), randomFlags()), 0);
      addCases(satp, va, PAGE, 4, ALL);
    }
    if (levels === 3) {
      // 2 MiB pages: onto zeroed RAM above the blob, some misaligned; one read-only onto the blob itself
      for (let i = 0; i < 6; i++) {
        const va = 0x4000_0000n + BigInt(i) * 0x20_0000n;
        const pa = 0x8040_0000n + BigInt(i) * 0x20_0000n + (i % 3 === 2 ? PAGE : 0n);
        map(root, levels, va, pte(pa, randomFlags()), 1);
        addCases(satp, va, 0x20_0000n, 5, ALL);
      }
      map(root, levels, 0x4100_0000n, pte(BLOB, PTE_V | PTE_R | PTE_A | (r.chance(0.5) ? PTE_U : 0n)), 1);
      addCases(satp, 0x4100_0000n, 0x20_0000n, 8, ["load"]);
      // a 1 GiB page onto RAM (no W: the program and tables live there); accesses on the marker pages
      map(root, levels, 0x8000_0000n, pte(RAM, PTE_V | PTE_R | PTE_X | PTE_A | (r.chance(0.5) ? PTE_U : 0n)), 2);
      addCases(satp, 0x8000_0000n + (BLOB - RAM) + BigInt(FIRST_DATA_PAGE) * PAGE, BigInt(BLOB_PAGES - FIRST_DATA_PAGE) * PAGE, 10, ["load", "fetch"]);
      // unmapped and non-canonical addresses
      addCases(satp, 0x2000_0000n, 0x2000_0000n, 10, ALL);
      addCases(satp, 0x40_0000_0000n, 0x1000n, 3, ALL);
      addCases(satp, 0xffff_ff00_0000_0000n, 0x1000n, 3, ALL);
    } else {
      addCases(satp, 0x8000_0000_0000n, 0x1000n, 3, ALL); // non-canonical in Sv48
      addCases(satp, 0xffff_8000_0000_0000n, 0x1000n, 3, ALL); // canonical, unmapped
    }
  }
  return { mem, cases, tableStart: pageAddr(FIRST_TABLE_PAGE), tableWords: (nextTable - FIRST_TABLE_PAGE) * 512 };
}

function blob(s: ReturnType<typeof scenario>): Uint8Array {
  const out = new Uint8Array(BLOB_PAGES * Number(PAGE));
  const src = new Uint8Array(s.mem.dv.buffer, Number(BLOB - RAM), out.length);
  out.set(src);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(s.cases.length), true);
  dv.setBigUint64(8, s.tableStart, true);
  dv.setBigUint64(16, BigInt(s.tableWords), true);
  s.cases.forEach((c, i) => {
    const o = 64 + i * 48;
    dv.setBigUint64(o, c.va, true);
    dv.setBigUint64(o + 8, KIND_CODE[c.kind], true);
    dv.setBigUint64(o + 16, c.priv === Priv.S ? 1n : 0n, true);
    dv.setBigUint64(o + 24, (c.sum ? 1n << 18n : 0n) | (c.mxr ? 1n << 19n : 0n), true);
    dv.setBigUint64(o + 32, c.satp, true);
    dv.setBigUint64(o + 40, c.value, true);
  });
  if (64 + s.cases.length * 48 > FIRST_TABLE_PAGE * Number(PAGE)) throw new Error("too many cases for the blob header");
  return out;
}

/** What the walker prints, as translate() on the same memory predicts it. */
function predict(s: ReturnType<typeof scenario>): string[] {
  const lines: string[] = [];
  const h = (v: bigint) => BigInt.asUintN(64, v).toString(16).padStart(16, "0");
  s.cases.forEach((c, i) => {
    const r = translate(c.va, c.kind, { satp: c.satp, priv: c.priv, sum: c.sum, mxr: c.mxr }, s.mem);
    const ecall = c.priv === Priv.U ? 8n : 9n;
    let cause: bigint;
    let tval = 0n;
    let t1 = 0n;
    if (!r.ok) {
      cause = BigInt(r.cause);
      tval = c.va;
    } else if (c.kind === "load") {
      cause = ecall;
      t1 = s.mem.load64(r.pa)!;
    } else if (c.kind === "store") {
      cause = ecall;
      s.mem.set(r.pa, c.value);
    } else {
      const insn = s.mem.load64(r.pa)! & 0xffff_ffffn;
      cause = insn === ECALL ? ecall : 2n;
      tval = insn === ECALL ? 0n : insn;
    }
    lines.push(`C ${h(BigInt(i))} ${h(cause)} ${h(tval)} ${h(t1)}`);
  });
  for (let w = 0; w < s.tableWords; w++) {
    const a = s.tableStart + BigInt(w * 8);
    const v = s.mem.load64(a)!;
    if (v !== 0n) lines.push(`D ${h(a)} ${h(v)}`);
  }
  return lines;
}

const tmp = mkdtempSync(join(tmpdir(), "wasmu-mmu-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const WALKER = new URL("./priv-oracle/mmu-walker", import.meta.url).pathname;

it.runIf(HAVE_QEMU || IN_CI).each([1, 2, 3])("random page tables and accesses (seed %i) end as under qemu-system-riscv64", (seed) => {
  expect(HAVE_QEMU, "qemu-system-riscv64 must be installed under CI").toBe(true);
  const s = scenario(seed);
  const file = join(tmp, `blob${seed}.bin`);
  writeFileSync(file, blob(s));
  const q = spawnSync("qemu-system-riscv64", [
    "-M", "virt", "-m", "128M", "-smp", "1", "-bios", "none", "-display", "none", "-serial", "stdio", "-monitor", "none",
    "-kernel", WALKER, "-device", `loader,file=${file},addr=0x${BLOB.toString(16)},force-raw=on`,
  ], { encoding: "utf8", timeout: 60_000 });
  expect(q.status).toBe(0);
  const got = q.stdout.split("\n").map((l) => l.trim()).filter((l) => /^[CD] /.test(l));
  const want = predict(s);
  if (process.env.WASMU_MMU_DUMP) {
    writeFileSync(`${process.env.WASMU_MMU_DUMP}.qemu.${seed}`, got.join("\n") + "\n");
    writeFileSync(`${process.env.WASMU_MMU_DUMP}.wasmu.${seed}`, want.join("\n") + "\n");
  }
  // Illegal-instruction tval is the instruction bits or 0 as the implementation chooses: compare causes only there.
  const norm = (l: string) => (/^C \S+ 0{15}2 /.test(l) ? l.split(" ").slice(0, 3).join(" ") : l);
  expect(got.length).toBe(want.length);
  expect(got.map(norm)).toEqual(want.map(norm));
  // The scenario exercises every outcome.
  const causes = new Set(want.filter((l) => l.startsWith("C")).map((l) => Number.parseInt(l.split(" ")[2]!, 16)));
  for (const c of [8, 9, 12, 13, 15]) expect(causes.has(c)).toBe(true);
});

// The same walker on wasmu's system-mode hart (both tiers): the soft TLB's slow paths and
// the fetch path walk with translate() and fill the TLB; loads, stores and fetches, their
// faults and the final A/D bits must be what the prediction above (checked against QEMU)
// says. Each page table is used by several accesses, so TLB hits and sfence.vma matter.
it.each([[1, "interp"], [2, "jit"], [3, "auto"]] as const)("seed %i on wasmu's system-mode hart (tier %s) prints QEMU's lines", (seed, tier) => {
  const image = blob(scenario(seed));
  const want = predict(scenario(seed));
  const out = runSystemElf({ elf: new Uint8Array(readFileSync(WALKER)), blobs: [{ addr: BLOB, bytes: image }], tier });
  const norm = (l: string) => (/^C \S+ 0{15}2 /.test(l) ? l.split(" ").slice(0, 3).join(" ") : l);
  expect(out.split("\n").map((l) => l.trim()).filter((l) => /^[CD] /.test(l)).map(norm)).toEqual(want.map(norm));
}, 120_000);
