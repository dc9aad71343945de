import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run as runChild } from "@wasmu/test-support";
import { Errno, Kernel, LoadError, MemoryStream, type RunResult, runProgram } from "../src/index.js";

const guestPath = (name: string): string => fileURLToPath(new URL(`guests/${name}`, import.meta.url));
const SYSROOT = "/usr/riscv64-linux-gnu";

interface Ran {
  status: number;
  out: string;
  err: string;
  trace: string;
  parallelism: RunResult["parallelism"];
}

/** Runs a guest program; without `-strace` (`strace` false) its vCPU workers answer thread-local calls themselves. */
async function run(name: string, argv: string[], env: string[] = [], sysroot?: string, strace = true, maxTbs?: number, always = false, debugLocks = false): Promise<Ran> {
  const out = new MemoryStream();
  const err = new MemoryStream();
  const trace: string[] = [];
  const kernel = new Kernel({ ...(sysroot ? { sysroot } : {}), ...(strace ? { strace: (s: string) => trace.push(s) } : {}), warn: () => {} });
  const path = guestPath(name);
  const r = await runProgram({
    kernel, path, bytes: new Uint8Array(readFileSync(path)), argv: [path, ...argv], envp: env, stdio: [new MemoryStream(), out, err],
    readInterpreter: (p) => {
      const h = kernel.sysroot.resolve(p, "/");
      return existsSync(h) ? new Uint8Array(readFileSync(h)) : new LoadError(Errno.ENOENT, `${p}: No such file or directory`);
    },
    maxSyscalls: 100_000,
    ...(maxTbs !== undefined ? { tbArena: { maxTbs } } : {}),
    ...(always ? { vcpuWorkers: "always" as const } : {}),
    debugLocks,
  });
  if (r instanceof LoadError) throw new Error(r.message);
  return { status: r.status, out: out.text, err: err.text, trace: trace.join(""), parallelism: r.parallelism };
}

function qemu(name: string, argv: string[], env: string[] = [], sysroot?: string): { status: number | null; out: string } {
  const r = spawnSync("qemu-riscv64-static", [...(sysroot ? ["-L", sysroot] : []), guestPath(name), ...argv], { env: Object.fromEntries(env.map((e): [string, string] => [e.split("=")[0]!, e.slice(e.indexOf("=") + 1)])), encoding: "utf8" });
  // A shell's view: 128 + the signal that killed it.
  return { status: r.status ?? 128 + (r.signal !== null ? constants.signals[r.signal] : 0), out: r.stdout };
}

describe("running guest programs end to end", () => {
  it("hello: static, no libc", async () => {
    const r = await run("hello", []);
    expect(r.out).toBe("hello\n");
    expect(r.status).toBe(7);
    const q = qemu("hello", []);
    expect([r.out, r.status]).toEqual([q.out, q.status]);
  });

  it("auxv-dump: reads argv, envp and the auxv from the initial stack", async () => {
    const r = await run("auxv-dump", ["a", "b c"], ["A=1", "B=2"]);
    expect(r.out).toContain("sp%16=0x0\nargc=0x3\n");
    expect(r.out).toContain("argv: a\nargv: b c\nenv: A=1\nenv: B=2\n");
    expect(r.out).toContain("aux 0x10 0x112d\n");
    expect(r.status).toBe(0);
    const q = qemu("auxv-dump", ["a", "b c"], ["A=1", "B=2"]);
    // QEMU 7.2 hands the environment over in reverse order (its envlist); Linux keeps it: compare sorted.
    const args = (s: string): string => s.split("\n").filter((l) => /^(argv: [^/]|env|argc|sp)/.test(l)).sort().join("\n");
    expect(args(r.out)).toBe(args(q.out));
  });

  it("auxv-dump as a static PIE (ET_DYN without PT_INTERP)", async () => {
    const r = await run("auxv-dump-pie", ["pie"]);
    expect(r.out).toContain("argv: pie\n");
    expect(r.status).toBe(0);
  });
});

