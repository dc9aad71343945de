/**
 * LEB128 encoding and decoding (the WebAssembly binary format's variable-length integers).
 *
 * Encoders write into a plain `Uint8Array` at an offset and return the new offset, so the
 * module builder can emit straight into its growable buffers without temporary arrays.
 * 32-bit values are handled with `number` arithmetic; 64-bit values take a `bigint`
 * (the slow path) or a `number` that is a safe integer (the fast path: most i64 constants
 * a translator emits are small).
 */

/** The most bytes an unsigned or signed LEB128 encoding of a 32-bit value occupies. */
export const LEB_MAX_BYTES_32 = 5;
/** The most bytes an LEB128 encoding of a 64-bit value occupies. */
export const LEB_MAX_BYTES_64 = 10;

/**
 * Writes `value` (an unsigned 32-bit integer, 0 .. 2^32-1) as unsigned LEB128.
 * @returns the offset after the last byte written.
 */
export function writeULeb32(buf: Uint8Array, offset: number, value: number): number {
  let v = value >>> 0;
  let o = offset;
  while (v >= 0x80) {
    buf[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[o++] = v;
  return o;
}

/**
 * Writes `value` (unsigned 32-bit) as unsigned LEB128 padded to exactly 5 bytes, as used
 * for section and body sizes patched after the fact (the format allows redundant bytes).
 * @returns the offset after the last byte written.
 */
export function writeULeb32Padded(buf: Uint8Array, offset: number, value: number): number {
  const v = value >>> 0;
  buf[offset] = (v & 0x7f) | 0x80;
  buf[offset + 1] = ((v >>> 7) & 0x7f) | 0x80;
  buf[offset + 2] = ((v >>> 14) & 0x7f) | 0x80;
  buf[offset + 3] = ((v >>> 21) & 0x7f) | 0x80;
  buf[offset + 4] = (v >>> 28) & 0x0f;
  return offset + 5;
}

/**
 * Writes `value` (a signed 32-bit integer; values >= 2^31 are taken modulo 2^32) as
 * signed LEB128.
 * @returns the offset after the last byte written.
 */
export function writeSLeb32(buf: Uint8Array, offset: number, value: number): number {
  let v = value | 0;
  let o = offset;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      buf[o++] = byte;
      return o;
    }
    buf[o++] = byte | 0x80;
  }
}

/**
 * Writes a signed 64-bit value as signed LEB128. Accepts a `bigint` (taken modulo 2^64,
 * so both signed and unsigned views of the same bits work) or a safe-integer `number`.
 * @returns the offset after the last byte written.
 */
export function writeSLeb64(buf: Uint8Array, offset: number, value: bigint | number): number {
  if (typeof value === "number") {
    if ((value | 0) === value) return writeSLeb32(buf, offset, value);
    if (!Number.isSafeInteger(value)) throw new RangeError(`writeSLeb64: ${value} is not a safe integer`);
    return writeSLeb64Halves(buf, offset, value >>> 0, Math.floor(value / 4294967296) | 0);
  }
  return writeSLeb64Halves(buf, offset, Number(BigInt.asUintN(32, value)), Number(BigInt.asIntN(32, value >> 32n)));
}

/**
 * Writes the signed 64-bit value `hi * 2^32 + lo` (`hi` taken as signed 32-bit, `lo` as
 * unsigned 32-bit) as signed LEB128, with 32-bit integer arithmetic only.
 * @returns the offset after the last byte written.
 */
export function writeSLeb64Halves(buf: Uint8Array, offset: number, lo: number, hi: number): number {
  let l = lo | 0;
  let h = hi | 0;
  let o = offset;
  for (;;) {
    const byte = l & 0x7f;
    l = (l >>> 7) | (h << 25);
    h >>= 7;
    if ((h === 0 && l === 0 && (byte & 0x40) === 0) || (h === -1 && l === -1 && (byte & 0x40) !== 0)) {
      buf[o++] = byte;
      return o;
    }
    buf[o++] = byte | 0x80;
  }
}

/** Number of bytes `writeULeb32` writes for `value`. */
export function uLeb32Size(value: number): number {
  const v = value >>> 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** A decoded LEB128 value and the offset after its last byte. */
export interface LebRead<T> {
  /** The decoded value. */
  readonly value: T;
  /** Offset of the first byte after the encoding. */
  readonly next: number;
}

/**
 * Reads an unsigned LEB128 value of at most 32 bits. Throws on truncation or overlong input.
 */
export function readULeb32(buf: Uint8Array, offset: number): LebRead<number> {
  let result = 0;
  let shift = 0;
  let o = offset;
  for (;;) {
    if (o >= buf.length) throw new RangeError("readULeb32: truncated");
    const byte = buf[o++]!;
    if (shift === 28 && byte > 0x0f) throw new RangeError("readULeb32: value does not fit in 32 bits");
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value: result, next: o };
    shift += 7;
    if (shift > 28) throw new RangeError("readULeb32: too long");
  }
}

/** Reads a signed LEB128 value of at most 32 bits. Throws on truncation or overlong input. */
export function readSLeb32(buf: Uint8Array, offset: number): LebRead<number> {
  const r = readSLeb64(buf, offset);
  if (r.value < -0x80000000n || r.value > 0x7fffffffn || r.next - offset > 5) {
    throw new RangeError("readSLeb32: value does not fit in 32 bits");
  }
  return { value: Number(r.value), next: r.next };
}

/** Reads a signed LEB128 value of at most 64 bits as a `bigint`. */
export function readSLeb64(buf: Uint8Array, offset: number): LebRead<bigint> {
  let result = 0n;
  let shift = 0n;
  let o = offset;
  for (;;) {
    if (o >= buf.length) throw new RangeError("readSLeb64: truncated");
    const byte = buf[o++]!;
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) {
      if (shift < 64n && (byte & 0x40) !== 0) result -= 1n << shift;
      return { value: BigInt.asIntN(64, result), next: o };
    }
    if (shift >= 70n) throw new RangeError("readSLeb64: too long");
  }
}
