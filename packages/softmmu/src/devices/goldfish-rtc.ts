/**
 * The goldfish RTC of the virt machine (Android emulator's goldfish_rtc; QEMU's
 * hw/rtc/goldfish_rtc.c): time in nanoseconds since the Unix epoch, read as TIME_LOW
 * (which latches the high half) then TIME_HIGH; the guest may set the time (an offset
 * from the host's wall clock) and one alarm, which raises the interrupt when enabled.
 * 32-bit registers; runs under the device lock.
 */
import { type AccessSize, type IrqLine, type MmioDevice, SIZE_4 } from "../bus.js";
import type { TimerService, WallClock } from "../host.js";

export const RTC_TIME_LOW = 0x00;
export const RTC_TIME_HIGH = 0x04;
export const RTC_ALARM_LOW = 0x08;
export const RTC_ALARM_HIGH = 0x0c;
export const RTC_IRQ_ENABLED = 0x10;
export const RTC_CLEAR_ALARM = 0x14;
export const RTC_ALARM_STATUS = 0x18;
export const RTC_CLEAR_INTERRUPT = 0x1c;

const LOW = 0xffff_ffffn;

export class GoldfishRtc implements MmioDevice {
  readonly name = "goldfish_rtc";
  readonly accessSizes = SIZE_4;
  private offset = 0n;
  private timeHigh = 0n;
  private alarmNext = 0n;
  private alarmRunning = false;
  private irqEnabled = false;
  private irqPending = false;
  private cancelAlarm: (() => void) | undefined;

  constructor(
    private readonly irq: IrqLine,
    private readonly clock: WallClock,
    private readonly timers: TimerService,
  ) {}

  private now(): bigint {
    return BigInt.asUintN(64, this.clock.realtimeNs() + this.offset);
  }

  private update(): void {
    this.irq.set(this.irqPending && this.irqEnabled);
  }

  private clearAlarm(): void {
    this.cancelAlarm?.();
    this.cancelAlarm = undefined;
    this.alarmRunning = false;
  }

  private fire(): void {
    this.clearAlarm();
    this.irqPending = true;
    this.update();
  }

  private setAlarm(): void {
    this.clearAlarm();
    const now = this.now();
    if (this.alarmNext <= now) {
      this.fire();
      return;
    }
    this.alarmRunning = true;
    this.cancelAlarm = this.timers.schedule(this.alarmNext - now, () => this.fire());
  }

  read(offset: number, _size?: AccessSize): bigint {
    switch (offset) {
      case RTC_TIME_LOW: {
        const t = this.now();
        this.timeHigh = t >> 32n;
        return t & LOW;
      }
      case RTC_TIME_HIGH:
        return this.timeHigh;
      case RTC_ALARM_LOW:
        return this.alarmNext & LOW;
      case RTC_ALARM_HIGH:
        return this.alarmNext >> 32n;
      case RTC_IRQ_ENABLED:
        return this.irqEnabled ? 1n : 0n;
      case RTC_ALARM_STATUS:
        return this.alarmRunning ? 1n : 0n;
      default:
        return 0n;
    }
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    const v = value & LOW;
    switch (offset) {
      case RTC_TIME_LOW:
      case RTC_TIME_HIGH: {
        const cur = this.now();
        const next = offset === RTC_TIME_LOW ? (cur & ~LOW) | v : (cur & LOW) | (v << 32n);
        this.offset += next - cur;
        return;
      }
      case RTC_ALARM_LOW:
        this.alarmNext = (this.alarmNext & ~LOW) | v;
        this.setAlarm();
        return;
      case RTC_ALARM_HIGH:
        this.alarmNext = (this.alarmNext & LOW) | (v << 32n);
        return;
      case RTC_IRQ_ENABLED:
        this.irqEnabled = (v & 1n) !== 0n;
        this.update();
        return;
      case RTC_CLEAR_ALARM:
        this.clearAlarm();
        return;
      case RTC_CLEAR_INTERRUPT:
        this.irqPending = false;
        this.update();
        return;
      default:
    }
  }
}
