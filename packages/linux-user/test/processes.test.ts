/**
 * Guest processes (README.md, process model): the project's programs procs.c (fork,
 * wait status words, SIGCHLD, waitid, pipes and file offsets across fork, process groups,
 * setsid, vfork, exec errors, posix_spawn; compared with qemu-riscv64-static, which forks
 * on the host) and execs.c (execve of riscv64 programs, which QEMU hands to the host
 * kernel: compared with Linux's documented behaviour), shared-file.c (MAP_SHARED file
 * mappings written back; compared with QEMU), fork-code.c (translated code shared with a
 * forked child and patched by either side; compared with QEMU).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createPipe, Errno, Kernel, LoadError, MemoryStream, PIPE_BUF, PIPE_CAPACITY, runProgram } from "../src/index.js";
import { HAVE_QEMU, IN_CI } from "./support/real-programs.js";

const program = (name: string): string => fileURLToPath(new URL(`guests/${name}`, import.meta.url));

async function wasmu(path: string, cwd: string, argv: readonly string[] = [path]): Promise<{ status: number; out: string; err: string; warnings: string[] }> {
  const out = new MemoryStream();
  const err = new MemoryStream();
  const warnings: string[] = [];
  const kernel = new Kernel({ warn: (l) => warnings.push(l) });
  const r = await runProgram({
    kernel, path, bytes: new Uint8Array(readFileSync(path)), argv, envp: [], cwd, stdio: [new MemoryStream(), out, err],
    readInterpreter: () => new LoadError(Errno.ENOENT, "static"),
  });
  if (r instanceof LoadError) throw new Error(r.message);
  return { status: r.status, out: out.text, err: err.text, warnings };
}

function scratch<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "wasmu-procs-"));
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

if (!HAVE_QEMU && !IN_CI) console.warn("SKIP: processes: qemu-riscv64-static is not installed (apt-get install qemu-user-static)");

describe("pipes between processes", () => {
  it("a write of more than PIPE_BUF bytes into an empty pipe returns its own length (coreutils yes writes 8192)", () => {
    const [r, w] = createPipe(0);
    expect(w.write(new Uint8Array(2 * PIPE_BUF).fill(0x79))).toBe(2 * PIPE_BUF);
    const buf = new Uint8Array(PIPE_CAPACITY);
    expect(r.read(buf)).toBe(2 * PIPE_BUF);
  });
});

describe("guest processes", () => {
  it.runIf(!HAVE_QEMU && IN_CI)("has qemu-riscv64-static in CI", () => {
    expect.fail("qemu-riscv64-static is missing");
  });

  it.runIf(HAVE_QEMU)("procs: the same output as qemu-riscv64-static (posix_spawn's error as Linux reports it)", { timeout: 120_000 }, async () => {
    const q = await scratch((dir) => Promise.resolve(spawnSync("qemu-riscv64-static", [program("procs")], { cwd: dir, encoding: "utf8", timeout: 60_000 })));
    const w = await scratch((dir) => wasmu(program("procs"), dir));
    expect(w.warnings).toEqual([]);
    expect(w.status).toBe(0);
    expect(q.status).toBe(0);
    // QEMU 7.2 runs posix_spawn's clone(CLONE_VM|CLONE_VFORK) as a plain fork, so the
    // child's exec error never reaches the parent (oracles.md): Linux returns ENOENT.
    expect(q.stdout).toContain("posix_spawn missing: 0\n");
    expect(w.out).toBe(q.stdout.replace("posix_spawn missing: 0\n", `posix_spawn missing: ${Errno.ENOENT}\n`));
    expect(w.out).toContain("100 children: sum=4950");
  });

  it.runIf(HAVE_QEMU)("shared-file: MAP_SHARED file mappings reach the file (msync, munmap, mremap, a child's exit) as under qemu-riscv64-static", { timeout: 120_000 }, async () => {
    const q = await scratch((dir) => Promise.resolve(spawnSync("qemu-riscv64-static", [program("shared-file")], { cwd: dir, encoding: "utf8", timeout: 60_000 })));
    const w = await scratch((dir) => wasmu(program("shared-file"), dir));
    expect(w.warnings).toEqual([]);
    expect(q.stdout).toContain("after child exit: child wrote");
    expect(w.out).toBe(q.stdout);
    expect(w.status).toBe(q.status);
  });

  it.runIf(HAVE_QEMU)("fork-code: a child runs its parent's translated code, and each side's code patches stay its own, as under qemu-riscv64-static", { timeout: 120_000 }, async () => {
    const q = await scratch((dir) => Promise.resolve(spawnSync("qemu-riscv64-static", [program("fork-code")], { cwd: dir, encoding: "utf8", timeout: 60_000 })));
    const w = await scratch((dir) => wasmu(program("fork-code"), dir));
    expect(w.warnings).toEqual([]);
    expect(q.stdout).toContain("20 children: 390 (expect 390)\n");
    expect(w.out).toBe(q.stdout);
    expect(w.status).toBe(q.status);
  });

  it.runIf(HAVE_QEMU)("stops: SIGSTOP/SIGTSTP stop a child, WUNTRACED/WSTOPPED/WCONTINUED and CLD_STOPPED/CLD_CONTINUED report it, SIGCONT and SIGKILL end it, as under qemu-riscv64-static", { timeout: 120_000 }, async () => {
    const q = await scratch((dir) => Promise.resolve(spawnSync("qemu-riscv64-static", [program("stops")], { cwd: dir, encoding: "utf8", timeout: 60_000 })));
    const w = await scratch((dir) => wasmu(program("stops"), dir));
    expect(w.warnings).toEqual([]);
    expect(q.stdout).toContain("SIGSTOP: pid ok stopped by 19 (status 0x137f)\n");
    // QEMU's own host handler for SIGCHLD ignores the guest's SA_NOCLDSTOP, so it passes on
    // the stop's SIGCHLD; Linux (the same program built for the host) and wasmu send none.
    expect(q.stdout).toContain("SIGCHLD with SA_NOCLDSTOP: 1\n");
    expect(w.out).toBe(q.stdout.replace("SIGCHLD with SA_NOCLDSTOP: 1\n", "SIGCHLD with SA_NOCLDSTOP: 0\n"));
    expect(w.status).toBe(q.status);
  });

  it("execs: what an exec'd image keeps, #! scripts, vfork+exec, posix_spawn (Linux's behaviour)", { timeout: 120_000 }, async () => {
    const w = await scratch((dir) => wasmu(program("execs"), dir));
    expect(w.warnings).toEqual([]);
    expect(w.out).toBe([
      "image: cloexec fd -1 errno=9, plain fd 1 flags=0",
      "image: SIGUSR1 handler reset=1",
      "image: SIGUSR2 still ignored=1",
      "image: SIGHUP still blocked=1",
      "image: same pid=1 argc=5",
      "image: comm=execs",
      "exec child: exited 42",
      // binfmt_script: the interpreter, the rest of the line as one argument (inner spaces
      // kept, outer ones trimmed), the script's path as given to execve, then argv[1...].
      "script argv[1]=<-x  y>",
      "script argv[2]=<./execs-script>",
      "script argv[3]=<a1>",
      "script argv[4]=<a 2>",
      "script: exited 0",
      `script, missing interpreter: errno=${Errno.ENOENT}`,
      "vfork+exec: exited 7",
      "posix_spawn: 0 exited 7",
      "",
    ].join("\n"));
    expect(w.status).toBe(0);
  });
});
