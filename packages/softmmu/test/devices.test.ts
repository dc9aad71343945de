// The virt machine's simple devices against their specifications: the bus, the
// ACLINT/CLINT over shared interrupt state, the PLIC (RISC-V PLIC spec 1.0.0, virt's
// M/S contexts), the NS16550A (PC16550D data sheet), sifive_test and the goldfish RTC.
import { describe, expect, it } from "vitest";
import {
  CLINT_MTIME, CLINT_MTIMECMP, Clint, GoldfishRtc, HartInterrupts, LSR_DR, LSR_OE, LSR_TEMT, LSR_THRE, MIP_MEIP, MIP_MSIP, MIP_MTIP,
  MIP_SEIP, MmioBus, PLIC_CONTEXT, PLIC_CONTEXT_STRIDE, PLIC_ENABLE, PLIC_ENABLE_STRIDE, PLIC_PENDING, Plic, RTC_ALARM_HIGH, RTC_ALARM_LOW,
  RTC_ALARM_STATUS, RTC_CLEAR_INTERRUPT, RTC_IRQ_ENABLED, RTC_TIME_HIGH, RTC_TIME_LOW, SIZE_4, SifiveTest, Uart16550, type AccessSize,
  type MmioDevice,
} from "../src/index.js";
import { FakeClock, FakeTimers, RecordingBackend, RecordingIrq } from "./support/fakes.js";

class Regs implements MmioDevice {
  readonly name = "regs";
  readonly accessSizes = SIZE_4;
  readonly writes: [number, bigint][] = [];
  read(offset: number): bigint {
    return BigInt(offset) | 0xab00n;
  }
  write(offset: number, _s: AccessSize, v: bigint): void {
    this.writes.push([offset, v]);
  }
}

describe("MmioBus", () => {
  it("dispatches by address and faults on unmapped, wrong-size and misaligned accesses", () => {
    const bus = new MmioBus();
    const a = new Regs();
    bus.map(0x1000_0000n, 0x100n, a);
    bus.map(0x0c00_0000n, 0x600000n, new Regs());
    expect(() => bus.map(0x1000_00f0n, 0x20n, new Regs())).toThrow(/overlaps/);
    expect(bus.read(0x1000_0010n, 4)).toEqual({ ok: true, value: 0xab10n });
    expect(bus.write(0x1000_0014n, 4, 0x1_2345_6789n)).toBeUndefined();
    expect(a.writes).toEqual([[0x14, 0x2345_6789n]]);
    expect(bus.read(0x1000_0100n, 4)).toEqual({ ok: false, fault: "unmapped" });
    expect(bus.read(0x1000_00fen, 4)).toEqual({ ok: false, fault: "unmapped" });
    expect(bus.read(0x1000_0010n, 1)).toEqual({ ok: false, fault: "size" });
    expect(bus.write(0x1000_0012n, 4, 0n)).toBe("misaligned");
    expect(bus.mappings.map((m) => m.base)).toEqual([0x0c00_0000n, 0x1000_0000n]);
  });
});

