/** Minimal ELF64 little-endian section reader for the differential tests (not the product's ELF reader). */

export interface CodeSection {
  name: string;
  address: bigint;
  bytes: Uint8Array;
}

/** Executable sections (SHF_EXECINSTR) of an ELF64 file, in file order. */
export function executableSections(file: Uint8Array): CodeSection[] {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true);
  const shstrndx = dv.getUint16(0x3e, true);
  const sh = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      name: dv.getUint32(o, true),
      type: dv.getUint32(o + 4, true),
      flags: dv.getBigUint64(o + 8, true),
      addr: dv.getBigUint64(o + 16, true),
      offset: Number(dv.getBigUint64(o + 24, true)),
      size: Number(dv.getBigUint64(o + 32, true)),
    };
  };
  const strtab = sh(shstrndx);
  const nameAt = (off: number): string => {
    let end = strtab.offset + off;
    while (file[end] !== 0) end++;
    return new TextDecoder().decode(file.subarray(strtab.offset + off, end));
  };
  const out: CodeSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    if ((s.flags & 4n) !== 0n && s.type !== 8) {
      out.push({ name: nameAt(s.name), address: s.addr, bytes: file.subarray(s.offset, s.offset + s.size) });
    }
  }
  return out;
}
