/**
 * The device tree of the `virt` machine, as QEMU's hw/riscv/virt.c (`create_fdt`) builds
 * it for the devices wasmu emulates: root, /chosen, /memory, /cpus (one node per hart with
 * its interrupt controller, cpu-map), /soc (CLINT, PLIC, eight virtio-mmio slots, the
 * sifive_test syscon, ns16550a UART, goldfish RTC) and the syscon poweroff/reboot nodes.
 * Nodes and phandles are created in QEMU's order so that `dtc -O dts` of both trees lines
 * up; QEMU's pmu, fw-cfg, flash, platform-bus and PCIe nodes are absent (no such devices).
 */
import { Fdt, FdtError, fdtU64Cells } from "../fdt/fdt.js";
import {
  VIRT_CLINT, VIRT_CPUS_MAX, VIRT_DRAM_BASE, VIRT_PLIC, VIRT_PLIC_NUM_SOURCES, VIRT_RTC, VIRT_RTC_IRQ, VIRT_TEST,
  VIRT_TIMEBASE_FREQ, VIRT_UART0, VIRT_UART0_IRQ, VIRT_UART_CLOCK_FREQ, VIRT_VIRTIO, VIRT_VIRTIO_COUNT, VIRT_VIRTIO_IRQ,
  TEST_PASS, TEST_RESET, virtioSlotBase,
} from "./virt-memmap.js";

/** Interrupt numbers of the hart-local interrupt controller (mip bits). */
const IRQ_M_SOFT = 3;
const IRQ_M_TIMER = 7;
const IRQ_S_EXT = 9;
const IRQ_M_EXT = 11;

/** The extensions wasmu's RISC-V CPU implements (RV64GC): what the device tree advertises. */
export const WASMU_RISCV_EXTENSIONS: readonly string[] = ["i", "m", "a", "f", "d", "c", "zicsr", "zifencei"];

export interface VirtFdtConfig {
  /** Number of harts (1 to 512). */
  readonly harts: number;
  /** RAM size in bytes (-m), at 0x80000000. */
  readonly ramSize: bigint;
  /** ISA extensions, lower case, single letters first (default WASMU_RISCV_EXTENSIONS). */
  readonly extensions?: readonly string[];
  /** Address translation the harts support (default Sv48, which implies Sv39). */
  readonly mmuType?: "riscv,sv39" | "riscv,sv48";
  /** Kernel command line (-append): /chosen/bootargs. */
  readonly bootargs?: string;
  /** Where the initrd was loaded: /chosen/linux,initrd-start and -end. */
  readonly initrd?: { readonly start: bigint; readonly end: bigint };
  /** Bytes for /chosen/rng-seed (QEMU puts 32 random bytes there). */
  readonly rngSeed?: Uint8Array;
}

/** The riscv,isa string of a list of extensions: "rv64" + single letters + "_"-joined others. */
export function riscvIsaString(extensions: readonly string[]): string {
  const single = extensions.filter((e) => e.length === 1).join("");
  const multi = extensions.filter((e) => e.length > 1);
  return ["rv64" + single, ...multi].join("_");
}