describe("CLINT (ACLINT MSWI + MTIMER) over HartInterrupts", () => {
  it("msip sets and clears MSIP of the addressed hart only", () => {
    const hi = HartInterrupts.create(3, new FakeClock());
    const clint = new Clint(hi);
    clint.write(4, 4, 0xffn);
    expect(hi.lines(1)).toBe(MIP_MSIP);
    expect(hi.lines(0)).toBe(0);
    expect(clint.read(4, 4)).toBe(1n);
    clint.write(4, 4, 2n);
    expect(hi.lines(1)).toBe(0);
    clint.write(3 * 4, 4, 1n); // no hart 3: ignored
    expect(clint.read(3 * 4, 4)).toBe(0n);
  });

  it("mtime counts the host clock at 10 MHz, whole or in halves, and can be written", () => {
    const clock = new FakeClock();
    const hi = HartInterrupts.create(1, clock);
    const clint = new Clint(hi);
    expect(clint.read(CLINT_MTIME, 8)).toBe(0n);
    clock.ns += 1_000n; // 1 µs = 10 ticks
    expect(clint.read(CLINT_MTIME, 8)).toBe(10n);
    clock.ns += 0x1_0000_0000n * 100n;
    expect(clint.read(CLINT_MTIME + 4, 4)).toBe(1n);
    expect(clint.read(CLINT_MTIME, 4)).toBe(10n);
    clint.write(CLINT_MTIME, 8, 0x5_0000_0000n);
    clock.ns += 500n;
    expect(hi.mtime()).toBe(0x5_0000_0005n);
    clint.write(CLINT_MTIME, 4, 7n); // low half only
    expect(hi.mtime()).toBe(0x5_0000_0007n);
  });

  it("MTIP is pending while mtime >= mtimecmp; mtimecmp starts at 0 (MTIP pending from reset, as QEMU) and takes halves", () => {
    const clock = new FakeClock();
    const hi = HartInterrupts.create(2, clock);
    const clint = new Clint(hi);
    expect(clint.read(CLINT_MTIMECMP + 8, 8)).toBe(0n);
    expect(hi.pending(1) & MIP_MTIP).toBe(MIP_MTIP);
    clint.write(CLINT_MTIMECMP + 8, 8, 0xffff_ffff_ffff_ffffn);
    expect(hi.pending(1) & MIP_MTIP).toBe(0);
    clint.write(CLINT_MTIMECMP + 8, 4, 100n); // low half of hart 1's
    clint.write(CLINT_MTIMECMP + 12, 4, 0n); // high half
    expect(clint.read(CLINT_MTIMECMP + 8, 8)).toBe(100n);
    clock.ns += 99n * 100n;
    expect(hi.pending(1) & MIP_MTIP).toBe(0);
    clock.ns += 100n;
    expect(hi.pending(1) & MIP_MTIP).toBe(MIP_MTIP);
    expect(hi.pending(0) & MIP_MTIP).toBe(MIP_MTIP); // hart 0's mtimecmp is still 0
    clint.write(CLINT_MTIMECMP + 8, 8, 1000n);
    expect(hi.pending(1) & MIP_MTIP).toBe(0);
  });

  it("WFI returns at once with an interrupt pending, at the deadline without one, and when the timer expires", () => {
    const real = { nowNs: () => process.hrtime.bigint() };
    const hi = HartInterrupts.create(1, real);
    hi.raise(0, MIP_MSIP);
    expect(hi.waitForInterrupt(0, MIP_MSIP) & MIP_MSIP).toBe(MIP_MSIP);
    expect(hi.waitForInterrupt(0, MIP_MEIP, 1_000_000n) & MIP_MEIP).toBe(0);
    hi.setMtimecmp(0, hi.mtime() + 2_000n); // 200 µs ahead
    expect(hi.waitForInterrupt(0, MIP_MTIP) & MIP_MTIP).toBe(MIP_MTIP);
  });
});

