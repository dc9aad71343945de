/**
 * The address space's page flags mirrored into tcg's page access table
 * (`PageAccessTable`, one byte per page of the guest window that generated code reads on
 * every load and store and the translator on every fetch, when the environment was
 * created with `pageProtection`). The address space stays the authority: it writes its
 * flags under mmap_lock and the mirror translates each change into the table's "denied"
 * bits (tcg keeps the table's CODE bit itself):
 *
 * | page flags | access bits |
 * |------------|-------------|
 * | not PAGE_VALID | ACCESS_UNMAPPED_PAGE (unmapped: a fault is SEGV_MAPERR) |
 * | no PAGE_READ / PAGE_WRITE / PAGE_EXEC | ACCESS_NO_READ / NO_WRITE / NO_EXEC (SEGV_ACCERR) |
 *
 * Translated code of pages that lose PROT_EXEC is invalidated by the address space's
 * {@link CodeHook} in the same mmap_lock section, so no TB of a non-executable page runs
 * after mprotect returns.
 *
 * @module
 */
import { ACCESS_NO_EXEC, ACCESS_NO_READ, ACCESS_NO_WRITE, ACCESS_UNMAPPED_PAGE, type PageAccessTable } from "@wasmu/tcg";
import { PAGE_EXEC, PAGE_READ, PAGE_VALID, PAGE_WRITE, type PageFlagsMirror } from "./page-flags.js";

/** The access-table byte (permission bits) of page flags. */
export function accessBitsOfFlags(flags: number): number {
  if ((flags & PAGE_VALID) === 0) return ACCESS_UNMAPPED_PAGE;
  return ((flags & PAGE_READ) === 0 ? ACCESS_NO_READ : 0) | ((flags & PAGE_WRITE) === 0 ? ACCESS_NO_WRITE : 0) | ((flags & PAGE_EXEC) === 0 ? ACCESS_NO_EXEC : 0);
}

/**
 * A mirror writing into `table`, whose page 0 is guest address `lo` (the window's RAM
 * base; the address space's window must lie inside the table's).
 */
export function tcgPageAccess(table: PageAccessTable, lo: number): PageFlagsMirror {
  const size = table.pageSize;
  return {
    set(start: number, end: number, flags: number): void {
      const first = (start - lo) / size;
      const last = (end - lo) / size;
      if (!Number.isInteger(first) || !Number.isInteger(last)) throw new RangeError("page flags of unaligned pages");
      table.protect(first, last, accessBitsOfFlags(flags));
    },
  };
}
