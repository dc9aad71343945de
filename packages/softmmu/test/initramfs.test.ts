// The initramfs built by our own code (src/boot/initramfs.ts), with Linux as the oracle:
// Debian's riscv64 kernel unpacks it and runs its /init under qemu-system-riscv64 -M virt
// with -smp 1 and 2, behind OpenSBI 1.9: the default command reports the CPUs Linux
// brought up, a command given as wasmu.run="..." runs with its exit status in the marker
// line, and the machine powers off (QEMU exits 0). The images come from $WASMU_GUESTS
// (busybox-static, linux-binary-*-riscv64, opensbi: .ci/run fetches them); without them or
// QEMU the boots skip loudly, and under CI=true they fail.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { INITRAMFS_MARKER, busyboxInitramfs, newcArchive } from "../src/index.js";
import { HAVE_QEMU_SYSTEM, IN_CI, guestBootFiles } from "./support/tools.js";

const tmp = mkdtempSync(join(tmpdir(), "wasmu-initramfs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The members of a newc archive: name, mode, size, rdev, data (a reader written from the format's description). */
function readNewc(a: Uint8Array): { name: string; mode: number; nlink: number; rdev: [number, number]; data: Uint8Array }[] {
  const dec = new TextDecoder();
  const out: { name: string; mode: number; nlink: number; rdev: [number, number]; data: Uint8Array }[] = [];
  let at = 0;
  for (;;) {
    expect(dec.decode(a.subarray(at, at + 6))).toBe("070701");
    const field = (i: number) => parseInt(dec.decode(a.subarray(at + 6 + 8 * i, at + 14 + 8 * i)), 16);
    const [mode, nlink, size, rmaj, rmin, namesize] = [field(1), field(4), field(6), field(9), field(10), field(11)];
    const name = dec.decode(a.subarray(at + 110, at + 110 + namesize - 1));
    expect(a[at + 110 + namesize - 1]).toBe(0);
    at += 110 + namesize;
    at += (4 - (at % 4)) % 4;
    const data = a.subarray(at, at + size);
    at += size;
    at += (4 - (at % 4)) % 4;
    if (name === "TRAILER!!!") break;
    out.push({ name, mode, nlink, rdev: [rmaj, rmin], data });
  }
  expect(at).toBe(a.length);
  return out;
}

describe("newc archives", () => {
  it("every member's header, name and data 4-byte aligned; the same entries give the same bytes", () => {
    const entries = [
      { kind: "dir", path: "bin" },
      { kind: "file", path: "bin/x", data: Uint8Array.of(1, 2, 3), mode: 0o755 },
      { kind: "symlink", path: "bin/sh", target: "x" },
      { kind: "char", path: "dev/console", major: 5, minor: 1 },
    ] as const;
    const a = newcArchive(entries);
    expect(newcArchive(entries)).toEqual(a);
    expect(readNewc(a).map((m) => [m.name, m.mode.toString(8), m.nlink, m.rdev, Array.from(m.data)])).toEqual([
      ["bin", "40755", 2, [0, 0], []],
      ["bin/x", "100755", 1, [0, 0], [1, 2, 3]],
      ["bin/sh", "120777", 1, [0, 0], [0x78]],
      ["dev/console", "20600", 1, [5, 1], []],
    ]);
    expect(() => newcArchive([{ kind: "dir", path: "/abs" }])).toThrow(/relative paths only/);
  });

  it("the busybox initramfs: /init, /bin/busybox, /bin/sh, /dev/console", () => {
    const members = readNewc(busyboxInitramfs(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46)));
    const init = members.find((m) => m.name === "init")!;
    expect(init.mode).toBe(0o100755);
    const text = new TextDecoder().decode(init.data);
    expect(text.startsWith("#!/bin/busybox sh\n")).toBe(true);
    expect(text).toContain(`echo "${INITRAMFS_MARKER} status $?"`);
    expect(text).toContain("poweroff -f");
    expect(members.map((m) => m.name)).toEqual(expect.arrayContaining(["bin/busybox", "bin/sh", "dev/console", "proc", "sys"]));
  });
});

const guests = guestBootFiles();
const busybox = process.env.WASMU_GUESTS ? join(process.env.WASMU_GUESTS, "sysroot", "usr", "bin", "busybox") : undefined;
const haveImages = guests.kernel !== undefined && guests.fwDynamic !== undefined && busybox !== undefined && existsSync(busybox);
const live = HAVE_QEMU_SYSTEM && haveImages;
if (!live && !IN_CI) {
  console.warn(`SKIP: ${HAVE_QEMU_SYSTEM ? "" : "qemu-system-riscv64 (apt-get install qemu-system-misc) "}${haveImages ? "" : "busybox-static, Debian's kernel or OpenSBI in $WASMU_GUESTS (scripts/fetch-guests.sh DIR busybox-static linux-binary-…-riscv64 opensbi) "}is absent: the initramfs is not booted under QEMU`);
}

/** Boots the initramfs under QEMU; its status and console output. Bounded: killed after 5 minutes (a hang guard, not a timing). */
function boot(smp: number, append: string): Promise<{ status: number | null; out: string }> {
  const rd = join(tmp, "initramfs.cpio");
  if (!existsSync(rd)) writeFileSync(rd, busyboxInitramfs(readFileSync(busybox!)));
  const args = ["-M", "virt", "-smp", String(smp), "-m", "512M", "-nographic", "-bios", guests.fwDynamic!, "-kernel", guests.kernel!, "-initrd", rd, "-append", `console=ttyS0 rdinit=/init ${append}`];
  return new Promise((resolve, reject) => {
    const child = spawn("qemu-system-riscv64", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (out += b.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

describe.runIf(live || IN_CI)("the initramfs under qemu-system-riscv64 -M virt (Debian's kernel, OpenSBI)", () => {
  it.each([1, 2])("-smp %i: /init reports the CPUs, prints the marker and powers off", async (smp) => {
    if (IN_CI) expect(`qemu-system-riscv64 and the images: ${live}`).toBe("qemu-system-riscv64 and the images: true");
    const r = await boot(smp, "quiet");
    const seen = { booted: r.out.includes(`wasmu-initramfs: booted with ${smp} CPUs`), marker: r.out.includes(`${INITRAMFS_MARKER} status 0`), powerDown: r.out.includes("reboot: Power down"), status: r.status };
    // On a failure, the console's last lines say why.
    if (!(seen.booted && seen.marker && seen.powerDown && seen.status === 0)) console.error(`qemu -smp ${smp} output:\n${r.out.slice(-4000)}`);
    expect(seen).toEqual({ booted: true, marker: true, powerDown: true, status: 0 });
  }, 330_000);

  it("runs the command given as wasmu.run=\"...\" and reports its status", async () => {
    const r = await boot(1, 'quiet wasmu.run="uname -m; grep -c ^processor /proc/cpuinfo; exit 3"');
    const seen = { ran: /riscv64\r?\n1\r?\n/.test(r.out), marker: r.out.includes(`${INITRAMFS_MARKER} status 3`), defaultCommand: r.out.includes("booted with"), status: r.status };
    if (!(seen.ran && seen.marker && !seen.defaultCommand && seen.status === 0)) console.error(`qemu output:\n${r.out.slice(-4000)}`);
    expect(seen).toEqual({ ran: true, marker: true, defaultCommand: false, status: 0 });
  }, 330_000);
});