describe("PLIC", () => {
  const setup = () => {
    const hi = HartInterrupts.create(2, new FakeClock());
    const plic = new Plic(hi, { numSources: 96, maxPriority: 7 });
    const ctx = (c: number, reg: number) => PLIC_CONTEXT + c * PLIC_CONTEXT_STRIDE + reg;
    const enable = (c: number, word: number, v: number) => plic.write(PLIC_ENABLE + c * PLIC_ENABLE_STRIDE + word * 4, 4, BigInt(v));
    return { hi, plic, ctx, enable };
  };

  it("priorities are WARL (3 bits); source 0 and its enable bit do not exist; thresholds above 7 are ignored", () => {
    const { plic, ctx } = setup();
    plic.write(4 * 10, 4, 0xffn);
    expect(plic.read(4 * 10)).toBe(7n);
    plic.write(0, 4, 5n);
    expect(plic.read(0)).toBe(0n);
    plic.write(PLIC_ENABLE, 4, 0xffff_ffffn);
    expect(plic.read(PLIC_ENABLE)).toBe(0xffff_fffen);
    plic.write(PLIC_ENABLE + 8, 4, 0xffff_ffffn); // sources 64..95
    expect(plic.read(PLIC_ENABLE + 8)).toBe(0xffff_ffffn);
    plic.write(ctx(1, 0), 4, 3n);
    plic.write(ctx(1, 0), 4, 8n);
    expect(plic.read(ctx(1, 0))).toBe(3n);
  });

  it("routes an enabled source above the threshold to MEIP (context 2h) or SEIP (2h+1) of hart h", () => {
    const { hi, plic, ctx, enable } = setup();
    plic.write(4 * 10, 4, 1n);
    plic.line(10).set(true);
    expect(plic.read(PLIC_PENDING)).toBe(1n << 10n);
    expect(hi.lines(0) | hi.lines(1)).toBe(0); // not enabled anywhere
    enable(3, 0, 1 << 10); // hart 1, S mode
    expect(hi.lines(1)).toBe(MIP_SEIP);
    expect(hi.lines(0)).toBe(0);
    plic.write(ctx(3, 0), 4, 1n); // threshold 1: priority 1 no longer above it
    expect(hi.lines(1)).toBe(0);
    plic.write(ctx(3, 0), 4, 0n);
    enable(0, 0, 1 << 10); // hart 0, M mode too
    expect(hi.lines(0)).toBe(MIP_MEIP);
    plic.write(4 * 10, 4, 0n); // priority 0 never interrupts
    expect(hi.lines(0) | hi.lines(1)).toBe(0);
  });

  it("claims the highest priority (ties: lowest id), gates a claimed source until completion, re-pends a level still high", () => {
    const { hi, plic, ctx, enable } = setup();
    for (const [n, p] of [[1, 2], [5, 6], [7, 6], [33, 3]] as const) {
      plic.write(4 * n, 4, BigInt(p));
      plic.line(n).set(true);
    }
    enable(1, 0, (1 << 1) | (1 << 5) | (1 << 7));
    enable(1, 1, 1 << 1); // source 33
    expect(plic.read(ctx(1, 4))).toBe(5n);
    expect(plic.isPending(5)).toBe(false);
    expect(plic.read(ctx(1, 4))).toBe(7n);
    expect(plic.read(ctx(1, 4))).toBe(33n);
    expect(plic.read(ctx(1, 4))).toBe(1n);
    expect(plic.read(ctx(1, 4))).toBe(0n);
    expect(hi.lines(0)).toBe(0);
    plic.line(7).set(false);
    plic.write(ctx(1, 4), 4, 7n); // complete 7: its line is low now
    expect(plic.isPending(7)).toBe(false);
    plic.write(ctx(0, 4), 4, 5n); // context 0 does not enable 5: ignored
    expect(plic.isPending(5)).toBe(false);
    plic.write(ctx(1, 4), 4, 5n); // complete 5: still high, pending again
    expect(plic.isPending(5)).toBe(true);
    expect(hi.lines(0)).toBe(MIP_SEIP);
    expect(plic.read(ctx(1, 4))).toBe(5n);
  });
});

