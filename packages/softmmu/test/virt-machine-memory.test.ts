// VirtMachine: RAM, ROM and devices together, loaded with a boot plan — what the CPU wiring
// will read (regions, doublewords for the page-table walk, atomic A/D updates) and reset.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BootError, VirtMachine, type VirtHost } from "../src/index.js";
import { FakeClock, FakeTimers, RecordingBackend } from "./support/fakes.js";
import { IN_CI, guestBootFiles } from "./support/tools.js";

const MiB = 1n << 20n;
function host(): VirtHost {
  const clock = new FakeClock();
  return { clock, wallClock: clock, timers: new FakeTimers(), console: new RecordingBackend(), system: { shutdown: () => {}, reset: () => {} } };
}
const pattern = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * seed + 7) & 0xff);

describe("VirtMachine", () => {
  it("loads the plan into RAM and ROM and classifies physical addresses", () => {
    const firmware = pattern(300_000, 3);
    const kernel = pattern(8192, 5);
    const m = VirtMachine.create({ harts: 2, ramSize: 64n * MiB, firmware, kernel, append: "console=ttyS0" }, host());
    expect(m.ram.bytes.subarray(0, firmware.length)).toEqual(firmware);
    expect(m.ram.bytes.subarray(0x200000, 0x200000 + kernel.length)).toEqual(kernel);
    expect(m.load64(0x1000n)).toBe(0x0282_8613_0000_0297n); // auipc t0 / addi a2: QEMU's reset vector
    expect(m.load64(0x1018n)).toBe(0x8000_0000n);
    expect(m.region(0x8000_0000n)).toBe("ram");
    expect(m.region(0x83ff_ffffn)).toBe("ram");
    expect(m.region(0x8400_0000n)).toBeUndefined();
    expect(m.region(0x1000n)).toBe("rom");
    expect(m.region(0x1000_0000n)).toBe("mmio");
    expect(m.region(0x0c20_1004n)).toBe("mmio");
    expect(m.region(0x3000_0000n)).toBeUndefined();
    expect(m.load64(0x1000_0000n)).toBeUndefined(); // MMIO is not memory
    expect(m.load64(0x8000_0004n)).toBeUndefined(); // misaligned
  });

  it("updates RAM doublewords atomically for the page-table walk, never ROM", () => {
    const m = VirtMachine.create({ harts: 1, ramSize: 16n * MiB }, host());
    const pte = 0x8000_1000n;
    expect(m.cas64(pte, 0n, 0xffff_0000_0000_00c1n)).toBe(true);
    expect(m.load64(pte)).toBe(0xffff_0000_0000_00c1n);
    expect(m.cas64(pte, 0n, 1n)).toBe(false);
    expect(m.cas64(0x1000n, m.load64(0x1000n)!, 0n)).toBe(false);
    m.ram.bytes.fill(0xaa, 0, 4096);
    m.reset();
    expect(m.load64(pte)).toBe(0n);
    expect(m.load64(0x1000n)).toBe(0x0282_8613_0000_0297n);
  });

  it("takes the embedder's RAM view and refuses one of the wrong size", () => {
    const ram = new Uint8Array(new SharedArrayBuffer(Number(8n * MiB)));
    const m = VirtMachine.create({ harts: 1, ramSize: 8n * MiB, ram, kernel: pattern(100, 1) }, host());
    expect(m.ram.bytes).toBe(ram);
    expect(ram[0]).toBe(7);
    expect(() => VirtMachine.create({ harts: 1, ramSize: 16n * MiB, ram }, host())).toThrow(/RAM view/);
    expect(() => VirtMachine.create({ harts: 1, ramSize: 8n * MiB, kernel: new Uint8Array(0) }, host())).toThrow(BootError);
  });

  const g = guestBootFiles();
  it.runIf((g.kernel !== undefined && g.fwDynamic !== undefined) || IN_CI)("holds Debian's kernel behind OpenSBI 1.9 where QEMU puts them", () => {
    const kernel = new Uint8Array(readFileSync(g.kernel!));
    const firmware = new Uint8Array(readFileSync(g.fwDynamic!));
    const m = VirtMachine.create({ harts: 4, ramSize: 256n * MiB, firmware, kernel, append: "console=ttyS0" }, host());
    expect(m.ram.bytes.subarray(0x200000, 0x200040)).toEqual(kernel.subarray(0, 64));
    expect(m.load64(0x1038n)).toBe(0x8020_0000n); // fw_dynamic_info.next_addr
    expect(m.plan.fdt.node("/cpus/cpu@3")).toBeDefined();
  });
});
