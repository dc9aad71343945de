// A reader for the device-tree source that `dtc -I dtb -O dts` prints, into a tree whose
// property values are bytes again, so that QEMU's tree (decompiled by dtc, or recorded)
// and ours (decompiled by dtc, or parsed by our own reader) compare on one model.
import type { Fdt} from "../../src/index.js";
import { type FdtNode } from "../../src/index.js";

export interface DtNode {
  readonly path: string;
  readonly props: Map<string, Uint8Array>;
  readonly children: Map<string, DtNode>;
}

export function fromFdt(fdt: Fdt): DtNode {
  const conv = (n: FdtNode, path: string): DtNode => {
    const children = new Map<string, DtNode>();
    for (const c of n.children) children.set(c.name, conv(c, path === "/" ? `/${c.name}` : `${path}/${c.name}`));
    return { path, props: new Map(n.props), children };
  };
  return conv(fdt.root, "/");
}

export function parseDts(text: string): DtNode {
  let i = 0;
  const src = text;
  const ws = () => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i]!)) i++;
      if (src.startsWith("//", i)) i = src.indexOf("\n", i) < 0 ? src.length : src.indexOf("\n", i);
      else if (src.startsWith("/*", i)) i = src.indexOf("*/", i) + 2;
      else return;
    }
  };
  const expect = (s: string) => {
    ws();
    if (!src.startsWith(s, i)) throw new Error(`dts: expected '${s}' at ${i}: ${src.slice(i, i + 40)}`);
    i += s.length;
  };
  const ident = () => {
    ws();
    const m = /^[A-Za-z0-9,._+#?@-]+/.exec(src.slice(i));
    if (!m) throw new Error(`dts: expected a name at ${i}: ${src.slice(i, i + 40)}`);
    i += m[0].length;
    return m[0];
  };
  const value = (): number[] => {
    const bytes: number[] = [];
    for (;;) {
      ws();
      if (src[i] === "<") {
        i++;
        for (;;) {
          ws();
          if (src[i] === ">") {
            i++;
            break;
          }
          const m = /^(0x[0-9a-fA-F]+|\d+)/.exec(src.slice(i));
          if (!m) throw new Error(`dts: bad cell at ${i}: ${src.slice(i, i + 20)}`);
          i += m[0].length;
          const v = Number(m[0]);
          bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
        }
      } else if (src[i] === '"') {
        i++;
        while (src[i] !== '"') {
          if (src[i] === "\\") {
            const e = src[i + 1]!;
            if (/[0-7]/.test(e)) {
              const m = /^[0-7]{1,3}/.exec(src.slice(i + 1))!;
              bytes.push(parseInt(m[0], 8));
              i += 1 + m[0].length;
              continue;
            }
            if (e === "x") {
              const m = /^[0-9a-fA-F]{1,2}/.exec(src.slice(i + 2))!;
              bytes.push(parseInt(m[0], 16));
              i += 2 + m[0].length;
              continue;
            }
            const map: Record<string, number> = { n: 10, t: 9, r: 13, "\\": 92, '"': 34, a: 7, b: 8, v: 11, f: 12 };
            bytes.push(map[e] ?? e.charCodeAt(0));
            i += 2;
          } else {
            bytes.push(...new TextEncoder().encode(src[i]));
            i++;
          }
        }
        i++;
        bytes.push(0);
      } else if (src[i] === "[") {
        i++;
        const end = src.indexOf("]", i);
        for (const h of src.slice(i, end).trim().split(/\s+/).filter((x) => x)) bytes.push(parseInt(h, 16));
        i = end + 1;
      } else {
        throw new Error(`dts: bad value at ${i}: ${src.slice(i, i + 20)}`);
      }
      ws();
      if (src[i] === ",") {
        i++;
        continue;
      }
      return bytes;
    }
  };
  const node = (path: string): DtNode => {
    expect("{");
    const n: DtNode = { path, props: new Map(), children: new Map() };
    for (;;) {
      ws();
      if (src[i] === "}") {
        i++;
        expect(";");
        return n;
      }
      const name = ident();
      ws();
      if (src[i] === "{") {
        n.children.set(name, node(path === "/" ? `/${name}` : `${path}/${name}`));
      } else if (src[i] === ";") {
        i++;
        n.props.set(name, new Uint8Array(0));
      } else {
        expect("=");
        n.props.set(name, Uint8Array.from(value()));
        expect(";");
      }
    }
  };
  expect("/dts-v1/;");
  ws();
  while (src.startsWith("/memreserve/", i)) i = src.indexOf(";", i) + 1;
  expect("/");
  return node("/");
}

/** Every node of a tree, by path. */
export function nodesByPath(root: DtNode): Map<string, DtNode> {
  const out = new Map<string, DtNode>();
  const walk = (n: DtNode) => {
    out.set(n.path, n);
    for (const c of n.children.values()) walk(c);
  };
  walk(root);
  return out;
}

export function cells(v: Uint8Array): number[] {
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: v.length >> 2 }, (_, k) => dv.getUint32(k * 4));
}

/** A big-endian number of 1 or 2 cells (linux,initrd-start is either). */
export function cellsNumber(v: Uint8Array): bigint {
  return cells(v).reduce((acc, c) => (acc << 32n) | BigInt(c), 0n);
}

/** phandle -> path of the node that declares it. */
export function phandlePaths(root: DtNode): Map<number, string> {
  const out = new Map<number, string>();
  for (const n of nodesByPath(root).values()) {
    const p = n.props.get("phandle");
    if (p) out.set(cells(p)[0]!, n.path);
  }
  return out;
}
