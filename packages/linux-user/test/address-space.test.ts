import { describe, expect, it } from "vitest";
import { AddressSpace, type CodeHook, Errno, flatGuestMemory, MapFlag, MremapFlag, PAGE_EXEC, PAGE_READ, PAGE_WRITE, Prot } from "../src/index.js";

const MiB = 1 << 20;
const P = 4096;
const ANON = MapFlag.PRIVATE | MapFlag.ANONYMOUS;

function space(hook?: CodeHook): AddressSpace {
  return new AddressSpace({ memory: flatGuestMemory(0, 256 * MiB), ...(hook ? { codeHook: hook } : {}) });
}

function ranges(as: AddressSpace): string[] {
  return as.vmas.all.map((v) => `${v.start.toString(16)}-${v.end.toString(16)} ${v.prot}`);
}

describe("layout", () => {
  it("places mmap_base below the stack gap and ELF_ET_DYN_BASE at 2/3 of the window", () => {
    const as = space();
    expect(as.stackTop).toBe(256 * MiB);
    expect(as.mmapBase).toBe(256 * MiB - 128 * MiB); // MIN_GAP
    expect(as.elfEtDynBase).toBe(0xaaaa000);
  });
});

describe("mmap", () => {
  it("rejects bad arguments with Linux's error codes", () => {
    const as = space();
    expect(as.mmap(0, 0, Prot.READ, ANON)).toBe(-Errno.EINVAL);
    expect(as.mmap(0, P, Prot.READ, MapFlag.ANONYMOUS)).toBe(-Errno.EINVAL); // neither private nor shared
    expect(as.mmap(0x100001, P, Prot.READ, ANON | MapFlag.FIXED)).toBe(-Errno.EINVAL);
    expect(as.mmap(0x1000, P, Prot.READ, ANON | MapFlag.FIXED)).toBe(-Errno.EPERM); // below mmap_min_addr
    expect(as.mmap(256 * MiB, P, Prot.READ, ANON | MapFlag.FIXED)).toBe(-Errno.ENOMEM);
    expect(as.mmap(0, 512 * MiB, Prot.READ, ANON)).toBe(-Errno.ENOMEM);
  });

  it("places non-fixed maps top-down from mmap_base, rounding lengths up to pages", () => {
    const as = space();
    const a = as.mmap(0, 100, Prot.READ | Prot.WRITE, ANON);
    expect(a).toBe(as.mmapBase - P);
    const b = as.mmap(0, 3 * P, Prot.READ, ANON);
    expect(b).toBe(a - 3 * P);
    expect(as.pages.get(a)).toBe(1 | PAGE_READ | PAGE_WRITE | 0x80);
  });

  it("uses a free hint, page aligned up, and ignores an occupied one", () => {
    const as = space();
    expect(as.mmap(0x400123, P, Prot.READ, ANON)).toBe(0x401000);
    expect(as.mmap(0x401000, P, Prot.READ, ANON)).toBe(as.mmapBase - P);
  });

  it("MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses with EEXIST", () => {
    const as = space();
    expect(as.mmap(0x400000, 4 * P, Prot.READ, ANON | MapFlag.FIXED)).toBe(0x400000);
    expect(as.mmap(0x401000, P, Prot.READ, ANON | MapFlag.FIXED_NOREPLACE)).toBe(-Errno.EEXIST);
    expect(as.mmap(0x401000, P, Prot.READ | Prot.WRITE, ANON | MapFlag.FIXED)).toBe(0x401000);
    expect(ranges(as)).toEqual(["400000-401000 1", "401000-402000 3", "402000-404000 1"]);
  });

  it("zero-fills a fresh anonymous map over old bytes and copies file data", () => {
    const as = space();
    as.mmap(0x400000, P, Prot.READ | Prot.WRITE, ANON | MapFlag.FIXED);
    expect(as.write(0x400010, new Uint8Array([1, 2, 3]))).toBe(true);
    as.mmap(0x400000, P, Prot.READ, ANON | MapFlag.FIXED);
    expect(as.read(0x400010, 3)).toEqual(new Uint8Array(3));
    as.mmap(0x500000, 2 * P, Prot.READ, MapFlag.PRIVATE | MapFlag.FIXED, { data: new Uint8Array([9, 8, 7]), offset: 0, name: "/f" });
    expect(as.read(0x500000, 4)).toEqual(new Uint8Array([9, 8, 7, 0]));
    expect(as.vmas.find(0x500000)?.name).toBe("/f");
  });

  it("keeps the stack guard gap free for non-fixed maps", () => {
    const as = space();
    as.mapFixedAnon(as.mmapBase - MiB, as.mmapBase, Prot.READ | Prot.WRITE, "[stack]", true);
    const a = as.mmap(0, P, Prot.READ, ANON);
    expect(a).toBe(as.mmapBase - MiB - 256 * P - P);
  });
});

