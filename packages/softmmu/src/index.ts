// Public API of @wasmu/softmmu: an explicit export list.

// ---- Flattened device tree (src/fdt)
export { Fdt, FdtNode, FdtError, FDT_MAGIC, fdtCells, fdtU64Cells, fdtStrings, type FdtValue } from "./fdt/fdt.js";

// ---- The virt machine (src/machine)
export * from "./machine/virt-memmap.js";
export { buildVirtFdt, updateChosen, riscvIsaString, WASMU_RISCV_EXTENSIONS, type VirtFdtConfig } from "./machine/virt-fdt.js";
