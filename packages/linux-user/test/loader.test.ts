import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  AddressSpace, At, Errno, flatGuestMemory, LoadError, loadProgram, type LoadedProgram, type LoadOptions, PAGE_EXEC, PAGE_READ, PAGE_WRITE,
} from "../src/index.js";

const guest = (name: string): Uint8Array => new Uint8Array(readFileSync(fileURLToPath(new URL(`guests/${name}`, import.meta.url))));
const SYSROOT = "/usr/riscv64-linux-gnu";
const haveSysroot = existsSync(`${SYSROOT}/lib/ld-linux-riscv64-lp64d.so.1`);
const GiB = 2 ** 30;

function fresh(): AddressSpace {
  return new AddressSpace({ memory: flatGuestMemory(0, GiB) });
}

function readInterpreter(p: string): Uint8Array | LoadError {
  const host = `${SYSROOT}${p}`;
  return existsSync(host) ? new Uint8Array(readFileSync(host)) : new LoadError(Errno.ENOENT, `${p}: No such file or directory`);
}

function load(as: AddressSpace, path: string, bytes: Uint8Array, extra: Partial<LoadOptions> = {}): LoadedProgram {
  const r = loadProgram(as, { path, bytes, readInterpreter, argv: [path, "one", "two"], envp: ["A=1", "B=22"], random: new Uint8Array(16).fill(7), ...extra });
  if (r instanceof LoadError) throw new Error(r.message);
  return r;
}

/** Reads the initial stack back as a C runtime would. */
function parseStack(as: AddressSpace, sp: number): { argv: string[]; envp: string[]; auxv: Map<number, bigint>; order: number[] } {
  const u64 = (a: number): bigint => new DataView(as.read(a, 8)!.buffer).getBigUint64(0, true);
  const str = (a: bigint): string => new TextDecoder().decode(as.readCString(Number(a)) as Uint8Array);
  const argc = Number(u64(sp));
  const argv: string[] = [];
  let at = sp + 8;
  for (let i = 0; i < argc; i++, at += 8) argv.push(str(u64(at)));
  expect(u64(at)).toBe(0n);
  at += 8;
  const envp: string[] = [];
  for (; u64(at) !== 0n; at += 8) envp.push(str(u64(at)));
  at += 8;
  const auxv = new Map<number, bigint>();
  const order: number[] = [];
  for (; ; at += 16) {
    const t = Number(u64(at));
    order.push(t);
    if (t === 0) break;
    auxv.set(t, u64(at + 8));
  }
  return { argv, envp, auxv, order };
}

describe("loading a static ET_EXEC program", () => {
  it("maps its segments at their addresses, starts at e_entry and builds Linux's stack", () => {
    const as = fresh();
    const p = load(as, "/bin/hello", guest("hello"));
    expect(p.bias).toBe(0);
    expect(p.interpBase).toBe(0);
    expect(p.pc).toBe(p.entry);
    expect(p.sp % 16).toBe(0);
    const text = as.vmas.find(p.pc)!;
    expect(text.prot).toBe(5);
    expect(as.pages.get(p.pc) & (PAGE_READ | PAGE_EXEC | PAGE_WRITE)).toBe(PAGE_READ | PAGE_EXEC);
    const s = parseStack(as, p.sp);
    expect(s.argv).toEqual(["/bin/hello", "one", "two"]);
    expect(s.envp).toEqual(["A=1", "B=22"]);
    expect(s.auxv.get(At.PAGESZ)).toBe(4096n);
    expect(s.auxv.get(At.HWCAP)).toBe(0x112dn);
    expect(s.auxv.get(At.ENTRY)).toBe(BigInt(p.entry));
    expect(s.auxv.get(At.BASE)).toBe(0n);
    expect(s.auxv.get(At.PHENT)).toBe(56n);
    expect(s.auxv.get(At.CLKTCK)).toBe(100n);
    expect(s.auxv.get(At.MINSIGSTKSZ)).toBe(1088n);
    expect(new TextDecoder().decode(as.readCString(Number(s.auxv.get(At.EXECFN))) as Uint8Array)).toBe("/bin/hello");
    expect(as.read(Number(s.auxv.get(At.RANDOM)), 16)).toEqual(new Uint8Array(16).fill(7));
    // The generic entries in create_elf_tables' order, after riscv's ARCH_DLINFO.
    expect(s.order.slice(-17)).toEqual([
      At.HWCAP, At.PAGESZ, At.CLKTCK, At.PHDR, At.PHENT, At.PHNUM, At.BASE, At.FLAGS, At.ENTRY,
      At.UID, At.EUID, At.GID, At.EGID, At.SECURE, At.RANDOM, At.EXECFN, At.NULL,
    ]);
    // Strings at the top: execfn just below the last 8 bytes, then envp, then argv.
    expect(Number(s.auxv.get(At.EXECFN))).toBe(as.stackTop - 8 - "/bin/hello".length - 1);
    expect(as.vmas.find(as.stackTop - 1)?.name).toBe("[stack]");
    expect(as.vmas.find(as.stackTop - 1)?.prot).toBe(3); // PT_GNU_STACK without X
    expect(p.brk % 4096).toBe(0);
    expect(p.brk).toBeGreaterThanOrEqual(p.imageEnd);
  });

  it("AT_PHDR points at the program headers in memory", () => {
    const as = fresh();
    const bytes = guest("auxv-dump");
    const p = load(as, "auxv-dump", bytes);
    const phoff = Number(new DataView(bytes.buffer).getBigUint64(32, true));
    expect(as.read(p.phdr, 56 * 2)).toEqual(bytes.subarray(phoff, phoff + 112));
  });
});