describe("munmap and mprotect split ranges", () => {
  it("munmap splits and tolerates holes", () => {
    const as = space();
    as.mmap(0x400000, 8 * P, Prot.READ, ANON | MapFlag.FIXED);
    expect(as.munmap(0x402000, 2 * P)).toBe(0);
    expect(ranges(as)).toEqual(["400000-402000 1", "404000-408000 1"]);
    expect(as.munmap(0x400000, 16 * P)).toBe(0);
    expect(ranges(as)).toEqual([]);
    expect(as.munmap(0x400001, P)).toBe(-Errno.EINVAL);
    expect(as.munmap(0x400000, 0)).toBe(-Errno.EINVAL);
  });

  it("mprotect splits, merges back, and fails with ENOMEM at a hole", () => {
    const as = space();
    as.mmap(0x400000, 4 * P, Prot.READ, ANON | MapFlag.FIXED);
    expect(as.mprotect(0x401000, P, Prot.READ | Prot.WRITE)).toBe(0);
    expect(ranges(as)).toEqual(["400000-401000 1", "401000-402000 3", "402000-404000 1"]);
    expect(as.mprotect(0x401000, P, Prot.READ)).toBe(0);
    expect(ranges(as)).toEqual(["400000-404000 1"]);
    expect(as.mprotect(0x403000, 2 * P, Prot.NONE)).toBe(-Errno.ENOMEM);
    expect(ranges(as)).toEqual(["400000-403000 1", "403000-404000 0"]);
    expect(as.mprotect(0x400001, P, Prot.READ)).toBe(-Errno.EINVAL);
    expect(as.mprotect(0x400000, P, 0x40)).toBe(-Errno.EINVAL);
    expect(as.mprotect(0x400000, 0, Prot.READ)).toBe(0);
  });
});

describe("mremap", () => {
  it("shrinks in place, grows in place, moves with MREMAP_MAYMOVE keeping the bytes", () => {
    const as = space();
    as.mmap(0x400000, 4 * P, Prot.READ | Prot.WRITE, ANON | MapFlag.FIXED);
    as.write(0x400000, new Uint8Array([5, 6]));
    expect(as.mremap(0x400000, 4 * P, 2 * P, 0, 0)).toBe(0x400000);
    expect(as.mremap(0x400000, 2 * P, 6 * P, 0, 0)).toBe(0x400000);
    as.mmap(0x406000, P, Prot.READ, ANON | MapFlag.FIXED);
    expect(as.mremap(0x400000, 6 * P, 8 * P, 0, 0)).toBe(-Errno.ENOMEM);
    const to = as.mremap(0x400000, 6 * P, 8 * P, MremapFlag.MAYMOVE, 0);
    expect(to).toBe(as.mmapBase - 8 * P);
    expect(as.read(to, 2)).toEqual(new Uint8Array([5, 6]));
    expect(as.vmas.find(0x400000)).toBeUndefined();
  });

  it("MREMAP_FIXED moves to the given address; bad arguments fail", () => {
    const as = space();
    as.mmap(0x400000, 2 * P, Prot.READ, ANON | MapFlag.FIXED);
    expect(as.mremap(0x400000, 2 * P, 2 * P, MremapFlag.FIXED, 0x800000)).toBe(-Errno.EINVAL);
    expect(as.mremap(0x400000, 2 * P, 2 * P, MremapFlag.FIXED | MremapFlag.MAYMOVE, 0x401000)).toBe(-Errno.EINVAL);
    expect(as.mremap(0x400000, 2 * P, 2 * P, MremapFlag.FIXED | MremapFlag.MAYMOVE, 0x800000)).toBe(0x800000);
    expect(as.mremap(0x900000, P, 2 * P, 0, 0)).toBe(-Errno.EFAULT);
    expect(as.mremap(0x800000, 2 * P, 0, 0, 0)).toBe(-Errno.EINVAL);
  });
});

describe("brk", () => {
  it("grows and shrinks the heap; refuses to run into a mapping or below the start", () => {
    const as = space();
    as.initBrk(0x412345);
    expect(as.brk(0)).toBe(0x413000);
    expect(as.brk(0x413010)).toBe(0x413010);
    expect(as.vmas.find(0x413000)?.name).toBe("[heap]");
    expect(as.write(0x413000, new Uint8Array([1]))).toBe(true);
    expect(as.brk(0x420000)).toBe(0x420000);
    expect(as.brk(0x413000)).toBe(0x413000);
    expect(as.vmas.find(0x413000)).toBeUndefined();
    as.mmap(0x430000, P, Prot.READ, ANON | MapFlag.FIXED);
    expect(as.brk(0x430000)).toBe(0x413000); // would leave no page before the next mapping
    expect(as.brk(0x42f000)).toBe(0x42f000);
    expect(as.brk(0x400000)).toBe(0x42f000);
  });
});

