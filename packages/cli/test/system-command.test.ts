// `wasmu system` through the bin: bad input is one line and exit status 1, never a hang or
// a stack trace; what it accepts and refuses is compared with qemu-system-riscv64 7.2 case
// by case (both stop right after building the machine: `-M virt,dumpdtb=FILE`), with the
// differences wasmu makes on purpose listed; and the dumped device tree is QEMU's where
// QEMU decides (the /chosen ranges of -initrd and -append, memory, CPUs), decompiled by
// dtc. Without qemu-system-riscv64 or dtc the comparisons skip loudly (fail under CI=true).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { busyboxInitramfs, INITRAMFS_MARKER } from "@wasmu/softmmu";
import { run } from "@wasmu/test-support";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "dist", "main.js");
const dir = mkdtempSync(join(tmpdir(), "wasmu-system-"));
const IN_CI = process.env.CI === "true";
const have = (cmd: string, arg: string): boolean => spawnSync(cmd, [arg], { stdio: "ignore" }).status === 0;
const HAVE_QEMU = have("qemu-system-riscv64", "-version");
const HAVE_DTC = have("dtc", "--version");
if (!HAVE_QEMU || !HAVE_DTC) {
  if (IN_CI) throw new Error("qemu-system-riscv64 and dtc must be installed under CI (.ci/run installs qemu-system-misc and device-tree-compiler)");
  console.warn("SKIP: qemu-system-riscv64 or dtc not found: wasmu system is not compared with QEMU (apt-get install qemu-system-misc device-tree-compiler)");
}

const wasmu = (args: readonly string[]) => run(process.execPath, [bin, "system", ...args], { cwd: dir, timeout: 60_000 });
const qemu = (args: readonly string[]) => run("qemu-system-riscv64", args, { cwd: dir, timeout: 60_000 });

/** A RISC-V Linux Image of `size` bytes. */
function image(size: number): Uint8Array {
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x0000006f, true);
  dv.setBigUint64(8, 0x200000n, true);
  dv.setBigUint64(16, BigInt(size), true);
  dv.setUint32(32, 2, true);
  dv.setBigUint64(48, 0x5643534952n, true);
  dv.setUint32(56, 0x05435352, true);
  return out;
}
const file = (name: string, bytes: Uint8Array | string): string => {
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
};
const KERNEL = file("Image", image(64 << 10));
const BIG_KERNEL = file("Big", image(6 << 20));
const INITRD = file("initrd", new Uint8Array(5000).fill(7));
const DISK = file("disk.img", new Uint8Array(1 << 20));
const X86 = (() => {
  const b = new Uint8Array(128);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  new DataView(b.buffer).setUint16(18, 62, true);
  return file("x86.elf", b);
})();

