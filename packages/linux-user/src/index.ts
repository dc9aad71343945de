// Public API of @wasmu/linux-user: an explicit export list.

export { Errno, type ErrnoName, errnoName, errnoFromHost, errnoMessage } from "./errno.js";

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

// ---- Files: sysroot, open file descriptions, pipes, descriptor tables (src/fs)
export { Sysroot } from "./fs/sysroot.js";
export { type IoResult, type TerminalSize, OpenFile, MemoryStream, syntheticStat } from "./fs/open-file.js";
export { HostFile, HostStream, statOfHost, hostOpenFlags } from "./fs/host-file.js";
export { PipeBuffer, PipeEnd, createPipe, PIPE_CAPACITY, PIPE_BUF } from "./fs/pipe.js";
export { type FdEntry, FdTable, DEFAULT_NOFILE } from "./fs/fd-table.js";
export { Efd, EventFd } from "./fs/eventfd.js";
export { TimerFd } from "./fs/timerfd.js";
export { GeneratedFile, procSelfPath, formatMaps, formatCpuinfo, openProcFile, readProcLink } from "./fs/proc.js";

// ---- Processes and the kernel (src/process)
export {
  type Credentials, type CpuRegs, type CloneRequest, type ThreadHost, type Limit, type SigAction, type ThreadExit, Thread, Process, Rlimit, RLIM_INFINITY, RLIM_NLIMITS, defaultLimits,
} from "./process/process.js";
export { type HostClock, type KernelOptions, Kernel, nodeClock, hostCredentials } from "./process/kernel.js";

// ---- System calls (src/syscalls)
export {
  type SyscallArgs, type FileStat, int, uint, long, addr, O, AT, F, S, STAT_SIZE, STATX_SIZE, encodeStat, encodeStatx, devMajorMinor,
  encodeTimespec, encodeTimeval, decodeTimespec,
} from "./syscalls/abi.js";
export { type SyscallInfo, SYSCALLS, SYSCALL_NR, syscallNr } from "./syscalls/table.js";
export { formatArg, formatCall, formatResult, formatUnknown, formatPointer, formatTakenSignal } from "./syscalls/strace.js";
export { type SyscallReturn, type SyscallHandler, type SyscallFamily, SyscallDispatcher } from "./syscalls/dispatch.js";
export { Pr, identitySyscalls } from "./syscalls/identity.js";
export { Clock, clockNs, timeSyscalls } from "./syscalls/time.js";
export { timerfdSyscalls } from "./syscalls/timerfd.js";
export { memorySyscalls } from "./syscalls/memory.js";
export { fileIoSyscalls } from "./syscalls/files-io.js";
export { filePathSyscalls } from "./syscalls/files-path.js";
export { fileMoreSyscalls } from "./syscalls/files-more.js";
export { Ioctl, defaultTermios, fileFdSyscalls } from "./syscalls/files-fd.js";
export { Clone, threadSyscalls } from "./syscalls/threads.js";
export { Poll, pollSyscalls } from "./syscalls/poll.js";
export { Epoll, EpollFile, epollSyscalls } from "./syscalls/epoll.js";
export { FutexOp, futexWake, futexTableOf, futexSyscalls } from "./syscalls/futex.js";
export { Sig, signalSyscalls } from "./syscalls/signals.js";
export { LINUX_SYSCALL_FAMILIES, createLinuxDispatcher } from "./syscalls/linux.js";

// ---- Running a program (src/run)
export { type RunOptions, type RunResult, DEFAULT_GUEST_WINDOW, GUEST_WINDOW_BASE, MAX_THREADS, runProgram } from "./run/run-program.js";
export { type UserMainIo, type UserOptions, USER_USAGE, dieOfSignal, parseUserArgs, userMain } from "./run/user-main.js";

// ---- Signals: the riscv64 frame and delivery (src/signals)
export {
  type SavedRegs, type SigInfo, type AltStack, RT_SIGFRAME_SIZE, UC_OFFSET, Uc, MC_FP, SIGRETURN_TRAMPOLINE, encodeSigframe, decodeSigframe,
} from "./signals/frame.js";
export { type Delivery, Sa, Ss, DEFAULT_IGNORED, sigBit, deliverSignal, deliverPending } from "./signals/deliver.js";

// ---- The worker-to-kernel system call slot (src/kernel-link)
export { CHANNEL_BYTES, ChannelState, CHANNEL_CLOSED_RESULT, SyscallChannel } from "./kernel-link/syscall-channel.js";
export { FUTEX_SLOTS, FutexSlot, BITSET_MATCH_ANY, type FutexWordReader, FutexTable, futexWordReader } from "./kernel-link/futex-table.js";
