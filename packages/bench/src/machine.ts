// The machine description recorded with every result, and the comparators found on it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem, type } from "node:os";
import type { BenchEntry } from "./entry.js";
import { findOnPath } from "./requirements.js";
import type { ComparatorInfo, MachineInfo } from "./results.js";

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? "unknown";
}

function git(repoRoot: string | null, args: string[]): string | null {
  if (repoRoot === null) return null;
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

/** CPU model, cores, memory, OS, Node and V8 versions, and the wasmu commit. */
export function describeMachine(repoRoot: string | null): MachineInfo {
  const commit = git(repoRoot, ["rev-parse", "HEAD"]);
  const status = commit === null ? null : git(repoRoot, ["status", "--porcelain", "--untracked-files=no"]);
  return {
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    v8: process.versions.v8,
    commit,
    dirty: status === null ? null : status.length > 0,
  };
}

/** A comparator the bench looks for, whatever the entries. */
interface KnownComparator {
  readonly name: string;
  readonly role: string;
  readonly install: string;
}

/** QEMU, the oracle and speed baseline. */
export const KNOWN_COMPARATORS: readonly KnownComparator[] = [
  { name: "qemu-riscv64-static", role: "user-mode baseline", install: "apt-get install qemu-user-static" },
  { name: "qemu-system-riscv64", role: "system-mode baseline", install: "apt-get install qemu-system-misc" },
];

function versionOf(path: string): string | null {
  try {
    const out = execFileSync(path, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 5000 });
    return out.split("\n").find((l) => l.trim() !== "")?.trim() ?? null;
  } catch {
    return null;
  }
}

/**
 * The comparators: QEMU (always listed), the entries' declared comparators (native
 * x86-64 equivalents of workloads) and the programs they require on PATH, each found
 * (path, version) or absent.
 */
export function findComparators(entries: readonly BenchEntry[]): ComparatorInfo[] {
  const wanted = new Map<string, { role: string; install: string | undefined }>();
  for (const k of KNOWN_COMPARATORS) wanted.set(k.name, { role: k.role, install: k.install });
  for (const e of entries) {
    for (const c of e.comparators ?? []) if (!wanted.has(c.command)) wanted.set(c.command, { role: c.role, install: c.install });
    for (const r of e.requires)
      if (r.kind === "command" && !wanted.has(r.command)) wanted.set(r.command, { role: `needed by ${e.name}`, install: r.install });
  }
  return [...wanted].map(([name, w]) => {
    const path = findOnPath(name);
    return {
      name,
      role: w.role,
      path,
      version: path === null ? null : versionOf(path),
      ...(path === null && w.install !== undefined ? { install: w.install } : {}),
    };
  });
}
