// Boot images against QEMU 7.2: for the same -bios/-kernel/-initrd/-append/-m, the ROM at
// 0x1000 (reset vector and fw_dynamic_info) must be byte for byte QEMU's, the images must
// sit where QEMU puts them, and the device tree QEMU leaves in RAM must carry the same
// /chosen. QEMU is stopped before the first instruction (-S) and its memory read with the
// monitor's pmemsave. Without qemu-system-riscv64 the live part skips loudly (fails under
// CI); the real kernel and OpenSBI come from $WASMU_GUESTS (skip loudly without them).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BootError, Fdt, identifyKernel, loadBoot, planBoot, resetRom, type BootConfig } from "../src/index.js";
import { HAVE_QEMU_SYSTEM, IN_CI, guestBootFiles, requireTool } from "./support/tools.js";

const tmp = mkdtempSync(join(tmpdir(), "wasmu-boot-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MiB = 1n << 20n;

/** A minimal RV64 ELF with one PT_LOAD of `payload` at `paddr` (memsz adds `bss`). */
function tinyElf(paddr: bigint, payload: Uint8Array, bss = 0, machine = 243): Uint8Array {
  const out = new Uint8Array(0x1000 + payload.length);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, machine, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, paddr + 4n, true); // an entry QEMU 7.2 ignores: it enters at the lowest address
  dv.setBigUint64(32, 64n, true); // phoff
  dv.setUint16(52, 64, true); // ehsize
  dv.setUint16(54, 56, true); // phentsize
  dv.setUint16(56, 1, true); // phnum
  dv.setUint16(58, 64, true); // shentsize
  dv.setUint32(64, 1, true); // PT_LOAD
  dv.setUint32(68, 5, true); // R+X
  dv.setBigUint64(72, 0x1000n, true); // offset
  dv.setBigUint64(80, paddr, true);
  dv.setBigUint64(88, paddr, true);
  dv.setBigUint64(96, BigInt(payload.length), true);
  dv.setBigUint64(104, BigInt(payload.length + bss), true);
  dv.setBigUint64(112, 0x1000n, true);
  out.set(payload, 0x1000);
  return out;
}

/** A RISC-V Linux Image: header with text_offset 0x200000, then filler. */
function tinyImage(size: number, imageSize = BigInt(size)): Uint8Array {
  const out = new Uint8Array(size).map((_, i) => (i * 13 + 1) & 0xff);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x0000006f, true); // j . (code0)
  dv.setBigUint64(8, 0x200000n, true);
  dv.setBigUint64(16, imageSize, true);
  dv.setBigUint64(24, 0n, true);
  dv.setUint32(32, 2, true);
  dv.setBigUint64(48, 0x5643534952n, true); // "RISCV"
  dv.setUint32(56, 0x05435352, true); // "RSC\x05"
  return out;
}

const pattern = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * seed + 7) & 0xff);

describe("kernel formats", () => {
  it("recognises RISC-V ELF, Linux Image and raw files; refuses foreign formats with one line", () => {
    expect(identifyKernel(tinyElf(0x80000000n, pattern(64, 3)), "kernel").kind).toBe("elf");
    const img = identifyKernel(tinyImage(4096, 0x10000n), "kernel");
    expect(img).toMatchObject({ kind: "linux-image", header: { textOffset: 0x200000n, imageSize: 0x10000n, version: { major: 0, minor: 2 } } });
    expect(identifyKernel(pattern(100, 5), "kernel").kind).toBe("raw");
    expect(() => identifyKernel(tinyElf(0x80000000n, pattern(64, 3), 0, 62), "kernel")).toThrow("kernel is an ELF file for x86-64, not RISC-V");
    const arm = new Uint8Array(128);
    new DataView(arm.buffer).setUint32(56, 0x644d5241, true);
    expect(() => identifyKernel(arm, "kernel")).toThrow("kernel is an arm64 Linux image, not RISC-V");
    const bz = new Uint8Array(0x400);
    new DataView(bz.buffer).setUint32(0x202, 0x53726448, true);
    expect(() => identifyKernel(bz, "kernel")).toThrow(/x86 Linux bzImage/);
    expect(() => identifyKernel(Uint8Array.of(0x1f, 0x8b, 8, 0), "kernel")).toThrow(/gzip-compressed/);
    const pe = new Uint8Array(0x100);
    const pdv = new DataView(pe.buffer);
    pe.set([0x4d, 0x5a]);
    pdv.setUint32(0x3c, 0x80, true);
    pdv.setUint32(0x80, 0x4550, true);
    pdv.setUint16(0x84, 0xaa64, true);
    expect(() => identifyKernel(pe, "kernel")).toThrow("kernel is a PE image for AArch64, not RISC-V");
    expect(() => identifyKernel(new Uint8Array(0), "kernel")).toThrow("kernel is empty");
  });
});