describe("guest access and the code hook", () => {
  it("checks page protections (EFAULT) and reads C strings", () => {
    const as = space();
    as.mmap(0x400000, P, Prot.READ, ANON | MapFlag.FIXED);
    expect(as.write(0x400000, new Uint8Array([1]))).toBe(false);
    expect(as.read(0x400000, 2)).toEqual(new Uint8Array(2));
    expect(as.read(0x400ff0, 0x20)).toBeUndefined();
    as.mprotect(0x400000, P, Prot.READ | Prot.WRITE);
    as.write(0x400ffe, new TextEncoder().encode("a"));
    expect(as.readCString(0x400ffe)).toEqual(new Uint8Array([97]));
    as.write(0x400ffe, new Uint8Array([97, 98]));
    expect(as.readCString(0x400ffe)).toBe(-Errno.EFAULT);
    expect(as.readCString(0x400000, 0)).toBe(-Errno.ENAMETOOLONG);
  });

  it("reports unmapping of executable pages, loss of PROT_EXEC, host writes to code and new write permission", () => {
    const calls: string[] = [];
    const as = space({
      invalidate: (s, e) => calls.push(`inv ${s.toString(16)}-${e.toString(16)}`),
      writable: (s, e) => calls.push(`w ${s.toString(16)}-${e.toString(16)}`),
    });
    as.mmap(0x400000, 2 * P, Prot.READ | Prot.EXEC, ANON | MapFlag.FIXED);
    as.mprotect(0x400000, P, Prot.READ | Prot.WRITE | Prot.EXEC);
    as.write(0x400004, new Uint8Array(4));
    as.mprotect(0x401000, P, Prot.READ);
    as.munmap(0x400000, 2 * P);
    expect(calls).toEqual(["w 400000-401000", "inv 400004-400008", "inv 401000-402000", "inv 400000-401000"]);
    expect(as.pages.get(0x400000) & (PAGE_READ | PAGE_EXEC)).toBe(0);
  });

  it("fork copies mappings, bytes and brk into another memory", () => {
    const as = space();
    as.initBrk(0x500000);
    as.brk(0x501000);
    as.mmap(0x400000, P, Prot.READ | Prot.WRITE, ANON | MapFlag.FIXED);
    as.write(0x400000, new Uint8Array([42]));
    const child = as.fork({ memory: flatGuestMemory(0, 256 * MiB) });
    expect(ranges(child)).toEqual(ranges(as));
    expect(child.read(0x400000, 1)).toEqual(new Uint8Array([42]));
    child.write(0x400000, new Uint8Array([1]));
    expect(as.read(0x400000, 1)).toEqual(new Uint8Array([42]));
    expect(child.brk(0)).toBe(0x501000);
  });

  it("fork into a memory another address space used: equal to the parent's inside its mappings, zero outside", () => {
    const parent = space();
    parent.mmap(0x400000, 4 * P, Prot.READ | Prot.WRITE, ANON | MapFlag.FIXED);
    parent.write(0x400000, new Uint8Array([1, 2, 3]));
    parent.write(0x402000, new Uint8Array([7]));
    // The memory's last user mapped and wrote other pages, some inside the parent's mappings.
    const memory = flatGuestMemory(0, 256 * MiB);
    const old = new AddressSpace({ memory });
    old.mmap(0x400000, 2 * P, Prot.READ | Prot.WRITE, ANON | MapFlag.FIXED);
    old.write(0x400000, new Uint8Array([9, 9, 9, 9]));
    old.write(0x401000, new Uint8Array([5]));
    old.mmap(0x800000, P, Prot.READ | Prot.WRITE, ANON | MapFlag.FIXED);
    old.write(0x800010, new Uint8Array([6]));
    old.munmap(0x800000, P);
    const stale = old.pages.flags.slice();
    const child = parent.fork({ memory }, stale);
    expect(ranges(child)).toEqual(ranges(parent));
    for (let a = 0x400000; a < 0x404000; a += P) expect(child.read(a, P)).toEqual(parent.read(a, P));
    // Outside the parent's mappings, no byte of the old user is left.
    expect(memory.bytes.subarray(0x800000, 0x801000).every((b) => b === 0)).toBe(true);
    expect(memory.bytes.every((b, i) => b === 0 || (i >= 0x400000 && i < 0x404000))).toBe(true);
  });
});
