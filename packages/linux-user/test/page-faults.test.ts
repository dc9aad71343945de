// Page protections end to end: guests/page-faults (page-faults.c, static, no libc) maps
// pages, mprotects them PROT_NONE / PROT_READ, munmaps one, executes from pages with and
// without PROT_EXEC, and catches every SIGSEGV with a SA_SIGINFO handler that prints
// si_signo, si_code and si_addr (relative to its mapping) and leaves with siglongjmp.
// Its output must be QEMU's: recorded below from qemu-riscv64-static 7.2, and compared
// live when QEMU is installed. Run on the kernel thread and in a vCPU worker; and
// page-faults-mt: a thread in its own worker loses read and execute permission while it
// loops, as another thread mprotects.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Errno, Kernel, LoadError, MemoryStream, runProgram } from "../src/index.js";

const guest = (name: string): string => fileURLToPath(new URL(`guests/${name}`, import.meta.url));
const GUEST = guest("page-faults");

/** What qemu-riscv64-static printed (exit status 0). */
const QEMU_OUTPUT = `load rw: ok 0x0
load none: signal 0xb code 0x2 at +0x1010
store none: signal 0xb code 0x2 at +0x1018
load ro: ok 0x1234
store ro: signal 0xb code 0x2 at +0x2028
amo ro: signal 0xb code 0x2 at +0x2030
load unmapped: signal 0xb code 0x1 at +0x3038
store unmapped: signal 0xb code 0x1 at +0x3040
load rw->none: signal 0xb code 0x2 at +0x1000
store rw: ok 0x0
load rw again: ok 0x5a5a
call rw: signal 0xb code 0x2 at +0x100
call rx: ok 0x2a
store rx: signal 0xb code 0x2 at +0x100
call rx again: ok 0x2a
call rw after rx: signal 0xb code 0x2 at +0x100
call unmapped: signal 0xb code 0x1 at +0x3050
`;

/** What qemu-riscv64-static printed for page-faults-mt (exit status 0). */
const QEMU_OUTPUT_MT = `reader: signal 0xb code 0x2 at +0x0
caller: signal 0xb code 0x2 at +0x1100
main: load after the thread: 0x77
`;

const qemuMissing = spawnSync("qemu-riscv64-static", ["--version"]).status !== 0;
if (qemuMissing) console.warn("page-faults.test.ts: qemu-riscv64-static not found; comparing with its recorded output only");

/** Runs the guest; `inWorker`: its thread in a vCPU worker from the start (the worker's fault path). */
async function run(inWorker = false, path = GUEST, tier: Tier = "auto"): Promise<{ status: number; out: string }> {
  const out = new MemoryStream();
  const kernel = new Kernel({ warn: () => {} });
  const r = await runProgram({
    kernel, path, bytes: new Uint8Array(readFileSync(path)), argv: [path], envp: [], stdio: [new MemoryStream(), out, new MemoryStream()],
    readInterpreter: () => new LoadError(Errno.ENOENT, "no interpreter"),
    maxSyscalls: 10_000,
    // auto with a threshold of 2: the guest's loops and handlers run in both tiers.
    tier: tier === "auto" ? { mode: "auto", hotThreshold: 2, tierBatch: 4 } : { mode: tier },
    ...(inWorker ? { vcpuWorkers: "always" as const } : {}),
  });
  if (r instanceof LoadError) throw new Error(r.message);
  return { status: r.status, out: out.text };
}

/** The execution tiers (tcg's tier-up.ts): every case runs in each. */
type Tier = "auto" | "interp" | "jit";

describe.each(["auto", "interp", "jit"] as const)("page protections and SIGSEGV (tier=%s)", (tier) => {
  it("PROT_NONE, PROT_READ, munmapped and non-executable pages fault with QEMU's si_code and si_addr", async () => {
    const r = await run(false, GUEST, tier);
    expect(r).toEqual({ status: 0, out: QEMU_OUTPUT });
  });

  it("the same in a vCPU worker (the fault crosses the worker's channel with its si_code)", { timeout: 60_000 }, async () => {
    const r = await run(true, GUEST, tier);
    expect(r).toEqual({ status: 0, out: QEMU_OUTPUT });
  });

  it("protections changed by one thread reach another running in its own worker: its loads fault, its code is invalidated", { timeout: 60_000 }, async () => {
    const r = await run(false, guest("page-faults-mt"), tier);
    expect(r).toEqual({ status: 0, out: QEMU_OUTPUT_MT });
  });
});

describe("page protections: the recorded outputs", () => {
  it.skipIf(qemuMissing)("the recorded outputs are still what qemu-riscv64-static prints", () => {
    for (const [name, want] of [["page-faults", QEMU_OUTPUT], ["page-faults-mt", QEMU_OUTPUT_MT]] as const) {
      const q = spawnSync("qemu-riscv64-static", [guest(name)], { encoding: "utf8", timeout: 30_000 });
      expect({ name, status: q.status, out: q.stdout }).toEqual({ name, status: 0, out: want });
    }
  });
});
