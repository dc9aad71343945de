// The address space's page flags mirrored into tcg's page access table (what generated
// code checks loads, stores and fetches against): after every mmap, mprotect, munmap,
// mremap, brk and fork, each page's access byte must say what its flags say (unmapped,
// or which of read/write/execute is denied), and the table's CODE bit must survive.
import { ACCESS_CODE, ACCESS_NO_EXEC, ACCESS_NO_READ, ACCESS_NO_WRITE, ACCESS_UNMAPPED_PAGE, PageAccessTable } from "@wasmu/tcg";
import { describe, expect, it } from "vitest";
import { AddressSpace, flatGuestMemory, MapFlag, Prot } from "../src/index.js";
import { accessBitsOfFlags, tcgPageAccess } from "../src/mm/tcg-page-access.js";

const LO = 0x10000;
const SIZE = 4 << 20;
const PAGE = 4096;
const ANON = MapFlag.PRIVATE | MapFlag.ANONYMOUS;

function space(): { mm: AddressSpace; table: PageAccessTable } {
  const table = new PageAccessTable(new Uint8Array(new SharedArrayBuffer(SIZE / PAGE)), 12);
  const mm = new AddressSpace({ memory: flatGuestMemory(LO, SIZE), flagsMirror: tcgPageAccess(table, LO) });
  return { mm, table };
}

/** The table byte of every page equals what the address space's flags say (CODE bits aside). */
function expectMirrored(mm: AddressSpace, table: PageAccessTable): void {
  const want = Array.from(mm.pages.flags, (f) => accessBitsOfFlags(f));
  const got = Array.from(table.bytes, (b) => b & ~ACCESS_CODE);
  expect(got).toEqual(want);
}

const byteAt = (table: PageAccessTable, addr: number): number => table.get((addr - LO) / PAGE);

describe("page flags mirrored into tcg's page access table", () => {
  it("maps protections to denied bits: unmapped, PROT_NONE, read-only, write (implies read), exec-only", () => {
    const { mm, table } = space();
    expect(byteAt(table, LO + 0x100000)).toBe(ACCESS_UNMAPPED_PAGE);
    const cases: [number, number][] = [
      [Prot.NONE, ACCESS_NO_READ | ACCESS_NO_WRITE | ACCESS_NO_EXEC],
      [Prot.READ, ACCESS_NO_WRITE | ACCESS_NO_EXEC],
      [Prot.WRITE, ACCESS_NO_EXEC],
      [Prot.READ | Prot.WRITE, ACCESS_NO_EXEC],
      [Prot.EXEC, ACCESS_NO_READ | ACCESS_NO_WRITE],
      [Prot.READ | Prot.EXEC, ACCESS_NO_WRITE],
      [Prot.READ | Prot.WRITE | Prot.EXEC, 0],
    ];
    for (const [prot, bits] of cases) {
      const a = mm.mmap(0, 2 * PAGE, prot, ANON);
      expect(a).toBeGreaterThan(0);
      expect([byteAt(table, a), byteAt(table, a + PAGE)]).toEqual([bits, bits]);
    }
    expectMirrored(mm, table);
  });

  it("follows mprotect, munmap, mremap and brk, and keeps the CODE bit tcg owns", () => {
    const { mm, table } = space();
    const a = mm.mmap(0, 8 * PAGE, Prot.READ | Prot.WRITE | Prot.EXEC, ANON);
    table.setCode((a - LO) / PAGE + 1);
    expect(mm.mprotect(a, 4 * PAGE, Prot.READ)).toBe(0);
    expect(byteAt(table, a + PAGE)).toBe(ACCESS_NO_WRITE | ACCESS_NO_EXEC | ACCESS_CODE);
    expect(mm.munmap(a + 2 * PAGE, PAGE)).toBe(0);
    expect(byteAt(table, a + 2 * PAGE)).toBe(ACCESS_UNMAPPED_PAGE);
    // A page right after the mapping, so that growing it must move it.
    expect(mm.mmap(a + 8 * PAGE, PAGE, Prot.READ, ANON | MapFlag.FIXED)).toBe(a + 8 * PAGE);
    const moved = mm.mremap(a + 4 * PAGE, 4 * PAGE, 16 * PAGE, 1 /* MREMAP_MAYMOVE */, 0);
    expect(moved).toBeGreaterThan(0);
    expect(byteAt(table, a + 4 * PAGE)).toBe(ACCESS_UNMAPPED_PAGE);
    expect(byteAt(table, moved + 15 * PAGE)).toBe(0);
    mm.initBrk(LO + 0x8000);
    expect(mm.brk(LO + 0x8000 + 3 * PAGE)).toBe(LO + 0x8000 + 3 * PAGE);
    expect(byteAt(table, LO + 0x8000)).toBe(ACCESS_NO_EXEC);
    expect(mm.brk(LO + 0x8000)).toBe(LO + 0x8000);
    expect(byteAt(table, LO + 0x8000)).toBe(ACCESS_UNMAPPED_PAGE);
    expectMirrored(mm, table);
    expect(byteAt(table, a + PAGE) & ACCESS_CODE).toBe(ACCESS_CODE);
  });

  it("stays in step over random sequences of address-space operations", () => {
    const { mm, table } = space();
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed >>> 16) % n;
    };
    const mapped: number[] = [];
    for (let i = 0; i < 400; i++) {
      const pages = 1 + rnd(6);
      const prot = rnd(8);
      const at = mapped.length > 0 ? mapped[rnd(mapped.length)]! + rnd(4) * PAGE : LO + 0x100000;
      switch (rnd(4)) {
        case 0: { const r = mm.mmap(rnd(2) === 0 ? 0 : at, pages * PAGE, prot, ANON | (rnd(2) === 0 ? MapFlag.FIXED : 0)); if (r > 0) mapped.push(r); break; }
        case 1: mm.mprotect(at, pages * PAGE, prot); break;
        case 2: mm.munmap(at, pages * PAGE); break;
        default: mm.mremap(at, PAGE, pages * PAGE, 1, 0);
      }
    }
    expect(mapped.length).toBeGreaterThan(20);
    expect(new Set(mm.pages.flags).size).toBeGreaterThan(6);
    expectMirrored(mm, table);
  });

  it("a forked address space mirrors its copy of the flags into its own table", () => {
    const { mm } = space();
    mm.mmap(LO + 0x40000, 3 * PAGE, Prot.READ, ANON | MapFlag.FIXED);
    mm.mmap(LO + 0x80000, PAGE, Prot.READ | Prot.EXEC, ANON | MapFlag.FIXED);
    const childTable = new PageAccessTable(new Uint8Array(SIZE / PAGE), 12);
    const child = mm.fork({ memory: flatGuestMemory(LO, SIZE), flagsMirror: tcgPageAccess(childTable, LO) });
    expectMirrored(child, childTable);
    expect(byteAt(childTable, LO + 0x80000)).toBe(ACCESS_NO_WRITE);
  });
});