describe.runIf(existsSync(`${SYSROOT}/lib/ld-linux-riscv64-lp64d.so.1`))("a dynamically linked program through ld.so and glibc", () => {
  it("hello-dyn prints and exits 3, as under qemu-riscv64-static -L", async () => {
    const r = await run("hello-dyn", ["x"], [], SYSROOT);
    expect(r.out).toBe(`hello from ${guestPath("hello-dyn")}, argc=2\n`);
    expect(r.status).toBe(3);
    const q = qemu("hello-dyn", ["x"], [], SYSROOT);
    expect([r.out, r.status]).toEqual([q.out, q.status]);
    // The same system calls as under QEMU, in the same order (ld.so's library search, mmaps of libc, ...).
    const names = (t: string): string[] => t.split("\n").filter((l) => l !== "").map((l) => l.replace(/^\d+ (\w+)\(.*$/, "$1"));
    const qt = spawnSync("qemu-riscv64-static", ["-strace", "-L", SYSROOT, guestPath("hello-dyn"), "x"], { encoding: "utf8" }).stderr;
    expect(names(r.trace)).toEqual(names(qt.replace(/exit_group\(3\)/, "exit_group(3)\n")));
  });
});

describe("faults", () => {
  it("a NULL dereference is SIGSEGV: status 139, as under qemu-riscv64-static", async () => {
    const r = await run("null-deref", []);
    expect(r.out).toBe("before\n");
    expect(r.status).toBe(139);
    const q = qemu("null-deref", []);
    expect([r.out, r.status]).toEqual([q.out, q.status]);
  });
});

describe("signal delivery", () => {
  it("handlers run for tgkill, SIGSEGV and SIGTRAP with Linux's frame, and return through rt_sigreturn (as under QEMU)", async () => {
    const r = await run("signals", []);
    expect(r.out).toBe("SIGUSR1 handled\nSIGSEGV handled\nSIGTRAP handled\n");
    expect(r.status).toBe(0);
    const q = qemu("signals", []);
    expect([r.out, r.status]).toEqual([q.out, q.status]);
  });
});

describe("threads", () => {
  it("clone(CLONE_THREAD...) threads share memory, get their tid and tp, and are joined through CLONE_CHILD_CLEARTID + futex (as under QEMU)", async () => {
    const r = await run("threads", []);
    expect(r.out).toBe("total 200020000 ok\n");
    expect(r.status).toBe(0);
    const q = qemu("threads", []);
    expect([r.out, r.status]).toEqual([q.out, q.status]);
  });
});

describe("threads run in parallel, one vCPU worker each", () => {
  it("4 threads pass 20 barriers that spin on shared memory, all running guest code at once (as under QEMU)", { timeout: 60_000 }, async () => {
    // Every barrier completes only once the last thread arrives while the 3 others spin
    // (no system call in between), so at that instant 4 vCPUs are inside guest code: the
    // counters' maximum is at least 4 whatever the host's timing. Threads taking turns on
    // one host thread never exceed 1.
    for (const strace of [false, true]) {
      const r = await run("parallel", [], [], undefined, strace);
      const q = qemu("parallel", []);
      expect([r.out, r.status]).toEqual([q.out, q.status]);
      expect(r.out).toContain("thread 3 passed 20 barriers\n");
      expect(r.parallelism?.workers).toBe(5);
      expect(r.parallelism?.maxRunning).toBeGreaterThanOrEqual(4);
    }
  });

  it("a single-threaded program stays on the kernel thread (no worker)", async () => {
    const r = await run("hello", []);
    expect(r.parallelism).toBeUndefined();
  });

  it("single-threaded programs run in a worker from the start (vcpuWorkers: always) as under QEMU: signal handlers, SIGSEGV, output", { timeout: 60_000 }, async () => {
    for (const [name, strace] of [["signals", false], ["signals", true], ["null-deref", false], ["hello", false]] as const) {
      const r = await run(name, [], [], undefined, strace, undefined, true);
      const q = qemu(name, []);
      expect([name, r.out, r.status]).toEqual([name, q.out, q.status]);
      expect(r.parallelism?.workers).toBe(1);
    }
  });
});

describe("stress: glibc pthreads on vCPU workers", () => {
  // Each scenario against qemu-riscv64-static (test/guests/stress.c).
  const scenarios: [string, string][] = [
    ["mutex", "waves of threads creating and joining threads, one contended mutex and a condition variable"],
    ["segv", "a thread dereferences NULL while 3 others spin: SIGSEGV ends the process (status 139)"],
    ["exit", "exit_group from a non-main thread while 3 others spin and main waits in pthread_join (status 5)"],
    ["signal", "pthread_kill reaches a thread spinning in a worker; its handler stops the spin"],
    ["waits", "a condvar wait times out (absolute CLOCK_REALTIME futex deadline); pthread_kill interrupts a condvar wait, the handler runs, the wait goes on"],
  ];
  for (const [mode, what] of scenarios) {
    it(`${mode}: ${what}`, { timeout: 120_000 }, async () => {
      const r = await run("stress", [mode], [], undefined, false);
      const q = qemu("stress", [mode]);
      expect([r.out, r.status]).toEqual([q.out, q.status]);
      expect(r.parallelism?.workers).toBeGreaterThan(1);
    });
  }

  it("waits with -strace: the same futex waits served by the kernel thread (Atomics.waitAsync on the shared table)", { timeout: 120_000 }, async () => {
    const r = await run("stress", ["waits"], [], undefined, true);
    const q = qemu("stress", ["waits"]);
    expect([r.out, r.status]).toEqual([q.out, q.status]);
    expect(r.trace).toContain("futex(");
  });

  it("exit_group from a thread while the main thread sleeps 1000 s in nanosleep: the host process ends with the guest (no leftover timer)", { timeout: 120_000 }, async () => {
    // A child Node process runs the guest through the built package and then simply lets
    // its event loop drain: a sleep left behind by the ended guest would keep it alive for
    // 1000 s (the spawn's 100 s timeout would kill it first).
    const script = `
      const { readFileSync } = await import("node:fs");
      const lu = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
      const path = ${JSON.stringify(guestPath("stress"))};
      const kernel = new lu.Kernel({ warn: () => {} });
      const r = await lu.runProgram({ kernel, path, bytes: new Uint8Array(readFileSync(path)), argv: [path, "exit-sleep"], envp: [], readInterpreter: () => new lu.LoadError(2, "none") });
      process.exitCode = r.status;`;
    const r = await runChild(process.execPath, ["--input-type=module", "-e", script], { timeout: 100_000, env: { ...process.env, NODE_OPTIONS: "" } });
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe("exit-sleep: start\n");
    expect(r.status).toBe(qemu("stress", ["exit-sleep"]).status);
  });

  it("mutex with a 512-TB arena and the lock checker: tb_flush runs as exclusive work while the workers run, lock order holds, the result is unchanged", { timeout: 120_000 }, async () => {
    // With tcg's lock checker on in every worker and the kernel thread: a lock-order
    // violation throws in the worker, which fails the run.
    const r = await run("stress", ["mutex"], [], undefined, false, 512, false, true);
    const q = qemu("stress", ["mutex"]);
    expect([r.out, r.status]).toEqual([q.out, q.status]);
    expect(r.parallelism?.tbFlushes).toBeGreaterThan(0);
  });

  it("a 128-TB arena (fewer TBs than 8 regions for each of the 32 vCPUs) still runs: fewer, larger regions", { timeout: 120_000 }, async () => {
    // Before the region count followed the arena's size, every region had 0 TBs and
    // translation flushed forever.
    const r = await run("stress", ["signal"], [], undefined, false, 128);
    const q = qemu("stress", ["signal"]);
    expect([r.out, r.status]).toEqual([q.out, q.status]);
    expect(r.parallelism?.tbFlushes).toBeGreaterThan(0);
  });
});
