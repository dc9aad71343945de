import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SYSCALLS, SYSCALL_NR, syscallNr } from "../src/index.js";

const CC = "riscv64-linux-gnu-gcc";
const haveCc = (() => {
  try {
    execFileSync(CC, ["--version"], { stdio: "ignore" });
    return existsSync("/usr/riscv64-linux-gnu/include/asm/unistd.h");
  } catch {
    return false;
  }
})();

describe("the riscv64 syscall table", () => {
  it("has the numbers everyone relies on", () => {
    expect(syscallNr("write")).toBe(64);
    expect(syscallNr("exit_group")).toBe(94);
    expect(syscallNr("openat")).toBe(56);
    expect(syscallNr("mmap")).toBe(222);
    expect(syscallNr("riscv_flush_icache")).toBe(259);
    expect(SYSCALLS.get(291)?.name).toBe("statx");
    expect(() => syscallNr("open")).toThrow(); // riscv64 has no open(2)
  });

  it.runIf(haveCc)("agrees with the numbers of the riscv64 kernel headers (oracle: the cross toolchain's asm/unistd.h)", () => {
    const out = execFileSync(CC, ["-E", "-dM", "-include", "asm/unistd.h", "-x", "c", "/dev/null"], { encoding: "utf8" });
    const defs = new Map<string, string>();
    for (const m of out.matchAll(/^#define (__NR3264_\w+|__NR_\w+) (\S+)$/gm)) defs.set(m[1]!, m[2]!);
    const value = (v: string): number | undefined => {
      if (/^\d+$/.test(v)) return Number(v);
      const r = defs.get(v);
      return r === undefined ? undefined : value(r);
    };
    const ignore = new Set(["syscalls", "arch_specific_syscall"]);
    let checked = 0;
    for (const [k, v] of defs) {
      if (!k.startsWith("__NR_")) continue;
      const name = k.slice(5);
      const nr = value(v);
      if (nr === undefined || ignore.has(name)) continue;
      expect.soft(SYSCALL_NR[name], name).toBe(nr);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });
});
