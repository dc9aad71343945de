/**
 * What objdump 2.40 prints for bytes that are no instruction it knows: `.2byte`/`.4byte`
 * with the little-endian value in hex, and a `.byte` list for other lengths (the longer
 * encoding formats, truncated input).
 */
export function unknownEncodingText(bytes: Uint8Array, offset: number, length: number): string {
  if (length === 2 || length === 4) {
    let v = 0;
    for (let i = length - 1; i >= 0; i--) v = v * 256 + bytes[offset + i]!;
    return `.${length}byte\t0x${v.toString(16)}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < length; i++) parts.push(`0x${bytes[offset + i]!.toString(16).padStart(2, "0")}`);
  return `.byte\t${parts.join(", ")}`;
}
