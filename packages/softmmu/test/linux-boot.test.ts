// Debian's riscv64 kernel behind OpenSBI 1.9 (fw_dynamic.bin) on startVirtMachine, -smp 1
// and 2: it must boot to /init of softmmu's busybox initramfs (busyboxInitramfs), run a
// command given as wasmu.run="..." there and power off through SBI
// SRST -> sifive_test. The guests come from $WASMU_GUESTS (scripts/fetch-guests.sh DIR
// linux-binary-<version>-riscv64 opensbi busybox-static; .ci/run fetches them); without
// them the test says so and skips (under CI=true it fails). The hart workers run from
// dist/: build first.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { busyboxInitramfs, INITRAMFS_MARKER, startVirtMachine } from "../src/index.js";
import { nodeClock, nodeHartWorkers, nodeTimers } from "../src/node/index.js";
import { guestBootFiles, IN_CI } from "./support/tools.js";

const boot = guestBootFiles();
const BUSYBOX = process.env.WASMU_GUESTS ? join(process.env.WASMU_GUESTS, "sysroot/bin/busybox") : "";
const HAVE = boot.kernel !== undefined && boot.fwDynamic !== undefined && existsSync(BUSYBOX);
if (!HAVE && !IN_CI) console.warn("SKIP: the Linux boot test needs $WASMU_GUESTS with linux-binary, opensbi and busybox-static (scripts/fetch-guests.sh)");

it.runIf(HAVE || IN_CI).each([1, 2])("boots Debian's kernel to /init and powers off at -smp %i", async (harts) => {
  expect(HAVE, "the guests must be fetched under CI").toBe(true);
  const initrd = busyboxInitramfs(new Uint8Array(readFileSync(BUSYBOX)));
  let text = "";
  const run = startVirtMachine({
    harts, ramSize: 256n << 20n, firmware: new Uint8Array(readFileSync(boot.fwDynamic!)), kernel: new Uint8Array(readFileSync(boot.kernel!)), initrd,
    append: 'console=ttyS0 panic=-1 wasmu.run="echo $(grep -c ^processor /proc/cpuinfo) harts, $(uname -m)"', noReboot: true,
    console: { write: (b) => { text += String.fromCharCode(...b); } },
    workers: nodeHartWorkers(), host: { clock: nodeClock, timers: nodeTimers },
  });
  // A hang guard only (the boot takes 10-60 s on a busy 2-core machine).
  const guard = setTimeout(() => run.quit(), 400_000);
  const r = await run.done;
  clearTimeout(guard);
  expect(text).toContain("OpenSBI v1.9");
  expect(text).toContain("Run /init as init process");
  expect(text).toContain(`\n${harts} harts, riscv64`);
  expect(text).toContain(`${INITRAMFS_MARKER} status 0`);
  expect(r).toEqual({ exitCode: 0, reason: "poweroff" });
}, 420_000);
