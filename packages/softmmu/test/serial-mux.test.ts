// The Ctrl-A escapes of QEMU's character mux (chardev/char-mux.c), and the UART's break.
import { describe, expect, it } from "vitest";
import { LSR_BI, LSR_DR, MUX_HELP, SerialMux, Uart16550 } from "../src/index.js";
import { RecordingBackend, RecordingIrq } from "./support/fakes.js";

function mux() {
  const guest: number[] = [];
  const events: string[] = [];
  let terminal = "";
  const m = new SerialMux({
    toGuest: (b) => guest.push(...b),
    toTerminal: (t) => (terminal += t),
    exit: () => events.push("exit"),
    sendBreak: () => events.push("break"),
    commit: () => events.push("commit"),
    toggleTimestamps: () => events.push("timestamps"),
  });
  return { m, guest, events, terminal: () => terminal };
}
const bytes = (s: string) => new TextEncoder().encode(s);

describe("serial mux", () => {
  it("passes ordinary input through and C-a C-a as one C-a, even split across reads", () => {
    const { m, guest } = mux();
    m.input(bytes("ls\r"));
    m.input(Uint8Array.of(0x61, 1));
    m.input(Uint8Array.of(1, 0x62));
    expect(guest).toEqual([...bytes("ls\r"), 0x61, 1, 0x62]);
  });

  it("interprets h, x, s, t, b and c; swallows other escapes; stops at exit", () => {
    const { m, guest, events, terminal } = mux();
    m.input(Uint8Array.of(1, 0x68, 0x41, 1, 0x73, 1, 0x74, 1, 0x62, 1, 0x63, 1, 0x58, 1, 0x7a, 0x42));
    expect(terminal()).toContain(MUX_HELP);
    expect(terminal()).toMatch(/no monitor/);
    expect(events).toEqual(["commit", "timestamps", "break"]);
    expect(String.fromCharCode(...guest)).toBe("AB");
    m.input(Uint8Array.of(0x31, 1, 0x78, 0x32));
    expect(events.at(-1)).toBe("exit");
    expect(String.fromCharCode(...guest)).toBe("AB1"); // nothing after C-a x
  });

  it("a break reaches the UART as a NUL with LSR.BI and a line-status interrupt", () => {
    const irq = new RecordingIrq();
    const uart = new Uart16550({ irq, backend: new RecordingBackend() });
    uart.write(1, 1, 0x04n); // IER: line status
    uart.receiveBreak();
    expect(irq.level).toBe(true);
    expect(uart.read(2, 1)).toBe(0x06n);
    expect(Number(uart.read(5, 1)) & (LSR_BI | LSR_DR)).toBe(LSR_BI | LSR_DR);
    expect(irq.level).toBe(false);
    expect(uart.read(0, 1)).toBe(0n);
  });
});
