// Optional host tools of the oracle tests: found or reported absent. Tests that need one
// skip loudly outside CI and fail under CI=true (.ci/run installs them).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export const IN_CI = process.env.CI === "true";

function have(cmd: string, arg = "--version"): boolean {
  const r = spawnSync(cmd, [arg], { stdio: "ignore" });
  return r.status === 0;
}

export const HAVE_DTC = have("dtc");
export const HAVE_QEMU_SYSTEM = have("qemu-system-riscv64");

/** Explains a missing requirement: a warning outside CI; returns whether to run the live part. */
export function requireTool(present: boolean, what: string): boolean {
  if (!present && !IN_CI) console.warn(`SKIP: ${what} is not available: the live oracle comparison does not run`);
  return present || IN_CI;
}

/** The Debian kernel Image and OpenSBI fw_dynamic.bin under $WASMU_GUESTS, when fetched. */
export function guestBootFiles(): { kernel?: string; fwDynamic?: string; fwJump?: string } {
  const root = process.env.WASMU_GUESTS;
  if (!root) return {};
  const sys = join(root, "sysroot");
  const out: { kernel?: string; fwDynamic?: string; fwJump?: string } = {};
  const mods = join(sys, "usr/lib/modules");
  if (existsSync(mods)) {
    for (const v of readdirSync(mods)) {
      const k = join(mods, v, "vmlinuz");
      if (existsSync(k)) out.kernel = k;
    }
  }
  const fw = join(sys, "usr/lib/riscv64-linux-gnu/opensbi/generic");
  if (existsSync(join(fw, "fw_dynamic.bin"))) out.fwDynamic = join(fw, "fw_dynamic.bin");
  if (existsSync(join(fw, "fw_jump.bin"))) out.fwJump = join(fw, "fw_jump.bin");
  return out;
}
