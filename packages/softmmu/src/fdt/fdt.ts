/**
 * Flattened device tree (devicetree specification v0.4, chapter 5: "Flattened Devicetree
 * (DTB) Format"): an in-memory tree of nodes and properties, a writer that serialises it
 * to a version-17 blob, and a reader that parses a blob back (for `-dtb FILE`, whose
 * /chosen the machine still updates as QEMU does, and for tests).
 *
 * Blob layout written here: 40-byte header, memory reservation block (empty: one
 * terminating pair of zeros), structure block (FDT_BEGIN_NODE/PROP/END_NODE/END tokens,
 * 4-byte aligned), strings block (property names, each stored once). All big-endian.
 */

export const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const HEADER_SIZE = 40;
const FDT_VERSION = 17;
const FDT_LAST_COMP_VERSION = 16;

/** A malformed blob or an invalid tree operation. */
export class FdtError extends Error {
  override name = "FdtError";
}

/** One property value: raw bytes, with typed helpers to build and read them. */
export type FdtValue = Uint8Array;

export function fdtCells(...cells: readonly number[]): FdtValue {
  const out = new Uint8Array(cells.length * 4);
  const dv = new DataView(out.buffer);
  cells.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) throw new FdtError(`cell ${c} is not a u32`);
    dv.setUint32(i * 4, c);
  });
  return out;
}

/** 64-bit values as pairs of cells (high, low): `reg` with #address-cells = #size-cells = 2. */
export function fdtU64Cells(...values: readonly bigint[]): FdtValue {
  const cells: number[] = [];
  for (const v of values) cells.push(Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn));
  return fdtCells(...cells);
}

/** One or more NUL-terminated strings (a string list when several). */
export function fdtStrings(...strings: readonly string[]): FdtValue {
  const enc = new TextEncoder();
  const parts = strings.map((s) => {
    if (s.includes("\0")) throw new FdtError("a device-tree string cannot contain NUL");
    return enc.encode(s);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length + 1;
  }
  return out;
}

export class FdtNode {
  readonly props = new Map<string, FdtValue>();
  readonly children: FdtNode[] = [];

  constructor(readonly name: string) {
    if (name.includes("/")) throw new FdtError(`node name '${name}' contains '/'`);
  }

  /** Adds a child (error if one of that name exists). */
  addNode(name: string): FdtNode {
    if (this.child(name)) throw new FdtError(`node '${name}' already exists under '${this.name || "/"}'`);
    const n = new FdtNode(name);
    this.children.push(n);
    return n;
  }

  child(name: string): FdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  /** The child with this name, created if absent. */
  ensureNode(name: string): FdtNode {
    return this.child(name) ?? this.addNode(name);
  }

  set(name: string, value: FdtValue): this {
    this.props.set(name, value);
    return this;
  }

  setCells(name: string, ...cells: readonly number[]): this {
    return this.set(name, fdtCells(...cells));
  }

  setString(name: string, ...strings: readonly string[]): this {
    return this.set(name, fdtStrings(...strings));
  }

  /** A property without a value (`interrupt-controller;`). */
  setEmpty(name: string): this {
    return this.set(name, new Uint8Array(0));
  }

  get(name: string): FdtValue | undefined {
    return this.props.get(name);
  }

  getCells(name: string): number[] | undefined {
    const v = this.props.get(name);
    if (!v) return undefined;
    if (v.length % 4 !== 0) throw new FdtError(`property '${name}' is not a list of cells`);
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(i * 4));
  }

  getStrings(name: string): string[] | undefined {
    const v = this.props.get(name);
    if (!v) return undefined;
    if (v.length === 0 || v[v.length - 1] !== 0) throw new FdtError(`property '${name}' is not a string list`);
    return new TextDecoder().decode(v.subarray(0, v.length - 1)).split("\0");
  }
}

/** A device tree: the root node plus the blob header's boot CPU and phandle allocation. */
export class Fdt {
  readonly root = new FdtNode("");
  bootCpuId = 0;
  private nextPhandle = 1;

  /** A fresh phandle value (1, 2, …), skipping any already used in the tree. */
  allocPhandle(): number {
    const used = new Set<number>();
    walk(this.root, (n) => {
      const p = n.getCells("phandle");
      if (p?.length === 1) used.add(p[0]!);
    });
    while (used.has(this.nextPhandle)) this.nextPhandle++;
    return this.nextPhandle++;
  }

  /** The node at an absolute path such as `/soc/serial@10000000`. */
  node(path: string): FdtNode | undefined {
    if (!path.startsWith("/")) throw new FdtError(`path '${path}' is not absolute`);
    let n: FdtNode | undefined = this.root;
    for (const part of path.split("/").filter((p) => p !== "")) {
      n = n.child(part);
      if (!n) return undefined;
    }
    return n;
  }

  /** The node at `path`, creating the missing nodes along it. */
  ensureNode(path: string): FdtNode {
    if (!path.startsWith("/")) throw new FdtError(`path '${path}' is not absolute`);
    let n = this.root;
    for (const part of path.split("/").filter((p) => p !== "")) n = n.ensureNode(part);
    return n;
  }