/** Builds the `virt` machine's device tree. */
export function buildVirtFdt(config: VirtFdtConfig): Fdt {
  const { harts } = config;
  if (!Number.isInteger(harts) || harts < 1 || harts > VIRT_CPUS_MAX) {
    throw new FdtError(`number of harts must be 1..${VIRT_CPUS_MAX}, not ${harts}`);
  }
  const extensions = config.extensions ?? WASMU_RISCV_EXTENSIONS;
  const fdt = new Fdt();
  const root = fdt.root;
  root.setCells("#address-cells", 2).setCells("#size-cells", 2);
  root.setString("compatible", "riscv-virtio").setString("model", "riscv-virtio,qemu");

  // QEMU allocates phandles harts-last-first: cpu, then its interrupt controller.
  const cpuPhandle: number[] = [];
  const intcPhandle: number[] = [];
  for (let h = harts - 1; h >= 0; h--) {
    cpuPhandle[h] = fdt.allocPhandle();
    intcPhandle[h] = fdt.allocPhandle();
  }
  const plicPhandle = fdt.allocPhandle();
  const testPhandle = fdt.allocPhandle();

  const chosen = root.addNode("chosen");
  if (config.initrd) {
    chosen.set("linux,initrd-end", fdtU64Cells(config.initrd.end));
    chosen.set("linux,initrd-start", fdtU64Cells(config.initrd.start));
  }
  if (config.rngSeed) chosen.set("rng-seed", config.rngSeed.slice());
  if (config.bootargs !== undefined && config.bootargs !== "") chosen.setString("bootargs", config.bootargs);
  chosen.setString("stdout-path", `/soc/serial@${hex(VIRT_UART0.base)}`);

  for (const [name, value] of [["poweroff", TEST_PASS], ["reboot", TEST_RESET]] as const) {
    root.addNode(name).setCells("value", value).setCells("offset", 0).setCells("regmap", testPhandle).setString("compatible", `syscon-${name}`);
  }

  root.addNode(`memory@${hex(VIRT_DRAM_BASE)}`).setString("device_type", "memory").set("reg", fdtU64Cells(VIRT_DRAM_BASE, config.ramSize));

  const cpus = root.addNode("cpus");
  cpus.setCells("#address-cells", 1).setCells("#size-cells", 0).setCells("timebase-frequency", VIRT_TIMEBASE_FREQ);
  for (let h = 0; h < harts; h++) {
    const cpu = cpus.addNode(`cpu@${h.toString(16)}`);
    cpu.setCells("phandle", cpuPhandle[h]!).setString("device_type", "cpu").setCells("reg", h).setString("status", "okay");
    cpu.setString("compatible", "riscv").setString("riscv,isa", riscvIsaString(extensions));
    cpu.setString("riscv,isa-base", "rv64i").setString("riscv,isa-extensions", ...extensions);
    cpu.setString("mmu-type", config.mmuType ?? "riscv,sv48");
    const intc = cpu.addNode("interrupt-controller");
    intc.setCells("#interrupt-cells", 1).setEmpty("interrupt-controller").setString("compatible", "riscv,cpu-intc");
    intc.setCells("phandle", intcPhandle[h]!);
  }
  const cluster = cpus.addNode("cpu-map").addNode("cluster0");
  for (let h = 0; h < harts; h++) cluster.addNode(`core${h}`).setCells("cpu", cpuPhandle[h]!);

  const soc = root.addNode("soc");
  soc.setCells("#address-cells", 2).setCells("#size-cells", 2).setString("compatible", "simple-bus").setEmpty("ranges");
  const reg = (base: bigint, size: bigint) => fdtU64Cells(base, size);

  soc.addNode(`rtc@${hex(VIRT_RTC.base)}`).setCells("interrupts", VIRT_RTC_IRQ).setCells("interrupt-parent", plicPhandle)
    .set("reg", reg(VIRT_RTC.base, VIRT_RTC.size)).setString("compatible", "google,goldfish-rtc");
  soc.addNode(`serial@${hex(VIRT_UART0.base)}`).setCells("interrupts", VIRT_UART0_IRQ).setCells("interrupt-parent", plicPhandle)
    .setCells("clock-frequency", VIRT_UART_CLOCK_FREQ).set("reg", reg(VIRT_UART0.base, VIRT_UART0.size)).setString("compatible", "ns16550a");
  soc.addNode(`test@${hex(VIRT_TEST.base)}`).setCells("phandle", testPhandle).set("reg", reg(VIRT_TEST.base, VIRT_TEST.size))
    .setString("compatible", "sifive,test1", "sifive,test0", "syscon");
  for (let i = VIRT_VIRTIO_COUNT - 1; i >= 0; i--) {
    const base = virtioSlotBase(i);
    soc.addNode(`virtio_mmio@${hex(base)}`).setCells("interrupts", VIRT_VIRTIO_IRQ + i).setCells("interrupt-parent", plicPhandle)
      .set("reg", reg(base, VIRT_VIRTIO.size)).setString("compatible", "virtio,mmio");
  }
  const plicIrqs: number[] = [];
  const clintIrqs: number[] = [];
  for (let h = 0; h < harts; h++) {
    plicIrqs.push(intcPhandle[h]!, IRQ_M_EXT, intcPhandle[h]!, IRQ_S_EXT);
    clintIrqs.push(intcPhandle[h]!, IRQ_M_SOFT, intcPhandle[h]!, IRQ_M_TIMER);
  }
  soc.addNode(`plic@${hex(VIRT_PLIC.base)}`).setCells("phandle", plicPhandle).setCells("riscv,ndev", VIRT_PLIC_NUM_SOURCES)
    .set("reg", reg(VIRT_PLIC.base, VIRT_PLIC.size)).setCells("interrupts-extended", ...plicIrqs).setEmpty("interrupt-controller")
    .setString("compatible", "sifive,plic-1.0.0", "riscv,plic0").setCells("#address-cells", 0).setCells("#interrupt-cells", 1);
  soc.addNode(`clint@${hex(VIRT_CLINT.base)}`).setCells("interrupts-extended", ...clintIrqs)
    .set("reg", reg(VIRT_CLINT.base, VIRT_CLINT.size)).setString("compatible", "sifive,clint0", "riscv,clint0");
  return fdt;
}

/**
 * Updates /chosen of a tree given with `-dtb` as QEMU does for its own: bootargs and the
 * initrd range replace what the blob had (QEMU 7.2 leaves everything else as given).
 */
export function updateChosen(fdt: Fdt, chosen: Pick<VirtFdtConfig, "bootargs" | "initrd">): void {
  const node = fdt.ensureNode("/chosen");
  if (chosen.bootargs !== undefined && chosen.bootargs !== "") node.setString("bootargs", chosen.bootargs);
  if (chosen.initrd) {
    node.set("linux,initrd-start", fdtU64Cells(chosen.initrd.start));
    node.set("linux,initrd-end", fdtU64Cells(chosen.initrd.end));
  }
}

function hex(v: bigint): string {
  return v.toString(16);
}
