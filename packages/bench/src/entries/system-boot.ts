// `system-boot` (issue 12's bench): the seed's headline chart for wasmu. Boot Debian's
// riscv64 Linux behind OpenSBI to the busybox initramfs's /init (@wasmu/softmmu's: it
// prints the CPUs Linux brought up, a marker, and powers off) under `wasmu system` with
// -smp 1, 2, 4, 8, tb-lock=on and off, with every block compiled (tier=jit, the
// configuration the seed measured) and with the default tiers; and under
// qemu-system-riscv64 (MTTCG) with the same images in the same run, in alternation, so
// that each point has its wasmu/QEMU ratio.
//
// Before any measurement, `wasmu system` boots once at -smp 1: when it cannot (the CPU is
// not wired into the machine yet), its modes are reported "cannot boot yet: <its one-line
// reason>" and only QEMU's curve is measured and drawn.
//
// `--set system-cpus=1,2` narrows the x axis (default 1,2,4,8).
import { spawn } from "node:child_process";
import type { BenchContext, BenchEntry, CommandTarget, CurveWorkload } from "../entry.js";
import { wasmuCommand, wasmuMain } from "../context.js";
import { buildInitramfs, findSystemInputs, SYSTEM_REQUIREMENTS, INIT_MARKER, INIT_MESSAGE, type SystemInputs } from "../guests/system.js";

const QEMU_SYSTEM = "qemu-system-riscv64";
/** Guest CPUs of the chart. */
export const SYSTEM_BOOT_CPUS = [1, 2, 4, 8];
/** The kernel command line of every boot (quiet: the boot, not the console's throughput). */
export const SYSTEM_BOOT_APPEND = "console=ttyS0 rdinit=/init quiet";
/** A boot that takes longer is a failure (a hang guard: QEMU boots in seconds here). */
const BOOT_TIMEOUT_MS = 600_000;

/** The wasmu configurations: tb-lock on/off, every block compiled (jit) or the default tiers. */
export const WASMU_MODES: readonly { readonly label: string; readonly accel: string }[] = [
  { label: "wasmu tb-lock=on tier=jit", accel: "tcg,tb-lock=on,tier=jit" },
  { label: "wasmu tb-lock=off tier=jit", accel: "tcg,tb-lock=off,tier=jit" },
  { label: "wasmu tb-lock=on", accel: "tcg,tb-lock=on" },
  { label: "wasmu tb-lock=off", accel: "tcg,tb-lock=off" },
];

/** The machine's options, the same for both emulators. */
function machineArgs(inputs: SystemInputs, initramfs: string, cpus: number): string[] {
  return ["-M", "virt", "-smp", String(cpus), "-m", "512M", "-nographic", "-bios", inputs.bios, "-kernel", inputs.kernel, "-initrd", initramfs, "-append", SYSTEM_BOOT_APPEND];
}

/** The line /init prints with the default command: the CPUs Linux brought up. */
const booted = (cpus: number): string => `${INIT_MESSAGE} ${cpus} CPUs`;

function qemuBoot(inputs: SystemInputs, initramfs: string, cpus: number): CommandTarget {
  return { kind: "command", label: "qemu", argv: [QEMU_SYSTEM, "-accel", "tcg,thread=multi", ...machineArgs(inputs, initramfs, cpus)], expectStdout: booted(cpus), timeoutMs: BOOT_TIMEOUT_MS };
}

function wasmuBoot(ctx: BenchContext, inputs: SystemInputs, initramfs: string, cpus: number, mode: (typeof WASMU_MODES)[number]): CommandTarget {
  return {
    kind: "command",
    label: mode.label,
    argv: [...wasmuCommand(ctx), "system", "-accel", mode.accel, ...machineArgs(inputs, initramfs, cpus)],
    expectStdout: booted(cpus),
    timeoutMs: BOOT_TIMEOUT_MS,
  };
}

/**
 * Boots wasmu once at -smp 1: undefined when it reached the marker and powered off, else
 * why not ("cannot boot yet: " and its stderr's last line, or the timeout).
 */
export function probeWasmuBoot(argv: readonly string[], timeoutMs = BOOT_TIMEOUT_MS): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out = (out + b.toString("utf8")).slice(-8192)));
    child.stderr.on("data", (b: Buffer) => (err = (err + b.toString("utf8")).slice(-8192)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve(`cannot boot yet: ${e.message}`);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      const last = err.trim().split("\n").pop()?.replace(/^wasmu: /, "") ?? "";
      if (timedOut) resolve(`cannot boot yet: no power-off within ${timeoutMs / 1000} s`);
      else if (status !== 0) resolve(`cannot boot yet: ${last || `exit status ${status}`}`);
      else if (!out.includes(INIT_MARKER)) resolve(`cannot boot yet: powered off without /init's marker "${INIT_MARKER}"`);
      else resolve(undefined);
    });
  });
}

/** The x axis: `--set system-cpus=1,2`, else {@link SYSTEM_BOOT_CPUS}. */
function cpusOf(ctx: BenchContext): number[] {
  const v = ctx.settings?.["system-cpus"];
  if (v === undefined) return SYSTEM_BOOT_CPUS;
  const xs = v.split(",").map(Number);
  if (xs.some((x) => !Number.isInteger(x) || x < 1 || x > 512)) throw new Error(`--set system-cpus=${v}: expected CPU counts 1..512, comma-separated`);
  return xs;
}

export const systemBootEntry: BenchEntry = {
  name: "system-boot",
  description:
    "wasmu system against qemu-system-riscv64: boot Debian's riscv64 Linux behind OpenSBI to an initramfs /init that reports the CPUs and powers off, against guest CPUs (1, 2, 4, 8), tb-lock=on and off, tier=jit and the default tiers. The seed's headline chart, with QEMU beside it.",
  requires: SYSTEM_REQUIREMENTS,
  guestPackages: ["busybox-static"],
  comparators: [{ command: QEMU_SYSTEM, role: "QEMU 7.2 system mode (MTTCG)", install: "apt-get install --no-install-recommends qemu-system-misc" }],
  workloads: async (ctx): Promise<CurveWorkload[]> => {
    const inputs = findSystemInputs(ctx);
    if (typeof inputs === "string") throw new Error(inputs);
    const initramfs = await buildInitramfs(ctx);
    const xs = cpusOf(ctx);
    const probe = await probeWasmuBoot(wasmuBoot(ctx, inputs, initramfs, 1, WASMU_MODES[3]!).argv);
    return [
      {
        kind: "curve",
        name: "boot",
        description: `boot Linux ${inputs.kernelVersion} to /init and power off (-m 512M, "${SYSTEM_BOOT_APPEND}")`,
        xLabel: "Guest CPUs",
        xs,
        runs: 3,
        warmup: 0,
        requires: [{ kind: "file", path: wasmuMain(ctx), hint: "pnpm turbo run build --filter=@wasmu/cli..." }],
        modes: [
          { label: "qemu", target: (n) => qemuBoot(inputs, initramfs, n) },
          ...WASMU_MODES.map((m) => ({ label: m.label, target: (n: number) => wasmuBoot(ctx, inputs, initramfs, n, m), ...(probe !== undefined ? { unavailable: probe } : {}) })),
        ],
      },
    ];
  },
};
