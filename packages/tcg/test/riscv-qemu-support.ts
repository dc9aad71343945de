// Support for the QEMU differential tests: tool detection, random program generation
// (gen-program.py --random), and the first difference between two outputs named by block
// and register.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Directory of the differential program and its generator. */
export const QEMU_DIR = join(dirname(fileURLToPath(import.meta.url)), "riscv-qemu");
/** Bytes each block of the differential program writes. */
export const BLOCK_BYTES = 576;

/** The first difference, named by block and field. */
export function firstDifference(a: Uint8Array, b: Uint8Array): string | undefined {
  if (a.length !== b.length) return `lengths differ: ${a.length} vs ${b.length}`;
  const va = new DataView(a.buffer, a.byteOffset, a.length);
  const vb = new DataView(b.buffer, b.byteOffset, b.length);
  for (let off = 0; off < a.length; off += 8) {
    const x = va.getBigUint64(off, true);
    const y = vb.getBigUint64(off, true);
    if (x === y) continue;
    const block = Math.floor(off / BLOCK_BYTES);
    const field = (off % BLOCK_BYTES) / 8;
    const name = field === 0 ? "fflags" : field < 32 ? `x${field}` : field < 64 ? `f${field - 32}` : `scratch+${(field - 64) * 8}`;
    return `block ${block}, ${name}: wasmu 0x${x.toString(16)}, qemu 0x${y.toString(16)}`;
  }
  return undefined;
}

/** Whether a command runs. */
export function available(cmd: string): boolean {
  try {
    execFileSync(cmd, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** QEMU's CPU options for the program (Zba/Zbb/Zbs on). */
export const QEMU_CPU = ["-cpu", "rv64,zba=true,zbb=true,zbs=true"];

/** Generates, builds and runs a random program on QEMU; returns its path and QEMU's output. */
export function randomProgram(dir: string, blocks: number, seed: number): { path: string; qemu: Uint8Array } {
  const src = join(dir, "random.S");
  const path = join(dir, "random");
  execFileSync("python3", [join(QEMU_DIR, "gen-program.py"), "--random", String(blocks), "--seed", String(seed), "--out", src], { stdio: "ignore" });
  execFileSync("riscv64-linux-gnu-gcc", ["-static", "-nostdlib", "-march=rv64gc_zba_zbb_zbs", "-mabi=lp64d", "-Wl,--no-relax", "-s", "-o", path, src]);
  return { path, qemu: new Uint8Array(execFileSync("qemu-riscv64-static", [...QEMU_CPU, path], { maxBuffer: 1 << 30 })) };
}