describe("boot plan", () => {
  it("places firmware, kernel, initrd and device tree as QEMU 7.2 does", () => {
    const plan = planBoot({ harts: 2, ramSize: 256n * MiB, firmware: pattern(300_000, 3), kernel: tinyImage(8192), initrd: pattern(5000, 9), append: "console=ttyS0" });
    expect(plan.regions.map((r) => [r.what, r.addr])).toEqual([
      ["firmware", 0x80000000n], ["kernel", 0x80200000n], ["initrd", 0x88200000n], ["device tree", 0x8fe00000n],
    ]);
    expect(plan.kernelEntry).toBe(0x80200000n);
    expect(plan.fdt.node("/chosen")!.getStrings("bootargs")).toEqual(["console=ttyS0"]);
    expect(plan.initrd).toEqual({ start: 0x88200000n, end: 0x88200000n + 5000n });
    // 4 GiB of RAM: the tree stays below 3 GiB
    expect(planBoot({ harts: 1, ramSize: 4096n * MiB }).fdtAddr).toBe(0xbfe00000n);
    // -bios none: the kernel at the start of RAM, the initrd half-way up a small RAM
    const bare = planBoot({ harts: 1, ramSize: 64n * MiB, kernel: pattern(4096, 5), initrd: pattern(10, 1) });
    expect(bare.kernelEntry).toBe(0x80000000n);
    expect(bare.initrd!.start).toBe(0x82000000n);
  });

  it("writes the reset vector QEMU writes (the fields QEMU's dump shows) and loads the images", () => {
    const rom = resetRom(0x80000000n, 0x8fe00000n, 0x80200000n);
    const dv = new DataView(rom.buffer);
    expect(dv.getUint32(0, true)).toBe(0x00000297);
    expect(dv.getBigUint64(24, true)).toBe(0x80000000n);
    expect(dv.getBigUint64(32, true)).toBe(0x8fe00000n);
    expect(dv.getBigUint64(40, true)).toBe(0x4942534fn);
    expect(dv.getBigUint64(56, true)).toBe(0x80200000n);
    const plan = planBoot({ harts: 1, ramSize: 64n * MiB, kernel: tinyElf(0x80100000n, pattern(100, 3), 50) });
    expect(plan.kernelEntry).toBe(0x80100000n);
    const ram = { base: 0x80000000n, bytes: new Uint8Array(64 << 20).fill(0xff) };
    const romBytes = new Uint8Array(0xf000);
    loadBoot(plan, ram, romBytes);
    expect(ram.bytes.subarray(0x100000, 0x100064)).toEqual(pattern(100, 3));
    expect(ram.bytes.subarray(0x100064, 0x100096).every((b) => b === 0)).toBe(true);
    expect(Fdt.parse(ram.bytes.subarray(Number(plan.fdtAddr - ram.base))).node("/cpus/cpu@0")).toBeDefined();
    expect(romBytes.subarray(0, plan.rom.length)).toEqual(plan.rom);
  });

  it("refuses what does not fit, overlaps or lacks a kernel, with one line", () => {
    const one = (cfg: BootConfig) => {
      try {
        planBoot(cfg);
      } catch (e) {
        expect(e).toBeInstanceOf(BootError);
        expect((e as Error).message).not.toContain("\n");
        return (e as Error).message;
      }
      return "no error";
    };
    expect(one({ harts: 1, ramSize: 16n * MiB, kernel: tinyImage(4096, 40n * MiB) })).toMatch(/kernel \(41943040 bytes at 0x80000000\) does not fit in RAM/);
    expect(one({ harts: 1, ramSize: 64n * MiB, kernel: tinyImage(4096, 40n * MiB), initrd: pattern(10, 1) })).toMatch(/kernel .* overlaps initrd at 0x82000000/);
    expect(one({ harts: 1, ramSize: 64n * MiB, kernel: tinyElf(0x10000n, pattern(8, 1)) })).toMatch(/kernel segment .* does not fit in RAM/);
    expect(one({ harts: 1, ramSize: 64n * MiB, initrd: pattern(10, 1) })).toBe("-initrd needs -kernel");
    expect(one({ harts: 1, ramSize: 64n * MiB, kernel: pattern(10, 1), dtb: pattern(64, 1) })).toMatch(/^dtb: not a device tree blob/);
    expect(one({ harts: 1, ramSize: 1024n })).toMatch(/too small for the .*device tree/);
    expect(one({ harts: 1, ramSize: 2n * MiB, firmware: pattern(2_000_000, 1) })).toMatch(/^firmware .* overlaps device tree at 0x80000000/);
  });
});