describe("loading position-independent programs", () => {
  it("a static PIE lands top-down below mmap_base", () => {
    const as = fresh();
    const bytes = guest("auxv-dump-pie");
    const p = load(as, "pie", bytes);
    expect(p.interpreter).toBeUndefined();
    expect(p.bias).toBeGreaterThan(0);
    expect(p.imageEnd).toBeLessThanOrEqual(as.mmapBase);
    expect(as.mmapBase - p.imageEnd).toBeLessThan(0x1000);
    expect(p.entry).toBe(p.bias + 0x1e2);
    expect(as.read(p.bias, 4)).toEqual(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
  });

  it.runIf(haveSysroot)("a dynamic PIE at ELF_ET_DYN_BASE, its interpreter from the sysroot at its own bias", () => {
    const as = fresh();
    const p = load(as, "/usr/bin/hello-dyn", guest("hello-dyn"));
    expect(p.interpreter).toBe("/lib/ld-linux-riscv64-lp64d.so.1");
    expect(p.bias).toBe(as.elfEtDynBase);
    expect(p.interpBase).toBeGreaterThan(p.imageEnd);
    expect(p.interpBase).toBeLessThan(as.mmapBase);
    expect(as.read(p.interpBase, 4)).toEqual(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
    expect(p.pc).not.toBe(p.entry);
    const s = parseStack(as, p.sp);
    expect(s.auxv.get(At.BASE)).toBe(BigInt(p.interpBase));
    expect(s.auxv.get(At.PHDR)).toBe(BigInt(p.bias + 0x40));
    expect(s.auxv.get(At.PHNUM)).toBe(BigInt(guest("hello-dyn")[56]!));
    // Data segment: RW, its bss tail (p_filesz 0x248 < p_memsz 0x250) zero.
    expect(as.pages.get(p.bias + 0x1e08) & PAGE_WRITE).toBe(PAGE_WRITE);
    expect(as.read(p.bias + 0x1e08 + 0x248, 8)).toEqual(new Uint8Array(8));
  });

  it("a missing interpreter fails with ENOENT naming it", () => {
    const r = loadProgram(fresh(), { path: "x", bytes: guest("hello-dyn"), readInterpreter: (p) => new LoadError(Errno.ENOENT, `${p}: No such file or directory`), argv: [], envp: [] });
    expect(r).toBeInstanceOf(LoadError);
    expect((r as LoadError).errno).toBe(Errno.ENOENT);
    expect((r as LoadError).message).toContain("ld-linux-riscv64-lp64d.so.1");
  });
});

describe("refusing bad files as execve does (ENOEXEC, one line naming the file)", () => {
  const hello = guest("hello");
  const x86 = existsSync("/bin/true") ? new Uint8Array(readFileSync("/bin/true")) : undefined;
  const elf32 = hello.slice();
  elf32[4] = 1;
  const wrongType = hello.slice();
  wrongType[16] = 1; // ET_REL
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["text", new TextEncoder().encode("hello world\n")],
    ["script", new TextEncoder().encode("#!/bin/sh\necho hi\n")],
    ["truncated", hello.subarray(0, 100)],
    ["header only", hello.subarray(0, 64)],
    ["elf32", elf32],
    ["relocatable", wrongType],
    ...(x86 ? [["x86-64", x86] as [string, Uint8Array]] : []),
  ];
  it.each(cases)("%s", (name, bytes) => {
    const r = loadProgram(fresh(), { path: `/tmp/${name}`, bytes, readInterpreter, argv: [name], envp: [] });
    expect(r).toBeInstanceOf(LoadError);
    const e = r as LoadError;
    expect(e.errno).toBe(Errno.ENOEXEC);
    expect(e.message.startsWith(`/tmp/${name}: `)).toBe(true);
    expect(e.message).not.toContain("\n");
  });

  it("too long an argument list is E2BIG", () => {
    const total = loadProgram(fresh(), { path: "h", bytes: hello, readInterpreter, argv: Array.from({ length: 20 }, () => "x".repeat(120_000)), envp: [] });
    expect((total as LoadError).errno).toBe(Errno.E2BIG);
    const one = loadProgram(fresh(), { path: "h", bytes: hello, readInterpreter, argv: ["y".repeat(140_000)], envp: [] });
    expect((one as LoadError).errno).toBe(Errno.E2BIG);
  });
});
