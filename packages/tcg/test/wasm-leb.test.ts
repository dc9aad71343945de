import { describe, expect, it } from "vitest";
import {
  readSLeb32,
  readSLeb64,
  readULeb32,
  uLeb32Size,
  writeSLeb32,
  writeSLeb64,
  writeULeb32,
  writeULeb32Padded,
} from "../src/backend/wasm/leb.js";

function enc(f: (b: Uint8Array, o: number) => number): number[] {
  const b = new Uint8Array(16);
  return [...b.subarray(0, f(b, 0))];
}

describe("LEB128", () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [624485, [0xe5, 0x8e, 0x26]],
    [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    [0x80000000, [0x80, 0x80, 0x80, 0x80, 0x08]],
  ])("unsigned 32: %d", (v, bytes) => {
    expect(enc((b, o) => writeULeb32(b, o, v))).toEqual(bytes);
    expect(uLeb32Size(v)).toBe(bytes.length);
    expect(readULeb32(Uint8Array.from(bytes), 0)).toEqual({ value: v, next: bytes.length });
  });

  it.each([
    [0, [0x00]],
    [63, [0x3f]],
    [64, [0xc0, 0x00]],
    [-1, [0x7f]],
    [-64, [0x40]],
    [-65, [0xbf, 0x7f]],
    [-123456, [0xc0, 0xbb, 0x78]],
    [0x7fffffff, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [-0x80000000, [0x80, 0x80, 0x80, 0x80, 0x78]],
  ])("signed 32: %d", (v, bytes) => {
    expect(enc((b, o) => writeSLeb32(b, o, v))).toEqual(bytes);
    expect(enc((b, o) => writeSLeb64(b, o, v))).toEqual(bytes);
    expect(enc((b, o) => writeSLeb64(b, o, BigInt(v)))).toEqual(bytes);
    expect(readSLeb32(Uint8Array.from(bytes), 0)).toEqual({ value: v, next: bytes.length });
  });

  it("signed 32 takes unsigned inputs modulo 2^32", () => {
    expect(enc((b, o) => writeSLeb32(b, o, 0xffffffff))).toEqual([0x7f]);
  });

  it.each([
    [0n],
    [-1n],
    [0x7fffffffffffffffn],
    [-0x8000000000000000n],
    [0x80000000n],
    [-0x80000001n],
    [1n << 53n],
    [(1n << 53n) - 1n],
    [-(1n << 53n) + 1n],
    [0x123456789abcdefn],
  ])("signed 64 round trip: %s", (v) => {
    const b = new Uint8Array(16);
    const n = writeSLeb64(b, 0, v);
    expect(n).toBeLessThanOrEqual(10);
    expect(readSLeb64(b, 0)).toEqual({ value: v, next: n });
    if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
      const b2 = new Uint8Array(16);
      expect(writeSLeb64(b2, 0, Number(v))).toBe(n);
      expect([...b2.subarray(0, n)]).toEqual([...b.subarray(0, n)]);
    }
  });

  it("signed 64 takes unsigned bigints modulo 2^64", () => {
    expect(enc((b, o) => writeSLeb64(b, o, 0xffffffffffffffffn))).toEqual([0x7f]);
  });

  it("matches the number path for random safe integers", () => {
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      const v = (x >>> 11) * 2 ** 32 + (Math.imul(x, 7) >>> 0) - 2 ** 52;
      const a = new Uint8Array(16);
      const b = new Uint8Array(16);
      const na = writeSLeb64(a, 0, v);
      const nb = writeSLeb64(b, 0, BigInt(v));
      expect(na).toBe(nb);
      expect(a).toEqual(b);
    }
  });

  it("rejects unsafe numbers", () => {
    expect(() => writeSLeb64(new Uint8Array(16), 0, 2 ** 60)).toThrow(RangeError);
  });

  it("padded unsigned encodings decode to the same value", () => {
    for (const v of [0, 1, 127, 128, 0x3fff, 0x4000, 0xfffffff, 0xffffffff]) {
      const b = new Uint8Array(5);
      expect(writeULeb32Padded(b, 0, v)).toBe(5);
      expect(readULeb32(b, 0)).toEqual({ value: v, next: 5 });
    }
  });

  it("rejects truncated and oversized input", () => {
    expect(() => readULeb32(Uint8Array.from([0x80]), 0)).toThrow(RangeError);
    expect(() => readULeb32(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x1f]), 0)).toThrow(RangeError);
    expect(() => readSLeb32(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x4f]), 0)).toThrow(RangeError);
    expect(() => readSLeb32(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]), 0)).toThrow(RangeError);
  });
});
