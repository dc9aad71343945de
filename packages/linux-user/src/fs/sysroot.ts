/**
 * Guest paths to host paths, with the `-L` sysroot applied to every path-taking system
 * call (QEMU applies it to only some; oracles.md).
 *
 * An absolute guest path is looked up inside the sysroot first, component by component,
 * following symbolic links *inside* the sysroot (an absolute link target such as
 * `/etc/alternatives/awk` restarts at the sysroot, not at the host's root). When a
 * component does not exist there, the path is the host's own (QEMU's rule: sysroot files
 * shadow host files, everything else is the host's — `/tmp`, `/dev/null`, `/proc`).
 * Relative paths are relative to a host directory (the cwd or a dirfd's directory), as
 * the host kernel would resolve them.
 *
 * @module
 */
import { lstatSync, readlinkSync } from "node:fs";
import { decodeBytes, hostPath } from "./host-path.js";
import { posix } from "node:path";

/** Linux's limit on symbolic links followed in one lookup. */
const MAX_SYMLINKS = 40;

/** Resolution of guest paths against a sysroot. */
export class Sysroot {
  /**
   * @param root the sysroot's host directory (absolute, no trailing slash), or undefined
   *   for none (guest paths are host paths).
   */
  constructor(readonly root: string | undefined) {}

  /**
   * The host path of `guestPath`, relative ones against host directory `base`. `follow`:
   * whether a symbolic link in the last component is followed (false for lstat, unlink,
   * readlink, O_NOFOLLOW...).
   */
  resolve(guestPath: string, base: string, follow = true): string {
    if (!guestPath.startsWith("/")) return posix.join(base, guestPath) || "/";
    if (this.root === undefined) return guestPath;
    const inside = this.lookup(guestPath, follow);
    return inside ?? guestPath;
  }

  /** The guest's view of a host path: inside the sysroot, the path without the sysroot prefix. */
  guestView(hostPath: string): string {
    const r = this.root;
    if (r === undefined) return hostPath;
    if (hostPath === r) return "/";
    return hostPath.startsWith(`${r}/`) ? hostPath.slice(r.length) : hostPath;
  }

  /** Walks `path` inside the sysroot; the host path, or undefined when a component is missing there. */
  private lookup(path: string, follow: boolean): string | undefined {
    const root = this.root!;
    let pending = path.split("/").filter((c) => c !== "" && c !== ".");
    const done: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const c = pending[0]!;
      pending = pending.slice(1);
      if (c === "..") {
        done.pop();
        continue;
      }
      const host = `${root}/${[...done, c].join("/")}`;
      let isLink: boolean;
      try {
        isLink = lstatSync(hostPath(host)).isSymbolicLink();
      } catch {
        return undefined;
      }
      if (isLink && (pending.length > 0 || follow)) {
        if (++links > MAX_SYMLINKS) return undefined;
        const target = decodeBytes(readlinkSync(hostPath(host), { encoding: "buffer" }));
        const parts = target.split("/").filter((x) => x !== "" && x !== ".");
        if (target.startsWith("/")) done.length = 0;
        pending = [...parts, ...pending];
        continue;
      }
      done.push(c);
    }
    return done.length === 0 ? root : `${root}/${done.join("/")}`;
  }
}
