/**
 * Interrupt lines into each hart, in shared memory, so that devices on one thread and
 * vCPUs in other workers see the same state without a lock:
 *
 * - a word of pending bits per hart (mip bit positions) that devices raise and lower:
 *   MSIP (the CLINT's msip), MEIP and SEIP (the PLIC's M and S contexts);
 * - MTIP, derived rather than stored: pending while mtime >= mtimecmp[hart], mtime being
 *   the host's monotonic clock at 10 MHz plus an offset that guest writes to mtime set;
 * - a wake sequence per hart, bumped (and Atomics.notify'd) on every change that hart must
 *   look at, so a hart in WFI sleeps in Atomics.wait on it with no lost wake-up: it reads
 *   the sequence, then the pending state, and sleeps only if the sequence is unchanged.
 *
 * Concurrency: every word is accessed with Atomics; no lock protects this state (each
 * update is a single atomic read-modify-write, and readers tolerate any interleaving).
 * The CPU ORs these bits into its mip (whose software-writable bits it owns) when it checks
 * for interrupts.
 */
import type { MonotonicClock } from "../host.js";
import { VIRT_TIMEBASE_FREQ } from "./virt-memmap.js";

export const MIP_SSIP = 1 << 1;
export const MIP_MSIP = 1 << 3;
export const MIP_STIP = 1 << 5;
export const MIP_MTIP = 1 << 7;
export const MIP_SEIP = 1 << 9;
export const MIP_MEIP = 1 << 11;

const HART_WORDS = 2; // [pending lines, wake sequence]
const NS_PER_TICK = BigInt(1_000_000_000 / VIRT_TIMEBASE_FREQ);
const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** What a worker needs to attach to the same interrupt state (structured-clonable). */
export interface HartInterruptsShared {
  readonly harts: number;
  /** Int32 words: HART_WORDS per hart. */
  readonly lines: SharedArrayBuffer;
  /** BigUint64: mtimecmp per hart, then the mtime offset (ticks), then the epoch (ns). */
  readonly timer: SharedArrayBuffer;
}

export class HartInterrupts {
  private readonly words: Int32Array;
  private readonly timer: BigUint64Array;
  readonly harts: number;
  /** The vCPUs' exit_request words (wasm memory), when harts run on @wasmu/tcg: a change also kicks the hart out of its TBs. */
  private exitRequests: { readonly words: Int32Array; readonly index: readonly number[] } | undefined;
  /** MTIP as last seen by {@link pollTimers}, per hart. */
  private readonly mtipSeen: boolean[] = [];

  private constructor(
    readonly shared: HartInterruptsShared,
    private readonly clock: MonotonicClock,
  ) {
    this.harts = shared.harts;
    this.words = new Int32Array(shared.lines);
    this.timer = new BigUint64Array(shared.timer);
  }

  /**
   * New state for `harts` harts; mtime starts at 0 now. mtimecmp starts at 0, so MTIP is
   * pending from reset until the firmware programs the timer — as under QEMU 7.2 (its mip
   * reads 0x80 at reset; tcg's test/riscv-csr-qemu.test.ts sees it).
   */
  static create(harts: number, clock: MonotonicClock): HartInterrupts {
    const shared: HartInterruptsShared = {
      harts,
      lines: new SharedArrayBuffer(harts * HART_WORDS * 4),
      timer: new SharedArrayBuffer((harts + 2) * 8),
    };
    const hi = new HartInterrupts(shared, clock);
    hi.timer[harts + 1] = clock.nowNs();
    return hi;
  }

  /** The same state, seen from another thread (a vCPU worker). */
  static attach(shared: HartInterruptsShared, clock: MonotonicClock): HartInterrupts {
    return new HartInterrupts(shared, clock);
  }

  private checkHart(hart: number): void {
    if (!(hart >= 0 && hart < this.harts)) throw new RangeError(`no hart ${hart}`);
  }

  /** Raises `bits` (mip positions) of `hart`'s device lines. */
  raise(hart: number, bits: number): void {
    this.checkHart(hart);
    const old = Atomics.or(this.words, hart * HART_WORDS, bits);
    if ((old & bits) !== bits) this.kick(hart);
  }

  /** Lowers `bits` of `hart`'s device lines. */
  lower(hart: number, bits: number): void {
    this.checkHart(hart);
    const old = Atomics.and(this.words, hart * HART_WORDS, ~bits);
    if ((old & bits) !== 0) this.kick(hart);
  }

  /** Sets or clears `bits` of `hart`'s device lines. */
  setLines(hart: number, bits: number, level: boolean): void {
    if (level) this.raise(hart, bits);
    else this.lower(hart, bits);
  }

