// Public API of @wasmu/softmmu: an explicit export list.

// ---- Flattened device tree (src/fdt)
export { Fdt, FdtNode, FdtError, FDT_MAGIC, fdtCells, fdtU64Cells, fdtStrings, type FdtValue } from "./fdt/fdt.js";

// ---- The virt machine (src/machine)
export * from "./machine/virt-memmap.js";
export { buildVirtFdt, updateChosen, riscvIsaString, WASMU_RISCV_EXTENSIONS, type VirtFdtConfig } from "./machine/virt-fdt.js";

// ---- Host services, the MMIO bus, interrupt lines into harts
export type { MonotonicClock, WallClock, TimerService, CharBackend, BlockStorage, EntropySource, SystemControl } from "./host.js";
export {
  MmioBus, BusError, sizeMask, extractBytes, depositBytes, SIZE_1, SIZE_2, SIZE_4, SIZE_8, SIZES_ALL,
  type AccessSize, type MmioDevice, type IrqLine, type BusRead, type BusFault,
} from "./bus.js";
export {
  HartInterrupts, type HartInterruptsShared, MIP_SSIP, MIP_MSIP, MIP_STIP, MIP_MTIP, MIP_SEIP, MIP_MEIP,
} from "./machine/hart-interrupts.js";

// ---- Devices (src/devices)
export { Clint, CLINT_MSIP, CLINT_MTIMECMP, CLINT_MTIME, CLINT_SIZE } from "./devices/clint.js";
export { Plic, type PlicConfig, PLIC_PRIORITY, PLIC_PENDING, PLIC_ENABLE, PLIC_ENABLE_STRIDE, PLIC_CONTEXT, PLIC_CONTEXT_STRIDE } from "./devices/plic.js";
export { Uart16550, type Uart16550Options, LSR_DR, LSR_OE, LSR_PE, LSR_FE, LSR_BI, LSR_THRE, LSR_TEMT } from "./devices/uart16550.js";
export { SifiveTest } from "./devices/sifive-test.js";
export {
  GoldfishRtc, RTC_TIME_LOW, RTC_TIME_HIGH, RTC_ALARM_LOW, RTC_ALARM_HIGH, RTC_IRQ_ENABLED, RTC_CLEAR_ALARM, RTC_ALARM_STATUS, RTC_CLEAR_INTERRUPT,
} from "./devices/goldfish-rtc.js";

// ---- virtio (src/virtio)
export { type GuestRam, DmaMemory, DmaError } from "./virtio/guest-ram.js";
export {
  SplitVirtqueue, VirtioError, gather, scatter, type Segment, type Chain,
  VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, VIRTQ_DESC_F_INDIRECT, VIRTQ_AVAIL_F_NO_INTERRUPT,
} from "./virtio/virtqueue.js";
export * from "./virtio/mmio.js";
export {
  VirtioBlk, VIRTIO_ID_BLOCK, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_RO, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_UNSUPP,
} from "./virtio/blk.js";
export { VirtioRng, VIRTIO_ID_RNG } from "./virtio/rng.js";

// ---- Boot images (src/boot)
export { BootError, identifyKernel, parseRiscvImageHeader, type RiscvImageHeader, type KernelFormat } from "./boot/image.js";
export {
  planBoot, resetRom, loadBoot, type BootConfig, type BootPlan, type BootRegion,
  FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, FW_DYNAMIC_INFO_NEXT_MODE_S, RESET_VECTOR_SIZE,
} from "./boot/loader.js";

// ---- The virt machine's devices on the bus
export { createVirtDevices, type VirtDevices, type VirtDevicesConfig, type VirtHost } from "./machine/virt.js";
export { MmioClient, MmioServer, createMmioChannel, type MmioChannelShared } from "./machine/mmio-channel.js";
export { SerialMux, type SerialMuxActions, MUX_HELP, CTRL_A } from "./devices/serial-mux.js";
export { VirtMachine, type VirtMachineConfig, type PhysRegion } from "./machine/virt-machine.js";
export { startVirtMachine, type VirtRunOptions, type VirtRunResult, type VirtRun, type HartWorkerFactory, type HartWorkerHandle } from "./machine/virt-run.js";
export { runHartWorker, type HartWorkerData, type HartMessage, type HartLink, type PostedModule, CONTROL_STOP, CONTROL_WORDS } from "./machine/hart-worker.js";
export {
  type VirtCpuConfig, type VirtHartOptions, type RemoteBus, VirtHartBus, createVirtExec, createVirtHart, virtPhysLayout, virtGuestRam, copyVirtRom, virtExitRequests,
} from "./machine/virt-cpu.js";

// ---- `wasmu system` (src/run): the command line and its run, over a host interface
export {
  parseSystemArgs, parseRamSize, parseKeyval, systemLogHelp, SYSTEM_LOG_ITEMS, SYSTEM_USAGE, SYSTEM_CPU_MODELS, SYSTEM_DEVICES, DEFAULT_RAM_SIZE,
  type SystemOptions, type SystemRequest, type SystemArgError, type SerialBackend, type DriveOption, type VirtioOption, type SystemLogItem,
} from "./run/system-options.js";
export { systemMain, exitStatusOf, cryptoEntropy, type SystemHost, type SystemTerminal, type SystemLogFile } from "./run/system-main.js";
export { newcArchive, busyboxInitramfs, INITRAMFS_MARKER, INITRAMFS_DEFAULT_COMMAND, INITRAMFS_INIT, type CpioEntry } from "./boot/initramfs.js";
