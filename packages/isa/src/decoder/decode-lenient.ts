import { COMPILED_ROWS } from "./compiled-row.js";
import { decode } from "./decode.js";
import type { Instruction } from "./instruction.js";

/**
 * Decodes a parcel the decoder rejected only because its rounding mode is reserved
 * (5 or 6), the way objdump still prints it (`fadd.s fa0,fa1,fa2,unknown`). Used by the
 * disassembler only: wasmu itself treats such encodings as illegal. Returns undefined
 * for any other illegal encoding.
 */
export function decodeLenient(bytes: Uint8Array, offset: number): Instruction | undefined {
  if (bytes.length - offset < 4) return undefined;
  const w = bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
  if ((w & 3) !== 3) return undefined;
  const rm = (w >>> 12) & 7;
  if (rm !== 5 && rm !== 6) return undefined;
  // Same word with a valid rounding mode: if that decodes to a row with an rm field,
  // the original is that instruction with a reserved rm.
  const probe = decode(w & ~0x7000);
  if (probe.illegal) return undefined;
  const row = COMPILED_ROWS[probe.id]!;
  if (!row.hasRm) return undefined;
  return { ...probe, rm, raw: w >>> 0 };
}
