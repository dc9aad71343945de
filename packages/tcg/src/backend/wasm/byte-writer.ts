/**
 * A growable little-endian byte buffer with LEB128 helpers: the storage underneath the
 * function and module builders. Reused across modules (`reset` keeps the allocation).
 */
import { writeSLeb32, writeSLeb64, writeSLeb64Halves, writeULeb32, writeULeb32Padded } from "./leb.js";

const scratch = new ArrayBuffer(8);
const scratchF32 = new Float32Array(scratch);
const scratchF64 = new Float64Array(scratch);
const scratchU32 = new Uint32Array(scratch);
const scratchU8 = new Uint8Array(scratch);

/** A growable byte buffer. `buf[0 .. pos)` holds the bytes written so far. */
export class ByteWriter {
  /** Backing storage; replaced when it grows, so do not keep references to it. */
  buf: Uint8Array;
  /** Number of bytes written. */
  pos = 0;

  /** @param initialCapacity bytes to allocate up front. */
  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Forgets the contents, keeping the allocation. */
  reset(): void {
    this.pos = 0;
  }

  /** Appends one byte. */
  u8(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  /** Appends two bytes. */
  u8x2(a: number, b: number): void {
    if (this.pos + 2 > this.buf.length) this.grow(2);
    const buf = this.buf;
    buf[this.pos] = a;
    buf[this.pos + 1] = b;
    this.pos += 2;
  }

  /** Appends an unsigned 32-bit LEB128. */
  uleb(v: number): void {
    if (this.pos + 5 > this.buf.length) this.grow(5);
    this.pos = writeULeb32(this.buf, this.pos, v);
  }

  /** Appends a signed 32-bit LEB128. */
  sleb32(v: number): void {
    if (this.pos + 5 > this.buf.length) this.grow(5);
    this.pos = writeSLeb32(this.buf, this.pos, v);
  }

  /** Appends a signed 64-bit LEB128 (`bigint` modulo 2^64, or a safe-integer `number`). */
  sleb64(v: bigint | number): void {
    if (this.pos + 10 > this.buf.length) this.grow(10);
    this.pos = writeSLeb64(this.buf, this.pos, v);
  }

  /** Appends the signed 64-bit LEB128 of `hi * 2^32 + lo` (no bigint). */
  sleb64Halves(lo: number, hi: number): void {
    if (this.pos + 10 > this.buf.length) this.grow(10);
    this.pos = writeSLeb64Halves(this.buf, this.pos, lo, hi);
  }

  /** Reserves a 5-byte padded LEB128 slot; fill it later with {@link patchPadded}. */
  reservePadded(): number {
    const at = this.pos;
    this.ensure(5);
    this.pos += 5;
    return at;
  }

  /** Writes `v` into a slot returned by {@link reservePadded}. */
  patchPadded(at: number, v: number): void {
    writeULeb32Padded(this.buf, at, v);
  }

  /** Appends a little-endian 32-bit word. */
  u32(v: number): void {
    this.ensure(4);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = v;
    buf[p + 1] = v >>> 8;
    buf[p + 2] = v >>> 16;
    buf[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  /** Appends an IEEE single (payloads of NaNs are not guaranteed; use {@link u32} for bits). */
  f32(v: number): void {
    scratchF32[0] = v;
    this.u32(scratchU32[0]!);
  }

  /** Appends an IEEE double (payloads of NaNs are not guaranteed; use {@link u32} twice for bits). */
  f64(v: number): void {
    scratchF64[0] = v;
    this.ensure(8);
    this.buf.set(scratchU8, this.pos);
    this.pos += 8;
  }

  /** Appends raw bytes. */
  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** Appends a name: its UTF-8 length as LEB128, then its UTF-8 bytes. */
  name(s: string): void {
    const n = s.length;
    if (n < 0x80) {
      // ASCII fast path: length byte, then the characters, no temporary array.
      this.ensure(n + 1);
      const buf = this.buf;
      let p = this.pos;
      buf[p++] = n;
      let ascii = true;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        buf[p++] = c;
      }
      if (ascii) {
        this.pos = p;
        return;
      }
    }
    const enc = utf8(s);
    this.uleb(enc.length);
    this.bytes(enc);
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Encodes a string as UTF-8 (no TextEncoder: this package runs without DOM typings). */
export function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}
