/**
 * Descriptor-table calls: close, dup, dup3, fcntl, ioctl (the terminal requests
 * programs ask at start-up), pipe2, eventfd2.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { Efd, EventFd } from "../fs/eventfd.js";
import { HostFile } from "../fs/host-file.js";
import { createPipe, PipeEnd } from "../fs/pipe.js";
import { Socket } from "../net/socket.js";
import type { Thread } from "../process/process.js";
import { addr, F, int, O, uint } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { fileOf, installPair } from "./files-common.js";
import { get, put, putU32s } from "./guest-io.js";

/** ioctl requests (asm-generic/ioctls.h). */
export const Ioctl = {
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TIOCGPGRP: 0x540f, TIOCSPGRP: 0x5410, TIOCGSID: 0x5429,
  TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414, FIONREAD: 0x541b, FIONBIO: 0x5421, FIONCLEX: 0x5450, FIOCLEX: 0x5451,
  FICLONE: 0x4004_9409,
} as const;

/** Status flags F_SETFL may change. */
const SETFL_MASK = O.APPEND | O.NONBLOCK | O.ASYNC | O.DIRECT | O.NOATIME;

/**
 * The termios a fresh terminal has (`stty sane`): ICRNL|IXON|IUTF8, OPOST|ONLCR,
 * B38400|CS8|CREAD, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, and the usual
 * control characters; struct termios of asm-generic (4 flags, c_line, 19 c_cc) = 36 bytes.
 */
export function defaultTermios(): Uint8Array {
  const b = new Uint8Array(36);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0o400 | 0o2000 | 0o40000, true);
  v.setUint32(4, 0o1 | 0o4, true);
  v.setUint32(8, 0o17 | 0o60 | 0o200, true);
  v.setUint32(12, 0o1 | 0o2 | 0o10 | 0o20 | 0o40 | 0o1000 | 0o4000 | 0o100000, true);
  const cc = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0];
  b.set(cc, 17);
  return b;
}

function fcntl(t: Thread, fd: number, cmd: number, arg: bigint): number {
  const files = t.proc.files;
  const e = files.entry(fd);
  if (e === undefined) return -Errno.EBADF;
  const f = e.file;
  switch (cmd) {
    case F.DUPFD:
    case F.DUPFD_CLOEXEC: {
      const min = int(arg);
      if (min < 0 || min >= files.limit) return -Errno.EINVAL;
      return files.install(f.ref(), cmd === F.DUPFD_CLOEXEC, min);
    }
    case F.GETFD: return e.cloexec ? F.FD_CLOEXEC : 0;
    case F.SETFD: e.cloexec = (int(arg) & F.FD_CLOEXEC) !== 0; return 0;
    case F.GETFL: return f.flags;
    case F.SETFL: f.flags = (f.flags & ~SETFL_MASK) | (uint(arg) & SETFL_MASK); return 0;
    case F.GETLK:
    case F.OFD_GETLK: {
      // No other process holds locks here: report F_UNLCK in l_type.
      return put(t, addr(arg), new Uint8Array([2, 0]));
    }
    case F.SETLK: case F.SETLKW: case F.OFD_SETLK: case F.OFD_SETLKW:
      return 0;
    case F.SETOWN: case F.SETSIG: return 0;
    case F.GETOWN: case F.GETSIG: case F.GETLEASE: return 0;
    case F.GETPIPE_SZ: return f instanceof PipeEnd ? f.pipe.capacity : -Errno.EBADF;
    case F.SETPIPE_SZ: {
      if (!(f instanceof PipeEnd)) return -Errno.EBADF;
      const want = Math.max(4096, int(arg));
      let size = 4096;
      while (size < want) size *= 2;
      if (size > 1 << 20) return -Errno.EPERM;
      if (size < f.pipe.size) return -Errno.EBUSY;
      f.pipe.capacity = size;
      return size;
    }
    default: return -Errno.EINVAL;
  }
}