describe("bad input: one line on stderr, exit status 1", () => {
  it.each([
    [["-bogus"], "wasmu: -bogus: invalid option\n"],
    [["-smp", "0"], "wasmu: -smp 0: CPU topology parameters must be greater than zero (cpus=0)\n"],
    [["-smp", "600"], "wasmu: Invalid SMP CPUs 600. The max CPUs supported by machine 'virt' is 512\n"],
    [["-m", "12x"], "wasmu: -m 12x: Parameter 'size' expects a non-negative number below 2^64 (optional suffix k, M, G, T)\n"],
    [["-bios", "none", "-kernel", "/nonexistent/Image"], "wasmu: could not load kernel '/nonexistent/Image': No such file or directory\n"],
    [["-bios", "/nonexistent/fw.bin"], "wasmu: Unable to load the RISC-V firmware \"/nonexistent/fw.bin\": No such file or directory\n"],
    [["-bios", "none", "-kernel", X86], "wasmu: kernel is an ELF file for x86-64, not RISC-V\n"],
    [["-bios", "none", "-kernel", "/"], "wasmu: could not load kernel '/': Is a directory\n"],
    [["-bios", "none", "-m", "4M", "-kernel", BIG_KERNEL], `wasmu: kernel (6291456 bytes at 0x80000000) does not fit in RAM (0x80000000-0x803fffff): use more -m\n`],
    [["-drive", "file=/nonexistent/disk.img,format=raw,if=virtio"], "wasmu: -drive file=/nonexistent/disk.img: Could not open '/nonexistent/disk.img': No such file or directory\n"],
  ])("%j", async (args, message) => {
    const r = await wasmu(args);
    expect(r).toMatchObject({ status: 1, stdout: "", stderr: message });
  });

  it("-d with an unknown item: named on stderr, the list on stdout (as QEMU)", async () => {
    const r = await wasmu(["-d", "in_asm,bogus"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("wasmu: -d: unknown log item 'bogus'\n");
    expect(r.stdout).toMatch(/^Log items \(comma separated\):\n/);
  });
});

describe("running the machine", () => {
  // softmmu's bare-metal program (traps, CSRs, atomics, the UART, sifive_test), whose
  // output is recorded from qemu-system-riscv64 -bios none (its test compares it live).
  const M_HELLO = join(here, "..", "..", "softmmu", "test", "bare-metal", "m-hello");
  const expected = readFileSync(`${M_HELLO}.expected`, "latin1");

  it.each([[[] as string[]], [["-accel", "tcg,tier=jit,tb-lock=on"]], [["-accel", "tcg,tier=interp"]]])("-bios none -kernel m-hello %j: QEMU's output, power-off, exit 0", async (accel) => {
    const r = await run(process.execPath, [bin, "system", "-M", "virt", "-m", "64M", "-bios", "none", "-nographic", ...accel, "-kernel", M_HELLO], { cwd: dir, timeout: 120_000 });
    expect({ status: r.status, stderr: r.stderr, out: Buffer.from(r.stdout, "utf8").toString("latin1") === expected || r.stdout === expected }).toEqual({ status: 0, stderr: "", out: true });
  });

  it("Ctrl-A X ends a running machine (a kernel spinning on itself), exit 0; other bytes reach the UART", async () => {
    const r = await run(process.execPath, [bin, "system", "-M", "virt", "-m", "64M", "-bios", "none", "-nographic", "-kernel", KERNEL], { cwd: dir, timeout: 120_000, input: "typed\x01h\x01c\x01x" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("C-a x    exit emulator");
    expect(r.stdout).toContain("there is no monitor");
    expect(r.stdout).toContain("wasmu: Terminated");
  });
});

describe("Linux through the bin", () => {
  // Debian's kernel behind OpenSBI 1.9, softmmu's busybox initramfs; from $WASMU_GUESTS
  // (.ci/run fetches busybox-static, linux-binary-*-riscv64 and opensbi).
  const guests = process.env.WASMU_GUESTS;
  const sysroot = guests !== undefined ? join(guests, "sysroot") : "";
  const fw = join(sysroot, "usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin");
  const modules = join(sysroot, "usr/lib/modules");
  const kernel = existsSync(modules) ? readdirSync(modules).map((v) => join(modules, v, "vmlinuz")).find((k) => existsSync(k)) : undefined;
  const busybox = join(sysroot, "usr/bin/busybox");
  const have = guests !== undefined && kernel !== undefined && existsSync(fw) && existsSync(busybox);
  if (!have && !IN_CI) console.warn("SKIP: Debian's kernel, OpenSBI or busybox-static is not in $WASMU_GUESTS (scripts/fetch-guests.sh DIR busybox-static linux-binary-…-riscv64 opensbi): wasmu system does not boot Linux here");

  it.runIf(have || IN_CI)("boots to the initramfs's /init, runs the command of wasmu.run=, powers off: exit 0", async () => {
    expect(`guests present: ${have}`).toBe("guests present: true");
    const rd = file("initramfs.cpio", busyboxInitramfs(readFileSync(busybox)));
    // A hang guard only: the boot takes ~25 s on an idle 2-core machine.
    const r = await run(process.execPath, [bin, "system", "-M", "virt", "-smp", "1", "-m", "512M", "-nographic", "-bios", fw, "-kernel", kernel!, "-initrd", rd,
      "-append", 'console=ttyS0 rdinit=/init quiet wasmu.run="uname -m; exit 3"'], { cwd: dir, timeout: 900_000 });
    const seen = { status: r.status, ran: /riscv64\r?\n/.test(r.stdout), marker: r.stdout.includes(`${INITRAMFS_MARKER} status 3`), stderr: r.stderr };
    if (seen.status !== 0 || !seen.marker) console.error(`wasmu system output:\n${r.stdout.slice(-3000)}`);
    expect(seen).toEqual({ status: 0, ran: true, marker: true, stderr: "" });
  }, 960_000);
});

describe("-M virt,dumpdtb=", () => {
  it("writes the tree, says so and exits 0", async () => {
    const out = join(dir, "w.dtb");
    const r = await wasmu(["-M", `virt,dumpdtb=${out}`, "-smp", "2", "-bios", "none"]);
    expect(r).toMatchObject({ status: 0, stdout: "", stderr: `wasmu: info: dtb dumped to ${out}. Exiting.\n` });
    expect(readFileSync(out).readUInt32BE(0)).toBe(0xd00dfeed);
  });

  /** The node paths and chosen/memory properties of a dts text (dtc's output). */
  function summary(dts: string): { nodes: Set<string>; props: Map<string, string> } {
    const nodes = new Set<string>();
    const props = new Map<string, string>();
    const stack: string[] = [];
    for (const raw of dts.split("\n")) {
      const l = raw.trim();
      const open = /^([^\s=]+) \{$/.exec(l);
      if (open) {
        stack.push(open[1] === "/" ? "" : open[1]!);
        nodes.add(stack.join("/") || "/");
      } else if (l === "};") {
        stack.pop();
      } else {
        const p = /^([^\s=]+)(?: = (.*))?;$/.exec(l);
        if (p) props.set(`${stack.join("/") || "/"}:${p[1]}`, p[2] ?? "");
      }
    }
    return { nodes, props };
  }
  const dtc = (blob: Buffer): string => {
    const r = spawnSync("dtc", ["-I", "dtb", "-O", "dts", "-q"], { input: blob, encoding: "utf8" });
    expect(r.status).toBe(0);
    return r.stdout;
  };

  it.runIf((HAVE_QEMU && HAVE_DTC) || IN_CI).each([
    { smp: 1, m: "128M", extra: [] as string[] },
    { smp: 2, m: "256M", extra: ["-kernel", KERNEL, "-initrd", INITRD, "-append", "console=ttyS0 rdinit=/init"] },
    { smp: 4, m: "1G", extra: ["-kernel", KERNEL, "-append", "root=/dev/vda"] },
  ])("-smp $smp -m $m $extra: QEMU's nodes, /chosen and memory (both decompiled by dtc)", async ({ smp, m, extra }) => {
    const args = (out: string) => ["-M", `virt,dumpdtb=${out}`, "-smp", String(smp), "-m", m, "-bios", "none", "-nographic", ...extra];
    const [q, w] = await Promise.all([qemu(args(join(dir, `q${smp}.dtb`))), wasmu(args(join(dir, `w${smp}.dtb`)))]);
    expect(q.status).toBe(0);
    expect(w.status).toBe(0);
    const qs = summary(dtc(readFileSync(join(dir, `q${smp}.dtb`))));
    const ws = summary(dtc(readFileSync(join(dir, `w${smp}.dtb`))));
    // Every node of ours is one of QEMU's (QEMU has more: pmu, fw-cfg, flash, PCIe, platform bus).
    expect([...ws.nodes].filter((n) => !qs.nodes.has(n))).toEqual([]);
    for (let h = 0; h < smp; h++) expect(ws.nodes.has(`/cpus/cpu@${h}`)).toBe(true);
    expect(ws.nodes.has(`/cpus/cpu@${smp}`)).toBe(false);
    for (const key of ["/chosen:bootargs", "/chosen:linux,initrd-start", "/chosen:linux,initrd-end", "/chosen:stdout-path", "/memory@80000000:reg"]) {
      // The initrd range as a number: QEMU 7.2 writes one cell, wasmu two (Linux reads either).
      const v = (t: string | undefined) => (t !== undefined && key.includes("initrd") ? String(/^<([^>]*)>$/.exec(t)![1]!.split(" ").reduce((a, c) => a * 2n ** 32n + BigInt(c), 0n)) : t);
      expect(`${key}: ${v(ws.props.get(key))}`).toBe(`${key}: ${v(qs.props.get(key))}`);
    }
    for (const key of ["/chosen:stdout-path", "/memory@80000000:reg", ...(extra.includes("-append") ? ["/chosen:bootargs"] : []), ...(extra.includes("-initrd") ? ["/chosen:linux,initrd-end"] : [])]) {
      expect(`${key}: ${ws.props.has(key)}`).toBe(`${key}: true`);
    }
  });
});

describe("what wasmu system accepts and refuses, against qemu-system-riscv64", () => {
  /** `wasmu` differs from QEMU 7.2 on purpose: the reason, shown when the statuses differ. */
  const CASES: { args: string[]; differs?: string }[] = [
    { args: ["-smp", "2"] },
    { args: ["-smp", "cpus=8"] },
    { args: ["-smp", "512"] },
    { args: ["-smp", "600"] },
    { args: ["-smp", "8,maxcpus=4"] },
    { args: ["-smp", "0"], differs: "QEMU 7.2 warns (deprecated) and takes 1; newer QEMU refuses 0, as wasmu does" },
    { args: ["-m", "1G"] },
    { args: ["-m", "512"] },
    { args: ["-m", "12x"] },
    { args: ["-bogus"] },
    { args: ["-kernel", KERNEL, "-initrd", INITRD, "-append", "console=ttyS0"] },
    { args: ["-kernel", "/nonexistent/Image"] },
    { args: ["-kernel", X86], differs: "QEMU loads an ELF for another machine as a raw image; wasmu refuses a kernel that is not RISC-V" },
    { args: ["-m", "4M", "-kernel", BIG_KERNEL] },
    { args: ["-bios", "/nonexistent/fw.bin"] },
    { args: ["-initrd", INITRD] },
    { args: ["-append", "console=ttyS0"] },
    { args: ["-dtb", "/nonexistent/x.dtb"] },
    { args: ["-drive", `file=${DISK},format=raw,if=virtio`] },
    { args: ["-drive", `file=${DISK},format=raw,if=virtio,readonly=on`] },
    { args: ["-drive", `file=${DISK},format=raw,if=none,id=d0`, "-device", "virtio-blk-device,drive=d0"] },
    { args: ["-drive", "file=/nonexistent/disk.img,format=raw,if=virtio"] },
    { args: ["-drive", `file=${DISK},format=qcow2`] },
    { args: ["-device", "virtio-rng-device"] },
    { args: ["-device", "no-such-device"] },
    { args: ["-d", "in_asm,int,mmu,exec,cpu,guest_errors,unimp", "-D", join(dir, "log")] },
    { args: ["-d", "bogus"] },
    { args: ["-accel", "kvm"] },
    { args: ["-accel", "tcg,tb-lock=on"], differs: "tb-lock is wasmu's property (QEMU since 'tcg: remove tb_lock' has no such lock)" },
    { args: ["-serial", "mon:stdio"] },
    { args: ["-serial", "bogus"] },
    { args: ["-no-reboot"] },
    { args: ["-M", "bogus"] },
  ];

  it.runIf(HAVE_QEMU || IN_CI)("the same status for each case but the listed differences", async () => {
    const rows: string[] = [];
    for (const [i, c] of CASES.entries()) {
      const out = join(dir, `cmp${i}.dtb`);
      // Both build the machine and stop: dumpdtb on the case's own -M, or an added one.
      const mAt = c.args.indexOf("-M");
      const args = mAt >= 0 ? c.args.map((a, k) => (k === mAt + 1 ? `${a},dumpdtb=${out}` : a)) : ["-M", `virt,dumpdtb=${out}`, ...c.args];
      const full = ["-nographic", ...(c.args.includes("-bios") ? [] : ["-bios", "none"]), ...args];
      const [q, w] = await Promise.all([qemu(full), wasmu(full)]);
      if (w.stderr.split("\n").length > 2) expect(`${c.args.join(" ")}: ${w.stderr}`).toBe(`${c.args.join(" ")}: at most one line`);
      const qs = q.status === 0 ? "accepts" : "refuses";
      const ws = w.status === 0 ? "accepts" : "refuses";
      if (c.differs !== undefined) expect(`${c.args.join(" ")}: wasmu ${ws}`).not.toBe(`${c.args.join(" ")}: wasmu ${qs}`);
      rows.push(`${c.args.join(" ")}: qemu ${qs}, wasmu ${ws}${c.differs !== undefined ? ` (${c.differs})` : ""}`);
      if (c.differs === undefined) expect(`${c.args.join(" ")}: wasmu ${ws}`).toBe(`${c.args.join(" ")}: wasmu ${qs}`);
    }
    expect(rows).toHaveLength(CASES.length);
  });
});
