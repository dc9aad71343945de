/**
 * The SiFive PLIC of the virt machine (RISC-V PLIC specification 1.0.0; QEMU's
 * hw/intc/sifive_plic.c with virt's "MS" hart configuration): sources 1..numSources-1
 * with a priority each (0 = never interrupts), a pending bit per source, and per context
 * an enable bit per source, a priority threshold and a claim/complete register. Context
 * 2h is hart h's M mode (drives its MEIP), context 2h+1 its S mode (drives SEIP).
 *
 * Gateways are level-sensitive: while a source's line is high and the source is not
 * claimed it is pending; a claim clears pending and marks the source claimed until the
 * context completes it (a completion for a source not enabled in that context is
 * ignored); after completion a line still high makes it pending again. A context's
 * interrupt is asserted while some source enabled for it is pending with a priority
 * above its threshold; claim returns the highest-priority one (ties: the lowest id), or 0.
 *
 * Differences from QEMU 7.2's sifive_plic, which has no gateway: there a claimed
 * source's pending bit follows its line again at the device's next update (visible in the
 * pending registers, though not claimable until completed), and a completion is accepted
 * whether or not the source is enabled for the completing context. Linux's driver sees no
 * difference (it never reads pending and completes what it claimed).
 *
 * Runs under the device lock; raises MEIP/SEIP through HartInterrupts.
 */
import { type AccessSize, type IrqLine, type MmioDevice, SIZE_4 } from "../bus.js";
import { type HartInterrupts, MIP_MEIP, MIP_SEIP } from "../machine/hart-interrupts.js";

export const PLIC_PRIORITY = 0x0;
export const PLIC_PENDING = 0x1000;
export const PLIC_ENABLE = 0x2000;
export const PLIC_ENABLE_STRIDE = 0x80;
export const PLIC_CONTEXT = 0x200000;
export const PLIC_CONTEXT_STRIDE = 0x1000;

export interface PlicConfig {
  /** Sources including the reserved source 0 (QEMU virt: 96). */
  readonly numSources: number;
  /** Highest priority (QEMU virt: 7, from 3 priority bits). */
  readonly maxPriority: number;
}

export class Plic implements MmioDevice {
  readonly name = "plic";
  readonly accessSizes = SIZE_4;
  private readonly priority: Uint32Array;
  private readonly level: Uint8Array;
  private readonly pendingBits: Uint8Array;
  private readonly claimed: Uint8Array;
  private readonly enable: Uint32Array; // contexts × words
  private readonly threshold: Uint32Array;
  private readonly words: number;
  readonly contexts: number;

  constructor(
    private readonly irq: HartInterrupts,
    private readonly config: PlicConfig,
  ) {
    const n = config.numSources;
    this.contexts = irq.harts * 2;
    this.words = Math.ceil(n / 32);
    this.priority = new Uint32Array(n);
    this.level = new Uint8Array(n);
    this.pendingBits = new Uint8Array(n);
    this.claimed = new Uint8Array(n);
    this.enable = new Uint32Array(this.contexts * this.words);
    this.threshold = new Uint32Array(this.contexts);
  }

  /** The interrupt line of source `n` (1..numSources-1), for a device to drive. */
  line(n: number): IrqLine {
    if (!(n >= 1 && n < this.config.numSources)) throw new RangeError(`PLIC has no source ${n}`);
    return { set: (level) => this.setLevel(n, level) };
  }

  setLevel(n: number, level: boolean): void {
    this.level[n] = level ? 1 : 0;
    if (!this.claimed[n]) this.pendingBits[n] = level ? 1 : 0;
    this.update();
  }

  isPending(n: number): boolean {
    return this.pendingBits[n] === 1;
  }

  private enabled(ctx: number, n: number): boolean {
    return ((this.enable[ctx * this.words + (n >> 5)]! >>> (n & 31)) & 1) === 1;
  }

  /** The source a claim by `ctx` would return (0: none), without claiming it. */
  best(ctx: number): number {
    let best = 0;
    let bestPrio = this.threshold[ctx]!;
    for (let n = 1; n < this.config.numSources; n++) {
      if (this.pendingBits[n] && this.priority[n]! > bestPrio && this.enabled(ctx, n)) {
        best = n;
        bestPrio = this.priority[n]!;
      }
    }
    return best;
  }

  private update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      this.irq.setLines(ctx >> 1, (ctx & 1) === 0 ? MIP_MEIP : MIP_SEIP, this.best(ctx) !== 0);
    }
  }

  claim(ctx: number): number {
    const n = this.best(ctx);
    if (n !== 0) {
      this.pendingBits[n] = 0;
      this.claimed[n] = 1;
    }
    this.update();
    return n;
  }

  complete(ctx: number, n: number): void {
    if (n <= 0 || n >= this.config.numSources || !this.enabled(ctx, n) || !this.claimed[n]) return;
    this.claimed[n] = 0;
    if (this.level[n]) this.pendingBits[n] = 1;
    this.update();
  }

  read(offset: number, _size?: AccessSize): bigint {
    if (offset < PLIC_PENDING) {
      const n = offset >> 2;
      return n < this.config.numSources ? BigInt(this.priority[n]!) : 0n;
    }
    if (offset < PLIC_ENABLE) {
      const w = (offset - PLIC_PENDING) >> 2;
      if (w >= this.words) return 0n;
      let v = 0;
      for (let b = 0; b < 32; b++) if (this.pendingBits[w * 32 + b]) v |= 1 << b;
      return BigInt(v >>> 0);
    }
    if (offset < PLIC_CONTEXT) {
      const ctx = Math.floor((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
      const w = ((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE) >> 2;
      return ctx < this.contexts && w < this.words ? BigInt(this.enable[ctx * this.words + w]!) : 0n;
    }
    const ctx = Math.floor((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
    const reg = (offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
    if (ctx >= this.contexts) return 0n;
    if (reg === 0) return BigInt(this.threshold[ctx]!);
    if (reg === 4) return BigInt(this.claim(ctx));
    return 0n;
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    const v = Number(value & 0xffff_ffffn);
    if (offset < PLIC_PENDING) {
      const n = offset >> 2;
      // WARL: the priority bits that exist (QEMU: value modulo maxPriority+1 for a power of two).
      if (n >= 1 && n < this.config.numSources) this.priority[n] = v & this.config.maxPriority;
      this.update();
      return;
    }
    if (offset < PLIC_ENABLE) return; // pending bits are read-only
    if (offset < PLIC_CONTEXT) {
      const ctx = Math.floor((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
      const w = ((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE) >> 2;
      if (ctx >= this.contexts || w >= this.words) return;
      let mask = 0xffff_ffff;
      if (w === 0) mask &= ~1; // source 0 does not exist
      const top = this.config.numSources - w * 32;
      if (top < 32) mask &= (1 << top) - 1;
      this.enable[ctx * this.words + w] = (v & mask) >>> 0;
      this.update();
      return;
    }
    const ctx = Math.floor((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
    const reg = (offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
    if (ctx >= this.contexts) return;
    if (reg === 0) {
      if (v <= this.config.maxPriority) this.threshold[ctx] = v; // QEMU ignores larger values
      this.update();
    } else if (reg === 4) {
      this.complete(ctx, v);
    }
  }
}
