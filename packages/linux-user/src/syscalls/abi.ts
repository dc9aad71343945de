/**
 * The riscv64 Linux ABI details the system calls need: argument conversions, the flag
 * constants of the file calls (asm-generic/fcntl.h, linux/fcntl.h), and the byte layouts
 * of struct stat (asm-generic/stat.h: 128 bytes), struct statx (256 bytes), timespec and
 * timeval.
 *
 * @module
 */

/** A system call's six raw argument registers a0..a5 (unsigned 64-bit). */
export type SyscallArgs = readonly [bigint, bigint, bigint, bigint, bigint, bigint];

/** The table key of a system call whose a7 is not below 2^31: no such call (ENOSYS). */
export const NR_OUT_OF_RANGE = -3;

/**
 * The number a system call is looked up by, from its whole 64-bit a7: a7 itself below
 * 2^31, else {@link NR_OUT_OF_RANGE} (a7 = 2^32 + 64 is not write, 2^64 - 1 is not a
 * kernel event; messages show the raw value).
 */
export function syscallNumberOf(raw: bigint): number {
  return raw >= 0n && raw < 0x80000000n ? Number(raw) : NR_OUT_OF_RANGE;
}

/** The low 32 bits as a signed int (C `int` arguments). */
export function int(a: bigint): number {
  return Number(BigInt.asIntN(32, a));
}

/** The low 32 bits as an unsigned int (flags, modes). */
export function uint(a: bigint): number {
  return Number(BigInt.asUintN(32, a));
}

/** A signed 64-bit argument (off_t, long) as a number (exact below 2^53). */
export function long(a: bigint): number {
  return Number(BigInt.asIntN(64, a));
}

/** An address or size: a number, or -1 when it cannot be a valid address (>= 2^53). */
export function addr(a: bigint): number {
  const u = BigInt.asUintN(64, a);
  return u > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(u);
}

/** open(2) flags (asm-generic: riscv64 uses the generic values). */
export const O = {
  RDONLY: 0, WRONLY: 1, RDWR: 2, ACCMODE: 3, CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000,
  APPEND: 0o2000, NONBLOCK: 0o4000, DSYNC: 0o10000, ASYNC: 0o20000, DIRECT: 0o40000, LARGEFILE: 0o100000,
  DIRECTORY: 0o200000, NOFOLLOW: 0o400000, NOATIME: 0o1000000, CLOEXEC: 0o2000000, SYNC: 0o4010000,
  PATH: 0o10000000, TMPFILE: 0o20200000,
} as const;

/** The *at() calls' special dirfd and flags. */
export const AT = {
  FDCWD: -100, SYMLINK_NOFOLLOW: 0x100, EACCESS: 0x200, REMOVEDIR: 0x200, SYMLINK_FOLLOW: 0x400,
  NO_AUTOMOUNT: 0x800, EMPTY_PATH: 0x1000, STATX_SYNC_TYPE: 0x6000,
} as const;

/** fcntl commands. */
export const F = {
  DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7, SETOWN: 8, GETOWN: 9,
  SETSIG: 10, GETSIG: 11, OFD_GETLK: 36, OFD_SETLK: 37, OFD_SETLKW: 38, SETLEASE: 1024, GETLEASE: 1025,
  NOTIFY: 1026, DUPFD_CLOEXEC: 1030, SETPIPE_SZ: 1031, GETPIPE_SZ: 1032, ADD_SEALS: 1033, GET_SEALS: 1034,
  FD_CLOEXEC: 1,
} as const;

/** File type bits of st_mode. */
export const S = {
  IFMT: 0o170000, IFSOCK: 0o140000, IFLNK: 0o120000, IFREG: 0o100000, IFBLK: 0o60000, IFDIR: 0o40000,
  IFCHR: 0o20000, IFIFO: 0o10000,
} as const;

