import { chmodSync, copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryStream, parseUserArgs, userMain } from "../src/index.js";
import { CPU_HELP, MAX_GUEST_WINDOW, VERSION_REQUEST } from "../src/run/user-main.js";

const guest = (name: string): string => fileURLToPath(new URL(`guests/${name}`, import.meta.url));

function io(): { err: string[]; out: string[]; io: { stderr: (s: string) => void; stdout: (s: string) => void } } {
  const err: string[] = [];
  const out: string[] = [];
  return { err, out, io: { stderr: (s) => err.push(s), stdout: (s) => out.push(s) } };
}

describe("wasmu user: qemu-riscv64's options", () => {
  it("parses -L, -E, -U, -0, -strace, -accel and stops at the program", () => {
    const o = parseUserArgs(["-L", "/sr", "-E", "A=1=2", "-U", "HOME", "-0", "argv0", "-strace", "-accel", "tcg,tb-lock=on", "prog", "-E", "x"], { HOME: "/root", B: "2" });
    expect(typeof o).toBe("object");
    if (typeof o === "string") return;
    expect(o.sysroot).toBe("/sr");
    expect([...o.env]).toEqual([["B", "2"], ["A", "1=2"]]);
    expect(o.argv0).toBe("argv0");
    expect(o.strace).toBe(true);
    expect(o.tbLock).toBe(true);
    expect(o.program).toBe("prog");
    expect(o.args).toEqual(["-E", "x"]);
    expect(parseUserArgs(["-E", "novalue", "p"], {})).toMatch(/expected var=value/);
    expect(parseUserArgs(["-bogus", "p"], {})).toBe("unknown option -bogus");
    expect(parseUserArgs([], {})).toBe("no program given");
    expect(parseUserArgs(["-h"], {})).toBe("help");
  });

  it("parses -accel tcg's tier properties (tier=auto|interp|jit, tier-hot=N, tier-batch=N) and refuses bad ones", () => {
    const t = (v: string): unknown => { const o = parseUserArgs(["-accel", v, "p"], {}); return typeof o === "string" ? o : { tier: o.tier, tbLock: o.tbLock }; };
    expect(t("tcg")).toEqual({ tier: { mode: "auto" }, tbLock: false });
    expect(t("tcg,tier=jit")).toEqual({ tier: { mode: "jit" }, tbLock: false });
    expect(t("tcg,tb-lock=on,tier=interp")).toEqual({ tier: { mode: "interp" }, tbLock: true });
    expect(t("tcg,tier=auto,tier-hot=7,tier-batch=300")).toEqual({ tier: { mode: "auto", hotThreshold: 7, tierBatch: 300 }, tbLock: false });
    for (const bad of ["kvm", "tcg,tier=fast", "tcg,tier-hot=0", "tcg,tier-batch=x", "tcg,bogus=1", "tcg,tier"]) expect(t(bad)).toMatch(/^-accel .*: expected tcg\[/);
  });

  it("takes -E/-U comma lists, -R, -s, -cpu, -version and the QEMU_* environment variables as qemu-riscv64 7.2", () => {
    const o = parseUserArgs(["-E", "A=1,B=2", "-U", "HOME,PATH", "-R", "512M", "-s", "16M", "-cpu", "rv64", "prog"], { HOME: "/root", PATH: "/bin", C: "3" });
    if (typeof o === "string") throw new Error(o);
    expect([...o.env]).toEqual([["C", "3"], ["A", "1"], ["B", "2"]]);
    expect(o.guestWindow).toBe(512 << 20);
    expect(o.stackSize).toBe(16 << 20);
    // The environment first, the command line over it (linux-user/main.c's order).
    const e = parseUserArgs(["-0", "cmdline0", "prog"], {
      QEMU_LD_PREFIX: "/sr", QEMU_SET_ENV: "X=1,Y=2", QEMU_UNSET_ENV: "Z", QEMU_ARGV0: "env0", QEMU_STRACE: "", QEMU_RESERVED_VA: "0x20000000", QEMU_CPU: "any", Z: "z",
    });
    if (typeof e === "string") throw new Error(e);
    expect(e.sysroot).toBe("/sr");
    expect(e.env.get("X")).toBe("1");
    expect(e.env.get("Y")).toBe("2");
    expect(e.env.has("Z")).toBe(false);
    expect(e.argv0).toBe("cmdline0");
    expect(e.strace).toBe(true);
    expect(e.guestWindow).toBe(0x2000_0000);
    expect(parseUserArgs(["-cpu", "help"], {})).toBe(CPU_HELP);
    expect(parseUserArgs(["-version"], {})).toBe(VERSION_REQUEST);
    expect(parseUserArgs(["-cpu", "foo", "p"], {})).toBe("unable to find CPU model 'foo'");
    expect(parseUserArgs(["-R", `${MAX_GUEST_WINDOW + 65536}`, "p"], {})).toMatch(/^-R \d+: at most/);
    expect(parseUserArgs(["-R", "lots", "p"], {})).toMatch(/expected a size/);
  });

  it("answers -cpu help with the RV64GC models of QEMU 7.2's list (status 1, as QEMU) and an unknown model with one line and status 1", async () => {
    const a = io();
    expect(await userMain(["-cpu", "help"], a.io, {})).toBe(1);
    expect(a.out.join("")).toBe("any\nrv64\nshakti-c\nsifive-u54\n");
    const b = io();
    expect(await userMain(["-cpu", "foo", "prog"], b.io, {})).toBe(1);
    expect(b.err.join("")).toBe("wasmu: unable to find CPU model 'foo'\n");
  });

  it("refuses a missing or non-RISC-V program with one line and status 1", async () => {
    const a = io();
    expect(await userMain(["/nonexistent/prog"], a.io, {})).toBe(1);
    expect(a.err.join("")).toBe("wasmu: Could not open '/nonexistent/prog': No such file or directory\n");
    // An executable text file: not ELF. Without the execute bits it is EACCES (as Linux).
    const src = fileURLToPath(new URL("guests/hello.S", import.meta.url));
    const text = join(mkdtempSync(join(tmpdir(), "wasmu-main-")), "hello.S");
    copyFileSync(src, text);
    const c = io();
    expect(await userMain([text], c.io, {})).toBe(1);
    expect(c.err.join("")).toBe(`wasmu: ${text}: Permission denied\n`);
    chmodSync(text, 0o755);
    const b = io();
    expect(await userMain([text], b.io, {})).toBe(1);
    expect(b.err.join("")).toMatch(/^wasmu: \S+hello\.S: not an ELF file \(Exec format error\)\n$/);
  });

  it("runs a program and returns its status", async () => {
    const a = io();
    const out = new MemoryStream();
    expect(await userMain([guest("hello")], { ...a.io, stdio: [new MemoryStream(), out, new MemoryStream()] }, {})).toBe(7);
    expect(out.text).toBe("hello\n");
    expect(a.err).toEqual([]);
  });
});
