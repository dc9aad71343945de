/**
 * `-strace` lines in QEMU's format: `PID name(args)` before the call and ` = result`
 * after it (`12345 write(1,0x10000,6) = 6`, `= -1 errno=2 (No such file or directory)`),
 * formatted from the declarative table (table.ts) — including QEMU's quirks, such as
 * `%#x` printing only the low 32 bits of a pointer.
 *
 * @module
 */
import { errnoMessage } from "../errno.js";
import type { AddressSpace } from "../mm/address-space.js";
import type { SigInfo } from "../signals/frame.js";
import type { SyscallArgs } from "./abi.js";
import type { SyscallInfo } from "./table.js";

type FlagTable = readonly (readonly [number, string])[];

// QEMU 7.2's open_flags table, in its order (O_SYNC prints as O_DSYNC|__O_SYNC; O_ASYNC, absent, as hex).
const OPEN_FLAGS: FlagTable = [
  [0o2000, "O_APPEND"], [0o100, "O_CREAT"], [0o200000, "O_DIRECTORY"], [0o200, "O_EXCL"], [0o100000, "O_LARGEFILE"], [0o400, "O_NOCTTY"],
  [0o400000, "O_NOFOLLOW"], [0o4000, "O_NONBLOCK"], [0o10000, "O_DSYNC"], [0o4000000, "__O_SYNC"], [0o1000, "O_TRUNC"], [0o40000, "O_DIRECT"],
  [0o1000000, "O_NOATIME"], [0o2000000, "O_CLOEXEC"], [0o10000000, "O_PATH"], [0o20200000, "O_TMPFILE"], [0o20000000, "__O_TMPFILE"],
];
const PROT_FLAGS: FlagTable = [[4, "PROT_EXEC"], [1, "PROT_READ"], [2, "PROT_WRITE"], [0x0100_0000, "PROT_GROWSDOWN"], [0x0200_0000, "PROT_GROWSUP"]];
// QEMU 7.2 has no MAP_STACK in its table: it prints as 0x20000.
const MAP_FLAGS: FlagTable = [
  [0x20, "MAP_ANONYMOUS"], [0x800, "MAP_DENYWRITE"], [0x10, "MAP_FIXED"], [0x100, "MAP_GROWSDOWN"], [0x1000, "MAP_EXECUTABLE"],
  [0x2000, "MAP_LOCKED"], [0x1_0000, "MAP_NONBLOCK"], [0x4000, "MAP_NORESERVE"], [0x8000, "MAP_POPULATE"],
  [0x4_0000, "MAP_HUGETLB"], [0x10_0000, "MAP_FIXED_NOREPLACE"], [0x8_0000, "MAP_SYNC"], [0x400_0000, "MAP_UNINITIALIZED"],
];
const ACCESS_FLAGS: FlagTable = [[4, "R_OK"], [2, "W_OK"], [1, "X_OK"]];
/** QEMU 7.2's at_file_flags: only these two are named (AT_EMPTY_PATH prints as 0x1000). */
const AT_FLAGS: FlagTable = [[0x200, "AT_EACCESS"], [0x100, "AT_SYMLINK_NOFOLLOW"]];
/** statx's flags, in the order QEMU 7.2 prints them (`AT_NO_AUTOMOUNT|AT_SYMLINK_NOFOLLOW`). */
const STATX_AT_FLAGS: FlagTable = [
  [0x1000, "AT_EMPTY_PATH"], [0x800, "AT_NO_AUTOMOUNT"], [0x100, "AT_SYMLINK_NOFOLLOW"], [0x2000, "AT_STATX_FORCE_SYNC"], [0x4000, "AT_STATX_DONT_SYNC"],
];
const UNLINK_FLAGS: FlagTable = [[0x200, "AT_REMOVEDIR"]];
const STATX_MASK: FlagTable = [
  [0x1, "STATX_TYPE"], [0x2, "STATX_MODE"], [0x4, "STATX_NLINK"], [0x8, "STATX_UID"], [0x10, "STATX_GID"], [0x20, "STATX_ATIME"],
  [0x40, "STATX_MTIME"], [0x80, "STATX_CTIME"], [0x100, "STATX_INO"], [0x200, "STATX_SIZE"], [0x400, "STATX_BLOCKS"], [0x800, "STATX_BTIME"],
];
const CLONE_FLAGS: FlagTable = [
  "CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_PIDFD", "CLONE_PTRACE", "CLONE_VFORK", "CLONE_PARENT", "CLONE_THREAD",
  "CLONE_NEWNS", "CLONE_SYSVSEM", "CLONE_SETTLS", "CLONE_PARENT_SETTID", "CLONE_CHILD_CLEARTID", "CLONE_DETACHED", "CLONE_UNTRACED",
  "CLONE_CHILD_SETTID", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_IO",
].map((name, i) => [2 ** (i + 8), name] as const);
const WHENCE = ["SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"];
const SIGPROCMASK_HOW = ["SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"];
const CLOCKS = [
  "CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW",
  "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME", "CLOCK_REALTIME_ALARM", "CLOCK_BOOTTIME_ALARM", "CLOCK_SGI_CYCLE", "CLOCK_TAI",
];
const FUTEX_CMDS = [
  "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI",
  "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI",
];
const MADVISE: Readonly<Record<number, string>> = {
  0: "MADV_NORMAL", 1: "MADV_RANDOM", 2: "MADV_SEQUENTIAL", 3: "MADV_WILLNEED", 4: "MADV_DONTNEED", 8: "MADV_FREE", 9: "MADV_REMOVE",
  10: "MADV_DONTFORK", 11: "MADV_DOFORK", 12: "MADV_MERGEABLE", 13: "MADV_UNMERGEABLE", 14: "MADV_HUGEPAGE", 15: "MADV_NOHUGEPAGE",
  16: "MADV_DONTDUMP", 17: "MADV_DODUMP", 18: "MADV_WIPEONFORK", 19: "MADV_KEEPONFORK", 20: "MADV_COLD", 21: "MADV_PAGEOUT", 100: "MADV_HWPOISON",
};
const FCNTL_CMDS: Readonly<Record<number, string>> = {
  0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL", 5: "F_GETLK", 6: "F_SETLK", 7: "F_SETLKW", 8: "F_SETOWN", 9: "F_GETOWN",
  10: "F_SETSIG", 11: "F_GETSIG", 15: "F_SETOWN_EX", 16: "F_GETOWN_EX", 1024: "F_SETLEASE", 1025: "F_GETLEASE", 1030: "F_DUPFD_CLOEXEC",
  1031: "F_SETPIPE_SZ", 1032: "F_GETPIPE_SZ", 1033: "F_ADD_SEALS", 1034: "F_GET_SEALS",
};
/** fcntl commands without a third argument (QEMU prints none). */
const FCNTL_NO_ARG = new Set([1, 3, 9, 11, 1025, 1032, 1034]);
/** Some of the ioctls QEMU 7.2 knows by name (tty and file ones); others print as %#x. `true`: the result is an int read back (`= 0 (3)`). */
const IOCTLS: Readonly<Record<number, readonly [string, boolean]>> = {
  0x5401: ["TCGETS", false], 0x5402: ["TCSETS", false], 0x5403: ["TCSETSW", false], 0x5404: ["TCSETSF", false], 0x540b: ["TCFLSH", false],
  0x540f: ["TIOCGPGRP", true], 0x5410: ["TIOCSPGRP", false], 0x5413: ["TIOCGWINSZ", false], 0x5414: ["TIOCSWINSZ", false],
  0x541b: ["FIONREAD", true], 0x5421: ["FIONBIO", false], 0x5450: ["FIONCLEX", false], 0x5451: ["FIOCLEX", false], 0x5452: ["FIOASYNC", false],
  0x4004_9409: ["FICLONE", false],
};
/** Named ioctls whose argument QEMU prints as an int (FICLONE's source fd), not a pointer. */
const IOCTL_INT_ARG = new Set([0x4004_9409]);
// QEMU 7.2's names: its table lists SIGIOT after SIGABRT, so 6 prints as SIGIOT.
const SIGNALS = [
  "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGIOT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
  "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",
  "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
];

