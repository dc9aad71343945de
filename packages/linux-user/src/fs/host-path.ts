/**
 * Paths are bytes: a guest path, a directory entry or a symlink target need not be valid
 * UTF-8 (Linux's names are any bytes but '/' and NUL). wasmu keeps them in JS strings as
 * Python's "surrogateescape" does: valid UTF-8 decodes as text, each byte of an invalid
 * sequence becomes the lone surrogate U+DC80 + byte (never produced by valid UTF-8), so
 * path operations (join, resolve, split on '/') work unchanged and the bytes come back
 * exactly: {@link encodeBytes} for the guest, {@link hostPath} for Node's fs, which takes
 * a Buffer for a name that is not text.
 *
 * @module
 */

const fatal = new TextDecoder("utf-8", { fatal: true });
const ESCAPED = /[\udc80-\udcff]/;

/** Bytes to a string, invalid UTF-8 bytes escaped as U+DC80 + byte. */
export function decodeBytes(b: Uint8Array): string {
  try {
    return fatal.decode(b);
  } catch {
    // Mixed: decoded sequence by sequence below.
  }
  let out = "";
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 1) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    if (n > 1 && i + n <= b.length) {
      try {
        out += fatal.decode(b.subarray(i, i + n));
        i += n;
        continue;
      } catch {
        // not a whole sequence: escape this byte
      }
    }
    out += String.fromCharCode(0xdc00 + c);
    i++;
  }
  return out;
}

/** A string from {@link decodeBytes} (or any text) back to its bytes. */
export function encodeBytes(s: string): Buffer {
  if (!ESCAPED.test(s)) return Buffer.from(s, "utf8");
  const parts: Buffer[] = [];
  let run = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) {
      if (run !== "") parts.push(Buffer.from(run, "utf8"));
      run = "";
      parts.push(Buffer.of(c - 0xdc00));
    } else run += ch;
  }
  if (run !== "") parts.push(Buffer.from(run, "utf8"));
  return Buffer.concat(parts);
}

/** What to give Node's fs for path `s`: the string itself when it is text, else its bytes. */
export function hostPath(s: string): string | Buffer {
  return ESCAPED.test(s) ? encodeBytes(s) : s;
}