// ---- QEMU as the oracle

interface QemuBoot {
  readonly rom: Uint8Array;
  readonly chosen: Map<string, Uint8Array>;
  read(addr: bigint, len: number): Uint8Array;
}

function qemuBoot(mem: string, files: Record<string, Uint8Array | undefined>, append: string | undefined, reads: [bigint, number][]): QemuBoot {
  const args = ["-M", "virt", "-display", "none", "-S", "-monitor", "stdio", "-m", mem, "-smp", "2"];
  for (const [opt, bytes] of Object.entries(files)) {
    if (opt === "bios" && !bytes) args.push("-bios", "none");
    if (!bytes) continue;
    const path = join(tmp, `${opt}.bin`);
    writeFileSync(path, bytes);
    args.push(`-${opt}`, path);
  }
  if (append !== undefined) args.push("-append", append);
  const romPath = join(tmp, "rom.dump");
  // The device tree's address is in the ROM; read 2 MiB at the end of RAM-or-3GiB instead.
  const cmds = [`pmemsave 0x1000 0x58 "${romPath}"`];
  reads.forEach(([a, n], i) => cmds.push(`pmemsave 0x${a.toString(16)} ${n} "${join(tmp, `r${i}.dump`)}"`));
  const r = spawnSync("qemu-system-riscv64", args, { input: cmds.join("\n") + "\nquit\n", encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`qemu-system-riscv64 ${args.join(" ")}: ${r.stderr}`);
  const rom = new Uint8Array(readFileSync(romPath));
  const fdtAddr = new DataView(rom.buffer).getBigUint64(32, true);
  const fdtPath = join(tmp, "fdt.dump");
  spawnSync("qemu-system-riscv64", args, { input: `pmemsave 0x${fdtAddr.toString(16)} 0x10000 "${fdtPath}"\nquit\n`, encoding: "utf8", timeout: 60_000 });
  const fdt = Fdt.parse(new Uint8Array(readFileSync(fdtPath)));
  return {
    rom,
    chosen: fdt.node("/chosen")!.props,
    read: (a, n) => {
      const i = reads.findIndex(([x, m]) => x === a && m === n);
      return new Uint8Array(readFileSync(join(tmp, `r${i}.dump`)));
    },
  };
}

const num = (v: Uint8Array | undefined) => (v ? [...v].reduce((acc, b) => (acc << 8n) | BigInt(b), 0n) : undefined);

interface LiveCase {
  readonly name: string;
  readonly mem: string;
  readonly ramSize: bigint;
  readonly bios?: Uint8Array;
  readonly kernel?: Uint8Array;
  readonly initrd?: Uint8Array;
  readonly append?: string;
}

const LIVE: readonly LiveCase[] = [
  { name: "raw firmware + Image + initrd + append", mem: "256M", ramSize: 256n * MiB, bios: pattern(300_000, 3), kernel: tinyImage(8192), initrd: pattern(5000, 9), append: "console=ttyS0 rdinit=/init" },
  { name: "firmware past 2 MiB + Image", mem: "512M", ramSize: 512n * MiB, bios: pattern(2_200_000, 5), kernel: tinyImage(4096) },
  { name: "-bios none + ELF kernel with bss + initrd", mem: "128M", ramSize: 128n * MiB, kernel: tinyElf(0x80400000n, pattern(300, 7), 100), initrd: pattern(1000, 11) },
  { name: "-bios none + raw kernel, 4 GiB", mem: "4G", ramSize: 4096n * MiB, kernel: pattern(1000, 13), append: "earlycon" },
  { name: "firmware only", mem: "64M", ramSize: 64n * MiB, bios: pattern(1000, 17) },
];

const live = requireTool(HAVE_QEMU_SYSTEM, "qemu-system-riscv64");

describe.each(LIVE)("against QEMU: $name", (c) => {
  it.runIf(live)("same ROM, same image addresses and contents, same /chosen", () => {
    if (IN_CI) expect(HAVE_QEMU_SYSTEM, "qemu-system-riscv64 must be installed under CI").toBe(true);
    const plan = planBoot({
      harts: 2, ramSize: c.ramSize,
      ...(c.bios ? { firmware: c.bios } : {}), ...(c.kernel ? { kernel: c.kernel } : {}), ...(c.initrd ? { initrd: c.initrd } : {}),
      ...(c.append !== undefined ? { append: c.append } : {}),
    });
    // The first 64 KiB of each image (the monitor's pmemsave is slow on megabytes).
    const images = plan.regions.filter((r) => r.what !== "device tree").map((r) => ({ ...r, bytes: r.bytes.subarray(0, 65536) }));
    const reads = images.map((r): [bigint, number] => [r.addr, r.bytes.length]);
    const q = qemuBoot(c.mem, { bios: c.bios, kernel: c.kernel, initrd: c.initrd }, c.append, reads);
    expect([...plan.rom]).toEqual([...q.rom]);
    for (const r of images) expect(q.read(r.addr, r.bytes.length)).toEqual(r.bytes);
    const ours = plan.fdt.node("/chosen")!.props;
    expect(num(ours.get("linux,initrd-start"))).toEqual(num(q.chosen.get("linux,initrd-start")));
    expect(num(ours.get("linux,initrd-end"))).toEqual(num(q.chosen.get("linux,initrd-end")));
    expect(ours.get("bootargs")).toEqual(q.chosen.get("bootargs"));
  });
});

const guests = guestBootFiles();
const haveGuests = guests.kernel !== undefined && guests.fwDynamic !== undefined;
if (!haveGuests && !IN_CI) console.warn("SKIP: Debian's kernel and OpenSBI are not in $WASMU_GUESTS (scripts/fetch-guests.sh linux-binary-…-riscv64 opensbi): the real-image boot-plan tests do not run");

describe("Debian's kernel and OpenSBI 1.9", () => {
  it.runIf(haveGuests || IN_CI)("the kernel is a RISC-V Image; -bios fw_dynamic.bin (or fw_jump.bin) -kernel vmlinuz lays out as under QEMU", () => {
    expect(haveGuests, "WASMU_GUESTS must hold linux-binary-*-riscv64 and opensbi under CI").toBe(true);
    const kernel = new Uint8Array(readFileSync(guests.kernel!));
    const firmware = new Uint8Array(readFileSync(guests.fwDynamic!));
    const k = identifyKernel(kernel, "kernel");
    expect(k.kind).toBe("linux-image");
    if (k.kind !== "linux-image") return;
    expect(k.header.textOffset).toBe(0x200000n);
    expect(k.header.imageSize).toBeGreaterThanOrEqual(BigInt(kernel.length) / 2n);
    const initrd = pattern(100_000, 3);
    const plan = planBoot({ harts: 2, ramSize: 512n * MiB, firmware, kernel, initrd, append: "console=ttyS0 rdinit=/init" });
    expect(plan.kernelEntry).toBe(0x80200000n);
    expect(plan.initrd!.start).toBe(0x88200000n);
    if (!live || !HAVE_QEMU_SYSTEM) return;
    // fw_dynamic.bin and fw_jump.bin: the same layout (fw_jump ignores a2's fw_dynamic_info)
    for (const fw of [firmware, ...(guests.fwJump ? [new Uint8Array(readFileSync(guests.fwJump))] : [])]) {
      const p = planBoot({ harts: 2, ramSize: 512n * MiB, firmware: fw, kernel, initrd, append: "console=ttyS0 rdinit=/init" });
      const q = qemuBoot("512M", { bios: fw, kernel, initrd }, "console=ttyS0 rdinit=/init", [[0x80200000n, 4096], [0x80000000n, 4096]]);
      expect([...p.rom]).toEqual([...q.rom]);
      expect(q.read(0x80200000n, 4096)).toEqual(kernel.subarray(0, 4096));
      expect(q.read(0x80000000n, 4096)).toEqual(fw.subarray(0, 4096));
      expect(num(q.chosen.get("linux,initrd-start"))).toBe(0x88200000n);
    }
  });
});