describe("NS16550A UART", () => {
  const setup = (timers?: FakeTimers) => {
    const irq = new RecordingIrq();
    const out = new RecordingBackend();
    const uart = new Uart16550({ irq, backend: out, ...(timers ? { timers } : {}) });
    return { irq, out, uart };
  };

  it("transmits THR to the backend, reports THR empty, and raises THRE when IER asks for it", () => {
    const { irq, out, uart } = setup();
    expect(Number(uart.read(5, 1)) & (LSR_THRE | LSR_TEMT)).toBe(LSR_THRE | LSR_TEMT);
    expect(uart.read(2, 1)).toBe(0x01n);
    for (const c of "hi\n") uart.write(0, 1, BigInt(c.charCodeAt(0)));
    expect(out.text).toBe("hi\n");
    expect(irq.level).toBe(false);
    uart.write(1, 1, 0x02n);
    expect(irq.level).toBe(true);
    expect(uart.read(2, 1)).toBe(0x02n); // reading IIR acknowledges THRE
    expect(irq.level).toBe(false);
    expect(uart.read(2, 1)).toBe(0x01n);
    uart.write(0, 1, 0x41n);
    expect(uart.read(2, 1)).toBe(0x02n);
    uart.write(1, 1, 0xffn);
    expect(uart.read(1, 1)).toBe(0x0fn);
  });

  it("divisor latch, LCR, MCR and the scratch register", () => {
    const { out, uart } = setup();
    uart.write(3, 1, 0x83n);
    uart.write(0, 1, 0x01n);
    uart.write(1, 1, 0x02n);
    expect(uart.read(0, 1)).toBe(1n);
    expect(uart.read(1, 1)).toBe(2n);
    uart.write(3, 1, 0x03n);
    expect(uart.read(3, 1)).toBe(3n);
    expect(out.bytes).toEqual([]);
    uart.write(4, 1, 0xffn);
    expect(uart.read(4, 1)).toBe(0x1fn);
    uart.write(7, 1, 0x5an);
    expect(uart.read(7, 1)).toBe(0x5an);
  });

  it("receives without FIFO: data ready, received-data interrupt, overrun on a second byte, line-status interrupt", () => {
    const { irq, uart } = setup();
    uart.write(1, 1, 0x05n); // RDI | RLSI
    expect(uart.receive(Uint8Array.of(0x61))).toBe(1);
    expect(Number(uart.read(5, 1)) & LSR_DR).toBe(LSR_DR);
    expect(uart.read(2, 1)).toBe(0x04n);
    expect(irq.level).toBe(true);
    expect(uart.canReceive()).toBe(0);
    expect(uart.read(0, 1)).toBe(0x61n);
    expect(irq.level).toBe(false);
    expect(uart.read(0, 1)).toBe(0x61n); // the holding register keeps its byte (QEMU too)
    expect(Number(uart.read(5, 1)) & LSR_DR).toBe(0);
    // Loopback lets the guest overrun its own receiver.
    uart.write(4, 1, 0x10n);
    uart.write(0, 1, 0x31n);
    uart.write(0, 1, 0x32n);
    expect(uart.read(2, 1)).toBe(0x06n); // line status outranks received data
    const lsr = Number(uart.read(5, 1));
    expect(lsr & (LSR_OE | LSR_DR)).toBe(LSR_OE | LSR_DR);
    expect(Number(uart.read(5, 1)) & LSR_OE).toBe(0); // reading LSR clears OE
    expect(uart.read(2, 1)).toBe(0x04n);
    expect(uart.read(0, 1)).toBe(0x32n);
  });

  it("with FIFOs: trigger level, character timeout after four character times, 16 bytes of room", () => {
    const timers = new FakeTimers();
    const { irq, uart } = setup(timers);
    uart.write(3, 1, 0x80n); // DLAB
    uart.write(0, 1, 2n); // divisor 2: 115200 baud from 3.6864 MHz
    uart.write(3, 1, 0x03n); // 8N1
    uart.write(2, 1, 0x81n); // enable FIFOs, trigger at 8
    uart.write(1, 1, 0x01n);
    expect(uart.read(2, 1)).toBe(0xc1n);
    uart.receive(new TextEncoder().encode("abc"));
    expect(irq.level).toBe(false);
    // four characters of 10 bits at 115200 baud
    expect(timers.pending.at(-1)!.delayNs).toBe(4n * 86806n);
    expect(timers.fireAll()).toBe(1);
    expect(uart.read(2, 1)).toBe(0xccn);
    expect(irq.level).toBe(true);
    expect(uart.read(0, 1)).toBe(0x61n); // reading clears the timeout and restarts it
    expect(irq.level).toBe(false);
    expect(uart.receive(new TextEncoder().encode("0123456789abcdefXYZ"))).toBe(14);
    expect(uart.read(2, 1)).toBe(0xc4n); // at or above the trigger level
    let woke = 0;
    uart.onCanReceive = () => woke++;
    expect(uart.receive(Uint8Array.of(1))).toBe(0);
    uart.read(0, 1);
    expect(woke).toBe(1);
    uart.write(2, 1, 0x83n); // clear the receive FIFO
    expect(Number(uart.read(5, 1)) & LSR_DR).toBe(0);
  });

  it("loopback mirrors MCR onto MSR; MSR deltas raise the modem-status interrupt", () => {
    const { irq, uart } = setup();
    expect(uart.read(6, 1)).toBe(0xb0n);
    uart.write(4, 1, 0x10n | 0x01n | 0x08n); // LOOP, DTR, OUT2
    expect(uart.read(6, 1)).toBe(0xa0n); // DSR, DCD
    uart.write(4, 1, 0n);
    uart.write(1, 1, 0x08n);
    uart.setModemStatus({ cts: false, dsr: true, ri: false, dcd: true });
    expect(irq.level).toBe(true);
    expect(uart.read(2, 1)).toBe(0x00n);
    expect(uart.read(6, 1)).toBe(0xa1n);
    expect(irq.level).toBe(false);
  });
});