/** What a file-status call reports (from a host stat, or made up for pipes and terminals). */
export interface FileStat {
  /** Device (Linux's new_encode_dev format). */
  readonly dev: bigint;
  /** Inode. */
  readonly ino: bigint;
  /** Type and permission bits. */
  readonly mode: number;
  /** Links. */
  readonly nlink: number;
  /** Owner. */
  readonly uid: number;
  /** Group. */
  readonly gid: number;
  /** Device of a special file. */
  readonly rdev: bigint;
  /** Bytes. */
  readonly size: bigint;
  /** Preferred I/O block size. */
  readonly blksize: number;
  /** 512-byte blocks. */
  readonly blocks: bigint;
  /** Access, modification, status change and birth times in nanoseconds since the epoch. */
  readonly atimeNs: bigint;
  /** See {@link atimeNs}. */
  readonly mtimeNs: bigint;
  /** See {@link atimeNs}. */
  readonly ctimeNs: bigint;
  /** See {@link atimeNs}. */
  readonly birthtimeNs: bigint;
}

/** Bytes of the riscv64 struct stat. */
export const STAT_SIZE = 128;
/** Bytes of struct statx. */
export const STATX_SIZE = 256;
/** STATX_BASIC_STATS | STATX_BTIME. */
export const STATX_ALL_KNOWN = 0xfff;

const NS = 1_000_000_000n;

/** Encodes `st` as the riscv64 struct stat. */
export function encodeStat(st: FileStat): Uint8Array {
  const b = new Uint8Array(STAT_SIZE);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, st.dev, true);
  v.setBigUint64(8, st.ino, true);
  v.setUint32(16, st.mode, true);
  v.setUint32(20, st.nlink, true);
  v.setUint32(24, st.uid, true);
  v.setUint32(28, st.gid, true);
  v.setBigUint64(32, st.rdev, true);
  v.setBigInt64(48, st.size, true);
  v.setInt32(56, st.blksize, true);
  v.setBigInt64(64, st.blocks, true);
  const times = [st.atimeNs, st.mtimeNs, st.ctimeNs];
  times.forEach((t, i) => {
    v.setBigInt64(72 + i * 16, floorDiv(t, NS), true);
    v.setBigUint64(80 + i * 16, t - floorDiv(t, NS) * NS, true);
  });
  return b;
}

/** Splits Linux's encoded dev_t into major and minor. */
export function devMajorMinor(dev: bigint): [number, number] {
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return [major >>> 0, minor >>> 0];
}

/** Encodes `st` as struct statx with every basic field and the birth time. */
export function encodeStatx(st: FileStat): Uint8Array {
  const b = new Uint8Array(STATX_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, STATX_ALL_KNOWN & ~0x800 | (st.birthtimeNs > 0n ? 0x800 : 0), true);
  v.setUint32(4, st.blksize, true);
  v.setUint32(16, st.nlink, true);
  v.setUint32(20, st.uid, true);
  v.setUint32(24, st.gid, true);
  v.setUint16(28, st.mode, true);
  v.setBigUint64(32, st.ino, true);
  v.setBigUint64(40, st.size, true);
  v.setBigUint64(48, st.blocks, true);
  const ts = (off: number, t: bigint): void => {
    const s = floorDiv(t, NS);
    v.setBigInt64(off, s, true);
    v.setUint32(off + 8, Number(t - s * NS), true);
  };
  ts(64, st.atimeNs);
  ts(80, st.birthtimeNs);
  ts(96, st.ctimeNs);
  ts(112, st.mtimeNs);
  const [rmaj, rmin] = devMajorMinor(st.rdev);
  const [dmaj, dmin] = devMajorMinor(st.dev);
  v.setUint32(128, rmaj, true);
  v.setUint32(132, rmin, true);
  v.setUint32(136, dmaj, true);
  v.setUint32(140, dmin, true);
  return b;
}

/** struct timespec (16 bytes) of a time in nanoseconds. */
export function encodeTimespec(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  const s = floorDiv(ns, NS);
  v.setBigInt64(0, s, true);
  v.setBigInt64(8, ns - s * NS, true);
  return b;
}

/** struct timeval (16 bytes) of a time in nanoseconds. */
export function encodeTimeval(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  const s = floorDiv(ns, NS);
  v.setBigInt64(0, s, true);
  v.setBigInt64(8, (ns - s * NS) / 1000n, true);
  return b;
}

/** Decodes a struct timespec: nanoseconds, or undefined when tv_nsec is out of range (EINVAL). */
export function decodeTimespec(b: Uint8Array): bigint | undefined {
  const v = new DataView(b.buffer, b.byteOffset, 16);
  const s = v.getBigInt64(0, true);
  const n = v.getBigInt64(8, true);
  if (n < 0n || n >= NS || s < 0n) return undefined;
  return s * NS + n;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}
