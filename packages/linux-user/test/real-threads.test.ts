/**
 * A real multi-threaded program from Debian sid on vCPU workers: xz with two compressor
 * threads (liblzma's pthreads: mutexes, condition variables, thread creation and join),
 * compared with qemu-riscv64-static through the differential harness
 * (support/real-programs.ts; a loud skip when the sysroot or QEMU is absent).
 */
import { describe, expect, it } from "vitest";
import { IN_CI, type RealCase, requireGuests, runBoth } from "./support/real-programs.js";

/** ~300 KB of deterministic, compressible text (a linear congruential generator over words). */
function text(): string {
  const words = ["vcpu", "worker", "futex", "thread", "barrier", "clone", "kernel", "guest", "wasm", "riscv"];
  let x = 12345;
  const out: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(words[x % words.length]!, i % 12 === 11 ? "\n" : " ");
  }
  return out.join("");
}

const cases: RealCase[] = [
  {
    name: "xz -T2 with 64 KiB blocks (two compressor threads), its checksum, and decompression with -T2",
    argv: ["/usr/bin/xz", "-T2", "--block-size=65536", "-k", "data.txt"],
    then: [["/usr/bin/busybox", "sha256sum", "data.txt.xz"], ["/usr/bin/xz", "-T2", "-dc", "data.txt.xz"]],
    files: { "data.txt": text() },
  },
];

const { runnable, missing } = requireGuests("real-threads", ["/usr/bin/xz", "/usr/bin/busybox"], "FETCH_GUESTS_DEPS=1 scripts/fetch-guests.sh .cache/guests xz-utils busybox-static");

describe("a real multi-threaded program on vCPU workers", () => {
  it.runIf(!runnable && IN_CI)("has xz, busybox and the oracle in CI", () => {
    expect.fail(missing);
  });
  it.runIf(runnable).each(cases)("$name: same output and status as qemu-riscv64-static", { timeout: 300_000 }, async (c) => {
    const { wasmu, qemu } = await runBoth(c);
    expect(wasmu.warnings).toEqual([]);
    expect(wasmu.out).toBe(qemu.out);
    expect(wasmu.err).toBe(qemu.err);
    expect(wasmu.status).toEqual(qemu.status);
  });
});
