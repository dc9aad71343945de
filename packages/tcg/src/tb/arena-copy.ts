/**
 * Copying a TB arena into another one of the same shape, and emptying one for reuse:
 * what a forked process needs to run its parent's translated code, and what lets an
 * environment serve another process (linux-user's fork and environment pool; its
 * README.md, process model). A child whose guest memory is a copy of its parent's can use
 * every TB of the parent as it is: the descriptors, hash table, page lists, code bitmaps
 * and page access bytes describe the same bytes at the same addresses, and after the copy
 * each side invalidates its own TBs when it writes its own code pages. Compiled modules
 * are not in the arena: the embedder hands the parent's modules of the current flush
 * generation to the child's registry; interpreted TBs carry their form in the code
 * buffer, which is copied.
 *
 * Both operations visit only what the TBs of the arena use, found from the descriptors
 * each region handed out: those descriptors and their code bytes, the head bucket of each
 * one's hash and the overflow buckets handed out, the page descriptors of each one's
 * pages; plus the page access bytes, the bitmap pool, the region allocator, the header
 * and the jump caches of the vCPUs that ran. Scanning the 10 MiB hash and page tables of
 * a default arena instead cost ~6 ms per fork.
 *
 * Protection: no thread may run in either arena (the source's vCPUs are outside
 * cpu_exec, e.g. its only thread is in the fork system call, and hold no lock), and the
 * destination's threads have not started.
 *
 * @module
 */
import { TbHeader, type TbShared } from "./tb-context.js";
import { NO_PAGE, TbField, TbStore, TB_WORDS } from "./tb-desc.js";
import { BUCKET_WORDS } from "./tb-hash.js";
import { PAGE_WORDS, PageTable } from "./page-desc.js";

/** Region allocator layout (region.ts): LOCK, NEXT, FULL, then OWNER/TB_USED/CODE_USED per region. */
const R_LOCK = 0;
const R_REGIONS = 4;
const R_STRIDE = 3;
const R_TB_USED = 1;
const R_CODE_USED = 2;

/** Word ranges of an arena and how its regions are cut. */
function geometry(a: TbShared): { readonly words: Int32Array; readonly tbsPerRegion: number; readonly codePerRegion: number; readonly buckets: number; readonly pageTail: number } {
  const L = a.layout;
  const p = a.params;
  return {
    words: new Int32Array(a.buffer, a.byteOffset, L.totalWords),
    tbsPerRegion: Math.floor(p.maxTbs / p.regions),
    codePerRegion: Math.floor(p.codeBytes / p.regions / 8) * 8,
    buckets: L.hash + BUCKET_WORDS,
    // The page table after the descriptors: access bytes, bitmap pool header, free stack, bitmaps.
    pageTail: L.pages + PageTable.accessWordOffset(p.guestPages),
  };
}

/**
 * Calls `f(lo, hi)` for every word range the TBs of arena `a` use (descriptors, code,
 * head buckets, handed-out overflow buckets, page descriptors): what a copy must carry
 * and a reset must clear. Ranges may repeat.
 */
function usedRanges(a: TbShared, f: (lo: number, hi: number) => void): void {
  const L = a.layout;
  const p = a.params;
  const g = geometry(a);
  const w = g.words;
  const mask = p.hashBuckets - 1;
  for (let r = 0; r < p.regions; r++) {
    const rb = L.regions + R_REGIONS + r * R_STRIDE;
    const tbUsed = w[rb + R_TB_USED]!;
    const codeUsed = w[rb + R_CODE_USED]!;
    const d0 = L.tbs + r * g.tbsPerRegion * TB_WORDS;
    // The descriptors' own ranges last: a reset clears them.
    for (let i = 0; i < tbUsed; i++) {
      const d = d0 + i * TB_WORDS;
      const b = g.buckets + (w[d + TbField.HASH]! & mask) * BUCKET_WORDS;
      f(b, b + BUCKET_WORDS);
      for (const page of [w[d + TbField.PHYS_PAGE0]!, w[d + TbField.PHYS_PAGE1]!]) {
        if (page === NO_PAGE || page < 0 || page >= p.guestPages) continue;
        const pd = L.pages + page * PAGE_WORDS;
        f(pd, pd + PAGE_WORDS);
      }
    }
    if (tbUsed > 0) f(d0, d0 + tbUsed * TB_WORDS);
    if (codeUsed > 0) {
      const c = L.code + (r * g.codePerRegion) / 4;
      f(c, c + Math.ceil(codeUsed / 4));
    }
  }
  // Overflow buckets handed out so far (word 0 of the table counts them).
  const overflow = g.buckets + p.hashBuckets * BUCKET_WORDS;
  f(overflow, overflow + Math.min(w[L.hash]!, p.hashOverflow) * BUCKET_WORDS);
}

