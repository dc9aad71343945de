// Bare-metal programs on the virt machine's CPU (@wasmu/tcg in system mode) in both tiers,
// against qemu-system-riscv64 -M virt -bios none: the UART output must be identical. The
// expected outputs were recorded from QEMU (test/bare-metal/*.expected, rebuilt with
// WASMU_RECORD_BARE_METAL=1); with qemu-system-riscv64 installed the test also runs QEMU
// live and compares (required under CI).
//
// - m-hello (test/bare-metal/m-hello.S): M mode: traps, CSRs, AMOs, LR/SC, self-modifying
//   code, misaligned and faulting loads, UART, sifive_test poweroff.
// - trap-probe (tcg's test/priv-oracle/trap-probe.S): eleven steps between M, S and U:
//   ecall, illegal instruction and ebreak, delegated or not; S and M software interrupts
//   with vectored xtvec; sret under TSR; wfi in U and under TW; MPRV across mret. One
//   known difference is masked: mret into S or U clears MPRV here (privileged spec 1.12),
//   QEMU 7.2 keeps it (mstatus bit 17 of the last line).
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HAVE_QEMU_SYSTEM, requireTool } from "./support/tools.js";
import { runInThread } from "./support/in-thread.js";

const DIR = new URL("./bare-metal/", import.meta.url).pathname;
const QEMU_CPU = "rv64,h=false,zba=false,zbb=false,zbc=false,zbs=false,Zihintpause=false,sstc=false";
const LIVE = requireTool(HAVE_QEMU_SYSTEM, "qemu-system-riscv64");

const PROGRAMS: Record<string, { readonly file: string; readonly normalize?: (out: string) => string }> = {
  "m-hello": { file: DIR + "m-hello" },
  "trap-probe": {
    file: new URL("../../tcg/test/priv-oracle/trap-probe", import.meta.url).pathname,
    normalize: (out) => out.split("\n").map((l, i) => {
      if (i !== 10 || !l.startsWith("M ")) return l;
      const f = l.split(" ");
      f[4] = (BigInt("0x" + f[4]!) & ~(1n << 17n)).toString(16).padStart(16, "0");
      return f.join(" ");
    }).join("\n"),
  },
};

function qemu(program: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn("qemu-system-riscv64", ["-M", "virt", "-cpu", QEMU_CPU, "-m", "64M", "-bios", "none", "-nographic", "-kernel", PROGRAMS[program]!.file], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.setEncoding("latin1");
    p.stdout.on("data", (d: string) => { out += d; });
    const t = setTimeout(() => p.kill(), 30_000);
    p.on("error", reject);
    p.on("close", () => { clearTimeout(t); resolve(out); });
  });
}

describe.each(Object.keys(PROGRAMS))("%s", (program) => {
  const expectedFile = `${DIR}${program}.expected`;
  const norm = PROGRAMS[program]!.normalize ?? ((s: string): string => s);
  it.runIf(LIVE)("the recorded output is QEMU's", async () => {
    expect(HAVE_QEMU_SYSTEM, "qemu-system-riscv64 must be installed under CI").toBe(true);
    const out = await qemu(program);
    if (process.env.WASMU_RECORD_BARE_METAL === "1") writeFileSync(expectedFile, out);
    expect(out).toBe(readFileSync(expectedFile, "latin1"));
  }, 60_000);

  it.each(["interp", "jit", "auto"] as const)("tier %s prints what QEMU prints and powers off", (tier) => {
    const r = runInThread({ kernel: new Uint8Array(readFileSync(PROGRAMS[program]!.file)), tier, hotThreshold: 2 });
    expect(norm(r.output)).toBe(norm(readFileSync(expectedFile, "latin1")));
    expect(r.reason).toBe("poweroff");
    expect(r.exitCode).toBe(0);
  });
});
