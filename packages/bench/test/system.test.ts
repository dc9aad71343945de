import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BenchContext } from "../src/entry.js";
import { buildInitramfs, findSystemInputs, INIT_MARKER } from "../src/guests/system.js";

/** Reads a newc archive back: name, mode, rdev and data of every member. */
function readNewc(buf: Buffer): { name: string; mode: number; nlink: number; rdev: [number, number]; data: Buffer }[] {
  const out = [];
  let off = 0;
  for (;;) {
    const h = buf.subarray(off, off + 110).toString("ascii");
    expect(h.slice(0, 6)).toBe("070701");
    const field = (i: number): number => parseInt(h.slice(6 + 8 * i, 14 + 8 * i), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = buf.subarray(off + 110, off + 110 + nameSize - 1).toString("utf8");
    expect(buf[off + 110 + nameSize - 1]).toBe(0);
    off += 110 + nameSize;
    off += (4 - (off % 4)) % 4;
    const data = buf.subarray(off, off + size);
    off += size;
    off += (4 - (off % 4)) % 4;
    if (name === "TRAILER!!!") break;
    out.push({ name, mode: field(1), nlink: field(4), rdev: [field(9), field(10)] as [number, number], data });
  }
  expect(off).toBe(buf.length);
  return out;
}

function fakeCache(): BenchContext {
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-system-"));
  const sysroot = join(cacheDir, "sysroot");
  mkdirSync(join(sysroot, "usr/bin"), { recursive: true });
  writeFileSync(join(sysroot, "usr/bin/busybox"), "not really busybox");
  return { repoRoot: "/nonexistent", cacheDir, sysroot };
}

describe("system-mode inputs", () => {
  it("finds the newest kernel and OpenSBI, or says what is missing", () => {
    const ctx = fakeCache();
    expect(findSystemInputs(ctx)).toMatch(/no kernel in .* \(run: wasmu-bench fetch\)/);
    for (const v of ["7.9.1+deb14-riscv64", "7.10.2+deb14-riscv64"]) {
      mkdirSync(join(ctx.sysroot, "usr/lib/modules", v), { recursive: true });
      writeFileSync(join(ctx.sysroot, "usr/lib/modules", v, "vmlinuz"), "");
    }
    expect(findSystemInputs(ctx)).toMatch(/no OpenSBI at .*fw_dynamic\.bin/);
    const bios = join(ctx.sysroot, "usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin");
    mkdirSync(join(bios, ".."), { recursive: true });
    writeFileSync(bios, "");
    expect(findSystemInputs(ctx)).toMatchObject({ kernelVersion: "7.10.2+deb14-riscv64", bios });
  });
  it("builds an initramfs with busybox and an /init that reports the CPUs and powers off (@wasmu/softmmu's; booted under QEMU by softmmu's test)", async () => {
    const ctx = fakeCache();
    const path = await buildInitramfs(ctx);
    expect(await buildInitramfs(ctx)).toBe(path);
    const members = readNewc(readFileSync(path));
    const byName = new Map(members.map((m) => [m.name, m]));
    expect(byName.get("bin/busybox")!.data.toString()).toBe("not really busybox");
    expect(byName.get("dev/console")!.rdev).toEqual([5, 1]);
    const init = byName.get("init")!;
    expect(init.mode & 0o111).toBe(0o111);
    expect(init.data.toString()).toMatch(/^#!\/bin\/busybox sh\n/);
    expect(init.data.toString()).toContain(INIT_MARKER);
    expect(init.data.toString()).toContain("poweroff -f");
  });
});

describe("system-boot's probe of wasmu system", () => {
  it("says why wasmu cannot boot (its one line), or nothing when /init's marker came and it powered off", async () => {
    const { probeWasmuBoot } = await import("../src/entries/system-boot.js");
    expect(await probeWasmuBoot(["sh", "-c", "echo 'wasmu: the CPU is not wired into the virt machine yet' >&2; exit 1"])).toBe(
      "cannot boot yet: the CPU is not wired into the virt machine yet",
    );
    expect(await probeWasmuBoot(["sh", "-c", `echo '${INIT_MARKER} status 0'`])).toBeUndefined();
    expect(await probeWasmuBoot(["sh", "-c", "echo booted"])).toBe(`cannot boot yet: powered off without /init's marker "${INIT_MARKER}"`);
    expect(await probeWasmuBoot(["sleep", "30"], 200)).toBe("cannot boot yet: no power-off within 0.2 s");
  });
});