/**
 * Copies arena `from` into arena `to` (same parameters), with vCPU `fromVcpu`'s jump
 * cache becoming vCPU `toVcpu`'s. `to` must be empty: new, or emptied by
 * {@link resetTbArena} (with every jump cache of it clear), except for its page access
 * bytes, which are overwritten. After it, `to` holds exactly the TBs of `from`, at the
 * same indices, in the same flush generation.
 */
export function copyTbArena(from: TbShared, to: TbShared, opts: { readonly fromVcpu?: number; readonly toVcpu?: number } = {}): void {
  if (JSON.stringify(from.params) !== JSON.stringify(to.params)) throw new RangeError("TB arenas of different shapes");
  const L = from.layout;
  const p = from.params;
  const src = geometry(from).words;
  const g = geometry(to);
  const dst = g.words;
  const copy = (lo: number, hi: number): void => dst.set(src.subarray(lo, hi), lo);
  // Header (both lock words free), TBs, access bytes and bitmap pool, jump cache, regions.
  copy(0, L.tbs);
  dst[TbHeader.MMAP_LOCK] = 0;
  dst[TbHeader.TB_LOCK] = 0;
  usedRanges(from, copy);
  dst[L.hash] = src[L.hash]!;
  copy(g.pageTail, L.jmpCache);
  const jc = 1 << p.jmpCacheBits;
  const fromVcpu = opts.fromVcpu ?? 0;
  dst.set(src.subarray(L.jmpCache + fromVcpu * jc, L.jmpCache + (fromVcpu + 1) * jc), L.jmpCache + (opts.toVcpu ?? 0) * jc);
  copy(L.regions, L.exclusive);
  dst[L.regions + R_LOCK] = 0;
}

/**
 * Empties arena `shared` for reuse by another process (no thread may run in it): no TB,
 * an empty hash table, page table and jump caches of vCPUs [0, `vcpus`) (the only ones
 * that may have run), every region free, both locks free, and the next flush generation
 * (so that modules and table entries of the TBs it held are recognisably stale). The page
 * access bytes end up 0 (everything allowed, no code): an embedder checking page
 * protections sets them again (linux-user's address space does).
 */
export function resetTbArena(shared: TbShared, vcpus = shared.params.vcpus): void {
  const L = shared.layout;
  const p = shared.params;
  const g = geometry(shared);
  const w = g.words;
  usedRanges(shared, (lo, hi) => w.fill(0, lo, hi));
  w[L.hash] = 0;
  w.fill(0, g.pageTail, L.jmpCache);
  new PageTable(w, L.pages, p.guestPages, p.pageBits, p.bitmaps, new TbStore(w, L.tbs, p.maxTbs)).init(true);
  w.fill(0, L.jmpCache, L.jmpCache + Math.min(vcpus, p.vcpus) * (1 << p.jmpCacheBits));
  w.fill(0, L.regions, L.exclusive);
  w[TbHeader.MMAP_LOCK] = 0;
  w[TbHeader.TB_LOCK] = 0;
  Atomics.add(w, TbHeader.FLUSH_COUNT, 1);
}