function ioctl(t: Thread, fd: number, req: number, arg: number): number {
  const e = t.proc.files.entry(fd);
  if (e === undefined) return -Errno.EBADF;
  const f = e.file;
  switch (req) {
    case Ioctl.FIOCLEX: e.cloexec = true; return 0;
    case Ioctl.FIONCLEX: e.cloexec = false; return 0;
    case Ioctl.FIONBIO: {
      const b = get(t, arg, 4);
      if (typeof b === "number") return b;
      const on = new DataView(b.buffer).getInt32(0, true) !== 0;
      f.flags = on ? f.flags | O.NONBLOCK : f.flags & ~O.NONBLOCK;
      return 0;
    }
    case Ioctl.FIONREAD: return putU32s(t, arg, f instanceof PipeEnd ? f.pipe.size : f instanceof Socket ? f.readableBytes() : 0);
    case Ioctl.FICLONE: {
      // Reflinks (coreutils cp tries one first): wasmu's files share no extents, so between
      // two regular files the answer is that of a filesystem without them (ext4, tmpfs).
      const src = t.proc.files.entry(arg);
      if (src === undefined) return -Errno.EBADF;
      const regular = (x: unknown): boolean => x instanceof HostFile && x.kind === "file";
      return regular(f) && regular(src.file) ? -Errno.EOPNOTSUPP : -Errno.EINVAL;
    }
    default: break;
  }
  const tty = f.terminal();
  if (tty === undefined) return -Errno.ENOTTY;
  switch (req) {
    case Ioctl.TCGETS: return put(t, arg, defaultTermios());
    case Ioctl.TCSETS: case Ioctl.TCSETSW: case Ioctl.TCSETSF: case Ioctl.TIOCSWINSZ: return 0;
    case Ioctl.TIOCGPGRP: case Ioctl.TIOCGSID: {
      const c = controllingTerminal(t);
      return typeof c === "number" ? c : putU32s(t, arg, req === Ioctl.TIOCGPGRP ? c.pgrp : c.sid);
    }
    case Ioctl.TIOCSPGRP: return setForeground(t, arg);
    case Ioctl.TIOCGWINSZ: {
      const b = new Uint8Array(8);
      const v = new DataView(b.buffer);
      v.setUint16(0, tty.rows, true);
      v.setUint16(2, tty.cols, true);
      return put(t, arg, b);
    }
    default: return -Errno.ENOTTY;
  }
}

/** The caller's controlling terminal (the host's, for the first process's session), or -ENOTTY (Linux: a terminal that is not the caller's). */
function controllingTerminal(t: Thread): { readonly sid: number; pgrp: number } | number {
  const c = t.proc.kernel.terminal;
  return c !== undefined && c.sid === t.proc.sid ? c : -Errno.ENOTTY;
}

/**
 * TIOCSPGRP (tcsetpgrp): the foreground process group of the caller's controlling
 * terminal, as Linux's tiocspgrp checks it: EINVAL for a negative id, ESRCH when no
 * process has it, EPERM when its group is in another session. (Linux first stops a caller
 * in a background group with SIGTTOU unless it ignores or blocks it; wasmu has no stopped
 * processes and lets the call through, as shells ignore SIGTTOU around it anyway.)
 */
function setForeground(t: Thread, arg: number): number {
  const c = controllingTerminal(t);
  if (typeof c === "number") return c;
  const b = get(t, arg, 4);
  if (typeof b === "number") return b;
  const pgrp = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
  if (pgrp < 0) return -Errno.EINVAL;
  const kernel = t.proc.kernel;
  const group = kernel.processGroup(pgrp);
  const owner = group[0] ?? kernel.processes.get(pgrp);
  if (owner === undefined) return -Errno.ESRCH;
  if (owner.sid !== t.proc.sid) return -Errno.EPERM;
  c.pgrp = pgrp;
  return 0;
}

/** The descriptor-table handlers. */
export const fileFdSyscalls: SyscallFamily = {
  close: (t, a) => t.proc.files.close(int(a[0])),
  dup: (t, a) => {
    const f = fileOf(t, int(a[0]));
    return typeof f === "number" ? f : t.proc.files.install(f.ref(), false);
  },
  dup3: (t, a) => {
    const [oldfd, newfd, flags] = [int(a[0]), int(a[1]), uint(a[2])];
    if ((flags & ~O.CLOEXEC) !== 0) return -Errno.EINVAL;
    if (oldfd === newfd) return -Errno.EINVAL;
    const f = fileOf(t, oldfd);
    return typeof f === "number" ? f : t.proc.files.installAt(newfd, f.ref(), (flags & O.CLOEXEC) !== 0);
  },
  fcntl: (t, a) => fcntl(t, int(a[0]), int(a[1]), a[2]),
  ioctl: (t, a) => ioctl(t, int(a[0]), uint(a[1]), addr(a[2])),
  eventfd2: (t, a) => {
    const flags = uint(a[1]);
    if ((flags & ~(Efd.SEMAPHORE | Efd.CLOEXEC | Efd.NONBLOCK)) !== 0) return -Errno.EINVAL;
    return t.proc.files.install(new EventFd(BigInt(uint(a[0])), (flags & Efd.SEMAPHORE) !== 0, flags), (flags & O.CLOEXEC) !== 0);
  },
  pipe2: (t, a) => {
    const flags = uint(a[1]);
    if ((flags & ~(O.CLOEXEC | O.NONBLOCK | O.DIRECT)) !== 0) return -Errno.EINVAL;
    const [r, w] = createPipe(flags);
    return installPair(t, r, w, (flags & O.CLOEXEC) !== 0, addr(a[0]));
  },
};
