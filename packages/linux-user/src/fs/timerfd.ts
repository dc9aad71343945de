/**
 * timerfd objects: a timer on CLOCK_REALTIME or CLOCK_MONOTONIC (host timers underneath)
 * whose expirations are counted; read returns the count as a u64 and resets it, blocking
 * while it is zero; poll sees POLLIN when it is not.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { type FileStat, O } from "../syscalls/abi.js";
import { type IoResult, OpenFile, syntheticStat } from "./open-file.js";
import { WaitList } from "./wait-list.js";

/** A timerfd. */
export class TimerFd extends OpenFile {
  /** Always "stream". */
  readonly kind = "stream";
  /** Expirations not read yet. */
  expirations = 0n;
  /** Next expiry on the timer's clock (ns), 0 when disarmed. */
  nextNs = 0n;
  /** Period (ns), 0 for a one-shot timer. */
  intervalNs = 0n;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly waits = new WaitList();

  /**
   * @param now the timer's clock (ns).
   * @param flags TFD_NONBLOCK.
   */
  constructor(
    readonly now: () => bigint,
    flags: number,
  ) {
    super(O.RDWR | (flags & O.NONBLOCK));
  }

  /** Arms (valueNs > 0: first expiry at this absolute time on the clock) or disarms (0) the timer. */
  arm(valueNs: bigint, intervalNs: bigint): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextNs = valueNs;
    this.intervalNs = intervalNs;
    if (valueNs > 0n) this.schedule();
  }

  private schedule(): void {
    const delay = Number((this.nextNs - this.now()) / 1_000_000n);
    this.timer = setTimeout(() => this.fire(), Math.max(0, delay));
    this.timer.unref();
  }

  private fire(): void {
    const now = this.now();
    if (now < this.nextNs) return this.schedule();
    if (this.intervalNs > 0n) {
      const n = (now - this.nextNs) / this.intervalNs + 1n;
      this.expirations += n;
      this.nextNs += n * this.intervalNs;
      this.schedule();
    } else {
      this.expirations += 1n;
      this.nextNs = 0n;
      this.timer = undefined;
    }
    this.waits.wake();
  }

  override changed(): Promise<void> {
    return this.waits.next();
  }

  protected override release(): void {
    this.arm(0n, 0n);
  }

  override read(buf: Uint8Array): IoResult {
    if (buf.length < 8) return -Errno.EINVAL;
    if (this.expirations === 0n) {
      if ((this.flags & O.NONBLOCK) !== 0) return -Errno.EAGAIN;
      return this.changed().then(() => this.read(buf));
    }
    new DataView(buf.buffer, buf.byteOffset, 8).setBigUint64(0, this.expirations, true);
    this.expirations = 0n;
    return 8;
  }

  override write(): number {
    return -Errno.EINVAL;
  }

  override pollState(): number {
    return this.expirations > 0n ? 1 : 0;
  }

  override stat(): FileStat {
    return syntheticStat(0o600, 0n);
  }
}