describe("sifive_test and goldfish RTC", () => {
  it("sifive_test powers off with PASS/FAIL status and resets", () => {
    const events: string[] = [];
    const t = new SifiveTest({ shutdown: (c) => events.push(`off ${c}`), reset: () => events.push("reset") });
    t.write(0, 4, 0x5555n);
    t.write(0, 4, (42n << 16n) | 0x3333n);
    t.write(0, 4, 0x7777n);
    t.write(0, 4, 0x1234n);
    t.write(4, 4, 0x5555n);
    expect(events).toEqual(["off 0", "off 42", "reset"]);
    expect(t.read()).toBe(0n);
  });

  it("goldfish RTC reads the wall clock (low latches high), can be set, and raises its alarm", () => {
    const clock = new FakeClock(0x1_2345_6789_abcdn);
    const timers = new FakeTimers();
    const irq = new RecordingIrq();
    const rtc = new GoldfishRtc(irq, clock, timers);
    expect(rtc.read(RTC_TIME_LOW)).toBe(0x6789_abcdn);
    clock.ns += 0x1_0000_0000n;
    expect(rtc.read(RTC_TIME_HIGH)).toBe(0x1_2345n); // latched at the low read
    rtc.write(RTC_TIME_HIGH, 4, 0x10n);
    expect(rtc.read(RTC_TIME_LOW)).toBe(0x6789_abcdn);
    expect(rtc.read(RTC_TIME_HIGH)).toBe(0x10n);
    rtc.write(RTC_IRQ_ENABLED, 4, 1n);
    rtc.write(RTC_ALARM_HIGH, 4, 0x10n);
    rtc.write(RTC_ALARM_LOW, 4, 0x6789_abcdn + 1000n);
    expect(rtc.read(RTC_ALARM_STATUS)).toBe(1n);
    expect(timers.pending[0]!.delayNs).toBe(1000n);
    expect(irq.level).toBe(false);
    timers.fireAll();
    expect(irq.level).toBe(true);
    expect(rtc.read(RTC_ALARM_STATUS)).toBe(0n);
    rtc.write(RTC_CLEAR_INTERRUPT, 4, 1n);
    expect(irq.level).toBe(false);
    rtc.write(RTC_ALARM_LOW, 4, 0n); // in the past: fires at once
    expect(irq.level).toBe(true);
  });
});
