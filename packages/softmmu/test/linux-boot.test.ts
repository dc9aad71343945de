// Debian's riscv64 kernel behind OpenSBI 1.9 (fw_dynamic.bin) on startVirtMachine, -smp 1
// and 2: it must boot to /init of a busybox initramfs (built here: a newc cpio of
// busybox-static and a /init script), run a command there and power off through SBI
// SRST -> sifive_test. The guests come from $WASMU_GUESTS (scripts/fetch-guests.sh DIR
// linux-binary-<version>-riscv64 opensbi busybox-static; .ci/run fetches them); without
// them the test says so and skips (under CI=true it fails). The hart workers run from
// dist/: build first.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { startVirtMachine } from "../src/index.js";
import { nodeClock, nodeHartWorkers, nodeTimers } from "../src/node/index.js";
import { guestBootFiles, IN_CI } from "./support/tools.js";

const boot = guestBootFiles();
const BUSYBOX = process.env.WASMU_GUESTS ? join(process.env.WASMU_GUESTS, "sysroot/bin/busybox") : "";
const HAVE = boot.kernel !== undefined && boot.fwDynamic !== undefined && existsSync(BUSYBOX);
if (!HAVE && !IN_CI) console.warn("SKIP: the Linux boot test needs $WASMU_GUESTS with linux-binary, opensbi and busybox-static (scripts/fetch-guests.sh)");

/** A newc cpio archive of `files` (path, mode, contents), with its trailer. */
function cpio(files: readonly { readonly path: string; readonly mode: number; readonly data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  let size = 0;
  const push = (b: Uint8Array): void => { parts.push(b); size += b.length; };
  const pad = (): void => { if (size % 4 !== 0) push(new Uint8Array(4 - (size % 4))); };
  const entry = (path: string, mode: number, data: Uint8Array, ino: number): void => {
    const hex = (v: number): string => v.toString(16).padStart(8, "0");
    const name = enc.encode(path + "\0");
    push(enc.encode("070701" + [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0].map(hex).join("")));
    push(name);
    pad();
    push(data);
    pad();
  };
  files.forEach((f, i) => entry(f.path, f.mode, f.data, i + 1));
  entry("TRAILER!!!", 0, new Uint8Array(0), 0);
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

const INIT = `#!/bin/busybox sh
/bin/busybox mkdir -p /proc
/bin/busybox mount -t proc proc /proc
/bin/busybox echo "wasmu-init: $(/bin/busybox grep -c ^processor /proc/cpuinfo) harts, $(/bin/busybox uname -m)"
/bin/busybox poweroff -f
`;

it.runIf(HAVE || IN_CI).each([1, 2])("boots Debian's kernel to /init and powers off at -smp %i", async (harts) => {
  expect(HAVE, "the guests must be fetched under CI").toBe(true);
  const initrd = cpio([
    { path: "bin", mode: 0o40755, data: new Uint8Array(0) },
    { path: "bin/busybox", mode: 0o100755, data: new Uint8Array(readFileSync(BUSYBOX)) },
    { path: "init", mode: 0o100755, data: new TextEncoder().encode(INIT) },
  ]);
  let text = "";
  const run = startVirtMachine({
    harts, ramSize: 256n << 20n, firmware: new Uint8Array(readFileSync(boot.fwDynamic!)), kernel: new Uint8Array(readFileSync(boot.kernel!)), initrd,
    append: "console=ttyS0 panic=-1", noReboot: true,
    console: { write: (b) => { text += String.fromCharCode(...b); } },
    workers: nodeHartWorkers(), host: { clock: nodeClock, timers: nodeTimers },
  });
  // A hang guard only (the boot takes 10-60 s on a busy 2-core machine).
  const guard = setTimeout(() => run.quit(), 400_000);
  const r = await run.done;
  clearTimeout(guard);
  expect(text).toContain("OpenSBI v1.9");
  expect(text).toContain("Run /init as init process");
  expect(text).toContain(`wasmu-init: ${harts} harts, riscv64`);
  expect(r).toEqual({ exitCode: 0, reason: "poweroff" });
}, 420_000);
