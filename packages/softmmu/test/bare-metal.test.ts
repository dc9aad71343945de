// Bare-metal programs on the virt machine's CPU (@wasmu/tcg in system mode) in both tiers,
// against qemu-system-riscv64 -M virt -bios none: the UART output must be identical. The
// expected outputs were recorded from QEMU (test/bare-metal/*.expected, rebuilt with
// WASMU_RECORD_BARE_METAL=1); with qemu-system-riscv64 installed the test also runs QEMU
// live and compares (required under CI).
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HAVE_QEMU_SYSTEM, requireTool } from "./support/tools.js";
import { runInThread } from "./support/in-thread.js";

const DIR = new URL("./bare-metal/", import.meta.url).pathname;
const QEMU_CPU = "rv64,h=false,zba=false,zbb=false,zbc=false,zbs=false,Zihintpause=false,sstc=false";
const LIVE = requireTool(HAVE_QEMU_SYSTEM, "qemu-system-riscv64");

function qemu(program: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn("qemu-system-riscv64", ["-M", "virt", "-cpu", QEMU_CPU, "-m", "64M", "-bios", "none", "-nographic", "-kernel", DIR + program], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.setEncoding("latin1");
    p.stdout.on("data", (d: string) => { out += d; });
    const t = setTimeout(() => p.kill(), 30_000);
    p.on("error", reject);
    p.on("close", () => { clearTimeout(t); resolve(out); });
  });
}

describe.each(["m-hello"])("%s", (program) => {
  const expectedFile = `${DIR}${program}.expected`;
  it.runIf(LIVE)("the recorded output is QEMU's", async () => {
    expect(HAVE_QEMU_SYSTEM, "qemu-system-riscv64 must be installed under CI").toBe(true);
    const out = await qemu(program);
    if (process.env.WASMU_RECORD_BARE_METAL === "1") writeFileSync(expectedFile, out);
    expect(out).toBe(readFileSync(expectedFile, "latin1"));
  }, 60_000);

  it.each(["interp", "jit", "auto"] as const)("tier %s prints what QEMU prints and powers off", (tier) => {
    const r = runInThread({ kernel: new Uint8Array(readFileSync(DIR + program)), tier, hotThreshold: 2 });
    expect(r.output).toBe(readFileSync(expectedFile, "latin1"));
    expect(r.reason).toBe("poweroff");
    expect(r.exitCode).toBe(0);
  });
});
