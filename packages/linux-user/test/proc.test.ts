import { describe, expect, it } from "vitest";
import { AT, Errno, MapFlag, O, Prot } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

async function readAll(p: FakeProcess, path: string): Promise<string> {
  const fd = await p.n("openat", AT.FDCWD, p.str(path), O.RDONLY, 0);
  expect(fd).toBeGreaterThanOrEqual(0);
  const b = p.alloc(8192);
  let s = "";
  for (;;) {
    const n = await p.n("read", fd, b, 100);
    if (n <= 0) break;
    s += p.text(b, n);
  }
  expect(await p.n("close", fd)).toBe(0);
  return s;
}

describe("the guest's own /proc", () => {
  it("/proc/self/maps lists the VMAs in Linux's format", async () => {
    const p = new FakeProcess();
    p.mm.initBrk(0x300000);
    p.mm.brk(0x302000);
    p.mm.mmap(0x400000, 0x1000, Prot.READ | Prot.EXEC, MapFlag.PRIVATE | MapFlag.FIXED, { data: new Uint8Array(1), offset: 0x2000, name: "/usr/lib/libx.so" });
    const maps = await readAll(p, "/proc/self/maps");
    expect(maps).toBe([
      "00100000-00200000 rw-p 00000000 00:00 0\n",
      `${"00300000-00302000 rw-p 00000000 00:00 0".padEnd(73)}[heap]\n`,
      `${"00400000-00401000 r-xp 00002000 00:00 0".padEnd(73)}/usr/lib/libx.so\n`,
    ].join(""));
    expect(await readAll(p, "/proc/4242/maps")).toBe(maps);
    expect(await p.n("openat", AT.FDCWD, p.str("/proc/self/maps"), O.RDWR, 0)).toBe(-Errno.EACCES);
  });

  it("cmdline, comm, cpuinfo and the fd links", async () => {
    const p = new FakeProcess();
    p.thread.proc.cmdline = new TextEncoder().encode("prog\0arg\0");
    expect(await readAll(p, "/proc/self/cmdline")).toBe("prog\0arg\0");
    expect(await readAll(p, "/proc/self/comm")).toBe("test-guest\n");
    expect(await readAll(p, "/proc/cpuinfo")).toContain("isa\t\t: rv64imafdc");
    const fds = p.alloc(8);
    await p.n("pipe2", fds, 0);
    const b = p.alloc(64);
    const n = await p.n("readlinkat", AT.FDCWD, p.str("/proc/self/fd/3"), b, 64);
    expect(p.text(b, n)).toMatch(/^pipe:\[\d+\]$/);
    expect(await p.n("readlinkat", AT.FDCWD, p.str("/proc/self/fd/77"), b, 64)).toBe(-Errno.ENOENT);
    const m = await p.n("readlinkat", AT.FDCWD, p.str("/proc/self/exe"), b, 64);
    expect(p.text(b, m)).toBe("/usr/bin/test-guest");
  });
});
