/**
 * `-strace` against qemu-riscv64-static's (QEMU 7.2): the same programs run under both
 * with -strace, and the two traces must agree line by line, after a minimal, explicit
 * normalisation of what legitimately differs between two runs:
 *
 * - the pid (each line's prefix, getpid's result, tgkill's arguments, si_pid) becomes
 *   `PID`, getppid's result `PPID` (the host process trees differ);
 * - addresses: QEMU's 16-digit pointers (not an ioctl's request), `%#x` values of 0x10000 and more, and decimal
 *   values of 2^24 and more (a pointer among the six longs of a call QEMU has no format
 *   for) become `ADDR` — the two place the stack, heap and libraries differently;
 * - time values (clock_gettime's `{tv_sec = ...,tv_nsec = ...}` result) become `TIME`;
 * - QEMU's trace, on its stderr, ends at a guest's `close(2)`: wasmu's is cut there too.
 *
 * Behaviour differences are not normalised away: {@link KNOWN_DIVERGENCES} lists each one
 * (QEMU's line rewritten to wasmu's) with its reason, and the test asserts every entry
 * still applies, so one that goes away must be removed from the list.
 *
 * Only single-threaded programs: QEMU interleaves the lines of concurrent threads
 * (`sigwait` and `page-faults-mt` are left out for that reason).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Errno, Kernel, LoadError, MemoryStream, runProgram } from "../src/index.js";
import { HAVE_QEMU, IN_CI, SYSROOT } from "./support/real-programs.js";
import { run } from "@wasmu/test-support";

const guest = (name: string): string => fileURLToPath(new URL(`guests/${name}`, import.meta.url));
const ENV = ["PATH=/usr/bin:/bin", "LC_ALL=C", "TZ=UTC", "HOME=/root"];

/** One program: argv[0] is a host path (`own`) or a path inside the sysroot. */
interface Case {
  readonly name: string;
  readonly argv: readonly string[];
  /** A project guest (host path, static) rather than a sysroot program. */
  readonly own?: boolean;
  /** Files in the scratch working directory. */
  readonly files?: Readonly<Record<string, string>>;
}

const CASES: readonly Case[] = [
  { name: "hello", argv: [guest("hello")], own: true },
  { name: "signals", argv: [guest("signals")], own: true },
  { name: "sockets", argv: [guest("sockets")], own: true },
  { name: "page-faults", argv: [guest("page-faults")], own: true },
  { name: "busybox sh", argv: ["/usr/bin/busybox", "sh", "-c", "echo hi; ls /"] },
  { name: "busybox cat", argv: ["/usr/bin/busybox", "cat", "in.txt"], files: { "in.txt": "some text\n" } },
  { name: "coreutils ls (dynamic)", argv: ["/usr/bin/ls", "-a", "."], files: { "a.txt": "a\n", "b.txt": "b\n" } },
  { name: "lua5.4 (dynamic)", argv: ["/usr/bin/lua5.4", "-e", "print(1)"] },
  { name: "perl reads a file (dynamic)", argv: ["/usr/bin/perl", "-e", 'open F, "<", "in.txt" or die; print <F>; print -e "in.txt" ? "yes\\n" : "no\\n"'], files: { "in.txt": "some text\n" } },
  { name: "coreutils cp (dynamic: FICLONE, copy_file_range)", argv: ["/usr/bin/cp", "in.txt", "out.txt"], files: { "in.txt": "some text\n" } },
  { name: "coreutils stat (dynamic: statx)", argv: ["/usr/bin/stat", "-c", "%s", "in.txt"], files: { "in.txt": "some text\n" } },
  { name: "sqlite3 (dynamic)", argv: ["/usr/bin/sqlite3", ":memory:", "select 1"] },
];

/**
 * Behaviour differences, each QEMU's line (a pattern) and what wasmu prints instead,
 * with the reason. Applied to QEMU's normalised lines.
 */
