import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AT, Errno, F, Ioctl, O, S } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

const root = mkdtempSync(`${tmpdir()}/wasmu-files-`);
const sysroot = `${root}/sysroot`;
const work = `${root}/work`;

beforeAll(() => {
  mkdirSync(`${sysroot}/etc`, { recursive: true });
  mkdirSync(`${sysroot}/usr/bin`, { recursive: true });
  mkdirSync(`${sysroot}/etc/alternatives`, { recursive: true });
  writeFileSync(`${sysroot}/etc/hello.txt`, "from the sysroot\n");
  writeFileSync(`${sysroot}/usr/bin/mawk`, "mawk");
  symlinkSync("/usr/bin/mawk", `${sysroot}/etc/alternatives/awk`);
  symlinkSync("/etc/alternatives/awk", `${sysroot}/usr/bin/awk`);
  mkdirSync(work, { recursive: true });
  writeFileSync(`${work}/a.txt`, "0123456789");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function proc(): FakeProcess {
  return new FakeProcess({ sysroot, cwd: work });
}

describe("openat and the sysroot", () => {
  it("finds absolute paths in the sysroot first, following absolute links inside it", async () => {
    const p = proc();
    const fd = await p.n("openat", AT.FDCWD, p.str("/etc/hello.txt"), O.RDONLY, 0);
    expect(fd).toBe(3);
    const buf = p.alloc(64);
    expect(await p.n("read", fd, buf, 64)).toBe(17);
    expect(p.text(buf, 17)).toBe("from the sysroot\n");
    const awk = await p.n("openat", AT.FDCWD, p.str("/usr/bin/awk"), O.RDONLY | O.CLOEXEC, 0);
    expect(await p.n("read", awk, buf, 64)).toBe(4);
    expect(p.text(buf, 4)).toBe("mawk");
    expect(await p.n("fcntl", awk, F.GETFD, 0)).toBe(1);
  });

  it("falls back to the host for paths the sysroot lacks; relative paths use the cwd", async () => {
    const p = proc();
    expect(await p.n("openat", AT.FDCWD, p.str(`${work}/a.txt`), O.RDONLY, 0)).toBe(3);
    expect(await p.n("openat", AT.FDCWD, p.str("a.txt"), O.RDONLY, 0)).toBe(4);
    expect(await p.n("openat", AT.FDCWD, p.str("/etc/nonexistent-wasmu"), O.RDONLY, 0)).toBe(-Errno.ENOENT);
    expect(await p.n("openat", AT.FDCWD, p.str("a.txt/x"), O.RDONLY, 0)).toBe(-Errno.ENOTDIR);
    expect(await p.n("openat", AT.FDCWD, 0x10, O.RDONLY, 0)).toBe(-Errno.EFAULT);
    expect(await p.n("openat", 77, p.str("a.txt"), O.RDONLY, 0)).toBe(-Errno.EBADF);
    expect(await p.n("openat", AT.FDCWD, p.str("a.txt"), O.RDONLY | O.DIRECTORY, 0)).toBe(-Errno.ENOTDIR);
  });

  it("creates files with O_CREAT|O_EXCL and the umask, relative to a dirfd", async () => {
    const p = proc();
    const d = await p.n("openat", AT.FDCWD, p.str(work), O.RDONLY | O.DIRECTORY, 0);
    const fd = await p.n("openat", d, p.str("new.txt"), O.WRONLY | O.CREAT | O.EXCL, 0o666);
    expect(fd).toBeGreaterThan(0);
    expect(statSync(`${work}/new.txt`).mode & 0o777).toBe(0o644);
    expect(await p.n("openat", d, p.str("new.txt"), O.WRONLY | O.CREAT | O.EXCL, 0o666)).toBe(-Errno.EEXIST);
    const msg = p.str("written");
    expect(await p.n("write", fd, msg, 7)).toBe(7);
    expect(await p.n("read", fd, msg, 7)).toBe(-Errno.EBADF);
    expect(readFileSync(`${work}/new.txt`, "utf8")).toBe("written");
    expect(await p.n("fcntl", fd, F.GETFL, 0)).toBe(O.WRONLY | O.LARGEFILE);
  });
});

describe("reading, writing, seeking", () => {
  it("FICLONE between regular files is EOPNOTSUPP (no reflinks: cp falls back to copying), EINVAL otherwise, EBADF for a bad source", async () => {
    const p = proc();
    writeFileSync(`${work}/clone-src.txt`, "abc");
    const src = await p.n("openat", AT.FDCWD, p.str("clone-src.txt"), O.RDONLY, 0);
    const dst = await p.n("openat", AT.FDCWD, p.str("clone-dst.txt"), O.WRONLY | O.CREAT, 0o644);
    expect(await p.n("ioctl", dst, 0x40049409, src)).toBe(-Errno.EOPNOTSUPP);
    expect(await p.n("ioctl", dst, 0x40049409, 99)).toBe(-Errno.EBADF);
    const pipe = p.alloc(8);
    expect(await p.n("pipe2", pipe, 0)).toBe(0);
    expect(await p.n("ioctl", dst, 0x40049409, p.u32(pipe))).toBe(-Errno.EINVAL);
  });

  it("lseek on /dev/null succeeds at 0 (Linux's null_lseek); on a FIFO it is ESPIPE", async () => {
    const p = proc();
    const fd = await p.n("openat", AT.FDCWD, p.str("/dev/null"), O.RDONLY, 0);
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(await p.n("lseek", fd, 0, 1)).toBe(0);
    expect(await p.n("lseek", fd, 100, 0)).toBe(0);
    const pipe = p.alloc(8);
    expect(await p.n("pipe2", pipe, 0)).toBe(0);
    expect(await p.n("lseek", p.u32(pipe), 0, 1)).toBe(-Errno.ESPIPE);
  });

  it("read/lseek/pread/pwrite keep one offset per open file description, shared by dup", async () => {
    const p = proc();
    writeFileSync(`${work}/rw.txt`, "abcdefghij");
    const fd = await p.n("openat", AT.FDCWD, p.str("rw.txt"), O.RDWR, 0);
    const b = p.alloc(16);
    expect(await p.n("read", fd, b, 3)).toBe(3);
    const fd2 = await p.n("dup", fd);
    expect(await p.n("read", fd2, b, 3)).toBe(3);
    expect(p.text(b, 3)).toBe("def");
    expect(await p.n("lseek", fd, 0, 1)).toBe(6);
    expect(await p.n("pread64", fd, b, 2, 1)).toBe(2);
    expect(p.text(b, 2)).toBe("bc");
    expect(await p.n("lseek", fd, 0, 1)).toBe(6);
    expect(await p.n("lseek", fd, -1, 2)).toBe(9);
    expect(await p.n("lseek", fd, -100, 1)).toBe(-Errno.EINVAL);
    expect(await p.n("pwrite64", fd, p.str("XY"), 2, 0)).toBe(2);
    expect(readFileSync(`${work}/rw.txt`, "utf8")).toBe("XYcdefghij");
    expect(await p.n("pread64", fd, b, 2, -1)).toBe(-Errno.EINVAL);
    expect(await p.n("read", fd, 0x10, 4)).toBe(-Errno.EFAULT);
    expect(await p.n("ftruncate", fd, 4)).toBe(0);
    expect(readFileSync(`${work}/rw.txt`, "utf8")).toBe("XYcd");
    expect(await p.n("fsync", fd)).toBe(0);
    expect(await p.n("close", fd)).toBe(0);
    expect(await p.n("close", fd)).toBe(-Errno.EBADF);
    expect(await p.n("read", fd2, b, 1)).toBe(0); // the description lives on through the dup
  });

  it("readv and writev gather and scatter", async () => {
    const p = proc();
    const iov = p.alloc(32);
    const x = p.str("hello ");
    const y = p.str("world\n");
    p.mm.write(iov, new Uint8Array(new BigUint64Array([BigInt(x), 6n, BigInt(y), 6n]).buffer));
    expect(await p.n("writev", 1, iov, 2)).toBe(12);
    expect(p.stdout.text).toBe("hello world\n");
    expect(await p.n("writev", 1, iov, -1)).toBe(-Errno.EINVAL);
    const fd = await p.n("openat", AT.FDCWD, p.str("a.txt"), O.RDONLY, 0);
    const r1 = p.alloc(4);
    const r2 = p.alloc(4);
    p.mm.write(iov, new Uint8Array(new BigUint64Array([BigInt(r1), 4n, BigInt(r2), 4n]).buffer));
    expect(await p.n("readv", fd, iov, 2)).toBe(8);
    expect(p.text(r1, 4) + p.text(r2, 4)).toBe("01234567");
  });

  it("sendfile copies from a file at its offset or at *offset", async () => {
    const p = proc();
    const fd = await p.n("openat", AT.FDCWD, p.str("a.txt"), O.RDONLY, 0);
    expect(await p.n("sendfile", 1, fd, 0, 4)).toBe(4);
    const off = p.alloc(8);
    p.mm.write(off, new Uint8Array(new BigUint64Array([8n]).buffer));
    expect(await p.n("sendfile", 1, fd, off, 100)).toBe(2);
    expect(p.u64(off)).toBe(10n);
    expect(await p.n("sendfile", 1, fd, 0, 100)).toBe(6);
    expect(p.stdout.text).toBe("012389456789");
    expect(await p.n("sendfile", fd, 1, 0, 1)).toBe(-Errno.EBADF);
  });

  it("stdin, stdout and stderr are the process's streams", async () => {
    const p = new FakeProcess({ stdin: new TextEncoder().encode("input") });
    const b = p.alloc(8);
    expect(await p.n("read", 0, b, 8)).toBe(5);
    expect(await p.n("read", 0, b, 8)).toBe(0);
    expect(await p.n("write", 2, p.str("err"), 3)).toBe(3);
    expect(p.stderr.text).toBe("err");
  });
});

describe("status and directories", () => {
  it("fstat, newfstatat and statx fill the riscv64 layouts", async () => {
    const p = proc();
    const host = statSync(`${work}/a.txt`, { bigint: true });
    const st = p.alloc(128);
    expect(await p.n("newfstatat", AT.FDCWD, p.str("a.txt"), st, 0)).toBe(0);
    expect(p.u64(st + 8)).toBe(host.ino);
    expect(p.u32(st + 16)).toBe(Number(host.mode));
    expect(p.u64(st + 48)).toBe(10n);
    expect(p.u64(st + 88)).toBe(host.mtimeNs / 1_000_000_000n);
    const fd = await p.n("openat", AT.FDCWD, p.str("a.txt"), O.RDONLY, 0);
    const st2 = p.alloc(128);
    expect(await p.n("fstat", fd, st2)).toBe(0);
    expect(p.bytes(st2, 128)).toEqual(p.bytes(st, 128));
    expect(await p.n("newfstatat", fd, p.str(""), st2, AT.EMPTY_PATH)).toBe(0);
    expect(p.u64(st2 + 8)).toBe(host.ino);
    expect(await p.n("newfstatat", AT.FDCWD, p.str(""), st2, 0)).toBe(-Errno.ENOENT);
    expect(await p.n("newfstatat", AT.FDCWD, p.str("/usr/bin/awk"), st2, AT.SYMLINK_NOFOLLOW)).toBe(0);
    expect(p.u32(st2 + 16) & S.IFMT).toBe(S.IFLNK);
    const sx = p.alloc(256);
    expect(await p.n("statx", AT.FDCWD, p.str("/etc/hello.txt"), 0, 0xfff, sx)).toBe(0);
    expect(p.u32(sx) & 0x7ff).toBe(0x7ff);
    expect(p.u64(sx + 40)).toBe(17n);
    expect(p.u64(sx + 32)).toBe(lstatSync(`${sysroot}/etc/hello.txt`, { bigint: true }).ino);
    expect(await p.n("statx", AT.FDCWD, p.str("a.txt"), 0x6000, 0xfff, sx)).toBe(-Errno.EINVAL);
  });

  it("getdents64 lists ., .. and the entries with their types", async () => {
    const p = proc();
    const fd = await p.n("openat", AT.FDCWD, p.str("/etc"), O.RDONLY | O.DIRECTORY, 0);
    const buf = p.alloc(4096);
    const n = await p.n("getdents64", fd, buf, 4096);
    const names = new Map<string, number>();
    for (let at = 0; at < n;) {
      const reclen = p.bytes(buf + at + 16, 2);
      const len = reclen[0]! | (reclen[1]! << 8);
      const type = p.bytes(buf + at + 18, 1)[0]!;
      names.set(p.text(buf + at + 19, len - 19).replace(/\0.*$/s, ""), type);
      expect(len % 8).toBe(0);
      at += len;
    }
    expect(names).toEqual(new Map([[".", 4], ["..", 4], ["hello.txt", 8], ["alternatives", 4]]));
    expect(await p.n("getdents64", fd, buf, 4096)).toBe(0);
    expect(await p.n("lseek", fd, 0, 0)).toBe(0);
    expect(await p.n("getdents64", fd, buf, 10)).toBe(-Errno.EINVAL);
    expect(await p.n("getdents64", 1, buf, 4096)).toBe(-Errno.ENOTDIR);
  });

  it("readlinkat, /proc/self/exe, faccessat2", async () => {
    const p = proc();
    const b = p.alloc(64);
    expect(await p.n("readlinkat", AT.FDCWD, p.str("/usr/bin/awk"), b, 64)).toBe(21);
    expect(p.text(b, 21)).toBe("/etc/alternatives/awk");
    expect(await p.n("readlinkat", AT.FDCWD, p.str("/usr/bin/awk"), b, 4)).toBe(4);
    expect(await p.n("readlinkat", AT.FDCWD, p.str("/etc/hello.txt"), b, 64)).toBe(-Errno.EINVAL);
    expect(await p.n("readlinkat", AT.FDCWD, p.str("/proc/self/exe"), b, 64)).toBe(19);
    expect(p.text(b, 19)).toBe("/usr/bin/test-guest");
    expect(await p.n("faccessat2", AT.FDCWD, p.str("/etc/hello.txt"), 4, 0)).toBe(0);
    expect(await p.n("faccessat", AT.FDCWD, p.str("/etc/nope"), 0)).toBe(-Errno.ENOENT);
    expect(await p.n("faccessat2", AT.FDCWD, p.str("/etc/hello.txt"), 8, 0)).toBe(-Errno.EINVAL);
    expect(await p.n("faccessat2", AT.FDCWD, p.str("/etc/hello.txt"), 4, 0x4000)).toBe(-Errno.EINVAL);
  });

  it("getcwd shows the guest's view; chdir and fchdir move it", async () => {
    const p = proc();
    const b = p.alloc(256);
    expect(await p.n("getcwd", b, 256)).toBe(work.length + 1);
    expect(p.text(b, work.length)).toBe(work);
    expect(await p.n("chdir", p.str("/etc"))).toBe(0);
    expect(await p.n("getcwd", b, 256)).toBe(5);
    expect(p.text(b, 5)).toBe("/etc\0");
    expect(await p.n("openat", AT.FDCWD, p.str("hello.txt"), O.RDONLY, 0)).toBe(3);
    expect(await p.n("getcwd", b, 3)).toBe(-Errno.ERANGE);
    expect(await p.n("chdir", p.str("/etc/hello.txt"))).toBe(-Errno.ENOTDIR);
    const d = await p.n("openat", AT.FDCWD, p.str(work), O.RDONLY | O.DIRECTORY, 0);
    expect(await p.n("fchdir", d)).toBe(0);
    expect(await p.n("fchdir", 3)).toBe(-Errno.ENOTDIR);
  });

  it("mkdirat, renameat2, unlinkat, utimensat", async () => {
    const p = proc();
    expect(await p.n("mkdirat", AT.FDCWD, p.str("sub"), 0o755)).toBe(0);
    expect(await p.n("mkdirat", AT.FDCWD, p.str("sub"), 0o755)).toBe(-Errno.EEXIST);
    writeFileSync(`${work}/sub/f`, "x");
    writeFileSync(`${work}/sub/g`, "y");
    expect(await p.n("renameat2", AT.FDCWD, p.str("sub/f"), AT.FDCWD, p.str("sub/g"), 1)).toBe(-Errno.EEXIST);
    expect(await p.n("renameat2", AT.FDCWD, p.str("sub/f"), AT.FDCWD, p.str("sub/h"), 0)).toBe(0);
    expect(await p.n("unlinkat", AT.FDCWD, p.str("sub"), 0x200)).toBe(-Errno.ENOTEMPTY);
    const ts = p.alloc(32);
    p.mm.write(ts, new Uint8Array(new BigInt64Array([1_000_000n, 0n, 2_000_000n, 500_000_000n]).buffer));
    expect(await p.n("utimensat", AT.FDCWD, p.str("sub/h"), ts, 0)).toBe(0);
    expect(statSync(`${work}/sub/h`).mtimeMs).toBe(2_000_000_500);
    expect(await p.n("unlinkat", AT.FDCWD, p.str("sub/h"), 0)).toBe(0);
    expect(await p.n("unlinkat", AT.FDCWD, p.str("sub/g"), 0)).toBe(0);
    expect(await p.n("unlinkat", AT.FDCWD, p.str("sub"), 0x200)).toBe(0);
    expect(await p.n("unlinkat", AT.FDCWD, p.str("sub"), 0x1)).toBe(-Errno.EINVAL);
  });
});

describe("more file calls", () => {
  it("fchmodat, symlinkat, linkat, truncate, statfs, close_range, getrusage", async () => {
    const p = proc();
    writeFileSync(`${work}/m.txt`, "12345");
    expect(await p.n("fchmodat", AT.FDCWD, p.str("m.txt"), 0o600, 0)).toBe(0);
    expect(statSync(`${work}/m.txt`).mode & 0o777).toBe(0o600);
    expect(await p.n("symlinkat", p.str("m.txt"), AT.FDCWD, p.str("m.lnk"))).toBe(0);
    expect(lstatSync(`${work}/m.lnk`).isSymbolicLink()).toBe(true);
    expect(await p.n("linkat", AT.FDCWD, p.str("m.txt"), AT.FDCWD, p.str("m.hard"), 0)).toBe(0);
    expect(statSync(`${work}/m.txt`).nlink).toBe(2);
    expect(await p.n("truncate", p.str("m.hard"), 2)).toBe(0);
    expect(readFileSync(`${work}/m.txt`, "utf8")).toBe("12");
    const sf = p.alloc(120);
    expect(await p.n("statfs", p.str("/etc"), sf)).toBe(0);
    expect(p.u64(sf + 8)).toBeGreaterThan(0n);
    const a = await p.n("dup", 1);
    const b = await p.n("dup", 1);
    expect(await p.n("close_range", a, b, 4)).toBe(0);
    expect(await p.n("fcntl", b, F.GETFD, 0)).toBe(1);
    expect(await p.n("close_range", a, 0xffffffff, 0)).toBe(0);
    expect(await p.n("fcntl", a, F.GETFD, 0)).toBe(-Errno.EBADF);
    expect(await p.n("close_range", 5, 4, 0)).toBe(-Errno.EINVAL);
    const ru = p.alloc(144);
    expect(await p.n("getrusage", 0, ru)).toBe(0);
    expect(await p.n("getrusage", 7, ru)).toBe(-Errno.EINVAL);
  });
});

describe("descriptors: dup3, fcntl, ioctl, pipe2", () => {
  it("dup3 and fcntl follow Linux's rules", async () => {
    const p = proc();
    expect(await p.n("dup3", 1, 1, 0)).toBe(-Errno.EINVAL);
    expect(await p.n("dup3", 1, 10, 1)).toBe(-Errno.EINVAL);
    expect(await p.n("dup3", 1, 10, O.CLOEXEC)).toBe(10);
    expect(await p.n("fcntl", 10, F.GETFD, 0)).toBe(1);
    expect(await p.n("dup3", 9, 10, 0)).toBe(-Errno.EBADF);
    expect(await p.n("fcntl", 1, F.DUPFD_CLOEXEC, 20)).toBe(20);
    expect(await p.n("fcntl", 20, F.SETFD, 0)).toBe(0);
    expect(await p.n("fcntl", 20, F.GETFD, 0)).toBe(0);
    expect(await p.n("fcntl", 20, F.SETFL, O.NONBLOCK | O.RDONLY)).toBe(0);
    expect(await p.n("fcntl", 1, F.GETFL, 0)).toBe(O.RDWR | O.NONBLOCK); // shared description
    expect(await p.n("fcntl", 99, F.GETFD, 0)).toBe(-Errno.EBADF);
    expect(await p.n("fcntl", 1, 12345, 0)).toBe(-Errno.EINVAL);
  });

  it("ioctl answers terminal requests only for terminals", async () => {
    const tty = new FakeProcess({ tty: true });
    const b = tty.alloc(64);
    expect(await tty.n("ioctl", 1, Ioctl.TCGETS, b)).toBe(0);
    expect(tty.u32(b + 12) & 2).toBe(2); // ICANON
    expect(await tty.n("ioctl", 1, Ioctl.TIOCGWINSZ, b)).toBe(0);
    expect([tty.bytes(b, 1)[0], tty.bytes(b + 2, 1)[0]]).toEqual([40, 100]);
    const plain = proc();
    expect(await plain.n("ioctl", 1, Ioctl.TCGETS, b)).toBe(-Errno.ENOTTY);
    expect(await plain.n("ioctl", 1, Ioctl.FIOCLEX, 0)).toBe(0);
    expect(await plain.n("fcntl", 1, F.GETFD, 0)).toBe(1);
    expect(await plain.n("ioctl", 55, Ioctl.TCGETS, b)).toBe(-Errno.EBADF);
  });

  it("pipe2 carries bytes; a read of an empty pipe waits for the writer; EOF and EPIPE at close", async () => {
    const p = proc();
    const fds = p.alloc(8);
    expect(await p.n("pipe2", fds, O.CLOEXEC)).toBe(0);
    const [r, w] = [p.u32(fds), p.u32(fds + 4)];
    expect([r, w]).toEqual([3, 4]);
    expect(await p.n("fcntl", r, F.GETFD, 0)).toBe(1);
    const b = p.alloc(16);
    const pending = p.call("read", r, b, 16);
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((res) => setTimeout(res, 10));
    expect(settled).toBe(false);
    expect(await p.n("write", w, p.str("ping"), 4)).toBe(4);
    expect(Number(await pending)).toBe(4);
    expect(p.text(b, 4)).toBe("ping");
    expect(await p.n("fcntl", w, F.GETPIPE_SZ, 0)).toBe(65536);
    expect(await p.n("close", w)).toBe(0);
    expect(await p.n("read", r, b, 16)).toBe(0);
    expect(await p.n("pipe2", fds, O.NONBLOCK)).toBe(0);
    const [r2, w2] = [p.u32(fds), p.u32(fds + 4)];
    expect(await p.n("read", r2, b, 16)).toBe(-Errno.EAGAIN);
    expect(await p.n("close", r2)).toBe(0);
    expect(await p.n("write", w2, b, 1)).toBe(-Errno.EPIPE);
    expect(await p.n("pipe2", fds, 0x1)).toBe(-Errno.EINVAL);
  });
});
