import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Errno, FdTable, MemoryStream, createPipe, formatCall, formatResult, formatTakenSignal, formatUnknown, SYSCALLS, syscallNr, type SyscallArgs } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

const haveQemu = (() => {
  try {
    execFileSync("qemu-riscv64-static", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

function args(...v: (number | bigint)[]): SyscallArgs {
  const a = [0n, 0n, 0n, 0n, 0n, 0n] as [bigint, bigint, bigint, bigint, bigint, bigint];
  v.forEach((x, i) => (a[i] = BigInt.asUintN(64, BigInt(x))));
  return a;
}

describe("-strace in QEMU's format", () => {
  it("formats calls and results as qemu-riscv64 7.2 printed them (lines recorded from qemu-riscv64-static -strace)", () => {
    const p = new FakeProcess();
    const mm = p.mm;
    const line = (name: string, a: SyscallArgs, ret: bigint): string => {
      const info = SYSCALLS.get(syscallNr(name))!;
      return formatCall(14382, info, a, mm) + formatResult(info, ret);
    };
    expect(line("openat", args(-100, p.str("/etc/ld.so.cache"), 0o2000000, 0), 3n)).toBe('14382 openat(AT_FDCWD,"/etc/ld.so.cache",O_RDONLY|O_CLOEXEC) = 3\n');
    expect(line("mmap", args(0, 8192, 3, 0x22, -1, 0), 0x4002962000n)).toBe("14382 mmap(NULL,8192,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0) = 0x0000004002962000\n");
    expect(line("mmap", args(0x4002950000n, 20480, 3, 0x812, 3, 0x122000), 0x4002950000n))
      .toBe("14382 mmap(0x0000004002950000,20480,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_DENYWRITE|MAP_FIXED,3,0x122000) = 0x0000004002950000\n");
    expect(line("mmap", args(0, 1257672, 5, 0x802, 3, 0), 0x400282e000n)).toBe("14382 mmap(NULL,1257672,PROT_EXEC|PROT_READ,MAP_PRIVATE|MAP_DENYWRITE,3,0) = 0x000000400282e000\n");
    expect(line("read", args(3, 0x4002802970n, 832), 832n)).toBe("14382 read(3,0x2802970,832) = 832\n");
    expect(line("newfstatat", args(3, p.str(""), 0x4002802800n, 0x1000), 0n)).toBe('14382 newfstatat(3,"",0x0000004002802800,0x1000) = 0\n');
    expect(line("brk", args(0), 0x4000003000n)).toBe("14382 brk(NULL) = 0x0000004000003000\n");
    expect(line("mprotect", args(0x4002950000n, 12288, 1), 0n)).toBe("14382 mprotect(0x0000004002950000,12288,PROT_READ) = 0\n");
    expect(line("munmap", args(0x4002824000n, 37299), 0n)).toBe("14382 munmap(0x0000004002824000,37299) = 0\n");
    expect(line("openat", args(-100, p.str("/lib/tls/libc.so.6"), 0o2000000, 0), -2n))
      .toBe('14382 openat(AT_FDCWD,"/lib/tls/libc.so.6",O_RDONLY|O_CLOEXEC) = -1 errno=2 (No such file or directory)\n');
    // QEMU 7.2's strace.list has no format for set_robust_list: six longs.
    expect(line("set_robust_list", args(0x4002a0d020n, 24), -38n)).toBe("14382 set_robust_list(274922000416,24,0,0,0,0) = -1 errno=38 (Function not implemented)\n");
    // Lines of qemu-riscv64-static 7.2 -strace runs of busybox, ls, lua and the project's guests.
    expect(line("faccessat", args(-100, p.str("/etc/ld.so.preload"), 4, 0x23a00), -2n))
      .toBe('14382 faccessat(AT_FDCWD,"/etc/ld.so.preload",R_OK,AT_EACCESS|0x23800) = -1 errno=2 (No such file or directory)\n');
    expect(line("newfstatat", args(-100, p.str("/usr"), 0x4000800340n, 0x100), 0n)).toBe('14382 newfstatat(AT_FDCWD,"/usr",0x0000004000800340,AT_SYMLINK_NOFOLLOW) = 0\n');
    expect(line("openat", args(-100, p.str("/"), 0o2204000, 0), 3n)).toBe('14382 openat(AT_FDCWD,"/",O_RDONLY|O_DIRECTORY|O_NONBLOCK|O_CLOEXEC) = 3\n');
    expect(line("futex", args(0x40029db4f4n, 129, 0x7fffffff, 0, 0x40029db4f4n, 43889908), 0n))
      .toBe("14382 futex(0x00000040029db4f4,FUTEX_PRIVATE_FLAG|FUTEX_WAKE,2147483647,NULL,0x00000040029db4f4,43889908) = 0\n");
    expect(line("futex", args(0x40010025d0n, 265, 10893, 0, 0, 0), 0n)).toBe("14382 futex(0x00000040010025d0,FUTEX_CLOCK_REALTIME|FUTEX_WAIT_BITSET,10893,NULL,NULL,0) = 0\n");
    expect(line("clone", args(0x3d0f00, 0x15400, 0x113e0, 0x113c0, 0x113f0), 18981n))
      .toBe("14382 clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID,child_stack=0x0000000000015400,parent_tidptr=0x00000000000113e0,tls=0x00000000000113c0,child_tidptr=0x00000000000113f0) = 18981\n");
    expect(line("mmap", args(0, 8392704, 0, 0x20022, -1, 0), 0x4000802000n)).toBe("14382 mmap(NULL,8392704,PROT_NONE,MAP_PRIVATE|MAP_ANONYMOUS|0x20000,-1,0) = 0x0000004000802000\n");
    expect(line("copy_file_range", args(3, 0, 4, 0, 2146435072, 0), 6n)).toBe("14382 copy_file_range(3,(nil),4,(nil),2146435072,0) = 6\n");
    expect(line("ioctl", args(4, 0x40049409, 3), -95n)).toBe("14382 ioctl(4,FICLONE,3) = -1 errno=95 (Operation not supported)\n");
    expect(line("statx", args(-100, p.str("f.txt"), 0x900, 0x200, 0x4000800000n), 0n)).toBe('14382 statx(AT_FDCWD,"f.txt",AT_NO_AUTOMOUNT|AT_SYMLINK_NOFOLLOW,STATX_SIZE,0x0000004000800000) = 0\n');
    expect(line("lseek", args(3, 32, 0), 32n)).toBe("14382 lseek(3,32,SEEK_SET) = 32\n");
    expect(line("rt_sigaction", args(6, 0, 0x4000800000n), 0n)).toBe("14382 rt_sigaction(SIGIOT,NULL,0x0000004000800000) = 0\n");
    expect(line("statx", args(-100, p.str("/"), 0x800, 2, 0x40028260a8n), 0n)).toBe('14382 statx(AT_FDCWD,"/",AT_NO_AUTOMOUNT,STATX_MODE,0x00000040028260a8) = 0\n');
    expect(line("fcntl", args(3, 1, 0x14), 1n)).toBe("14382 fcntl(3,F_GETFD) = 1\n");
    expect(line("fcntl", args(4, 4, 0x800), 0n)).toBe("14382 fcntl(4,F_SETFL,O_RDONLY|O_NONBLOCK) = 0\n");
    expect(line("ioctl", args(0, 0x5413, 0x40007ffd10n), -25n)).toBe("14382 ioctl(0,TIOCGWINSZ,0x00000040007ffd10) = -1 errno=25 (Inappropriate ioctl for device)\n");
    expect(line("ioctl", args(1, 0x802c542a, 0x4000800000n + 0x26588n), -38n)).toBe("14382 ioctl(1,0x802c542a,0x826588) = -1 errno=38 (Function not implemented)\n");
    const n = p.alloc(16);
    p.mm.poke(n, new Uint8Array([11, 0, 0, 0]));
    const info = SYSCALLS.get(syscallNr("ioctl"))!;
    expect(formatCall(14382, info, args(4, 0x541b, n), mm) + formatResult(info, 0n, args(4, 0x541b, n), mm)).toBe(`14382 ioctl(4,FIONREAD,0x${n.toString(16).padStart(16, "0")}) = 0 (11)\n`);
    const ts = p.alloc(16);
    p.mm.poke(ts, new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xc2, 0xeb, 0x0b, 0, 0, 0, 0]));
    expect(line("clock_nanosleep", args(0, 0, ts, 0), 0n)).toBe("14382 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 5,tv_nsec = 200000000},NULL) = 0\n");
    const cg = SYSCALLS.get(syscallNr("clock_gettime"))!;
    expect(formatCall(14382, cg, args(5, ts), mm) + formatResult(cg, 0n, args(5, ts), mm))
      .toBe(`14382 clock_gettime(CLOCK_REALTIME_COARSE,0x${ts.toString(16).padStart(16, "0")}) = 0 ({tv_sec = 5,tv_nsec = 200000000})\n`);
    expect(line("rt_sigprocmask", args(2, 0x4000800340n, 0, 8), 0n)).toBe("14382 rt_sigprocmask(SIG_SETMASK,0x0000004000800340,NULL) = 0\n");
    expect(line("madvise", args(0x4000802000n, 8368128, 4), 0n)).toBe("14382 madvise(0x0000004000802000,8368128,MADV_DONTNEED) = 0\n");
    expect(line("rt_sigreturn", args(10, 274886296752n, 274886296880n, 0, 69632, 1), 10n))
      .toBe("14382 rt_sigreturn(10,274886296752,274886296880,0,69632,1) = -1 errno=513 (Successful exit from sigreturn)\n");
    expect(formatTakenSignal({ signo: 10, code: -6, pid: 9439, uid: 0 })).toBe("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=9439, si_uid=0} ---\n");
    expect(formatTakenSignal({ signo: 11, code: 1, addr: 8n })).toBe("--- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=0x0000000000000008} ---\n");
    expect(formatUnknown(14382, 293)).toBe("14382 Unknown syscall 293\n");
    expect(SYSCALLS.get(syscallNr("rseq"))!.qemuUnknown).toBe(true);
    expect(line("exit_group", args(3), 0n)).toBe("14382 exit_group(3)\n");
  });

  it.runIf(haveQemu)("prints what qemu-riscv64-static -strace prints for the static hello guest (oracle)", async () => {
    const exe = fileURLToPath(new URL("guests/hello", import.meta.url));
    const q = spawnSync("qemu-riscv64-static", ["-strace", exe], { encoding: "utf8" });
    expect(q.stdout).toBe("hello\n");
    expect(q.status).toBe(7);
    const qemuTrace = q.stderr.replace(/^\d+ /gm, "PID ");
    // The same calls through wasmu's dispatcher, with the guest's arguments.
    const p = new FakeProcess();
    p.mm.mmap(0x10000, 0x1000, 5, 0x32);
    p.mm.poke(0x10108, new TextEncoder().encode("hello\n"));
    expect(await p.n("write", 1, 0x10108, 6)).toBe(6);
    expect(await p.n("exit_group", 7)).toBe(0);
    expect(p.thread.exit).toEqual({ status: 7, group: true });
    const ours = p.trace.join("").replace(/^\d+ /gm, "PID ");
    expect(ours.replace(/\n$/, "")).toBe(qemuTrace.replace(/\n$/, ""));
  });
});

describe("the dispatcher", () => {
  it("answers a call without a handler with ENOSYS and warns once", async () => {
    const p = new FakeProcess();
    expect(await p.n("io_uring_setup", 0, 0)).toBe(-Errno.ENOSYS);
    expect(await p.n("io_uring_setup", 0, 0)).toBe(-Errno.ENOSYS);
    expect(await p.n("riscv_hwprobe", 0, 0, 0, 0, 0)).toBe(-Errno.ENOSYS);
    expect(Number(await p.dispatcher.dispatch(p.thread, 999, [0n, 0n, 0n, 0n, 0n, 0n]))).toBe(-Errno.ENOSYS);
    expect(await p.n("rseq", 0, 0, 0, 0)).toBe(-Errno.ENOSYS);
    expect(p.warnings).toEqual(["Unsupported syscall: 425 (io_uring_setup)", "Unsupported syscall: 999"]);
    expect(p.trace).toContain("4242 Unknown syscall 999\n");
  });

  it("traces a blocking call's result when it completes", async () => {
    const p = new FakeProcess();
    const fds = p.alloc(8);
    await p.n("pipe2", fds, 0);
    const b = p.alloc(8);
    const pending = p.call("read", 3, b, 8);
    await p.n("write", 4, p.str("x"), 1);
    await pending;
    expect(p.trace.slice(-2)).toEqual([`4242 write(4,0x${(b + 16).toString(16)},1) = 1\n`, `4242 read(3,0x${b.toString(16)},8) = 1\n`]);
  });

  it("rt_sigprocmask and rt_sigaction keep the state Linux checks", async () => {
    const p = new FakeProcess();
    const set = p.alloc(8);
    const old = p.alloc(8);
    p.mm.write(set, new Uint8Array(new BigUint64Array([0xffff_ffff_ffff_ffffn]).buffer));
    expect(await p.n("rt_sigprocmask", 0, set, old, 8)).toBe(0);
    expect(p.u64(old)).toBe(0n);
    expect(p.thread.sigmask).toBe(0xffff_ffff_fffb_feffn); // SIGKILL and SIGSTOP stay unblocked
    expect(await p.n("rt_sigprocmask", 9, set, old, 8)).toBe(-Errno.EINVAL);
    expect(await p.n("rt_sigprocmask", 0, set, old, 4)).toBe(-Errno.EINVAL);
    const act = p.alloc(24);
    p.mm.write(act, new Uint8Array(new BigUint64Array([0x12340n, 0x4000000n, 0n]).buffer));
    expect(await p.n("rt_sigaction", 11, act, 0, 8)).toBe(0);
    expect(await p.n("rt_sigaction", 11, 0, old, 8)).toBe(0);
    expect(p.u64(old)).toBe(0x12340n);
    expect(await p.n("rt_sigaction", 9, act, 0, 8)).toBe(-Errno.EINVAL);
    expect(await p.n("rt_sigaction", 65, act, 0, 8)).toBe(-Errno.EINVAL);
  });

  it("set_tid_address and set_robust_list record the thread's addresses", async () => {
    const p = new FakeProcess();
    expect(await p.n("set_tid_address", 0x1234)).toBe(4242);
    expect(p.thread.clearChildTid).toBe(0x1234);
    expect(await p.n("set_robust_list", 0x2000, 24)).toBe(0);
    expect(await p.n("set_robust_list", 0x2000, 16)).toBe(-Errno.EINVAL);
  });
});

describe("descriptor tables for fork and exec", () => {
  it("fork shares open file descriptions; exec closes FD_CLOEXEC descriptors", () => {
    const t = new FdTable();
    const s = new MemoryStream();
    const [r, w] = createPipe(0);
    t.install(s, false);
    t.install(r, true);
    t.install(w, false);
    const child = t.fork();
    child.closeOnExec();
    expect(child.open).toEqual([0, 2]);
    expect(t.open).toEqual([0, 1, 2]);
    expect(r.pipe.readers).toBe(1);
    t.close(1);
    expect(r.pipe.readers).toBe(0);
    child.closeAll();
    expect(w.pipe.writers).toBe(1);
  });
});