const KNOWN_DIVERGENCES: readonly { readonly qemu: RegExp; readonly wasmu: string; readonly why: string }[] = [
  {
    qemu: /^(PID set_robust_list\(.*\)) = -1 errno=38 \(Function not implemented\)$/,
    wasmu: "$1 = 0",
    why: "QEMU 7.2 does not implement set_robust_list; wasmu does, as Linux",
  },
  {
    qemu: /^(PID ioctl\(\d+,0x802c542a,ADDR\)) = -1 errno=38 \(Function not implemented\)$/,
    wasmu: "$1 = -1 errno=25 (Inappropriate ioctl for device)",
    why: "TCGETS2 on a stdout that is not a terminal: QEMU 7.2 does not know the ioctl (ENOSYS), Linux and wasmu say ENOTTY",
  },
];

/** The divergences some case met (the last test checks that each one still occurs). */
const used = new Set<(typeof KNOWN_DIVERGENCES)[number]>();

/** The normalisation described in the module comment. */
function normalise(trace: string): string[] {
  const lines = trace.split("\n").filter((l) => l !== "");
  const pid = /^(\d+) /.exec(lines[0] ?? "")?.[1];
  return lines.map((l) => {
    let s = l.replace(/^\d+ /, "PID ");
    if (pid !== undefined) s = s.replace(new RegExp(`\\b${pid}\\b`, "g"), "PID");
    s = s.replace(/^PID getppid\(\) = \d+$/, "PID getppid() = PPID");
    s = s.replace(/\{tv_sec = -?\d+,tv_nsec = -?\d+\}\)$/, "TIME)");
    // An ioctl request is a constant, not an address: kept as it is.
    const req = /^PID ioctl\(\d+,(0x[0-9a-f]+),/.exec(s)?.[1];
    if (req !== undefined) s = s.replace(`,${req},`, ",REQUEST,");
    s = s.replace(/0x[0-9a-f]{16}\b/g, "ADDR");
    s = s.replace(/0x[0-9a-f]+\b/g, (h) => (parseInt(h.slice(2), 16) >= 0x1_0000 ? "ADDR" : h));
    s = s.replace(/(?<![\w.])-?\d+\b/g, (d) => (Math.abs(Number(d)) >= 2 ** 24 ? "ADDR" : d));
    if (req !== undefined) s = s.replace(",REQUEST,", `,${req},`);
    return s;
  });
}