  /** Serialises the tree to a DTB (version 17). */
  toBlob(): Uint8Array {
    const strings: number[] = [];
    const stringOffsets = new Map<string, number>();
    const enc = new TextEncoder();
    const nameOffset = (name: string): number => {
      let off = stringOffsets.get(name);
      if (off === undefined) {
        off = strings.length;
        stringOffsets.set(name, off);
        strings.push(...enc.encode(name), 0);
      }
      return off;
    };

    const struct: number[] = [];
    const u32 = (v: number) => struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    const pad = () => {
      while (struct.length % 4 !== 0) struct.push(0);
    };
    const emit = (node: FdtNode) => {
      u32(FDT_BEGIN_NODE);
      struct.push(...enc.encode(node.name), 0);
      pad();
      for (const [name, value] of node.props) {
        u32(FDT_PROP);
        u32(value.length);
        u32(nameOffset(name));
        for (const b of value) struct.push(b);
        pad();
      }
      for (const c of node.children) emit(c);
      u32(FDT_END_NODE);
    };
    emit(this.root);
    u32(FDT_END);

    const rsvmapOff = HEADER_SIZE; // 8-aligned
    const structOff = rsvmapOff + 16;
    const stringsOff = structOff + struct.length;
    const total = stringsOff + strings.length;
    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, FDT_MAGIC);
    dv.setUint32(4, total);
    dv.setUint32(8, structOff);
    dv.setUint32(12, stringsOff);
    dv.setUint32(16, rsvmapOff);
    dv.setUint32(20, FDT_VERSION);
    dv.setUint32(24, FDT_LAST_COMP_VERSION);
    dv.setUint32(28, this.bootCpuId);
    dv.setUint32(32, strings.length);
    dv.setUint32(36, struct.length);
    out.set(struct, structOff);
    out.set(strings, stringsOff);
    return out;
  }

  /** Parses a DTB (versions 16 and 17). Throws FdtError on a malformed blob. */
  static parse(blob: Uint8Array): Fdt {
    if (blob.length < HEADER_SIZE) throw new FdtError("device tree blob shorter than its header");
    const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    if (dv.getUint32(0) !== FDT_MAGIC) throw new FdtError("not a device tree blob (bad magic)");
    const total = dv.getUint32(4);
    const structOff = dv.getUint32(8);
    const stringsOff = dv.getUint32(12);
    const version = dv.getUint32(20);
    const lastComp = dv.getUint32(24);
    if (total > blob.length) throw new FdtError(`device tree blob truncated (${blob.length} of ${total} bytes)`);
    if (lastComp > FDT_VERSION || version < 16) throw new FdtError(`unsupported device tree version ${version}`);
    const structSize = version >= 17 ? dv.getUint32(36) : total - structOff;
    const stringsSize = dv.getUint32(32);
    if (structOff + structSize > total || stringsOff + stringsSize > total) throw new FdtError("device tree blocks exceed the blob");

    const fdt = new Fdt();
    fdt.bootCpuId = dv.getUint32(28);
    const dec = new TextDecoder();
    const cstr = (at: number, limit: number): [string, number] => {
      let end = at;
      while (end < limit && blob[end] !== 0) end++;
      if (end >= limit) throw new FdtError("unterminated string in device tree blob");
      return [dec.decode(blob.subarray(at, end)), end + 1];
    };
    const align = (n: number) => (n + 3) & ~3;
    const structEnd = structOff + structSize;
    let at = structOff;
    const stack: FdtNode[] = [];
    let sawRoot = false;
    for (;;) {
      if (at + 4 > structEnd) throw new FdtError("device tree structure block ends without FDT_END");
      const token = dv.getUint32(at);
      at += 4;
      if (token === FDT_BEGIN_NODE) {
        const [name, next] = cstr(at, structEnd);
        at = align(next);
        if (stack.length === 0) {
          if (sawRoot) throw new FdtError("device tree has two root nodes");
          sawRoot = true;
          stack.push(fdt.root);
        } else {
          const n = new FdtNode(name);
          stack[stack.length - 1]!.children.push(n);
          stack.push(n);
        }
      } else if (token === FDT_PROP) {
        if (stack.length === 0 || at + 8 > structEnd) throw new FdtError("property outside a node");
        const len = dv.getUint32(at);
        const nameOff = dv.getUint32(at + 4);
        at += 8;
        if (at + len > structEnd) throw new FdtError("property value exceeds the structure block");
        const [name] = cstr(stringsOff + nameOff, stringsOff + stringsSize);
        stack[stack.length - 1]!.props.set(name, blob.slice(at, at + len));
        at = align(at + len);
      } else if (token === FDT_END_NODE) {
        if (stack.pop() === undefined) throw new FdtError("unbalanced FDT_END_NODE");
      } else if (token === FDT_NOP) {
        continue;
      } else if (token === FDT_END) {
        if (stack.length !== 0) throw new FdtError("FDT_END inside a node");
        break;
      } else {
        throw new FdtError(`bad device tree token ${token} at offset ${at - 4}`);
      }
    }
    if (!sawRoot) throw new FdtError("device tree has no root node");
    return fdt;
  }
}

function walk(n: FdtNode, f: (n: FdtNode) => void): void {
  f(n);
  for (const c of n.children) walk(c, f);
}
