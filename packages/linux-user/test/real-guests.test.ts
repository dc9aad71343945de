/**
 * Real riscv64 programs from Debian sid (busybox-static, lua5.4 and their libraries),
 * when a sysroot with them is present: $WASMU_SYSROOT, or the one `wasmu-bench fetch`
 * leaves in .cache/guests/sysroot. Oracle: qemu-riscv64-static with the same -L.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryStream, userMain } from "../src/index.js";

const SYSROOT = process.env.WASMU_SYSROOT ?? fileURLToPath(new URL("../../../.cache/guests/sysroot", import.meta.url));
const have = (p: string): boolean => existsSync(`${SYSROOT}${p}`);
const haveQemu = spawnSync("qemu-riscv64-static", ["--version"]).status === 0;

async function wasmu(argv: string[]): Promise<{ status: number; out: string }> {
  const out = new MemoryStream();
  const status = await userMain(["-L", SYSROOT, ...argv], { stderr: () => {}, stdout: () => {}, stdio: [new MemoryStream(), out, new MemoryStream()] }, {});
  return { status, out: out.text };
}

function qemu(argv: string[]): { status: number | null; out: string } {
  const r = spawnSync("qemu-riscv64-static", ["-L", SYSROOT, `${SYSROOT}${argv[0]!}`, ...argv.slice(1)], { encoding: "utf8" });
  return { status: r.status, out: r.stdout };
}

const cases: [string, string[]][] = [
  ["busybox sh arithmetic and exit status", ["/usr/bin/busybox", "sh", "-c", "echo $((6*7)); exit 3"]],
  ["busybox sha256sum of a sysroot file", ["/usr/bin/busybox", "sha256sum", "/etc/passwd"]],
  ["busybox cat (sendfile)", ["/usr/bin/busybox", "cat", "/etc/passwd"]],
  ["lua5.4 (dynamic, glibc, libm)", ["/usr/bin/lua5.4", "-e", "print(string.format('%.3f', math.pi), 2^53, #arg)"]],
];

const runnable = haveQemu && have("/usr/bin/busybox") && have("/usr/bin/lua5.4");
if (!runnable) console.warn(`SKIP: real riscv64 programs not compared with QEMU: need qemu-riscv64-static and busybox + lua5.4 in ${SYSROOT} (scripts/fetch-guests.sh .cache/guests busybox-static libc6; FETCH_GUESTS_DEPS=1 scripts/fetch-guests.sh .cache/guests lua5.4)`);

describe.runIf(runnable)("real programs from Debian's riscv64 archive", () => {
  it.each(cases)("%s: same output and status as qemu-riscv64-static", async (_name, argv) => {
    const w = await wasmu(argv);
    const q = qemu(argv);
    expect(w.out).toBe(q.out);
    expect(w.status).toBe(q.status);
  });
});