function flags(v: number, table: FlagTable, prefix: string[] = []): string {
  const parts = [...prefix];
  let rest = v;
  for (const [bit, name] of table) {
    if ((rest & bit) === bit && bit !== 0) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0 || parts.length === 0) parts.push(rest === 0 ? "0" : `0x${(rest >>> 0).toString(16)}`);
  return parts.join("|");
}

function hex32(v: bigint): string {
  const lo = Number(v & 0xffff_ffffn);
  return lo === 0 ? "0" : `0x${lo.toString(16)}`;
}

/** QEMU's pointer format: NULL or 0x and 16 hex digits. */
export function formatPointer(v: bigint): string {
  return v === 0n ? "NULL" : `0x${BigInt.asUintN(64, v).toString(16).padStart(16, "0")}`;
}

function formatString(v: bigint, mm: AddressSpace | undefined): string {
  if (v === 0n) return "NULL";
  const s = mm?.readCString(Number(BigInt.asUintN(53, v)));
  if (s === undefined || typeof s === "number") return formatPointer(v);
  return `"${Buffer.from(s).toString("latin1")}"`; // a byte string: see run/user-log.ts
}

const SOCK_TYPES: Readonly<Record<number, string>> = { 1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM", 5: "SOCK_SEQPACKET", 10: "SOCK_PACKET" };
const PROTOCOLS: Readonly<Record<number, string>> = { 0: "IPPROTO_IP", 6: "IPPROTO_TCP", 17: "IPPROTO_UDP", 255: "IPPROTO_RAW" };
const DOMAINS: Readonly<Record<number, string>> = { 1: "PF_UNIX", 2: "PF_INET", 16: "PF_NETLINK", 17: "PF_PACKET" };

/** A struct sockaddr of `len` bytes at `v`, in QEMU 7.2's notation. */
function formatSockaddr(v: bigint, len: number, mm: AddressSpace | undefined): string {
  if (v === 0n) return "NULL";
  const b = len >= 2 ? mm?.read(Number(BigInt.asUintN(53, v)), Math.min(len, 128)) : undefined;
  if (b === undefined) return formatPointer(v);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const family = dv.getUint16(0, true);
  if (family === 1) {
    const path = b.subarray(2);
    const nul = path.indexOf(0);
    return `{sun_family=AF_UNIX,sun_path="${Buffer.from(nul >= 0 ? path.subarray(0, nul) : path).toString("latin1")}"}`;
  }
  if (family === 2 && b.length >= 8) return `{sin_family=AF_INET,sin_port=htons(${dv.getUint16(2, false)}),sin_addr=inet_addr("${b[4]}.${b[5]}.${b[6]}.${b[7]}")}`;
  const data = Array.from({ length: 14 }, (_, i) => (b[2 + i] ?? 0).toString(16).padStart(2, "0"));
  return `{sa_family=${family}, sa_data={${data.join(", ")}}}`;
}

/** A struct timespec in guest memory as QEMU prints it: `{tv_sec = 1,tv_nsec = 500}`. */
function formatTimespec(v: bigint, mm: AddressSpace | undefined): string {
  if (v === 0n) return "NULL";
  const b = mm?.read(Number(BigInt.asUintN(53, v)), 16);
  if (b === undefined) return formatPointer(v);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return `{tv_sec = ${dv.getBigInt64(0, true)},tv_nsec = ${dv.getBigInt64(8, true)}}`;
}

/**
 * clone's arguments as QEMU 7.2 prints them: the flags (the exit signal as a hex
 * remainder), `child_stack=`, then the pointers the flags use.
 */
function formatClone(a: SyscallArgs): string {
  const f = Number(a[0] & 0xffff_ffffn);
  const ptr = (v: bigint): string => formatPointer(v).replace("NULL", "0x0000000000000000");
  const parts = [f === 0 ? "0" : flags(f, CLONE_FLAGS), `child_stack=${ptr(a[1])}`];
  if ((f & 0x10_0000) !== 0) parts.push(`parent_tidptr=${ptr(a[2])}`);
  if ((f & 0x8_0000) !== 0) parts.push(`tls=${ptr(a[3])}`);
  if ((f & 0x120_0000) !== 0) parts.push(`child_tidptr=${ptr(a[4])}`);
  return parts.join(",");
}

/** fcntl's third argument, as QEMU prints it for command `cmd` (undefined: none printed). */
function formatFcntlArg(cmd: number, v: bigint): string | undefined {
  if (FCNTL_NO_ARG.has(cmd)) return undefined;
  if (cmd === 4) return formatArg("O", v); // F_SETFL
  if (cmd === 5 || cmd === 6 || cmd === 7 || cmd === 15 || cmd === 16) return formatPointer(v); // struct flock / f_owner_ex
  return String(Number(BigInt.asIntN(32, v)));
}

/** One argument of kind `kind` (table.ts); `next` is the following argument (a `Z` address's length). */
export function formatArg(kind: string, v: bigint, mm?: AddressSpace, next = 0n): string {
  const i32 = Number(BigInt.asIntN(32, v));
  const u32 = Number(BigInt.asUintN(32, v));
  switch (kind) {
    case "d": return String(i32);
    case "u": return BigInt.asUintN(64, v).toString();
    case "l": return BigInt.asIntN(64, v).toString();
    case "x": return hex32(v);
    case "X": return v === 0n ? "0" : `0x${BigInt.asUintN(64, v).toString(16)}`;
    case "p": return formatPointer(v);
    case "n": return v === 0n ? "(nil)" : `0x${BigInt.asUintN(64, v).toString(16)}`;
    case "o": return u32 === 0 ? "0" : `0${u32.toString(8)}`;
    case "s": return formatString(v, mm);
    case "D": return i32 === -100 ? "AT_FDCWD" : String(i32);
    case "O": {
      const mode = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"][u32 & 3]!;
      return flags(u32 & ~3, OPEN_FLAGS, [mode]).replace(/\|0$/, "");
    }
    case "P": return u32 === 0 ? "PROT_NONE" : flags(u32, PROT_FLAGS);
    case "M": {
      const type = u32 & 0xf;
      const name = type === 1 ? "MAP_SHARED" : type === 2 ? "MAP_PRIVATE" : type === 3 ? "MAP_SHARED_VALIDATE" : `0x${type.toString(16)}`;
      return flags(u32 & ~0xf, MAP_FLAGS, [name]).replace(/\|0$/, "");
    }
    case "A": return u32 === 0 ? "F_OK" : flags(u32, ACCESS_FLAGS);
    case "F": return u32 === 0 ? "0" : flags(u32, AT_FLAGS);
    case "E": return u32 === 0 ? "0" : flags(u32, STATX_AT_FLAGS);
    case "r": return u32 === 0 ? "0" : flags(u32, UNLINK_FLAGS);
    case "W": return u32 === 0 ? "0" : flags(u32, STATX_MASK);
    case "H": return SIGPROCMASK_HOW[i32] ?? String(i32);
    case "w": return WHENCE[i32] ?? String(i32);
    case "C": return CLOCKS[i32] ?? String(i32);
    case "U": {
      const cmd = i32 & ~(128 | 256);
      return `${(i32 & 128) !== 0 ? "FUTEX_PRIVATE_FLAG|" : ""}${(i32 & 256) !== 0 ? "FUTEX_CLOCK_REALTIME|" : ""}${FUTEX_CMDS[cmd] ?? String(cmd)}`;
    }
    case "V": return MADVISE[i32] ?? String(i32);
    case "T": return formatTimespec(v, mm);
    case "I": return IOCTLS[u32]?.[0] ?? hex32(v);
    case "c": return FCNTL_CMDS[i32] ?? String(i32);
    case "S": return SIGNALS[i32] !== undefined && i32 > 0 ? SIGNALS[i32] : String(i32);
    case "N": return DOMAINS[i32] ?? String(i32);
    case "K": return `${SOCK_TYPES[i32 & 0xf] ?? String(i32 & 0xf)}${(i32 & 0o2000000) !== 0 ? "|SOCK_CLOEXEC" : ""}${(i32 & 0o4000) !== 0 ? "|SOCK_NONBLOCK" : ""}`;
    case "R": return PROTOCOLS[i32] ?? String(i32);
    case "Z": return formatSockaddr(v, Number(BigInt.asIntN(32, next)), mm);
    case "L": return ` ${i32}`;
    default: return BigInt.asIntN(64, v).toString();
  }
}

/** The part printed before the call: `PID name(args)`. */
export function formatCall(pid: number, info: SyscallInfo, a: SyscallArgs, mm?: AddressSpace): string {
  let args: string[];
  if (info.args === undefined) {
    args = a.map((v) => BigInt.asIntN(64, v).toString());
  } else {
    args = [];
    info.args.forEach((k, i) => {
      if (k === "Y") {
        args.push(formatClone(a));
      } else if (k === "t") {
        // QEMU 7.2's print_futex: FUTEX_WAIT and FUTEX_WAIT_BITSET's timeout as a timespec.
        const op = Number(a[1] & 0xffff_ffffn) & ~(128 | 256);
        args.push(op === 0 || op === 9 ? formatTimespec(a[i]!, mm) : formatPointer(a[i]!));
      } else if (k === "q") {
        args.push(formatArg("d", a[i - 1]!)); // QEMU 7.2's print_futex prints uaddr2 again (as %d) where val3 belongs
      } else if (k === "a") {
        const text = formatFcntlArg(Number(BigInt.asIntN(32, a[i - 1]!)), a[i]!);
        if (text !== undefined) args.push(text);
      } else if (k === "i") {
        const req = Number(a[i - 1]! & 0xffff_ffffn);
        args.push(IOCTL_INT_ARG.has(req) ? formatArg("d", a[i]!) : IOCTLS[req] !== undefined ? formatPointer(a[i]!) : hex32(a[i]!));
      } else if (k !== "m") args.push(formatArg(k, a[i]!, mm, a[i + 1] ?? 0n));
      else if ((Number(a[i - 1]! & 0xffff_ffffn) & 0o20000100) !== 0) args.push(formatArg("o", a[i]!, mm)); // O_CREAT or __O_TMPFILE
    });
  }
  return `${pid} ${info.name}(${args.join(",")})`;
}

/**
 * The part printed after the call: ` = result` and the newline (nothing for exit and
 * exit_group). `a` and `mm` let it add what QEMU adds after a success: the timespec
 * clock_gettime stored (` = 0 ({tv_sec = 1,tv_nsec = 2})`), the int an ioctl such as
 * FIONREAD stored (` = 0 (3)`).
 */
export function formatResult(info: SyscallInfo | undefined, ret: bigint, a?: SyscallArgs, mm?: AddressSpace): string {
  if (info?.ret === "n") return "\n";
  // QEMU's rt_sigreturn "fails" with its internal QEMU_ESIGRETURN, and prints that.
  if (info?.ret === "r") return " = -1 errno=513 (Successful exit from sigreturn)\n";
  const r = BigInt.asIntN(64, ret);
  if (r < 0n && r >= -4095n) return ` = -1 errno=${-r} (${errnoMessage(Number(-r))})\n`;
  if (info?.ret === "p") return ` = ${formatPointer(ret)}\n`;
  if (a !== undefined && r === 0n) {
    if (info?.name === "clock_gettime") return ` = 0 (${formatTimespec(a[1], mm)})\n`;
    if (info?.name === "ioctl" && IOCTLS[Number(a[1] & 0xffff_ffffn)]?.[1] === true && a[2] !== 0n) {
      const v = mm?.read(Number(BigInt.asUintN(53, a[2])), 4);
      if (v !== undefined) return ` = 0 (${new DataView(v.buffer, v.byteOffset, 4).getInt32(0, true)})\n`;
    }
  }
  return ` = ${r}\n`;
}

const SI_CODES: Readonly<Record<number, string>> = {
  0: "SI_USER", 0x80: "SI_KERNEL", [-1]: "SI_QUEUE", [-2]: "SI_TIMER", [-3]: "SI_MESGQ", [-4]: "SI_ASYNCIO", [-5]: "SI_SIGIO", [-6]: "SI_TKILL",
};

/**
 * QEMU's line for a signal the thread takes (print_taken_signal), printed whatever its
 * action: `--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=9439, si_uid=0} ---`,
 * a fault's si_code as a number and its si_addr as a pointer.
 */
export function formatTakenSignal(info: SigInfo): string {
  const name = formatArg("S", BigInt(info.signo));
  const head = `{si_signo=${name}, si_code=`;
  const body = info.addr !== undefined
    ? `${head}${info.code}, si_addr=${formatPointer(info.addr)}}`
    : `${head}${SI_CODES[info.code] ?? String(info.code)}, si_pid=${info.pid ?? 0}, si_uid=${info.uid ?? 0}}`;
  return `--- ${name} ${body} ---\n`;
}

/** QEMU's line for a call it does not know. */
export function formatUnknown(pid: number, nr: number | bigint): string {
  return `${pid} Unknown syscall ${nr}\n`;
}
