/** Helpers running the GNU riscv64 binutils (when installed) to produce oracle data. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const OBJDUMP = "riscv64-linux-gnu-objdump";
export const AS = "riscv64-linux-gnu-as";
export const OBJCOPY = "riscv64-linux-gnu-objcopy";
export const MARCH = "rv64gc_zba_zbb_zbs";

/** True when the GNU riscv64 assembler, objcopy and objdump are on PATH. */
export function gnuToolsAvailable(): boolean {
  return [AS, OBJCOPY, OBJDUMP].every((t) => spawnSync(t, ["--version"], { stdio: "ignore" }).status === 0);
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** One line of `objdump -d`: address and the text after the raw-bytes column. */
export interface ObjdumpLine {
  address: number;
  text: string;
}

/** Parses the instruction lines of `objdump -d` output (continuation lines are dropped). */
export function parseObjdump(out: string): ObjdumpLine[] {
  const lines: ObjdumpLine[] = [];
  for (const line of out.split("\n")) {
    const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$/.exec(line);
    if (m) lines.push({ address: parseInt(m[1]!, 16), text: m[2]! });
  }
  return lines;
}

/**
 * Puts raw bytes in the .text of an object file (assembled with `-march`, mapping symbols
 * removed so that objdump disassembles everything as code) and returns objdump's lines.
 */
export function objdumpBytes(bytes: Uint8Array, march = MARCH): ObjdumpLine[] {
  const dir = mkdtempSync(join(tmpdir(), "wasmu-isa-"));
  try {
    const src = [".text"];
    for (let i = 0; i < bytes.length; i += 16) src.push(`.byte ${Array.from(bytes.subarray(i, i + 16)).join(",")}`);
    writeFileSync(join(dir, "t.s"), src.join("\n") + "\n");
    run(AS, [`-march=${march}`, "-o", join(dir, "t.o"), join(dir, "t.s")]);
    run(OBJCOPY, ["--strip-symbol=$d", "--strip-symbol=$x", join(dir, "t.o"), join(dir, "u.o")]);
    return parseObjdump(run(OBJDUMP, ["-d", join(dir, "u.o")]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assembles source text with GNU as (no compression unless `rvc`) and returns the .text bytes. */
export function gnuAssemble(source: string, rvc = false, march = MARCH): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "wasmu-isa-"));
  try {
    writeFileSync(join(dir, "t.s"), (rvc ? "" : ".option norvc\n") + source + "\n");
    run(AS, [`-march=${march}`, "-o", join(dir, "t.o"), join(dir, "t.s")]);
    run(OBJCOPY, ["-O", "binary", "--only-section=.text", join(dir, "t.o"), join(dir, "t.bin")]);
    return new Uint8Array(readFileSync(join(dir, "t.bin")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
