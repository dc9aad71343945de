/**
 * What objdump 2.40 prints for bytes that are no instruction it knows: `.2byte`,
 * `.4byte` or `.8byte` with the little-endian value in hex, and a `.byte` list for the
 * other lengths (6, 10, 12, ... bytes).
 */
export function unknownEncodingText(bytes: Uint8Array, offset: number, length: number): string {
  if (length === 2 || length === 4 || length === 8) {
    let v = 0n;
    for (let i = length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]!);
    return `.${length}byte\t0x${v.toString(16)}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < length; i++) parts.push(`0x${bytes[offset + i]!.toString(16).padStart(2, "0")}`);
  return `.byte\t${parts.join(", ")}`;
}
