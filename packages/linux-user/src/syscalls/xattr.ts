/**
 * Extended attributes (getxattr, listxattr, setxattr, removexattr and their l / f forms).
 * Node has no interface to the host's extended attributes, so wasmu shows every file as
 * having none, with the errors Linux gives for that state: a list is empty (0), a get or
 * remove of a well-formed name is ENODATA, a name outside the known namespaces is
 * EOPNOTSUPP, an empty or over-long name ERANGE, and a set is EOPNOTSUPP (what a file
 * system without xattr support answers). The path or descriptor is checked first, so
 * ENOENT / EBADF come as Linux gives them. `ls -l` asks these of every file (the ACL and
 * SELinux markers).
 *
 * @module
 */
import * as fs from "node:fs";
import { Errno, errnoFromHost } from "../errno.js";
import type { Thread } from "../process/process.js";
import { addr, AT, int } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { fileOf, pathAt } from "./files-common.js";
import { hostPath } from "../fs/host-path.js";

/** XATTR_NAME_MAX. */
const XATTR_NAME_MAX = 255;
/** setxattr flags XATTR_CREATE | XATTR_REPLACE. */
const XATTR_FLAGS = 3;
const NAMESPACES = ["user.", "trusted.", "security.", "system."];

/** The file named by a path argument (following links or not): 0 when it exists, or -errno. */
function checkPath(t: Thread, ptr: number, follow: boolean): number {
  const h = pathAt(t, AT.FDCWD, ptr, follow);
  if (typeof h === "number") return h;
  try {
    if (follow) fs.statSync(hostPath(h));
    else fs.lstatSync(hostPath(h));
    return 0;
  } catch (e) {
    return -errnoFromHost(e);
  }
}

/** The attribute name argument: 0 when well formed, or -errno (EFAULT, ERANGE, EOPNOTSUPP). */
function checkName(t: Thread, ptr: number): number {
  if (ptr <= 0) return -Errno.EFAULT;
  const s = t.proc.mm.readCString(ptr, XATTR_NAME_MAX + 1);
  if (typeof s === "number") return s === -Errno.ENAMETOOLONG ? -Errno.ERANGE : s;
  if (s.length === 0 || s.length > XATTR_NAME_MAX) return -Errno.ERANGE;
  const name = Buffer.from(s).toString("latin1");
  return NAMESPACES.some((n) => name.startsWith(n)) ? 0 : -Errno.EOPNOTSUPP;
}

/** Checks the target (path or fd) then the name; `answer` is the result for a valid request. */
function byPath(follow: boolean, answer: number, named: boolean): (t: Thread, a: readonly bigint[]) => number {
  return (t, a) => checkPath(t, addr(a[0]!), follow) || (named ? checkName(t, addr(a[1]!)) : 0) || answer;
}

function byFd(answer: number, named: boolean): (t: Thread, a: readonly bigint[]) => number {
  return (t, a) => {
    const f = fileOf(t, int(a[0]!));
    if (typeof f === "number") return f;
    return (named ? checkName(t, addr(a[1]!)) : 0) || answer;
  };
}

function setter(target: (t: Thread, a: readonly bigint[]) => number): (t: Thread, a: readonly bigint[]) => number {
  return (t, a) => ((int(a[4]!) & ~XATTR_FLAGS) !== 0 ? -Errno.EINVAL : target(t, a));
}

/** The extended-attribute handlers. */
export const xattrSyscalls: SyscallFamily = {
  getxattr: byPath(true, -Errno.ENODATA, true),
  lgetxattr: byPath(false, -Errno.ENODATA, true),
  fgetxattr: byFd(-Errno.ENODATA, true),
  listxattr: byPath(true, 0, false),
  llistxattr: byPath(false, 0, false),
  flistxattr: byFd(0, false),
  removexattr: byPath(true, -Errno.ENODATA, true),
  lremovexattr: byPath(false, -Errno.ENODATA, true),
  fremovexattr: byFd(-Errno.ENODATA, true),
  setxattr: setter(byPath(true, -Errno.EOPNOTSUPP, true)),
  lsetxattr: setter(byPath(false, -Errno.EOPNOTSUPP, true)),
  fsetxattr: setter(byFd(-Errno.EOPNOTSUPP, true)),
};
