// `wasmu user` under hostile input and host faults (issue #11): what is not a regular
// executable file, damaged section headers, host I/O errors, bytes that are not UTF-8,
// host signals. Compared with qemu-riscv64-static where QEMU gets it right.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run, type RunOptions } from "./run.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "fixtures");
const bin = join(here, "..", "dist", "main.js");
const hasQemu = spawnSync("sh", ["-c", "command -v qemu-riscv64-static"]).status === 0;
if (!hasQemu) console.warn("SKIP: qemu-riscv64-static not found: the robustness cases are not compared with QEMU (apt-get install qemu-user-static)");
const dir = mkdtempSync(join(tmpdir(), "wasmu-robust-"));

const wasmu = (args: readonly string[], opts: RunOptions = {}): ReturnType<typeof run> => run(process.execPath, [bin, ...args], { cwd: dir, timeout: 60_000, ...opts });
const qemu = (args: readonly string[], opts: RunOptions = {}): ReturnType<typeof run> => run("qemu-riscv64-static", args, { cwd: dir, timeout: 60_000, ...opts });

/** A copy of fixture `name` in the scratch directory, patched by `patch`, mode `mode`. */
function mutant(name: string, out: string, patch: (b: Buffer) => void = () => {}, mode = 0o755): string {
  const b = readFileSync(join(fixtures, name));
  patch(b);
  const path = join(dir, out);
  writeFileSync(path, b);
  chmodSync(path, mode);
  return path;
}

describe("programs that are not regular executable files", () => {
  it("a device, a directory or a FIFO as PROGRAM is EACCES at once (Linux's and QEMU's prepare_binprm), not read without end", async () => {
    spawnSync("mkfifo", [join(dir, "fifo")]);
    for (const p of ["/dev/zero", "/dev/urandom", "/tmp", join(dir, "fifo")]) {
      const r = await wasmu(["user", p]);
      expect(`${p}: ${r.status}`).toBe(`${p}: 1`);
      expect(r.stderr).toBe(`wasmu: ${p}: Permission denied\n`);
      // QEMU blocks in open(2) on a FIFO without a writer: compared on the others.
      if (hasQemu && !p.endsWith("fifo")) expect(`qemu ${p}: ${(await qemu([p])).status}`).toBe(`qemu ${p}: 1`);
    }
  });

  it("a PROGRAM without execute permission is EACCES (QEMU: status 1 too)", async () => {
    const p = mutant("start", "no-x", undefined, 0o644);
    const r = await wasmu(["user", p]);
    expect(r).toMatchObject({ status: 1, stdout: "", stderr: `wasmu: ${p}: Permission denied\n` });
    if (hasQemu) expect((await qemu([p])).status).toBe(1);
  });

  it("a PT_INTERP naming /dev/zero or /dev/urandom is refused at once (QEMU refuses it too)", async () => {
    for (const dev of ["/dev/zero", "/dev/urandom"]) {
      const p = mutant("hello", `interp-${dev.slice(5)}`, (b) => {
        const at = b.indexOf("/lib/ld-linux-riscv64-lp64d.so.1\0");
        expect(at).toBeGreaterThan(0);
        b.fill(0, at, at + 33);
        b.write(dev, at, "latin1");
      });
      const r = await wasmu(["user", p]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`wasmu: ${dev}: Permission denied\n`);
      if (hasQemu) expect((await qemu([p])).status).not.toBe(0);
    }
  });
});

describe("section headers", () => {
  it("a program whose section headers are damaged runs, as under Linux and QEMU (only program headers are read)", async () => {
    const p = mutant("start", "bad-shdrs", (b) => {
      b.writeBigUInt64LE(0x7fffffffffffn, 40); // e_shoff far past the end
      b.writeUInt16LE(7, 58); // e_shentsize
      b.writeUInt16LE(999, 62); // e_shstrndx
    });
    const r = await wasmu(["user", p]);
    expect(r).toEqual(expect.objectContaining({ status: 0, stdout: "hello from start.S\n", stderr: "" }));
    if (hasQemu) expect(await qemu([p])).toEqual(expect.objectContaining({ status: 0, stdout: r.stdout }));
  });

  it("keeps Linux's program-header checks: a bad e_phentsize is refused", async () => {
    const p = mutant("start", "bad-phentsize", (b) => b.writeUInt16LE(55, 54));
    const r = await wasmu(["user", p]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^wasmu: .*bad-phentsize: .*program header size/);
  });
});
