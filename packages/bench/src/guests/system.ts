// Guest inputs of system mode: Debian's riscv64 Linux kernel image, OpenSBI's
// fw_dynamic.bin and an initramfs with busybox whose /init reports the CPUs it sees and
// powers off (../shared/design/oracles.md, "System mode").
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { BenchContext } from "../entry.js";
import { newcArchive } from "./cpio.js";
import { fetchScriptPath } from "./fetch.js";

/** The kernel package: its name holds the version, so it is found by search. */
export const KERNEL_PACKAGE_PATTERN = "^linux-binary-[0-9].*-riscv64$";
/** OpenSBI 1.9 from sid (Debian 12's 1.1 hangs with this kernel). */
export const OPENSBI_PACKAGE = "opensbi";

/** What /init prints before powering off, with the number of CPUs online. */
export const INIT_MESSAGE = "wasmu-bench: booted with";

const INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "${INIT_MESSAGE} $(/bin/busybox nproc) CPUs"
/bin/busybox poweroff -f
`;

/** Compares dotted versions numerically ("7.10.1" > "7.9"). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[^0-9]+/).filter(Boolean).map(Number);
  const pb = b.split(/[^0-9]+/).filter(Boolean).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Paths of the system-mode inputs in the guest cache. */
export interface SystemInputs {
  /** The uncompressed EFI-stub Image, usr/lib/modules/<version>/vmlinuz. */
  readonly kernel: string;
  readonly kernelVersion: string;
  /** OpenSBI's generic fw_dynamic.bin, for -bios. */
  readonly bios: string;
  /** The initramfs the bench builds (gzip'd newc cpio). */
  readonly initramfs: string;
}

/** The kernel and firmware found in the guest cache (the newest kernel), or why not. */
export function findSystemInputs(ctx: BenchContext): SystemInputs | string {
  const modules = join(ctx.sysroot, "usr/lib/modules");
  const versions = existsSync(modules) ? readdirSync(modules).filter((v) => existsSync(join(modules, v, "vmlinuz"))) : [];
  const kernelVersion = versions.sort(compareVersions).pop();
  if (kernelVersion === undefined) return `no kernel in ${modules} (run: wasmu-bench fetch)`;
  const bios = join(ctx.sysroot, "usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin");
  if (!existsSync(bios)) return `no OpenSBI at ${bios} (run: wasmu-bench fetch)`;
  return { kernel: join(modules, kernelVersion, "vmlinuz"), kernelVersion, bios, initramfs: join(ctx.cacheDir, "system", "initramfs.cpio.gz") };
}

/**
 * Builds <cacheDir>/system/initramfs.cpio.gz from the cache's static busybox, unless it
 * is newer than busybox already; returns its path.
 */
export function buildInitramfs(ctx: BenchContext): string {
  const busybox = join(ctx.sysroot, "usr/bin/busybox");
  const out = join(ctx.cacheDir, "system", "initramfs.cpio.gz");
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(busybox).mtimeMs) return out;
  const archive = newcArchive([
    { kind: "dir", path: "bin" },
    { kind: "file", path: "bin/busybox", data: readFileSync(busybox), mode: 0o755 },
    { kind: "symlink", path: "bin/sh", target: "busybox" },
    { kind: "dir", path: "dev" },
    { kind: "char", path: "dev/console", major: 5, minor: 1 },
    { kind: "char", path: "dev/null", major: 1, minor: 3, mode: 0o666 },
    { kind: "dir", path: "proc" },
    { kind: "dir", path: "sys" },
    { kind: "file", path: "init", data: Buffer.from(INIT_SCRIPT), mode: 0o755 },
  ]);
  mkdirSync(join(ctx.cacheDir, "system"), { recursive: true });
  writeFileSync(`${out}.tmp`, gzipSync(archive, { level: 9 }));
  renameSync(`${out}.tmp`, out);
  return out;
}

/** The names of the packages matching `pattern` in sid's riscv64 index (via the fetch script). */
export function searchGuestPackages(ctx: BenchContext, pattern: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = "";
    const child = spawn("bash", [fetchScriptPath(), ctx.cacheDir], {
      stdio: ["ignore", "pipe", process.stderr],
      env: { ...process.env, FETCH_GUESTS_SEARCH: pattern },
    });
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out.split("\n").filter(Boolean)) : reject(new Error(`package search exited with ${code}`))));
  });
}
