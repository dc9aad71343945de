/**
 * The first real riscv64 programs from Debian sid (busybox-static, lua5.4 and their
 * libraries), compared with qemu-riscv64-static through the differential harness
 * (support/real-programs.ts: the sysroot from $WASMU_SYSROOT, $WASMU_GUESTS/sysroot or
 * .cache/guests/sysroot; a loud skip when absent, a failure under CI). The larger suite
 * is real-programs.test.ts and real-python.test.ts.
 */
import { describe, expect, it } from "vitest";
import { IN_CI, type RealCase, requireGuests, runBoth } from "./support/real-programs.js";

const cases: RealCase[] = [
  { name: "busybox sh arithmetic and exit status", argv: ["/usr/bin/busybox", "sh", "-c", "echo $((6*7)); exit 3"] },
  { name: "busybox sha256sum of a sysroot file", argv: ["/usr/bin/busybox", "sha256sum", "/etc/xattr.conf"] },
  { name: "busybox cat (sendfile)", argv: ["/usr/bin/busybox", "cat", "/etc/xattr.conf"] },
  { name: "lua5.4 (dynamic, glibc, libm)", argv: ["/usr/bin/lua5.4", "-e", "print(string.format('%.3f', math.pi), 2^53, #arg)"] },
];

const { runnable, missing } = requireGuests(
  "real-guests", ["/usr/bin/busybox", "/usr/bin/lua5.4"],
  "scripts/fetch-guests.sh .cache/guests busybox-static libc6; FETCH_GUESTS_DEPS=1 scripts/fetch-guests.sh .cache/guests lua5.4",
);

describe("real programs from Debian's riscv64 archive", () => {
  it.runIf(!runnable && IN_CI)("has busybox, lua5.4 and the oracle in CI", () => {
    expect.fail(missing);
  });
  it.runIf(runnable).each(cases)("$name: same output and status as qemu-riscv64-static", { timeout: 120_000 }, async (c) => {
    const { wasmu, qemu } = await runBoth(c);
    expect(wasmu.out).toBe(qemu.out);
    expect(wasmu.err).toBe(qemu.err);
    expect(wasmu.status).toEqual(qemu.status);
  });
});
