// Host services for device tests: a clock the test moves, timers the test fires, a
// character backend that records, an IRQ line that records its level.
import type { CharBackend, IrqLine, MonotonicClock, TimerService, WallClock } from "../../src/index.js";

export class FakeClock implements MonotonicClock, WallClock {
  constructor(public ns = 1_000_000_000n) {}
  nowNs(): bigint {
    return this.ns;
  }
  realtimeNs(): bigint {
    return this.ns;
  }
}

export class FakeTimers implements TimerService {
  readonly pending: { delayNs: bigint; callback: () => void; cancelled: boolean }[] = [];
  schedule(delayNs: bigint, callback: () => void): () => void {
    const t = { delayNs, callback, cancelled: false };
    this.pending.push(t);
    return () => {
      t.cancelled = true;
    };
  }
  /** Runs every timer not cancelled; returns how many ran. */
  fireAll(): number {
    const due = this.pending.splice(0).filter((t) => !t.cancelled);
    for (const t of due) t.callback();
    return due.length;
  }
  get armed(): number {
    return this.pending.filter((t) => !t.cancelled).length;
  }
}

export class RecordingBackend implements CharBackend {
  readonly bytes: number[] = [];
  write(b: Uint8Array): void {
    this.bytes.push(...b);
  }
  get text(): string {
    return String.fromCharCode(...this.bytes);
  }
}

export class RecordingIrq implements IrqLine {
  level = false;
  changes = 0;
  set(level: boolean): void {
    if (level !== this.level) this.changes++;
    this.level = level;
  }
}
