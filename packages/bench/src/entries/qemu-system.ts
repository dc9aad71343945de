// `qemu-system`: the seed's chart with QEMU itself. Boot Debian's riscv64 Linux to an
// initramfs /init that reports the CPUs it sees and powers off, under
// qemu-system-riscv64, against the number of guest CPUs: multi-threaded TCG (one host
// thread per vCPU, what "tcg: remove tb_lock" made scale) against a single TCG thread
// running every vCPU in turn. wasmu's system mode will add its tb-lock=on/off curves.
import type { BenchContext, BenchEntry, CommandTarget } from "../entry.js";
import { buildInitramfs, findSystemInputs, SYSTEM_REQUIREMENTS, INIT_MESSAGE, type SystemInputs } from "../guests/system.js";

const QEMU_SYSTEM = "qemu-system-riscv64";

/** Guest CPUs: 1 and 2 fit this machine kind's 2 cores; 4 shows oversubscription. */
const GUEST_CPUS = [1, 2, 4];

/** The command of ../shared/design/oracles.md, with the TCG threading mode made explicit. */
function boot(inputs: SystemInputs, initramfs: string, cpus: number, thread: "single" | "multi"): CommandTarget {
  return {
    kind: "command",
    label: `thread=${thread}`,
    argv: [
      QEMU_SYSTEM,
      "-M", "virt",
      "-accel", `tcg,thread=${thread}`,
      "-smp", String(cpus),
      "-m", "512M",
      "-nographic",
      "-bios", inputs.bios,
      "-kernel", inputs.kernel,
      "-initrd", initramfs,
      "-append", "console=ttyS0 rdinit=/init",
    ],
    expectStdout: `${INIT_MESSAGE} ${cpus} CPUs`,
    timeoutMs: 180_000,
  };
}

function inputsOf(ctx: BenchContext): SystemInputs {
  const inputs = findSystemInputs(ctx);
  if (typeof inputs === "string") throw new Error(inputs);
  return inputs;
}

export const qemuSystemEntry: BenchEntry = {
  name: "qemu-system",
  description:
    "Boot Debian's riscv64 Linux to an initramfs /init and power off under qemu-system-riscv64, against guest CPUs: one TCG thread for all vCPUs against one host thread per vCPU (MTTCG). The seed's chart, drawn with QEMU.",
  requires: SYSTEM_REQUIREMENTS,
  guestPackages: ["busybox-static"],
  workloads: async (ctx) => {
    const inputs = inputsOf(ctx);
    const initramfs = await buildInitramfs(ctx);
    return [
      {
        kind: "curve",
        name: "boot",
        description: `boot Linux ${inputs.kernelVersion} to /init and power off`,
        xLabel: "Guest CPUs",
        xs: GUEST_CPUS,
        // A boot takes seconds and warms nothing that the first boot of a round does not.
        runs: 3,
        warmup: 0,
        modes: [
          { label: "thread=single", target: (n) => boot(inputs, initramfs, n, "single") },
          { label: "thread=multi", target: (n) => boot(inputs, initramfs, n, "multi") },
        ],
      },
    ];
  },
};
