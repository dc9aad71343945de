import { chmodSync, copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryStream, parseUserArgs, userMain } from "../src/index.js";

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
