// Public API of @wasmu/linux-user: an explicit export list.

export { Errno, type ErrnoName, errnoName, errnoFromHost } from "./errno.js";

// ---- Guest address space (src/mm)
export { Prot, MapFlag, MremapFlag, Madv } from "./mm/constants.js";
export { type GuestMemory, flatGuestMemory, guestMemoryOfExec } from "./mm/guest-memory.js";
export { type MmapLock, localMmapLock, tbContextMmapLock } from "./mm/mmap-lock.js";
export { type CodeHook, tcgCodeHook } from "./mm/code-hook.js";
export { PAGE_VALID, PAGE_READ, PAGE_WRITE, PAGE_EXEC, pageFlagsOfProt, PageFlags } from "./mm/page-flags.js";
export { type Vma, VmaList } from "./mm/vma-list.js";
export {
  type AddressSpaceOptions, type MapBacking, AddressSpace, STACK_GUARD_GAP, DEFAULT_MMAP_MIN_ADDR, DEFAULT_STACK_LIMIT, ACCESS_READ, ACCESS_WRITE,
} from "./mm/address-space.js";

// ---- ELF loading and the initial stack (src/loader)
export { At, atName, riscvHwcap, RV64IMAFDC_HWCAP, RISCV_MINSIGSTKSZ, USER_HZ } from "./loader/auxv.js";
export { LoadError, type PlannedMapping, type ElfImage, planElf } from "./loader/elf-image.js";
export { type AuxEntry, type StackInput, type BuiltStack, buildInitialStack } from "./loader/initial-stack.js";
export { type ProcessIds, type LoadOptions, type LoadedProgram, riscvAuxv, loadProgram } from "./loader/load-elf.js";
