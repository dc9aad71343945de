import { describe, expect, it } from "vitest";
import { Errno, RLIM_INFINITY, Rlimit, type HostClock } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

describe("identity and limits", () => {
  it("reports pid, tid, ppid and ids", async () => {
    const p = new FakeProcess();
    expect(await p.n("getpid")).toBe(4242);
    expect(await p.n("gettid")).toBe(4242);
    expect(await p.n("getppid")).toBe(process.pid);
    // A guest process that is this host process (pid = ours) has our parent, as under qemu-riscv64.
    const own = new FakeProcess({ firstPid: process.pid });
    expect(await own.n("getpid")).toBe(process.pid);
    expect(await own.n("getppid")).toBe(process.ppid);
    expect(await p.n("getuid")).toBe(process.getuid!());
    const a = p.alloc(12);
    expect(await p.n("getresuid", a, a + 4, a + 8)).toBe(0);
    expect(p.u32(a + 4)).toBe(process.geteuid!());
    expect(await p.n("getresuid", 0x10, a, a)).toBe(-Errno.EFAULT);
  });

  it("uname says Linux on riscv64", async () => {
    const p = new FakeProcess();
    const a = p.alloc(390);
    expect(await p.n("uname", a)).toBe(0);
    const field = (i: number): string => p.text(a + i * 65, 65).replace(/\0.*$/s, "");
    expect([0, 1, 2, 4, 5].map(field)).toEqual(["Linux", "wasmu-test", "6.12.0", "riscv64", "(none)"]);
  });

  it("prlimit64 reads and sets limits with Linux's checks; NOFILE bounds the fd table", async () => {
    const p = new FakeProcess();
    const old = p.alloc(16);
    expect(await p.n("prlimit64", 0, Rlimit.STACK, 0, old)).toBe(0);
    expect(p.u64(old)).toBe(8n << 20n);
    expect(p.u64(old + 8)).toBe(RLIM_INFINITY);
    const nl = p.alloc(16);
    p.mm.write(nl, new Uint8Array(new BigUint64Array([10n, 5n]).buffer));
    expect(await p.n("prlimit64", 0, Rlimit.NOFILE, nl, 0)).toBe(-Errno.EINVAL);
    p.mm.write(nl, new Uint8Array(new BigUint64Array([4n, 100n]).buffer));
    expect(await p.n("prlimit64", 0, Rlimit.NOFILE, nl, 0)).toBe(0);
    expect(await p.n("dup", 1)).toBe(3);
    expect(await p.n("dup", 1)).toBe(-Errno.EMFILE);
    expect(await p.n("prlimit64", 0, 99, 0, old)).toBe(-Errno.EINVAL);
    expect(await p.n("prlimit64", 1, Rlimit.NOFILE, 0, old)).toBe(-Errno.ESRCH);
    expect(await p.n("getrlimit", Rlimit.NOFILE, old)).toBe(0);
    expect(p.u64(old)).toBe(4n);
  });

  it("getrandom fills the buffer and checks flags", async () => {
    const p = new FakeProcess({ random: (b) => b.fill(0xab) });
    const a = p.alloc(32);
    expect(await p.n("getrandom", a, 32, 0)).toBe(32);
    expect(p.bytes(a, 32)).toEqual(new Uint8Array(32).fill(0xab));
    expect(await p.n("getrandom", a, 8, 0x40)).toBe(-Errno.EINVAL);
    expect(await p.n("getrandom", a, 8, 6)).toBe(-Errno.EINVAL);
  });

  it("sysinfo, umask, sched_getaffinity", async () => {
    const p = new FakeProcess();
    const a = p.alloc(112);
    expect(await p.n("sysinfo", a)).toBe(0);
    expect(p.u64(a + 32)).toBe(64n << 20n);
    expect(p.u32(a + 104)).toBe(1);
    expect(await p.n("umask", 0o077)).toBe(0o022);
    expect(await p.n("umask", 0o022)).toBe(0o077);
    expect(await p.n("sched_getaffinity", 0, 128, a)).toBe(8);
    expect(p.bytes(a, 1)[0]).toBe(0b1111);
    expect(await p.n("sched_getaffinity", 0, 4, a)).toBe(-Errno.EINVAL);
  });
});

describe("time", () => {
  const clock: HostClock = {
    realtimeNs: () => 1_700_000_000_123_456_789n,
    monotonicNs: () => 5_000_000_001n,
    cpuNs: () => 2_500_000_000n,
    sleep: async () => {},
  };

  it("clock_gettime and gettimeofday encode timespec and timeval", async () => {
    const p = new FakeProcess({ clock });
    const a = p.alloc(16);
    expect(await p.n("clock_gettime", 0, a)).toBe(0);
    expect([p.u64(a), p.u64(a + 8)]).toEqual([1_700_000_000n, 123_456_789n]);
    expect(await p.n("clock_gettime", 1, a)).toBe(0);
    expect([p.u64(a), p.u64(a + 8)]).toEqual([5n, 1n]);
    expect(await p.n("clock_gettime", 2, a)).toBe(0);
    expect(p.u64(a)).toBe(2n);
    expect(await p.n("clock_gettime", 10, a)).toBe(-Errno.EINVAL);
    expect(await p.n("clock_gettime", 0, 0x10)).toBe(-Errno.EFAULT);
    expect(await p.n("gettimeofday", a, 0)).toBe(0);
    expect([p.u64(a), p.u64(a + 8)]).toEqual([1_700_000_000n, 123_456n]);
    expect(await p.n("clock_getres", 6, a)).toBe(0);
    expect(p.u64(a + 8)).toBe(4_000_000n);
  });

  it("nanosleep waits on the host clock and rejects a bad timespec", async () => {
    const p = new FakeProcess();
    const ts = p.alloc(16);
    p.mm.write(ts, new Uint8Array(new BigInt64Array([0n, 30_000_000n]).buffer));
    const t0 = performance.now();
    expect(await p.n("nanosleep", ts, 0)).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    p.mm.write(ts, new Uint8Array(new BigInt64Array([0n, 1_000_000_000n]).buffer));
    expect(await p.n("nanosleep", ts, 0)).toBe(-Errno.EINVAL);
    expect(await p.n("clock_nanosleep", 3, 0, ts, 0)).toBe(-Errno.EINVAL);
  });
});

describe("prctl", () => {
  it("names the process and keeps the start-up attributes", async () => {
    const p = new FakeProcess();
    const b = p.alloc(16);
    expect(await p.n("prctl", 16, b)).toBe(0);
    expect(p.text(b, 10)).toBe("test-guest");
    expect(await p.n("prctl", 15, p.str("a-rather-long-thread-name"))).toBe(0);
    expect(await p.n("prctl", 16, b)).toBe(0);
    expect(p.text(b, 16)).toBe("a-rather-long-t\0");
    expect(await p.n("prctl", 3)).toBe(1);
    expect(await p.n("prctl", 4, 2)).toBe(-Errno.EINVAL);
    expect(await p.n("prctl", 9999)).toBe(-Errno.EINVAL);
  });
});