  /** The device lines of `hart` (without MTIP). */
  lines(hart: number): number {
    return Atomics.load(this.words, hart * HART_WORDS);
  }

  /** Everything pending at `hart` from outside the CPU: device lines, and MTIP. */
  pending(hart: number): number {
    const lines = this.lines(hart);
    return this.mtime() >= this.mtimecmp(hart) ? lines | MIP_MTIP : lines;
  }

  /**
   * Makes every change also set the hart's exit_request word (a vCPU running TBs polls it
   * at TB boundaries): `addresses[h]` is hart h's word's byte address in `buffer`. Each
   * thread that raises lines (device thread, vCPU workers serving the CLINT) calls it on
   * its own HartInterrupts.
   */
  setExitRequests(buffer: SharedArrayBuffer, addresses: readonly number[]): void {
    if (addresses.length !== this.harts) throw new RangeError(`${addresses.length} exit_request words for ${this.harts} harts`);
    this.exitRequests = { words: new Int32Array(buffer), index: addresses.map((a) => a >> 2) };
  }

  /** Makes `hart` re-evaluate its interrupts (wakes it from WFI, kicks it out of its TBs). */
  kick(hart: number): void {
    const x = this.exitRequests;
    if (x !== undefined) {
      Atomics.store(x.words, x.index[hart]!, 1);
      Atomics.notify(x.words, x.index[hart]!);
    }
    Atomics.add(this.words, hart * HART_WORDS + 1, 1);
    Atomics.notify(this.words, hart * HART_WORDS + 1);
  }

  /**
   * Kicks every hart whose MTIP became pending since the last call (mtime passing
   * mtimecmp changes no word, so the device thread calls this periodically); returns how
   * many it kicked.
   */
  pollTimers(): number {
    let n = 0;
    const now = this.mtime();
    for (let h = 0; h < this.harts; h++) {
      const p = now >= this.mtimecmp(h);
      if (p && this.mtipSeen[h] !== true) { this.kick(h); n++; }
      this.mtipSeen[h] = p;
    }
    return n;
  }

  /** The 10 MHz machine timer. */
  mtime(): bigint {
    const ticks = (this.clock.nowNs() - Atomics.load(this.timer, this.harts + 1)) / NS_PER_TICK;
    return BigInt.asUintN(64, ticks + Atomics.load(this.timer, this.harts));
  }

  /** A guest write to mtime: later reads continue from `value`. Every hart re-evaluates MTIP. */
  setMtime(value: bigint): void {
    const ticks = (this.clock.nowNs() - Atomics.load(this.timer, this.harts + 1)) / NS_PER_TICK;
    Atomics.store(this.timer, this.harts, BigInt.asUintN(64, value - ticks));
    for (let h = 0; h < this.harts; h++) this.kick(h);
  }

  mtimecmp(hart: number): bigint {
    this.checkHart(hart);
    return Atomics.load(this.timer, hart);
  }

  setMtimecmp(hart: number, value: bigint): void {
    this.checkHart(hart);
    Atomics.store(this.timer, hart, BigInt.asUintN(64, value));
    this.kick(hart);
  }

  /**
   * WFI for `hart`: returns once `pending(hart) & mask` is non-zero (the pending bits), or
   * after `maxNs` (then the bits, possibly 0 — WFI may always complete early). Sleeps in
   * Atomics.wait (a worker thread only: the browser's main thread may not block). With
   * MTIP in `mask`, the sleep ends when mtime reaches mtimecmp.
   */
  waitForInterrupt(hart: number, mask: number, maxNs = U64_MAX): number {
    this.checkHart(hart);
    const seqIndex = hart * HART_WORDS + 1;
    const deadline = maxNs === U64_MAX ? undefined : this.clock.nowNs() + maxNs;
    for (;;) {
      const seq = Atomics.load(this.words, seqIndex);
      const p = this.pending(hart);
      if ((p & mask) !== 0) return p;
      const now = this.clock.nowNs();
      let sleepNs = deadline === undefined ? undefined : deadline - now;
      if (sleepNs !== undefined && sleepNs <= 0n) return p;
      if ((mask & MIP_MTIP) !== 0) {
        const cmp = this.mtimecmp(hart);
        if (cmp !== U64_MAX) {
          const untilTimer = (cmp - this.mtime()) * NS_PER_TICK;
          if (sleepNs === undefined || untilTimer < sleepNs) sleepNs = untilTimer > 0n ? untilTimer : 0n;
        }
      }
      Atomics.wait(this.words, seqIndex, seq, sleepNs === undefined ? Infinity : Math.max(Number(sleepNs) / 1e6, 0.001));
    }
  }
}