/** The call's name, or the kind of line (signal, unknown call). */
function callName(line: string): string {
  return /^PID (\w+)\(/.exec(line)?.[1] ?? /^PID (Unknown syscall \d+)/.exec(line)?.[1] ?? /^--- (\w+) /.exec(line)?.[1] ?? line;
}

function scratch(c: Case): string {
  const dir = mkdtempSync(join(tmpdir(), "wasmu-strace-"));
  for (const [rel, data] of Object.entries(c.files ?? {})) writeFileSync(join(dir, rel), data);
  return dir;
}

/** QEMU's trace (its stderr: a `-D` log file would hold fd 3 and shift the guest's fds). */
async function qemuTrace(c: Case, cwd: string): Promise<string> {
  const exe = c.own === true ? c.argv[0]! : `${SYSROOT}${c.argv[0]!}`;
  const env = Object.fromEntries(ENV.map((e) => e.split("=") as [string, string]));
  const q = await run("qemu-riscv64-static", ["-strace", "-L", SYSROOT, "-0", c.argv[0]!, exe, ...c.argv.slice(1)], { cwd, env, timeout: 60_000 });
  return q.stderr;
}

/**
 * QEMU logs to its stderr, so a guest's close(2) ends QEMU's trace after `close(2)`
 * (the result and what follows are lost): wasmu's trace is cut at the same place.
 */
function cutAtClose2(ours: string[], theirs: string[]): string[] {
  if (theirs.at(-1) !== "PID close(2)") return ours;
  const i = ours.findIndex((l) => l.startsWith("PID close(2) = "));
  return i < 0 ? ours : [...ours.slice(0, i), "PID close(2)"];
}

async function wasmuTrace(c: Case, cwd: string): Promise<{ trace: string; warnings: string[] }> {
  const trace: string[] = [];
  const warnings: string[] = [];
  const kernel = new Kernel({ sysroot: SYSROOT, warn: (l) => warnings.push(l), strace: (s) => trace.push(s) });
  const read = (p: string): Uint8Array | LoadError => {
    const h = kernel.sysroot.resolve(p, cwd);
    return existsSync(h) ? new Uint8Array(readFileSync(h)) : new LoadError(Errno.ENOENT, `${p}: No such file or directory`);
  };
  // The program's host path, as QEMU is given it (its /proc/self/exe, which busybox reads).
  const exe = c.own === true ? c.argv[0]! : `${SYSROOT}${c.argv[0]!}`;
  const r = await runProgram({
    kernel, path: exe, bytes: new Uint8Array(readFileSync(exe)), readInterpreter: read, argv: c.argv, envp: ENV, cwd,
    stdio: [new MemoryStream(), new MemoryStream(), new MemoryStream()],
  });
  if (r instanceof LoadError) throw new Error(r.message);
  return { trace: trace.join(""), warnings };
}

const SYSROOT_PROGRAMS = CASES.filter((c) => c.own !== true).map((c) => c.argv[0]!);
const missing = [...(HAVE_QEMU ? [] : ["qemu-riscv64-static"]), ...SYSROOT_PROGRAMS.filter((p) => !existsSync(`${SYSROOT}${p}`))];
if (missing.length > 0 && !IN_CI) console.warn(`SKIP: strace-vs-qemu: missing ${missing.join(", ")} (sysroot ${SYSROOT}; scripts/fetch-guests.sh .cache/guests busybox coreutils lua5.4)`);

describe("-strace lines as qemu-riscv64-static -strace prints them", () => {
  it.runIf(missing.length > 0 && IN_CI)("has qemu-riscv64-static and the sysroot programs in CI", () => {
    expect.fail(`missing ${missing.join(", ")}`);
  });

  it("normalises only pids, addresses and times", () => {
    expect(normalise("77 getpid() = 77\n77 mmap(NULL,8192,PROT_READ,MAP_PRIVATE,3,0x28000) = 0x0000004002962000\n77 read(3,0x2825980,832) = 832\n"))
      .toEqual(["PID getpid() = PID", "PID mmap(NULL,8192,PROT_READ,MAP_PRIVATE,3,ADDR) = ADDR", "PID read(3,ADDR,832) = 832"]);
    expect(normalise("5 set_tid_address(274922443848,16,0,1716360,-1,2) = 5\n")).toEqual(["PID set_tid_address(ADDR,16,0,1716360,-1,2) = PID"]);
    expect(normalise("5 clock_gettime(CLOCK_REALTIME_COARSE,0x0000004000800000) = 0 ({tv_sec = 1795627710,tv_nsec = 362324446})\n"))
      .toEqual(["PID clock_gettime(CLOCK_REALTIME_COARSE,ADDR) = 0 (TIME)"]);
    expect(normalise("5 ioctl(1,0x802c542a,0x2826588) = -1 errno=38 (Function not implemented)\n")).toEqual(["PID ioctl(1,0x802c542a,ADDR) = -1 errno=38 (Function not implemented)"]);
  });

  it.runIf(missing.length === 0).each(CASES)("$name", { timeout: 120_000 }, async (c) => {
    const qdir = scratch(c);
    const wdir = scratch(c);
    try {
      const q = normalise(await qemuTrace(c, qdir));
      const w = await wasmuTrace(c, wdir);
      expect(w.warnings).toEqual([]);
      const ours = cutAtClose2(normalise(w.trace), q);
      const theirs = q.map((l) => {
        for (const d of KNOWN_DIVERGENCES) {
          if (d.qemu.test(l)) {
            used.add(d);
            return l.replace(d.qemu, d.wasmu);
          }
        }
        return l;
      });
      expect(ours.map(callName)).toEqual(theirs.map(callName));
      expect(ours.length).toBe(theirs.length);
      expect(ours).toEqual(theirs);
      expect(q.length).toBeGreaterThan(1);
    } finally {
      rmSync(qdir, { recursive: true, force: true });
      rmSync(wdir, { recursive: true, force: true });
    }
  });

  it.runIf(missing.length === 0)("still meets every known divergence (remove those that went away)", () => {
    expect(KNOWN_DIVERGENCES.filter((d) => !used.has(d)).map((d) => d.why)).toEqual([]);
  });
});
