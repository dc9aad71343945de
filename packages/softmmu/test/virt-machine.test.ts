// The virt machine's devices as a whole: every /soc device of the generated device tree is
// on the bus at its reg, interrupts travel from a device through the PLIC to a hart, and
// virtio devices fill the slots from the highest, as QEMU's -device does.
import { describe, expect, it } from "vitest";
import {
  MIP_SEIP, PLIC_CONTEXT, PLIC_CONTEXT_STRIDE, PLIC_ENABLE, PLIC_ENABLE_STRIDE, VIRT_PLIC, VIRT_UART0, VirtioRng, buildVirtFdt, createVirtDevices,
} from "../src/index.js";
import { FakeClock, FakeTimers, RecordingBackend } from "./support/fakes.js";

function machine(harts = 2) {
  const clock = new FakeClock();
  const out = new RecordingBackend();
  const events: string[] = [];
  const ram = { base: 0x80000000n, bytes: new Uint8Array(new SharedArrayBuffer(1 << 20)) };
  const m = createVirtDevices(
    { harts, ram, virtio: [new VirtioRng({ fill: (b) => b.fill(1) })] },
    { clock, wallClock: clock, timers: new FakeTimers(), console: out, system: { shutdown: (c) => events.push(`off ${c}`), reset: () => events.push("reset") } },
  );
  return { m, out, events, clock };
}

describe("virt machine devices", () => {
  it("maps every /soc device of the device tree at its reg", () => {
    const { m } = machine(4);
    const fdt = buildVirtFdt({ harts: 4, ramSize: 1n << 28n });
    const soc = fdt.node("/soc")!;
    const names = { clint: "clint", plic: "plic", serial: "ns16550a", test: "sifive_test", rtc: "goldfish_rtc", virtio_mmio: "virtio-mmio" };
    expect(soc.children.length).toBe(13);
    for (const node of soc.children) {
      const [hi, lo, shi, slo] = node.getCells("reg")!;
      const base = (BigInt(hi!) << 32n) | BigInt(lo!);
      const size = (BigInt(shi!) << 32n) | BigInt(slo!);
      const mapping = m.bus.mappings.find((x) => x.base === base);
      expect(mapping?.base).toBe(base);
      expect(mapping!.size).toBe(size);
      expect(mapping!.name.startsWith(names[node.name.split("@")[0] as keyof typeof names])).toBe(true);
    }
    expect(m.bus.mappings.length).toBe(13);
  });

  it("a UART interrupt reaches hart 1's S-mode context through the PLIC", () => {
    const { m, out } = machine();
    const w = (a: bigint, v: bigint, size: 1 | 4 = 4) => expect(m.bus.write(a, size, v)).toBeUndefined();
    const r = (a: bigint, size: 1 | 4 = 4) => {
      const x = m.bus.read(a, size);
      if (!x.ok) throw new Error(x.fault);
      return x.value;
    };
    w(VIRT_UART0.base, 0x41n, 1);
    expect(out.text).toBe("A");
    w(VIRT_PLIC.base + 10n * 4n, 1n); // priority of source 10
    w(VIRT_PLIC.base + BigInt(PLIC_ENABLE + 3 * PLIC_ENABLE_STRIDE), 1n << 10n); // context 3: hart 1, S
    w(VIRT_UART0.base + 1n, 0x02n, 1); // IER: THR empty
    expect(m.interrupts.lines(1)).toBe(MIP_SEIP);
    const claim = VIRT_PLIC.base + BigInt(PLIC_CONTEXT + 3 * PLIC_CONTEXT_STRIDE + 4);
    expect(r(claim)).toBe(10n);
    expect(r(VIRT_UART0.base + 2n, 1)).toBe(0x02n); // the driver reads IIR: THRE acknowledged
    w(claim, 10n);
    expect(m.interrupts.lines(1)).toBe(0);
  });

  it("virtio devices fill the slots from 0x10008000 down; sifive_test and the CLINT answer on the bus", () => {
    const { m, events, clock } = machine();
    expect(m.bus.read(0x10008008n, 4)).toEqual({ ok: true, value: 4n });
    expect(m.bus.read(0x10001008n, 4)).toEqual({ ok: true, value: 0n });
    expect(m.bus.read(0x10001000n, 4)).toEqual({ ok: true, value: 0x74726976n });
    clock.ns += 1000n;
    expect(m.bus.read(0x200bff8n, 8)).toEqual({ ok: true, value: 10n });
    expect(m.bus.write(0x100000n, 4, 0x5555n)).toBeUndefined();
    expect(events).toEqual(["off 0"]);
    expect(m.bus.read(0x3000000n, 4)).toEqual({ ok: false, fault: "unmapped" });
  });
});
