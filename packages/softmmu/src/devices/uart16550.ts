/**
 * An NS16550A UART (National Semiconductor PC16550D data sheet; QEMU's hw/char/serial.c),
 * registers one byte apart as on the virt machine:
 *
 *   0  RBR (read) / THR (write); DLL when LCR.DLAB    4  MCR
 *   1  IER; DLM when LCR.DLAB                        5  LSR (read-only)
 *   2  IIR (read) / FCR (write)                      6  MSR (read-only)
 *   3  LCR                                           7  SCR
 *
 * Transmission is immediate: a byte written to THR goes to the character backend (or, in
 * loopback mode, to the receiver) and THR is empty again. The receiver has a 16-byte FIFO
 * (a single holding register with FIFOs disabled); input the FIFO cannot hold is refused
 * (`receive` returns how much it took) and `onCanReceive` tells the embedder when to push
 * more. With FIFOs enabled and fewer bytes than the trigger level, the character-timeout
 * interrupt fires four character times after the last FIFO activity, as on the chip.
 *
 * Interrupt priority (IIR): receiver line status, character timeout / received data,
 * THR empty, modem status. Runs under the device lock.
 */
import { type AccessSize, type IrqLine, type MmioDevice, SIZES_ALL } from "../bus.js";
import type { CharBackend, TimerService } from "../host.js";

const IER_RDI = 0x01;
const IER_THRI = 0x02;
const IER_RLSI = 0x04;
const IER_MSI = 0x08;

const IIR_NO_INT = 0x01;
const IIR_MSI = 0x00;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_RLSI = 0x06;
const IIR_CTI = 0x0c;
const IIR_FIFO_ENABLED = 0xc0;

const FCR_FE = 0x01;
const FCR_RFR = 0x02;
const FCR_XFR = 0x04;

const LCR_DLAB = 0x80;

const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;

export const LSR_DR = 0x01;
export const LSR_OE = 0x02;
export const LSR_PE = 0x04;
export const LSR_FE = 0x08;
export const LSR_BI = 0x10;
export const LSR_THRE = 0x20;
export const LSR_TEMT = 0x40;
const LSR_INT_ANY = LSR_OE | LSR_PE | LSR_FE | LSR_BI;

const MSR_DCTS = 0x01;
const MSR_DDSR = 0x02;
const MSR_TERI = 0x04;
const MSR_DDCD = 0x08;
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;
const MSR_ANY_DELTA = MSR_DCTS | MSR_DDSR | MSR_TERI | MSR_DDCD;

const FIFO_SIZE = 16;
const TRIGGER_LEVELS = [1, 4, 8, 14];

export interface Uart16550Options {
  readonly irq: IrqLine;
  readonly backend: CharBackend;
  /** For the character-timeout interrupt; without one it is raised at once. */
  readonly timers?: TimerService;
  /** Input clock in Hz (virt: 3686400). */
  readonly clockHz?: number;
}

export class Uart16550 implements MmioDevice {
  readonly name = "ns16550a";
  readonly accessSizes = SIZES_ALL;
  /** Called when the receiver can take input again after refusing some. */
  onCanReceive: (() => void) | undefined;

  private divider = 0;
  private ier = 0;
  private iir = IIR_NO_INT;
  private fcr = 0;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private lsr = LSR_TEMT | LSR_THRE;
  private msr = MSR_DCD | MSR_DSR | MSR_CTS;
  private scr = 0;
  private rbr = 0;
  private readonly rx: number[] = [];
  private thrPending = false;
  private timeoutPending = false;
  private cancelTimeout: (() => void) | undefined;
  private refused = false;
  private irqLevel = false;

  constructor(private readonly opts: Uart16550Options) {}

  private get fifoEnabled(): boolean {
    return (this.fcr & FCR_FE) !== 0;
  }

  private get triggerLevel(): number {
    return TRIGGER_LEVELS[this.fcr >> 6]!;
  }

  /** Nanoseconds to send one character at the programmed divisor and frame. */
  private charTimeNs(): bigint {
    const divisor = this.divider === 0 ? 1 : this.divider;
    const baud = (this.opts.clockHz ?? 3686400) / (16 * divisor);
    const bits = 1 + ((this.lcr & 3) + 5) + ((this.lcr & 0x08) !== 0 ? 1 : 0) + ((this.lcr & 0x04) !== 0 ? 2 : 1);
    return BigInt(Math.ceil((bits * 1e9) / baud));
  }

