/**
 * Running the virt machine: the API `wasmu system` (and any other embedder) starts a
 * machine through. One vCPU worker per hart runs @wasmu/tcg in system mode; the calling
 * thread is the device thread (it owns the devices, serves MMIO through MmioServer and
 * the host backends).
 */
import type { TierMode } from "@wasmu/tcg";
import type { CharBackend } from "../host.js";
import type { VirtHost } from "./virt.js";
import type { VirtMachineConfig } from "./virt-machine.js";

export interface VirtRunOptions extends VirtMachineConfig {
  /** Translation tiers, as in user mode; default "auto". */
  readonly tier?: TierMode;
  readonly hotThreshold?: number;
  readonly tierBatch?: number;
  /** -accel tcg,tb-lock=on */
  readonly tbLock?: boolean;
  /** -d items (in_asm, int, mmu, exec, cpu, guest_errors, unimp, stats, ...) and where log text goes (-D). */
  readonly log?: { readonly items: readonly string[]; write(text: string): void };
  /** UART0 output. */
  readonly console: CharBackend;
  /** -no-reboot: a guest reset ends the run (reason "reset") instead of rebooting. */
  readonly noReboot?: boolean;
  /** Host services; defaults for Node are built by the runner when absent. */
  readonly host?: Partial<Omit<VirtHost, "console">>;
}

export interface VirtRunResult {
  /** sifive_test FAIL code, 0 on PASS/poweroff. */
  readonly exitCode: number;
  readonly reason: "poweroff" | "reset" | "quit" | "fault";
  /** For "fault": a one-line reason. */
  readonly message?: string;
}

export interface VirtRun {
  /** Terminal input bytes into UART0's receive FIFO (device thread). */
  input(bytes: Uint8Array): void;
  /** Stops every hart and ends the run (Ctrl-A X): reason "quit". */
  quit(): void;
  readonly done: Promise<VirtRunResult>;
}

/** Starts the machine: loads the boot images, starts one vCPU worker per hart. */
export function startVirtMachine(options: VirtRunOptions): VirtRun {
  void options;
  throw new Error("wasmu system: the CPU is not wired into the virt machine yet (startVirtMachine is not implemented)");
}
