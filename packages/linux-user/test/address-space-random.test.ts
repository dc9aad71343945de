import { describe, expect, it } from "vitest";
import { AddressSpace, flatGuestMemory, MapFlag, MremapFlag, PAGE_EXEC, PAGE_READ, PAGE_VALID, PAGE_WRITE, pageFlagsOfProt } from "../src/index.js";

/** A small deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const P = 4096;
const PAGES = 512;
const LO = 0x10000;

/** The reference model: one protection per page, or undefined when unmapped. */
type Model = (number | undefined)[];

function check(as: AddressSpace, model: Model): void {
  const all = as.vmas.all;
  for (let i = 1; i < all.length; i++) expect(all[i - 1]!.end).toBeLessThanOrEqual(all[i]!.start);
  for (const v of all) expect(v.start < v.end && v.start % P === 0 && v.end % P === 0).toBe(true);
  const prots: (number | undefined)[] = [];
  const flags: number[] = [];
  for (let p = 0; p < PAGES; p++) {
    const addr = LO + p * P;
    prots.push(as.vmas.find(addr)?.prot);
    flags.push(as.pages.get(addr) & (PAGE_VALID | PAGE_READ | PAGE_WRITE | PAGE_EXEC));
  }
  expect(prots).toEqual(model);
  expect(flags).toEqual(model.map((m) => (m === undefined ? 0 : pageFlagsOfProt(m))));
}

describe("the address space against a page-by-page model", () => {
  it.each([1, 2, 3, 4, 5])("random mmap/munmap/mprotect/mremap sequences keep VMAs and page flags consistent (seed %i)", (seed) => {
    const r = rng(seed * 7919);
    const as = new AddressSpace({ memory: flatGuestMemory(LO, PAGES * P), mmapMinAddr: LO });
    const model: Model = new Array<number | undefined>(PAGES).fill(undefined);
    const page = (): number => Math.floor(r() * PAGES);
    for (let step = 0; step < 300; step++) {
      const op = r();
      const p0 = page();
      const n = 1 + Math.floor(r() * 16);
      const prot = Math.floor(r() * 8);
      const addr = LO + p0 * P;
      if (op < 0.35) {
        const res = as.mmap(addr, n * P, prot, MapFlag.PRIVATE | MapFlag.ANONYMOUS | MapFlag.FIXED);
        if (p0 + n <= PAGES) {
          expect(res).toBe(addr);
          for (let k = p0; k < p0 + n; k++) model[k] = prot;
        } else {
          expect(res).toBeLessThan(0);
        }
      } else if (op < 0.55) {
        const res = as.mmap(0, n * P, prot, MapFlag.PRIVATE | MapFlag.ANONYMOUS);
        if (res >= 0) {
          const q = (res - LO) / P;
          for (let k = q; k < q + n; k++) {
            expect(model[k]).toBeUndefined();
            model[k] = prot;
          }
        }
      } else if (op < 0.75) {
        const res = as.munmap(addr, n * P);
        if (p0 + n <= PAGES) {
          expect(res).toBe(0);
          for (let k = p0; k < p0 + n; k++) model[k] = undefined;
        }
      } else if (op < 0.92) {
        const res = as.mprotect(addr, n * P, prot);
        if (p0 + n > PAGES) continue;
        let k = p0;
        while (k < p0 + n && model[k] !== undefined) model[k++] = prot;
        expect(res).toBe(k === p0 + n ? 0 : -12);
      } else {
        // Shrink a mapping in place.
        const v = as.vmas.find(addr);
        if (v === undefined || v.end - addr < 2 * P) continue;
        const len = v.end - addr;
        expect(as.mremap(addr, len, P, MremapFlag.MAYMOVE, 0)).toBe(addr);
        for (let k = p0 + 1; k < p0 + len / P; k++) model[k] = undefined;
      }
      check(as, model);
    }
  });
});
