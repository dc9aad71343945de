// Guest inputs of system mode: Debian's riscv64 Linux kernel image, OpenSBI's
// fw_dynamic.bin and the busybox initramfs @wasmu/softmmu builds (its newc cpio writer and
// /init: mounts /proc, runs the command of `wasmu.run="..."` on the kernel command line or
// reports the CPUs online, prints a marker with the status and powers off), written to
// <cache>/system/initramfs.cpio (../shared/design/oracles.md, "System mode").
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext, Requirement } from "../entry.js";
import { fetchScriptPath } from "./fetch.js";

/** The kernel package: its name holds the version, so it is found by search. */
export const KERNEL_PACKAGE_PATTERN = "^linux-binary-[0-9].*-riscv64$";
/** OpenSBI 1.9 from sid (Debian 12's 1.1 hangs with this kernel). */
export const OPENSBI_PACKAGE = "opensbi";

/** What /init prints before its marker with the default command: `… N CPUs` (softmmu's INITRAMFS_DEFAULT_COMMAND). */
export const INIT_MESSAGE = "wasmu-initramfs: booted with";
/** The marker /init prints when the command has run (softmmu's INITRAMFS_MARKER), then ` status N`. */
export const INIT_MARKER = "wasmu-initramfs: done";

/** What the bench uses of @wasmu/softmmu, loaded at run time (the bench builds without it: tsconfig.build.json). */
interface SoftmmuInitramfs {
  busyboxInitramfs(busybox: Uint8Array): Uint8Array;
  readonly INITRAMFS_MARKER: string;
}
const SOFTMMU = "@wasmu/softmmu";

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
  /** The initramfs the bench builds (newc cpio). */
  readonly initramfs: string;
}

/** What a system-mode entry needs: qemu-system-riscv64, busybox-static, Debian's kernel and OpenSBI in the guest cache. */
export const SYSTEM_REQUIREMENTS: readonly Requirement[] = [
  { kind: "command", command: "qemu-system-riscv64", install: "apt-get install --no-install-recommends qemu-system-misc" },
  { kind: "guest-packages", packages: ["busybox-static"] },
  {
    kind: "check",
    what: "Debian riscv64 kernel and OpenSBI in the guest cache (wasmu-bench fetch)",
    check: (ctx) => {
      const inputs = findSystemInputs(ctx);
      return Promise.resolve(typeof inputs === "string" ? inputs : null);
    },
  },
];

/** The kernel and firmware found in the guest cache (the newest kernel), or why not. */
export function findSystemInputs(ctx: BenchContext): SystemInputs | string {
  const modules = join(ctx.sysroot, "usr/lib/modules");
  const versions = existsSync(modules) ? readdirSync(modules).filter((v) => existsSync(join(modules, v, "vmlinuz"))) : [];
  const kernelVersion = versions.sort(compareVersions).pop();
  if (kernelVersion === undefined) return `no kernel in ${modules} (run: wasmu-bench fetch)`;
  const bios = join(ctx.sysroot, "usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin");
  if (!existsSync(bios)) return `no OpenSBI at ${bios} (run: wasmu-bench fetch)`;
  return { kernel: join(modules, kernelVersion, "vmlinuz"), kernelVersion, bios, initramfs: join(ctx.cacheDir, "system", "initramfs.cpio") };
}

/**
 * Builds <cacheDir>/system/initramfs.cpio (uncompressed: the guest spends no time
 * inflating it) from the cache's static busybox with @wasmu/softmmu's builder; rewrites it
 * only when its bytes change. Returns its path.
 */
export async function buildInitramfs(ctx: BenchContext): Promise<string> {
  const softmmu = (await import(SOFTMMU)) as SoftmmuInitramfs;
  if (softmmu.INITRAMFS_MARKER !== INIT_MARKER) throw new Error(`${SOFTMMU}'s initramfs marker is '${softmmu.INITRAMFS_MARKER}', the bench expects '${INIT_MARKER}'`);
  const out = join(ctx.cacheDir, "system", "initramfs.cpio");
  const bytes = softmmu.busyboxInitramfs(readFileSync(join(ctx.sysroot, "usr/bin/busybox")));
  if (existsSync(out) && Buffer.from(bytes).equals(readFileSync(out))) return out;
  mkdirSync(join(ctx.cacheDir, "system"), { recursive: true });
  writeFileSync(`${out}.tmp`, bytes);
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
