/**
 * The bench's input text: a deterministic file of a given size, base64 of xorshift output
 * in 76-column lines, compressible like real text (the generator masks each word to a few
 * byte values) and the same on every machine. Made once in the guest cache, shared by the
 * entries that compress or hash a large file (qemu-user, user-compute).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "../entry.js";

/** The text file of `bytes` bytes in the guest cache: its path and SHA-256. */
export function benchTextOf(ctx: BenchContext, bytes: number): { path: string; sha256: string } {
  const dir = join(ctx.cacheDir, "bench-data");
  const path = join(dir, `text-${bytes}.txt`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    // Base64 makes 4 characters of 3 bytes, plus a newline every 76: enough raw bytes, in whole words.
    const raw = Buffer.alloc(Math.ceil((bytes * 3 * 76) / (4 * 77) / 12) * 12 + 48);
    let x = 0x2545f491;
    for (let i = 0; i < raw.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      raw.writeUInt32LE((x & 0x0f0f0f0f) >>> 0, i);
    }
    const b64 = raw.toString("base64");
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
    writeFileSync(`${path}.tmp`, Buffer.from(`${lines.join("\n")}\n`).subarray(0, bytes));
    renameSync(`${path}.tmp`, path);
  }
  return { path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
}
