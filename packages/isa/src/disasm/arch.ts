import type { Extension } from "../spec/types.js";

/**
 * Parses a RISC-V ISA string (`rv64gc_zba_zbb`, or an ELF `Tag_RISCV_arch` value such as
 * `rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0_zicsr2p0_zifencei2p0`) into the set of table
 * extensions it enables. Zicsr, Zifencei and the privileged instructions are always
 * enabled, as objdump does for RV64 binaries.
 */
export function parseArch(arch: string): ReadonlySet<Extension> {
  const set = new Set<Extension>(["i", "zicsr", "zifencei", "priv"]);
  const lower = arch.toLowerCase();
  const m = /^rv(32|64|128)([a-z0-9]*)/.exec(lower);
  const parts = lower.split("_");
  if (m !== null) {
    // Single-letter extensions, each optionally followed by a version like 2p1.
    for (const ch of m[2]!.replace(/\d+(p\d+)?/g, "")) {
      if (ch === "g") ["m", "a", "f", "d"].forEach((e) => set.add(e as Extension));
      else if ("imafdc".includes(ch)) set.add(ch as Extension);
    }
  }
  for (const part of parts.slice(1)) {
    const name = part.replace(/\d+(p\d+)?$/, "");
    // ELF attributes spell every single-letter extension as its own part: rv64i2p1_m2p0_c2p0.
    if (name.length === 1 && "imafdc".includes(name)) set.add(name as Extension);
    else if (name === "g") ["m", "a", "f", "d"].forEach((e) => set.add(e as Extension));
    else if (name === "zba" || name === "zbb" || name === "zbs" || name === "zicond") set.add(name);
  }
  return set;
}
