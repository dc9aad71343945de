/**
 * The project's glibc guest programs whose whole output is compared with
 * qemu-riscv64-static's (which runs their calls on the host kernel), and the `-strace`
 * lines of some of their calls too. Each runs in a scratch working directory.
 *
 * - sockets (sockets.c): AF_UNIX socketpair of each type, SCM_RIGHTS, a named stream
 *   socket on a path ("sock.s" in the working directory), abstract datagram sockets,
 *   autobind; TCP over IPv4 and IPv6 and UDP on loopback; the errno values.
 * - sigwait (sigwait.c): sigpending, sigtimedwait, sigwaitinfo from another thread's
 *   pthread_kill, sigsuspend's masks, EINTR of read, nanosleep (with the time left) and
 *   poll, a read that SA_RESTART lets go on, SIGPIPE (the process ends with status 141).
 * - restart (restart.c): a handler runs while a read waits, then the read restarts
 *   (SA_RESTART: "errno=512 (To be restarted)" in -strace, as QEMU prints it) or fails with
 *   EINTR; nanosleep and poll fail with EINTR even with SA_RESTART.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Errno, Kernel, LoadError, MemoryStream, runProgram } from "../src/index.js";
import { HAVE_QEMU, IN_CI } from "./support/real-programs.js";
import { run } from "@wasmu/test-support";

const program = (name: string): string => fileURLToPath(new URL(`guests/${name}`, import.meta.url));

async function wasmu(path: string, cwd: string): Promise<{ status: number; out: string; warnings: string[]; trace: string }> {
  const out = new MemoryStream();
  const warnings: string[] = [];
  const trace: string[] = [];
  const kernel = new Kernel({ warn: (l) => warnings.push(l), strace: (s) => trace.push(s) });
  const r = await runProgram({
    kernel, path, bytes: new Uint8Array(readFileSync(path)), argv: [path], envp: [], cwd, stdio: [new MemoryStream(), out, new MemoryStream()],
    readInterpreter: () => new LoadError(Errno.ENOENT, "static"),
  });
  if (r instanceof LoadError) throw new Error(r.message);
  return { status: r.status, out: out.text, warnings, trace: trace.join("") };
}

if (!HAVE_QEMU && !IN_CI) console.warn("SKIP: guests-vs-qemu: qemu-riscv64-static is not installed (apt-get install qemu-user-static)");

// The traced calls: those of a single-threaded program (QEMU interleaves the lines of
// threads) and whose arguments hold no stack address (the stacks differ).
const GUESTS: [string, string, RegExp | undefined][] = [
  ["sockets", "server got 'over tcp'", /^\d+ (socket|bind|connect|listen|accept)\(/],
  ["sigwait", "SIGPIPE handled: -1 errno=32", undefined],
  ["restart", "poll, SA_RESTART: -1 errno=4", /^\d+ (read\(3,|clock_nanosleep\()/],
];

describe("guest programs under wasmu and qemu-riscv64-static", () => {
  it.runIf(!HAVE_QEMU && IN_CI)("has qemu-riscv64-static in CI", () => {
    expect.fail("qemu-riscv64-static is missing");
  });

  it.runIf(HAVE_QEMU).each(GUESTS)("%s: same output and status", { timeout: 120_000 }, async (name, marker, traced) => {
    const wdir = mkdtempSync(join(tmpdir(), "wasmu-guest-"));
    const qdir = mkdtempSync(join(tmpdir(), "wasmu-guest-"));
    try {
      const q = await run("qemu-riscv64-static", ["-strace", program(name)], { cwd: qdir, timeout: 60_000 });
      const w = await wasmu(program(name), wdir);
      expect(w.warnings).toEqual([]);
      expect(w.out).toBe(q.stdout);
      // A shell's view of QEMU's status: 128 + the signal that killed it.
      expect(w.status).toBe(q.status ?? 128 + (q.signal !== null ? constants.signals[q.signal] : 0));
      expect(w.out).toContain(marker);
      if (traced !== undefined) {
        // connect's address and read's buffer are stack addresses (printed as QEMU's %#x): not compared.
        const calls = (text: string): string[] =>
          text.split("\n").filter((l) => traced.test(l)).map((l) => l.replace(/^\d+ /, "").replace(/^(connect|read)\((\d+),0x[0-9a-f]+,/, "$1($2,ADDR,"));
        expect(calls(w.trace)).toEqual(calls(q.stderr));
        expect(calls(w.trace).length).toBeGreaterThan(0);
      }
    } finally {
      rmSync(wdir, { recursive: true, force: true });
      rmSync(qdir, { recursive: true, force: true });
    }
  });
});
