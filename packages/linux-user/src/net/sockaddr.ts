/**
 * Socket addresses as the riscv64 ABI lays them out (struct sockaddr_un, sockaddr_in,
 * sockaddr_in6) and the socket constants (linux/socket.h, linux/net.h, linux/in.h):
 * decoding what a guest passes to bind/connect/sendto, encoding what getsockname,
 * getpeername, accept and recvfrom hand back (with Linux's address lengths: a pathname
 * unix address counts its NUL, an unnamed one is just the family).
 *
 * @module
 */
import { isIPv4 } from "node:net";
import { Errno } from "../errno.js";

/** Address families. */
export const AF = { UNSPEC: 0, UNIX: 1, INET: 2, INET6: 10, NETLINK: 16, PACKET: 17 } as const;
/** Socket types (the low 4 bits of socket()'s type; SOCK_NONBLOCK and SOCK_CLOEXEC above). */
export const SOCK = { STREAM: 1, DGRAM: 2, RAW: 3, SEQPACKET: 5, TYPE_MASK: 0xf, NONBLOCK: 0o4000, CLOEXEC: 0o2000000 } as const;
/** send/recv flags. */
export const MSG = {
  OOB: 1, PEEK: 2, DONTROUTE: 4, CTRUNC: 8, TRUNC: 0x20, DONTWAIT: 0x40, EOR: 0x80, WAITALL: 0x100, NOSIGNAL: 0x4000,
  CMSG_CLOEXEC: 0x40000000,
} as const;
/** sizeof(struct sockaddr_un): family + 108 bytes of path. */
export const SUN_PATH_MAX = 108;

/** A decoded socket address. */
export type SockAddr =
  | { readonly family: 1; readonly path: Uint8Array } // AF_UNIX: raw sun_path (empty: unnamed; [0]=0: abstract)
  | { readonly family: 2 | 10; readonly host: string; readonly port: number; readonly flowinfo?: number; readonly scope?: number };

/** The unnamed unix address. */
export const UNNAMED: SockAddr = { family: AF.UNIX, path: new Uint8Array(0) };

/** Decodes `len` bytes of a guest sockaddr for a socket of `domain`: the address or -errno. */
export function decodeSockAddr(b: Uint8Array, domain: number): SockAddr | number {
  if (b.length < 2) return -Errno.EINVAL;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const family = v.getUint16(0, true);
  if (domain === AF.UNIX) {
    if (family !== AF.UNIX) return -Errno.EINVAL;
    if (b.length > 2 + SUN_PATH_MAX) return -Errno.EINVAL;
    let path = b.subarray(2);
    // A pathname ends at its first NUL; an abstract name (leading NUL) uses every byte.
    if (path.length > 0 && path[0] !== 0) {
      const nul = path.indexOf(0);
      if (nul >= 0) path = path.subarray(0, nul);
    }
    return { family: AF.UNIX, path: path.slice() };
  }
  if (domain === AF.INET) {
    if (b.length < 16) return -Errno.EINVAL;
    if (family !== AF.INET) return -Errno.EAFNOSUPPORT;
    return { family: AF.INET, port: v.getUint16(2, false), host: `${b[4]}.${b[5]}.${b[6]}.${b[7]}` };
  }
  if (domain === AF.INET6) {
    if (b.length < 24) return -Errno.EINVAL;
    if (family !== AF.INET6) return -Errno.EAFNOSUPPORT;
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(v.getUint16(8 + i * 2, false).toString(16));
    return { family: AF.INET6, port: v.getUint16(2, false), flowinfo: v.getUint32(4, false), host: compressV6(groups), scope: b.length >= 28 ? v.getUint32(24, true) : 0 };
  }
  return -Errno.EAFNOSUPPORT;
}

function compressV6(groups: string[]): string {
  // The longest run of zero groups becomes "::" (RFC 5952), so Node and humans read it alike.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

/** The 16 bytes of a textual IPv6 address (Node's form: "::", "::ffff:1.2.3.4", "fe80::1%lo"). */
function v6Bytes(host: string): Uint8Array {
  let h = host.replace(/%.*$/, "");
  const m = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (m !== null) {
    const [p0, p1, p2, p3] = m.slice(2).map(Number) as [number, number, number, number];
    h = `${m[1]!}${((p0 << 8) | p1).toString(16)}:${((p2 << 8) | p3).toString(16)}`;
  }
  const halves = h.split("::");
  const parse = (s: string): number[] => (s === "" ? [] : s.split(":").map((x) => parseInt(x, 16) || 0));
  const head = parse(halves[0]!);
  const tail = halves.length > 1 ? parse(halves[1]!) : [];
  const groups = halves.length > 1 ? [...head, ...new Array<number>(Math.max(0, 8 - head.length - tail.length)).fill(0), ...tail] : head;
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  groups.slice(0, 8).forEach((g, i) => v.setUint16(i * 2, g, false));
  return out;
}

/** Encodes `a` as the guest's struct sockaddr (Linux's length for it). */
export function encodeSockAddr(a: SockAddr): Uint8Array {
  if (a.family === AF.UNIX) {
    const abstract = a.path.length > 0 && a.path[0] === 0;
    const b = new Uint8Array(2 + a.path.length + (a.path.length > 0 && !abstract ? 1 : 0));
    new DataView(b.buffer).setUint16(0, AF.UNIX, true);
    b.set(a.path, 2);
    return b;
  }
  if (a.family === AF.INET) {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setUint16(0, AF.INET, true);
    v.setUint16(2, a.port, false);
    const host = a.host.startsWith("::ffff:") ? a.host.slice(7) : a.host;
    const p = isIPv4(host) ? host.split(".").map(Number) : [0, 0, 0, 0];
    b.set(p, 4);
    return b;
  }
  const b = new Uint8Array(28);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF.INET6, true);
  v.setUint16(2, a.port, false);
  v.setUint32(4, a.flowinfo ?? 0, false);
  b.set(isIPv4(a.host) ? v6Bytes(`::ffff:${a.host}`) : v6Bytes(a.host), 8);
  v.setUint32(24, a.scope ?? 0, true);
  return b;
}
