/**
 * The per-vCPU jump cache (QEMU's tb_jmp_cache): a direct-mapped array indexed by a hash
 * of the guest pc, one array per vCPU, all in the TB arena so that another thread can
 * invalidate entries.
 *
 * Layout: `vcpus` arrays of `2^bits` words from `base`; entry = tb + 1, 0 = empty.
 *
 * Protection: no lock. The owning vCPU fills entries with atomic stores; any thread that
 * invalidates a TB clears the entries that still name it with a compare-exchange (so a
 * newer entry is never clobbered). A hit is only a hint: it is confirmed against the
 * descriptor's key and INVALID bit, which is why a racing invalidation is harmless.
 * tb_flush clears every array with all vCPUs stopped.
 */
import { type TbStore, TbField, TB_STATE_INVALID, TB_WORDS } from "./tb-desc.js";

/** Index of `pc` in a jump cache of `2^bits` entries (RISC-V pcs are 2-byte aligned). */
export function jmpCacheHash(pcLo: number, bits: number): number {
  const x = pcLo >>> 1;
  return (x ^ (x >>> bits) ^ (x >>> (2 * bits))) & ((1 << bits) - 1);
}

/** The jump caches of every vCPU. */
export class JmpCaches {
  private readonly size: number;

  /**
   * @param words the TB arena's word view.
   * @param base word index of vCPU 0's array.
   * @param vcpus number of vCPUs.
   * @param bits log2 entries per vCPU.
   * @param tbs the descriptors.
   */
  constructor(
    readonly words: Int32Array,
    readonly base: number,
    readonly vcpus: number,
    readonly bits: number,
    readonly tbs: TbStore,
  ) {
    this.size = 1 << bits;
  }

  /** Words needed for `vcpus` caches of `2^bits` entries. */
  static words(vcpus: number, bits: number): number {
    return vcpus << bits;
  }

  /** The cached TB for this key on `vcpu`, or -1 on a miss (or a stale/invalid entry). */
  lookup(vcpu: number, pcLo: number, pcHi: number, flags: number, cflags: number): number {
    const t = Atomics.load(this.words, this.base + vcpu * this.size + jmpCacheHash(pcLo, this.bits)) - 1;
    if (t < 0) return -1;
    const w = this.tbs.words;
    const d = this.tbs.base + t * TB_WORDS;
    // Plain reads after the atomic load of the entry: the key is immutable while the TB
    // is published, and a stale INVALID bit only delays a miss by one lookup.
    if (
      w[d + TbField.PC_LO] !== (pcLo | 0) ||
      w[d + TbField.PC_HI] !== (pcHi | 0) ||
      w[d + TbField.FLAGS] !== (flags | 0) ||
      w[d + TbField.CFLAGS] !== (cflags | 0) ||
      (w[d + TbField.STATE]! & TB_STATE_INVALID) !== 0
    ) {
      return -1;
    }
    return t;
  }

  /** Caches `tb` (whose pc low word is `pcLo`) on `vcpu`. */
  set(vcpu: number, pcLo: number, tb: number): void {
    Atomics.store(this.words, this.base + vcpu * this.size + jmpCacheHash(pcLo, this.bits), tb + 1);
  }

  /** Removes `tb` from every vCPU's cache (tb_jmp_cache_inval_tb). */
  invalidateTb(tb: number): void {
    const idx = jmpCacheHash(this.tbs.get(tb, TbField.PC_LO), this.bits);
    for (let v = 0; v < this.vcpus; v++) {
      Atomics.compareExchange(this.words, this.base + v * this.size + idx, tb + 1, 0);
    }
  }

  /** Clears one vCPU's cache (e.g. on a TLB flush). Only that vCPU may call it. */
  clearVcpu(vcpu: number): void {
    // Plain stores: other threads only compare-exchange entries to 0, which a 0 cannot confuse.
    const b = this.base + vcpu * this.size;
    this.words.fill(0, b, b + this.size);
  }

  /** Clears every cache (tb_flush, exclusive). */
  clearAll(): void {
    this.words.fill(0, this.base, this.base + this.vcpus * this.size);
  }
}
