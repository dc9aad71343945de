import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { AT, Errno, MapFlag, Madv, O, Prot } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

const dir = mkdtempSync(`${tmpdir()}/wasmu-mm-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("memory system calls", () => {
  it("mmap anonymous, mprotect, munmap, mremap through the dispatcher", async () => {
    const p = new FakeProcess();
    const a = await p.n("mmap", 0, 10000, Prot.READ | Prot.WRITE, MapFlag.PRIVATE | MapFlag.ANONYMOUS, -1, 0);
    expect(a).toBe(p.mm.mmapBase - 3 * 4096);
    expect(await p.n("mmap", 0, 4096, Prot.READ, MapFlag.PRIVATE | MapFlag.ANONYMOUS, -1, 100)).toBe(-Errno.EINVAL);
    expect(await p.n("mprotect", a, 4096, Prot.READ)).toBe(0);
    expect(await p.n("mremap", a, 3 * 4096, 4096, 0, 0)).toBe(a);
    expect(await p.n("munmap", a, 4096)).toBe(0);
    expect(await p.n("munmap", a + 1, 4096)).toBe(-Errno.EINVAL);
  });

  it("mmap of a file copies its bytes; descriptor checks are Linux's", async () => {
    writeFileSync(`${dir}/data`, "file contents");
    const p = new FakeProcess();
    const fd = await p.n("openat", AT.FDCWD, p.str(`${dir}/data`), O.RDONLY, 0);
    const a = await p.n("mmap", 0, 8192, Prot.READ, MapFlag.PRIVATE, fd, 0);
    expect(a).toBeGreaterThan(0);
    expect(p.text(a, 13)).toBe("file contents");
    expect(p.bytes(a + 13, 3)).toEqual(new Uint8Array(3));
    expect(p.mm.vmas.find(a)?.name).toBe(`${dir}/data`);
    expect(await p.n("mmap", 0, 4096, Prot.READ | Prot.WRITE, MapFlag.SHARED, fd, 0)).toBe(-Errno.EACCES);
    expect(await p.n("mmap", 0, 4096, Prot.READ, MapFlag.PRIVATE, 99, 0)).toBe(-Errno.EBADF);
    const wfd = await p.n("openat", AT.FDCWD, p.str(`${dir}/data`), O.WRONLY, 0);
    expect(await p.n("mmap", 0, 4096, Prot.READ, MapFlag.PRIVATE, wfd, 0)).toBe(-Errno.EACCES);
    const dfd = await p.n("openat", AT.FDCWD, p.str(dir), O.RDONLY | O.DIRECTORY, 0);
    expect(await p.n("mmap", 0, 4096, Prot.READ, MapFlag.PRIVATE, dfd, 0)).toBe(-Errno.ENODEV);
  });

  it("brk grows the heap from the loader's start", async () => {
    const p = new FakeProcess();
    p.mm.initBrk(0x300000);
    expect(await p.n("brk", 0)).toBe(0x300000);
    expect(await p.n("brk", 0x321000)).toBe(0x321000);
    expect(p.mm.accessible(0x320000, 8, 4)).toBe(true);
  });

  it("madvise(MADV_DONTNEED) zeroes private anonymous pages; unmapped ranges are ENOMEM", async () => {
    const p = new FakeProcess();
    const a = await p.n("mmap", 0, 8192, Prot.READ | Prot.WRITE, MapFlag.PRIVATE | MapFlag.ANONYMOUS, -1, 0);
    p.mm.write(a, new Uint8Array([1, 2, 3]));
    expect(await p.n("madvise", a, 8192, Madv.DONTNEED)).toBe(0);
    expect(p.bytes(a, 3)).toEqual(new Uint8Array(3));
    expect(await p.n("madvise", a, 8192, 999)).toBe(-Errno.EINVAL);
    expect(await p.n("madvise", a + 8192, 4096, Madv.NORMAL)).toBe(-Errno.ENOMEM);
  });
});
