/**
 * Linux errno values (asm-generic/errno-base.h and errno.h: the numbers riscv64 uses) and
 * their names, for return values (`-EINVAL`) and `-strace` output.
 *
 * @module
 */

/** errno values by name. A system call returns `-value` on failure. */
export const Errno = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9, ECHILD: 10,
  EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, ENOTBLK: 15, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19,
  ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25, ETXTBSY: 26, EFBIG: 27, ENOSPC: 28,
  ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32, EDOM: 33, ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36, ENOLCK: 37,
  ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, ENOMSG: 42, EIDRM: 43, ENOSTR: 60, ENODATA: 61, ETIME: 62, EOVERFLOW: 75,
  EBADFD: 77, EILSEQ: 84, ENOTSOCK: 88, EDESTADDRREQ: 89, EMSGSIZE: 90, EPROTOTYPE: 91, ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93, ESOCKTNOSUPPORT: 94, EOPNOTSUPP: 95, EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99, ENETUNREACH: 101,
  ECONNABORTED: 103, ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107, ETIMEDOUT: 110,
  ECONNREFUSED: 111, EHOSTUNREACH: 113, EALREADY: 114, EINPROGRESS: 115, ESTALE: 116, EDQUOT: 122,
  ECANCELED: 125, EOWNERDEAD: 130, ENOTRECOVERABLE: 131,
  /**
   * Kernel-internal, never seen by the guest: a waiting call a signal interrupted. The
   * runner either restarts the call (the handler has SA_RESTART, or no handler runs) or
   * turns it into EINTR, as Linux's signal delivery does (include/linux/errno.h).
   */
  ERESTARTSYS: 512,
} as const;

/** An errno name. */
export type ErrnoName = keyof typeof Errno;

const NAMES = new Map<number, ErrnoName>(Object.entries(Errno).map(([k, v]) => [v, k as ErrnoName]));

/** The name of errno value `e` (positive), e.g. "ENOENT", or undefined. */
export function errnoName(e: number): ErrnoName | undefined {
  return NAMES.get(e);
}

/** Host (Node) error codes ("ENOENT", from `err.code`) to the guest's errno values. */
export function errnoFromHost(err: unknown): number {
  const code = typeof err === "object" && err !== null && "code" in err ? err.code : undefined;
  if (typeof code === "string" && code in Errno) return Errno[code as ErrnoName];
  if (code === "ERR_FS_FILE_TOO_LARGE") return Errno.EFBIG;
  return Errno.EIO;
}

const MESSAGES: Readonly<Partial<Record<ErrnoName, string>>> = {
  EPERM: "Operation not permitted", ENOENT: "No such file or directory", ESRCH: "No such process",
  EINTR: "Interrupted system call", EIO: "Input/output error", ENXIO: "No such device or address",
  E2BIG: "Argument list too long", ENOEXEC: "Exec format error", EBADF: "Bad file descriptor",
  ECHILD: "No child processes", EAGAIN: "Resource temporarily unavailable", ENOMEM: "Cannot allocate memory",
  EACCES: "Permission denied", EFAULT: "Bad address", ENOTBLK: "Block device required", EBUSY: "Device or resource busy",
  EEXIST: "File exists", EXDEV: "Invalid cross-device link", ENODEV: "No such device", ENOTDIR: "Not a directory",
  EISDIR: "Is a directory", EINVAL: "Invalid argument", ENFILE: "Too many open files in system",
  EMFILE: "Too many open files", ENOTTY: "Inappropriate ioctl for device", ETXTBSY: "Text file busy",
  EFBIG: "File too large", ENOSPC: "No space left on device", ESPIPE: "Illegal seek", EROFS: "Read-only file system",
  EMLINK: "Too many links", EPIPE: "Broken pipe", EDOM: "Numerical argument out of domain",
  ERANGE: "Numerical result out of range", EDEADLK: "Resource deadlock avoided", ENAMETOOLONG: "File name too long",
  ENOLCK: "No locks available", ENOSYS: "Function not implemented", ENOTEMPTY: "Directory not empty",
  ELOOP: "Too many levels of symbolic links", ENODATA: "No data available", ETIME: "Timer expired",
  EOVERFLOW: "Value too large for defined data type", EILSEQ: "Invalid or incomplete multibyte or wide character",
  ENOTSOCK: "Socket operation on non-socket", ESOCKTNOSUPPORT: "Socket type not supported", EOPNOTSUPP: "Operation not supported",
  EAFNOSUPPORT: "Address family not supported by protocol", EADDRINUSE: "Address already in use",
  ECONNRESET: "Connection reset by peer", ENOTCONN: "Transport endpoint is not connected",
  ETIMEDOUT: "Connection timed out", ECONNREFUSED: "Connection refused", EINPROGRESS: "Operation now in progress",
  EDESTADDRREQ: "Destination address required", EMSGSIZE: "Message too long", EPROTOTYPE: "Protocol wrong type for socket",
  ENOPROTOOPT: "Protocol not available", EPROTONOSUPPORT: "Protocol not supported", EADDRNOTAVAIL: "Cannot assign requested address",
  ENETUNREACH: "Network is unreachable", ECONNABORTED: "Software caused connection abort", ENOBUFS: "No buffer space available",
  EISCONN: "Transport endpoint is already connected", EHOSTUNREACH: "No route to host", EALREADY: "Operation already in progress",
  // What QEMU's -strace says of a call to be restarted.
  ERESTARTSYS: "To be restarted",
};

/** glibc's strerror text for errno `e` ("No such file or directory"), as QEMU's -strace prints it. */
export function errnoMessage(e: number): string {
  const name = errnoName(e);
  return (name !== undefined ? MESSAGES[name] : undefined) ?? `Unknown error ${e}`;
}
