// A writer of "newc" cpio archives (the format of Linux initramfs images), so that the
// bench builds its initramfs without cpio or root: device nodes are just headers.

/** One member of the archive. */
export type CpioEntry =
  | { readonly kind: "dir"; readonly path: string; readonly mode?: number }
  | { readonly kind: "file"; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string }
  | { readonly kind: "char"; readonly path: string; readonly major: number; readonly minor: number; readonly mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/** Pads to a multiple of 4 bytes, as newc wants after the header+name and after the data. */
function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

/**
 * The archive of `entries`, in order, with the TRAILER!!! member; owner root, mtime 0,
 * so that the same entries always give the same bytes.
 */
export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const member = (path: string, mode: number, data: Uint8Array, nlink: number, rdev: [number, number] = [0, 0]): void => {
    const name = Buffer.from(`${path}\0`, "utf8");
    const header =
      "070701" +
      [ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], name.length, 0].map(hex8).join("");
    parts.push(Buffer.from(header, "ascii"), name, Buffer.alloc(pad4(110 + name.length)));
    parts.push(Buffer.from(data), Buffer.alloc(pad4(data.length)));
  };
  for (const e of entries) {
    switch (e.kind) {
      case "dir":
        member(e.path, S_IFDIR | (e.mode ?? 0o755), new Uint8Array(0), 2);
        break;
      case "file":
        member(e.path, S_IFREG | (e.mode ?? 0o644), e.data, 1);
        break;
      case "symlink":
        member(e.path, S_IFLNK | 0o777, Buffer.from(e.target, "utf8"), 1);
        break;
      case "char":
        member(e.path, S_IFCHR | (e.mode ?? 0o600), new Uint8Array(0), 1, [e.major, e.minor]);
        break;
    }
  }
  ino = 0;
  member("TRAILER!!!", 0, new Uint8Array(0), 1);
  return Buffer.concat(parts);
}
