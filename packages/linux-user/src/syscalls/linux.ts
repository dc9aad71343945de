/**
 * The system calls wasmu implements, as one dispatcher.
 *
 * @module
 */
import { SyscallDispatcher, type SyscallFamily } from "./dispatch.js";
import { fileFdSyscalls } from "./files-fd.js";
import { epollSyscalls } from "./epoll.js";
import { fileIoSyscalls } from "./files-io.js";
import { fileMoreSyscalls } from "./files-more.js";
import { futexSyscalls } from "./futex.js";
import { filePathSyscalls } from "./files-path.js";
import { identitySyscalls } from "./identity.js";
import { itimerSyscalls } from "./itimer.js";
import { landlockSyscalls } from "./landlock.js";
import { memorySyscalls } from "./memory.js";
import { pollSyscalls } from "./poll.js";
import { processSyscalls } from "./process.js";
import { schedSyscalls } from "./sched.js";
import { signalSyscalls } from "./signals.js";
import { sigwaitSyscalls } from "./sigwait.js";
import { socketSyscalls } from "./socket.js";
import { threadSyscalls } from "./threads.js";
import { timeSyscalls } from "./time.js";
import { timerfdSyscalls } from "./timerfd.js";
import { xattrSyscalls } from "./xattr.js";

/** Every implemented family. */
export const LINUX_SYSCALL_FAMILIES: readonly SyscallFamily[] = [
  identitySyscalls, timeSyscalls, memorySyscalls, fileIoSyscalls, filePathSyscalls, fileFdSyscalls, fileMoreSyscalls, pollSyscalls, epollSyscalls, timerfdSyscalls, threadSyscalls, futexSyscalls, signalSyscalls,
  socketSyscalls, xattrSyscalls, schedSyscalls, landlockSyscalls, sigwaitSyscalls, itimerSyscalls, processSyscalls,
];

/** A dispatcher with every implemented family. */
export function createLinuxDispatcher(): SyscallDispatcher {
  return new SyscallDispatcher(LINUX_SYSCALL_FAMILIES);
}
