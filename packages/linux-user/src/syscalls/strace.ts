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
import type { SyscallArgs } from "./abi.js";
import type { SyscallInfo } from "./table.js";

type FlagTable = readonly (readonly [number, string])[];

const OPEN_FLAGS: FlagTable = [
  [0o2000, "O_APPEND"], [0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o4000, "O_NONBLOCK"],
  [0o1000, "O_TRUNC"], [0o4010000, "O_SYNC"], [0o10000, "O_DSYNC"], [0o20000, "O_ASYNC"], [0o40000, "O_DIRECT"],
  [0o100000, "O_LARGEFILE"], [0o200000, "O_DIRECTORY"], [0o400000, "O_NOFOLLOW"], [0o1000000, "O_NOATIME"],
  [0o2000000, "O_CLOEXEC"], [0o10000000, "O_PATH"],
];
const PROT_FLAGS: FlagTable = [[4, "PROT_EXEC"], [1, "PROT_READ"], [2, "PROT_WRITE"], [0x0100_0000, "PROT_GROWSDOWN"], [0x0200_0000, "PROT_GROWSUP"]];
const MAP_FLAGS: FlagTable = [
  [0x20, "MAP_ANONYMOUS"], [0x800, "MAP_DENYWRITE"], [0x10, "MAP_FIXED"], [0x100, "MAP_GROWSDOWN"], [0x1000, "MAP_EXECUTABLE"],
  [0x2000, "MAP_LOCKED"], [0x1_0000, "MAP_NONBLOCK"], [0x4000, "MAP_NORESERVE"], [0x8000, "MAP_POPULATE"], [0x2_0000, "MAP_STACK"],
  [0x4_0000, "MAP_HUGETLB"], [0x10_0000, "MAP_FIXED_NOREPLACE"], [0x8_0000, "MAP_SYNC"], [0x400_0000, "MAP_UNINITIALIZED"],
];
const ACCESS_FLAGS: FlagTable = [[4, "R_OK"], [2, "W_OK"], [1, "X_OK"]];
const AT_FLAGS: FlagTable = [[0x200, "AT_EACCESS"], [0x100, "AT_SYMLINK_NOFOLLOW"], [0x400, "AT_SYMLINK_FOLLOW"], [0x800, "AT_NO_AUTOMOUNT"], [0x1000, "AT_EMPTY_PATH"]];
const SIGNALS = [
  "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
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
  return `"${Buffer.from(s).toString("utf8")}"`;
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
    return `{sun_family=AF_UNIX,sun_path="${Buffer.from(nul >= 0 ? path.subarray(0, nul) : path).toString("utf8")}"}`;
  }
  if (family === 2 && b.length >= 8) return `{sin_family=AF_INET,sin_port=htons(${dv.getUint16(2, false)}),sin_addr=inet_addr("${b[4]}.${b[5]}.${b[6]}.${b[7]}")}`;
  const data = Array.from({ length: 14 }, (_, i) => (b[2 + i] ?? 0).toString(16).padStart(2, "0"));
  return `{sa_family=${family}, sa_data={${data.join(", ")}}}`;
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
      if (k !== "m") args.push(formatArg(k, a[i]!, mm, a[i + 1] ?? 0n));
      else if ((Number(a[i - 1]! & 0xffff_ffffn) & 0o20100100) !== 0) args.push(formatArg("o", a[i]!, mm)); // O_CREAT or O_TMPFILE
    });
  }
  return `${pid} ${info.name}(${args.join(",")})`;
}

/** The part printed after the call: ` = result` and the newline (nothing for exit and exit_group). */
export function formatResult(info: SyscallInfo | undefined, ret: bigint): string {
  if (info?.ret === "n") return "\n";
  const r = BigInt.asIntN(64, ret);
  if (r < 0n && r >= -4095n) return ` = -1 errno=${-r} (${errnoMessage(Number(-r))})\n`;
  return info?.ret === "p" ? ` = ${formatPointer(ret)}\n` : ` = ${r}\n`;
}

/** QEMU's line for a call it does not know. */
export function formatUnknown(pid: number, nr: number): string {
  return `${pid} Unknown syscall ${nr}\n`;
}
