/**
 * Sockets end to end: test/guests/sockets (glibc, static; sockets.c) exercises AF_UNIX
 * (socketpair of each type, SCM_RIGHTS, a named stream socket on a path, abstract
 * datagram sockets, autobind) and TCP over IPv4 and IPv6 and UDP on loopback, printing
 * results and errno values; wasmu's output must equal qemu-riscv64-static's (which runs
 * the calls on the host kernel). Both run in scratch directories (the program binds
 * "sock.s" in its working directory).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Errno, Kernel, LoadError, MemoryStream, runProgram } from "../src/index.js";
import { HAVE_QEMU, IN_CI } from "./support/real-programs.js";

const PROGRAM = fileURLToPath(new URL("guests/sockets", import.meta.url));

async function wasmu(cwd: string): Promise<{ status: number; out: string; warnings: string[] }> {
  const out = new MemoryStream();
  const warnings: string[] = [];
  const kernel = new Kernel({ warn: (l) => warnings.push(l) });
  const r = await runProgram({
    kernel, path: PROGRAM, bytes: new Uint8Array(readFileSync(PROGRAM)), argv: [PROGRAM], envp: [], cwd, stdio: [new MemoryStream(), out, new MemoryStream()],
    readInterpreter: () => new LoadError(Errno.ENOENT, "static"),
  });
  if (r instanceof LoadError) throw new Error(r.message);
  return { status: r.status, out: out.text, warnings };
}

if (!HAVE_QEMU && !IN_CI) console.warn("SKIP: sockets guest not compared: qemu-riscv64-static is not installed (apt-get install qemu-user-static)");

describe("sockets (test/guests/sockets.c)", () => {
  it.runIf(!HAVE_QEMU && IN_CI)("has qemu-riscv64-static in CI", () => {
    expect.fail("qemu-riscv64-static is missing");
  });

  it.runIf(HAVE_QEMU)("unix, TCP and UDP sockets answer as under qemu-riscv64-static", async () => {
    const wdir = mkdtempSync(join(tmpdir(), "wasmu-sock-"));
    const qdir = mkdtempSync(join(tmpdir(), "wasmu-sock-"));
    try {
      const q = spawnSync("qemu-riscv64-static", [PROGRAM], { cwd: qdir, encoding: "utf8", timeout: 60_000 });
      const w = await wasmu(wdir);
      expect(w.warnings).toEqual([]);
      expect(w.out).toBe(q.stdout);
      expect(w.status).toBe(q.status);
      expect(w.out).toContain("server got 'over tcp'");
    } finally {
      rmSync(wdir, { recursive: true, force: true });
      rmSync(qdir, { recursive: true, force: true });
    }
  });
});
