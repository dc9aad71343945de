/**
 * Boot images built by wasmu's own code: a writer of "newc" cpio archives (the format of
 * Linux's initramfs, Documentation/driver-api/early-userspace/buffer-format.rst), so that
 * no cpio program and no root are needed (device nodes are just headers), and the
 * busybox initramfs the boot tests and the boot bench use.
 *
 * The busybox initramfs's /init mounts /proc, /sys and /dev, runs the command given on
 * the kernel command line as `wasmu.run="..."` (read from /proc/cmdline: the kernel
 * keeps a parameter with a dot for a module and hands it to no one, so nothing else sees
 * it) or, without one, {@link INITRAMFS_DEFAULT_COMMAND}; prints
 * `INITRAMFS_MARKER status N` with the command's exit status; and powers off at once
 * (`poweroff -f`: no init system to ask). Browser-safe: bytes in, bytes out.
 *
 * @module
 */

/** One member of a cpio archive. */
export type CpioEntry =
  | { readonly kind: "dir"; readonly path: string; readonly mode?: number }
  | { readonly kind: "file"; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string }
  | { readonly kind: "char"; readonly path: string; readonly major: number; readonly minor: number; readonly mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");
/** Bytes to the next multiple of 4: newc pads the header+name and the data. */
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

/**
 * The newc archive of `entries`, in order, ending with the TRAILER!!! member; owner root,
 * mtime 0, inode numbers from 1, so the same entries always give the same bytes.
 */
export function newcArchive(entries: readonly CpioEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array): void => {
    parts.push(b);
    size += b.length;
  };
  let ino = 1;
  const member = (path: string, mode: number, data: Uint8Array, nlink: number, rdev: readonly [number, number] = [0, 0], inode = ino++): void => {
    const name = enc.encode(`${path}\0`);
    // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
    push(enc.encode(`070701${[inode, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], name.length, 0].map(hex8).join("")}`));
    push(name);
    push(new Uint8Array(pad4(110 + name.length)));
    push(data);
    push(new Uint8Array(pad4(data.length)));
  };
  for (const e of entries) {
    if (e.path.startsWith("/") || e.path === "") throw new RangeError(`cpio member path '${e.path}': relative paths only`);
    switch (e.kind) {
      case "dir": member(e.path, S_IFDIR | (e.mode ?? 0o755), new Uint8Array(0), 2); break;
      case "file": member(e.path, S_IFREG | (e.mode ?? 0o644), e.data, 1); break;
      case "symlink": member(e.path, S_IFLNK | 0o777, enc.encode(e.target), 1); break;
      case "char": member(e.path, S_IFCHR | (e.mode ?? 0o600), new Uint8Array(0), 1, [e.major, e.minor]); break;
    }
  }
  member("TRAILER!!!", 0, new Uint8Array(0), 1, [0, 0], 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** What /init prints when the command has run, followed by ` status N`, before powering off. */
export const INITRAMFS_MARKER = "wasmu-initramfs: done";
/** The command /init runs when the kernel command line has no `wasmu.run=`: the CPUs Linux brought up. */
export const INITRAMFS_DEFAULT_COMMAND = 'echo "wasmu-initramfs: booted with $(nproc) CPUs"';

/**
 * /init. The command comes from /proc/cmdline, where the kernel keeps the quotes:
 * `wasmu.run="echo hi; uname -m"` is everything between the quotes (no `"` inside).
 */
export const INITRAMFS_INIT = `#!/bin/busybox sh
# wasmu's initramfs /init (packages/softmmu/src/boot/initramfs.ts).
/bin/busybox mkdir -p /proc /sys /dev /tmp /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/ TERM=linux
cmd=$(sed -n 's/.*wasmu\\.run="\\([^"]*\\)".*/\\1/p' /proc/cmdline)
[ -n "$cmd" ] || cmd='${INITRAMFS_DEFAULT_COMMAND}'
sh -c "$cmd"
echo "${INITRAMFS_MARKER} status $?"
poweroff -f
`;

/** The initramfs: busybox (a static riscv64 build: Debian's busybox-static) as /bin/busybox, /bin/sh, /init, /dev/console. */
export function busyboxInitramfs(busybox: Uint8Array): Uint8Array {
  return newcArchive([
    { kind: "dir", path: "bin" },
    { kind: "file", path: "bin/busybox", data: busybox, mode: 0o755 },
    { kind: "symlink", path: "bin/sh", target: "busybox" },
    { kind: "dir", path: "dev" },
    // The kernel opens /dev/console for init's stdio before anything mounts /dev.
    { kind: "char", path: "dev/console", major: 5, minor: 1 },
    { kind: "char", path: "dev/null", major: 1, minor: 3, mode: 0o666 },
    { kind: "dir", path: "proc" },
    { kind: "dir", path: "sys" },
    { kind: "dir", path: "tmp", mode: 0o1777 },
    { kind: "file", path: "init", data: new TextEncoder().encode(INITRAMFS_INIT), mode: 0o755 },
  ]);
}
