import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "@wasmu/test-support";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "fixtures");
const bin = join(here, "..", "dist", "main.js");
const sysroot = join(process.env.WASMU_GUESTS ?? join(here, "..", "..", "..", ".cache", "guests"), "sysroot");
const hasQemu = spawnSync("sh", ["-c", "command -v qemu-riscv64-static"]).status === 0;
const hasSysroot = existsSync(join(sysroot, "usr/lib/riscv64-linux-gnu/libc.so.6"));
if (!hasSysroot) console.warn(`SKIP: no riscv64 glibc in ${sysroot}: the dynamically linked demo is not run (scripts/fetch-guests.sh .cache/guests busybox-static libc6)`);
if (!hasQemu) console.warn("SKIP: qemu-riscv64-static not found: wasmu user is not compared with QEMU (apt-get install qemu-user-static)");

async function wasmu(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await run(process.execPath, [bin, ...args], { cwd: fixtures, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const guests = join(here, "..", "..", "linux-user", "test", "guests");
const hasShells = existsSync(join(sysroot, "bin/busybox"));

describe("wasmu user: a guest killed by a signal", () => {
  it("kills wasmu with the same signal and prints nothing (as qemu-riscv64)", () => {
    const r = spawnSync(process.execPath, [bin, "user", join(guests, "null-deref")], { encoding: "utf8", timeout: 120_000 });
    expect(r.signal).toBe("SIGSEGV");
    expect(r.stderr).toBe("");
    if (hasQemu) {
      const q = spawnSync("qemu-riscv64-static", [join(guests, "null-deref")], { encoding: "utf8" });
      expect(q.signal).toBe("SIGSEGV");
      expect(r.stdout).toBe(q.stdout);
    }
  });
  it.runIf(hasShells)("a guest shell killed with children still running: wasmu ends with its signal, nothing is left waiting", () => {
    // The background sleeps would hold the run for 60 s if they outlived their shell.
    const r = spawnSync(process.execPath, [bin, "user", "-L", sysroot, "/bin/busybox", "sh", "-c", "sleep 60 & (sleep 60; echo late) & echo started; kill -TERM $$"], { encoding: "utf8", timeout: 50_000 });
    expect(r.error).toBeUndefined();
    expect(r.signal).toBe("SIGTERM");
    expect(r.stdout).toBe("started\n");
    expect(r.stderr).toBe("");
  });
  it.runIf(hasShells)("yes | head -2 ends quietly (yes dies of SIGPIPE inside; the shell's status is head's)", () => {
    const r = spawnSync(process.execPath, [bin, "user", "-L", sysroot, "/bin/busybox", "sh", "-c", "yes | head -2"], { encoding: "utf8", timeout: 120_000 });
    expect(r).toMatchObject({ status: 0, stdout: "y\ny\n", stderr: "" });
  });
});

describe("wasmu user: reading the host's stdin", () => {
  it.runIf(hasShells)("a read of a host pipe waits without stopping the other guest processes; every byte reaches the guest", async () => {
    // The background job writes ticks while the shell waits in `read`; the test writes the
    // line only once it has seen two ticks, so the run cannot finish if the read holds the
    // kernel thread (it timed out so before host reads were made in the background).
    const child = spawn(process.execPath, [bin, "user", "-L", sysroot, "/bin/busybox", "sh", "-c",
      "(i=0; while [ $i -lt 600 ]; do echo tick; sleep 0.1; i=$((i+1)); done) & read x; read y; echo got $x $y; kill $!; wait"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let sent = false;
    const done = new Promise<number | null>((resolve) => child.on("close", (status) => resolve(status)));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (!sent && out.split("tick").length > 2) {
        sent = true;
        child.stdin.end("hello\nworld and more\n");
      }
    });
    const status = await done;
    clearTimeout(timer);
    expect(sent).toBe(true);
    expect(out).toContain("got hello world and more\n");
    expect(status).toBe(0);
  }, 150_000);
});

/** Runs `argv` under script(1) (stdin a terminal), types Ctrl-C once it printed "ready"; its output with \r\n as \n. */
function underTerminal(argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", argv.map((x) => `'${x}'`).join(" "), "/dev/null"], { cwd: guests, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let sent = false;
    const kill = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString("latin1").replace(/\r/g, "");
      if (!sent && out.includes("ready\n")) {
        sent = true;
        child.stdin.write("\x03");
      }
    });
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(kill);
      resolve(out);
    });
  });
}

const hasScript = spawnSync("sh", ["-c", "command -v script"]).status === 0;
if (!hasScript) console.warn("SKIP: script(1) not found: job control on a terminal is not tested (apt-get install bsdutils)");

describe("wasmu user: job control on the controlling terminal", () => {
  it.runIf(!hasScript && process.env.CI === "true")("has script(1) in CI", () => {
    expect.fail("script(1) is missing");
  });
  it.runIf(hasScript && hasQemu)("tcgetpgrp/tcsetpgrp and their errors, and Ctrl-C reaching the foreground group only (jobctl.c, as under qemu-riscv64-static)", async () => {
    const q = await underTerminal(["qemu-riscv64-static", join(guests, "jobctl")]);
    const w = await underTerminal([process.execPath, bin, join(guests, "jobctl")]);
    expect(q).toContain("child: SIGINT 1\nchild exited 0, parent SIGINT 0\n");
    // QEMU 7.2's tcgetsid names another session; Linux (the same program built for the
    // host, under script) and wasmu name the caller's: its controlling terminal's.
    expect(w).toContain("sid is my session: 1 (ok)\n");
    expect(w.replace(/^sid is my session: .*$/m, "")).toBe(q.replace(/^sid is my session: .*$/m, ""));
  }, 300_000);
});

describe("wasmu user", () => {
  it("runs the bundled static program", async () => {
    expect(await wasmu(["user", "start"])).toEqual({ status: 0, stdout: "hello from start.S\n", stderr: "" });
  });
  it("runs the README's demo (static glibc) with the output GNU libc prints under QEMU", async () => {
    const w = await wasmu(["demo", "wasmu", "0"]);
    expect(w).toEqual({ status: 0, stdout: "hello, wasmu! fib(50) = 12586269025, mean = 2.2917, len = 5\n", stderr: "" });
    if (hasQemu) expect((await run("qemu-riscv64-static", ["demo", "wasmu", "0"], { cwd: fixtures })).stdout).toBe(w.stdout);
  });
  it("takes `wasmu PROGRAM` as user mode", async () => {
    expect(await wasmu(["./start"])).toEqual({ status: 0, stdout: "hello from start.S\n", stderr: "" });
  });
  it("refuses a file that is not a riscv64 ELF with one line and status 1", async () => {
    const r = await wasmu(["user", "src/hello.c"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^wasmu: .*hello\.c/);
  });
  it("reports a missing program", async () => {
    const r = await wasmu(["user", "no-such-program"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no-such-program/);
  });
  it.skipIf(!hasSysroot || !hasQemu)("runs the dynamically linked demo as qemu-riscv64 does (output and exit status)", async () => {
    const args = ["-L", sysroot, "hello", "wasmu", "3"];
    const q = await run("qemu-riscv64-static", args, { cwd: fixtures });
    const w = await wasmu(args);
    expect(w.stdout).toBe(q.stdout);
    expect(w.status).toBe(q.status);
    expect(w.status).toBe(3);
  });
});
