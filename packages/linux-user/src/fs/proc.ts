/**
 * The parts of /proc a guest must see about itself rather than about the host process
 * running wasmu (QEMU fakes the same ones): /proc/self/maps, auxv, cmdline, comm, stat,
 * exe and fd/N (links), and /proc/cpuinfo. Everything else under /proc is the host's.
 * `/proc/self` and `/proc/<own pid>` both work.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { Thread } from "../process/process.js";
import { type FileStat, O } from "../syscalls/abi.js";
import { OpenFile, syntheticStat } from "./open-file.js";

/** A read-only file whose contents are made when it is opened (seekable, like a seq_file). */
export class GeneratedFile extends OpenFile {
  /** Always "file". */
  readonly kind = "file";
  private offset = 0;

  /** @param content the bytes. */
  constructor(readonly content: Uint8Array) {
    super(O.RDONLY);
  }

  override read(buf: Uint8Array): number {
    const n = this.pread(buf, this.offset);
    this.offset += n;
    return n;
  }

  override pread(buf: Uint8Array, pos: number): number {
    const n = Math.max(0, Math.min(buf.length, this.content.length - pos));
    buf.set(this.content.subarray(pos, pos + n));
    return n;
  }

  override write(): number {
    return -Errno.EBADF;
  }

  override seek(offset: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.offset : whence === 2 ? this.content.length : NaN;
    if (Number.isNaN(base) || base + offset < 0) return -Errno.EINVAL;
    return (this.offset = base + offset);
  }

  override stat(): FileStat {
    return { ...syntheticStat(0o100444, 1n), size: 0n, dev: 0x16n };
  }
}

/** The process-relative part of a /proc path ("maps" for "/proc/self/maps"), or undefined. */
export function procSelfPath(t: Thread, path: string): string | undefined {
  const m = /^\/proc\/(self|thread-self|\d+)\/(.+)$/.exec(path);
  if (m === null) return undefined;
  if (m[1] !== "self" && m[1] !== "thread-self" && Number(m[1]) !== t.proc.pid) return undefined;
  return m[2];
}

/** /proc/self/maps in Linux's format (show_map_vma). */
export function formatMaps(t: Thread): string {
  const mm = t.proc.mm;
  const lines: string[] = [];
  for (const v of mm.vmas.all) {
    const perms = `${v.prot & 1 ? "r" : "-"}${v.prot & 2 ? "w" : "-"}${v.prot & 4 ? "x" : "-"}${v.shared ? "s" : "p"}`;
    const head = `${v.start.toString(16).padStart(8, "0")}-${v.end.toString(16).padStart(8, "0")} ${perms} ${v.offset.toString(16).padStart(8, "0")} 00:00 0`;
    const name = v.name !== "" ? v.name : v.start <= mm.brkValue && v.end > mm.startBrk && v.anonymous ? "[heap]" : "";
    lines.push(name === "" ? head : `${head.padEnd(73, " ")}${name}`);
  }
  return lines.map((l) => `${l}\n`).join("");
}

function statLine(t: Thread): string {
  const p = t.proc;
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
  // priority nice num_threads itrealvalue starttime vsize rss ... (52 fields; the rest 0)
  const vsize = p.mm.vmas.all.reduce((s, v) => s + (v.end - v.start), 0);
  const fields = [p.pid, `(${p.comm})`, "R", p.ppid, p.pgid, p.sid, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, p.threads.size, 0, 0, vsize, 0];
  while (fields.length < 52) fields.push(0);
  fields[27] = p.mm.stackTop - 8; // startstack
  return `${fields.join(" ")}\n`;
}

/** /proc/cpuinfo of an rv64imafdc machine with `cpus` harts. */
export function formatCpuinfo(cpus: number): string {
  let s = "";
  for (let i = 0; i < cpus; i++) s += `processor\t: ${i}\nhart\t\t: ${i}\nisa\t\t: rv64imafdc_zicsr_zifencei\nmmu\t\t: sv39\n\n`;
  return s;
}

/**
 * Opens an emulated /proc file: the file, -errno, or undefined when `path` is not one of
 * them (then the host's /proc answers).
 */
export function openProcFile(t: Thread, path: string): OpenFile | number | undefined {
  const enc = new TextEncoder();
  if (path === "/proc/cpuinfo") return new GeneratedFile(enc.encode(formatCpuinfo(t.proc.kernel.cpus)));
  const rel = procSelfPath(t, path);
  if (rel === undefined) return undefined;
  const p = t.proc;
  switch (rel) {
    case "maps": return new GeneratedFile(enc.encode(formatMaps(t)));
    case "auxv": {
      const b = new Uint8Array(p.auxv.length * 16);
      const v = new DataView(b.buffer);
      p.auxv.forEach(([k, x], i) => {
        v.setBigUint64(i * 16, BigInt(k), true);
        v.setBigUint64(i * 16 + 8, BigInt.asUintN(64, x), true);
      });
      return new GeneratedFile(b);
    }
    case "cmdline": return new GeneratedFile(p.cmdline);
    case "comm": return new GeneratedFile(enc.encode(`${p.comm}\n`));
    case "stat": return new GeneratedFile(enc.encode(statLine(t)));
    default: return undefined;
  }
}

/** The target of a /proc/self link (exe, cwd, fd/N), or undefined when `path` is not one. */
export function readProcLink(t: Thread, path: string): string | number | undefined {
  const rel = procSelfPath(t, path);
  if (rel === undefined) return undefined;
  const p = t.proc;
  if (rel === "exe") return p.exe;
  if (rel === "cwd") return p.kernel.sysroot.guestView(p.cwd);
  const m = /^fd\/(\d+)$/.exec(rel);
  if (m === null) return undefined;
  const f = p.files.get(Number(m[1]));
  if (f === undefined) return -Errno.ENOENT;
  if (f.hostPath !== undefined) return p.kernel.sysroot.guestView(f.hostPath);
  const st = f.stat();
  const ino = typeof st === "number" ? 0n : st.ino;
  return f.kind === "pipe" || f.kind === "socket" ? `${f.kind}:[${ino}]` : `anon_inode:[${f.kind}]`;
}