  private updateIrq(): void {
    let id = IIR_NO_INT;
    if ((this.ier & IER_RLSI) !== 0 && (this.lsr & LSR_INT_ANY) !== 0) id = IIR_RLSI;
    else if ((this.ier & IER_RDI) !== 0 && this.timeoutPending) id = IIR_CTI;
    else if ((this.ier & IER_RDI) !== 0 && (this.lsr & LSR_DR) !== 0 && (!this.fifoEnabled || this.rx.length >= this.triggerLevel)) id = IIR_RDI;
    else if ((this.ier & IER_THRI) !== 0 && this.thrPending) id = IIR_THRI;
    else if ((this.ier & IER_MSI) !== 0 && (this.msr & MSR_ANY_DELTA) !== 0) id = IIR_MSI;
    this.iir = id | (this.fifoEnabled ? IIR_FIFO_ENABLED : 0);
    const level = id !== IIR_NO_INT;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.opts.irq.set(level);
    }
  }

  /** (Re)starts the character-timeout countdown while the FIFO holds data below its trigger level. */
  private armTimeout(): void {
    this.cancelTimeout?.();
    this.cancelTimeout = undefined;
    if (!this.fifoEnabled || this.rx.length === 0) return;
    const fire = () => {
      this.cancelTimeout = undefined;
      if (this.rx.length > 0) {
        this.timeoutPending = true;
        this.updateIrq();
      }
    };
    if (this.opts.timers) this.cancelTimeout = this.opts.timers.schedule(this.charTimeNs() * 4n, fire);
    else fire();
  }

  /** How many bytes the receiver can take now. */
  canReceive(): number {
    if (this.fifoEnabled) return FIFO_SIZE - this.rx.length;
    return (this.lsr & LSR_DR) !== 0 ? 0 : 1;
  }

  /** Input from the host side; returns how many bytes were taken (the rest: push later). */
  receive(bytes: Uint8Array): number {
    let n = 0;
    for (const b of bytes) {
      if (this.canReceive() === 0) break;
      this.receiveByte(b);
      n++;
    }
    if (n < bytes.length) this.refused = true;
    return n;
  }

  /** A break condition on the line (the mux's C-a b): a NUL byte with LSR.BI, as QEMU does. */
  receiveBreak(): void {
    if (this.fifoEnabled ? this.rx.length < FIFO_SIZE : true) this.receiveByte(0);
    this.lsr |= LSR_BI | LSR_DR;
    this.updateIrq();
  }

  private receiveByte(b: number): void {
    if (this.fifoEnabled) {
      if (this.rx.length >= FIFO_SIZE) this.lsr |= LSR_OE;
      else this.rx.push(b);
      this.armTimeout();
    } else {
      if ((this.lsr & LSR_DR) !== 0) this.lsr |= LSR_OE;
      this.rbr = b;
    }
    this.lsr |= LSR_DR;
    this.updateIrq();
  }

  private transmit(b: number): void {
    if ((this.mcr & MCR_LOOP) !== 0) {
      // Loopback: the byte arrives at the receiver (it is lost if there is no room).
      if (this.canReceive() > 0 || !this.fifoEnabled) this.receiveByte(b);
      else this.lsr |= LSR_OE;
    } else {
      this.opts.backend.write(Uint8Array.of(b));
    }
    this.lsr |= LSR_THRE | LSR_TEMT;
    this.thrPending = true;
    this.updateIrq();
  }

  read(offset: number, _size?: AccessSize): bigint {
    switch (offset & 7) {
      case 0: {
        if ((this.lcr & LCR_DLAB) !== 0) return BigInt(this.divider & 0xff);
        // Without FIFOs the holding register keeps its last byte (read again: the same byte).
        const b = this.fifoEnabled ? (this.rx.shift() ?? 0) : this.rbr;
        if (!this.fifoEnabled || this.rx.length === 0) this.lsr &= ~(LSR_DR | LSR_BI);
        this.timeoutPending = false;
        this.armTimeout();
        this.updateIrq();
        if (this.refused && this.canReceive() > 0) {
          this.refused = false;
          this.onCanReceive?.();
        }
        return BigInt(b);
      }
      case 1:
        return BigInt((this.lcr & LCR_DLAB) !== 0 ? (this.divider >> 8) & 0xff : this.ier);
      case 2: {
        const v = this.iir;
        if ((v & 0x0f) === IIR_THRI) {
          this.thrPending = false;
          this.updateIrq();
        }
        return BigInt(v);
      }
      case 3:
        return BigInt(this.lcr);
      case 4:
        return BigInt(this.mcr);
      case 5: {
        const v = this.lsr;
        if ((this.lsr & LSR_INT_ANY) !== 0) {
          this.lsr &= ~LSR_INT_ANY;
          this.updateIrq();
        }
        return BigInt(v);
      }
      case 6: {
        let v: number;
        if ((this.mcr & MCR_LOOP) !== 0) {
          // Loopback: the modem inputs follow the outputs (CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2).
          v = (this.mcr & 0x0c) << 4;
          v |= (this.mcr & MCR_RTS) << 3;
          v |= (this.mcr & MCR_DTR) << 5;
        } else {
          v = this.msr;
          if ((this.msr & MSR_ANY_DELTA) !== 0) {
            this.msr &= 0xf0;
            this.updateIrq();
          }
        }
        return BigInt(v);
      }
      default:
        return BigInt(this.scr);
    }
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    const v = Number(value & 0xffn);
    switch (offset & 7) {
      case 0:
        if ((this.lcr & LCR_DLAB) !== 0) {
          this.divider = (this.divider & 0xff00) | v;
        } else {
          this.thrPending = false;
          this.lsr &= ~(LSR_THRE | LSR_TEMT);
          this.transmit(v);
        }
        return;
      case 1:
        if ((this.lcr & LCR_DLAB) !== 0) {
          this.divider = (this.divider & 0x00ff) | (v << 8);
        } else {
          const changed = (this.ier ^ v) & 0x0f;
          this.ier = v & 0x0f;
          // Enabling the THR-empty interrupt with THR empty raises it (as the chip and QEMU
          // do); disabling it forgets a pending one.
          if ((changed & IER_THRI) !== 0) this.thrPending = (this.ier & IER_THRI) !== 0 && (this.lsr & LSR_THRE) !== 0;
          this.updateIrq();
        }
        return;
      case 2: {
        const enabling = (v & FCR_FE) !== (this.fcr & FCR_FE);
        if ((v & FCR_RFR) !== 0 || enabling) {
          this.rx.length = 0;
          this.lsr &= ~(LSR_DR | LSR_BI);
          this.timeoutPending = false;
          this.armTimeout();
        }
        if ((v & FCR_XFR) !== 0 || enabling) {
          this.lsr |= LSR_THRE | LSR_TEMT;
          this.thrPending = true;
        }
        this.fcr = v & 0xc9;
        this.updateIrq();
        if (this.refused && this.canReceive() > 0) {
          this.refused = false;
          this.onCanReceive?.();
        }
        return;
      }
      case 3:
        this.lcr = v;
        return;
      case 4:
        this.mcr = v & 0x1f;
        return;
      case 5:
      case 6:
        return; // LSR and MSR are read-only (factory test registers on the chip)
      default:
        this.scr = v;
    }
  }

  /** Raises the modem-status delta bits (for a backend that has modem lines). */
  setModemStatus(status: { cts: boolean; dsr: boolean; ri: boolean; dcd: boolean }): void {
    const next = (status.cts ? MSR_CTS : 0) | (status.dsr ? MSR_DSR : 0) | (status.ri ? MSR_RI : 0) | (status.dcd ? MSR_DCD : 0);
    const old = this.msr & 0xf0;
    let delta = 0;
    if ((old ^ next) & MSR_CTS) delta |= MSR_DCTS;
    if ((old ^ next) & MSR_DSR) delta |= MSR_DDSR;
    if ((old & MSR_RI) !== 0 && (next & MSR_RI) === 0) delta |= MSR_TERI;
    if ((old ^ next) & MSR_DCD) delta |= MSR_DDCD;
    this.msr = next | (this.msr & 0x0f) | delta;
    this.updateIrq();
  }
}
