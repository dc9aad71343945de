/**
 * `wasmu system [options]`: qemu-system-riscv64 -M virt's command, as one function the CLI
 * (or a page in a browser) calls with its host: parse and check the options
 * (system-options.ts), read the images, plan the boot (a foreign kernel, images that do
 * not fit in RAM: one line, exit status 1), `-M virt,dumpdtb=FILE` (writes the tree and
 * exits, as QEMU does, without running a CPU), then start the machine with the terminal
 * wired through the Ctrl-A mux and map its end to an exit status.
 *
 * Browser-safe: everything the host does (files, disks, the terminal, the log file) comes
 * in through {@link SystemHost}; the CLI's Node implementation is packages/cli/src/system.
 *
 * @module
 */
import { BootError } from "../boot/image.js";
import { planBoot } from "../boot/loader.js";
import { SerialMux } from "../devices/serial-mux.js";
import { FdtError } from "../fdt/fdt.js";
import type { BlockStorage, CharBackend, EntropySource } from "../host.js";
import type { HartWorkerFactory, VirtRun, VirtRunOptions, VirtRunResult } from "../machine/virt-run.js";
import { startVirtMachine } from "../machine/virt-run.js";
import { VirtioBlk } from "../virtio/blk.js";
import type { VirtioDeviceModel } from "../virtio/mmio.js";
import { VirtioRng } from "../virtio/rng.js";
import {
  SYSTEM_CPU_MODELS, SYSTEM_DEVICES, SYSTEM_USAGE, type SystemOptions, parseSystemArgs, systemLogHelp,
} from "./system-options.js";

/** The host's terminal, where UART0's serial port goes (`-nographic`, `-serial stdio`). */
export interface SystemTerminal {
  /** Guest output; written before `write` returns (nothing is lost at exit). */
  write(bytes: Uint8Array): void;
  /**
   * Starts delivering the terminal's input to `onInput` (in raw mode when it is a TTY);
   * returns the function that stops and restores the terminal. The host also restores it
   * when the process ends any other way.
   */
  open(onInput: (bytes: Uint8Array) => void): () => void;
}

/** An open `-D` log file. */
export interface SystemLogFile {
  write(text: string): void;
  close(): void;
}

/** What `systemMain` needs from its host. Errors are returned as the reason ("No such file or directory"). */
export interface SystemHost {
  /** Usage, `-d help` and other listings. */
  stdout(text: string): void;
  /** Errors and notices. */
  stderr(text: string): void;
  /** A whole file (images, -dtb); a string is why it cannot be read. */
  readFile(path: string): Uint8Array | string;
  /** Writes a whole file (dumpdtb); a string is why it failed. */
  writeFile(path: string, bytes: Uint8Array): string | undefined;
  /** A raw disk image for virtio-blk; a string is why it cannot be opened. */
  openBlock(path: string, readOnly: boolean): BlockStorage | string;
  /** Opens (truncating) the -D log file; a string is why not. */
  openLog(path: string): SystemLogFile | string;
  /** Where `-bios default` looks for OpenSBI's fw_dynamic.bin, in order. */
  readonly defaultBiosPaths: readonly string[];
  /** What to say when none of them exists (how to install one). */
  readonly defaultBiosHint?: string;
  /** The terminal for `-serial mon:stdio` / `stdio`. */
  readonly terminal: SystemTerminal;
  /** Random bytes (virtio-rng, /chosen/rng-seed); default: crypto.getRandomValues. */
  readonly entropy?: EntropySource;
  /** Signals that end the run, as QEMU's "terminating on signal N": the host calls the handler it is given. */
  onTerminate?(handler: (signal: number) => void): () => void;
  /**
   * Keeps the host process alive until the machine ends (its workers and ports need not
   * hold the host's event loop); returns the release. Node: a referenced timer.
   */
  keepAlive?(): () => void;
  /** The version -version prints. */
  readonly version?: string;
  /** Starts the machine (default: {@link startVirtMachine}); tests pass their own. */
  readonly start?: (options: VirtRunOptions) => VirtRun;
  /** Host services passed to the machine (clock, timers, ...); absent ones are the runner's defaults. */
  readonly services?: VirtRunOptions["host"];
  /** Starts the hart workers (Node: `nodeHartWorkers()` of `@wasmu/softmmu/node`). */
  readonly workers?: HartWorkerFactory;
  /** The debug lock checker in the harts (WASMU_DEBUG_TCG=1). */
  readonly debugLocks?: boolean;
}

/** crypto.getRandomValues, in the 64 KiB pieces it accepts (Node and browsers). */
export const cryptoEntropy: EntropySource = {
  fill(into: Uint8Array): void {
    // Web Crypto is a global of both hosts; the build's lib (no DOM, no Node types) does not declare it.
    const { crypto } = globalThis as unknown as { crypto: { getRandomValues(a: Uint8Array): Uint8Array } };
    for (let at = 0; at < into.length; at += 65536) crypto.getRandomValues(into.subarray(at, Math.min(into.length, at + 65536)));
  },
};

/** The exit status of a finished run, and the line to print if any. */
export function exitStatusOf(r: VirtRunResult): { status: number; message?: string } {
  switch (r.reason) {
    case "poweroff": return { status: r.exitCode };
    case "reset": return { status: 0 }; // -no-reboot: QEMU exits 0
    case "quit": return { status: 0 };
    case "fault": return { status: 1, message: r.message ?? "the machine stopped on a fault" };
  }
}

/** `wasmu: <message>` without a second "wasmu system:" prefix from the layer below. */
function line(message: string): string {
  return `wasmu: ${message.replace(/^wasmu( system)?: /, "").split("\n")[0]}\n`;
}

/**
 * Runs `wasmu system ARGS...`; resolves to the exit status: 0 for help, version, a
 * dumped tree and a guest that powered off (or the guest's sifive_test FAIL code), 1 for
 * bad input (one line on stderr) and for a machine that cannot run.
 */
export async function systemMain(argv: readonly string[], host: SystemHost): Promise<number> {
  const o = parseSystemArgs(argv);
  if ("request" in o) {
    switch (o.request) {
      case "help": host.stdout(SYSTEM_USAGE); return 0;
      case "version": host.stdout(`wasmu system (riscv64) version ${host.version ?? "unknown"}, with the options of qemu-system-riscv64 7.2\n`); return 0;
      // As qemu-system-riscv64 7.2: the list on stdout, status 1.
      case "log-help": host.stdout(systemLogHelp()); return 1;
      case "machine-help": host.stdout("Supported machines are:\nvirt                 RISC-V VirtIO board\n"); return 0;
      case "device-help": host.stdout(`Storage devices:\nname "virtio-blk-device", ${SYSTEM_DEVICES[0]!.help}\n\nMisc devices:\nname "virtio-rng-device", ${SYSTEM_DEVICES[1]!.help}\n`); return 0;
      case "cpu-help": host.stdout(SYSTEM_CPU_MODELS.map((m) => `${m}\n`).join("")); return 0;
    }
  }
  if ("error" in o) {
    host.stderr(line(o.error));
    if (o.logHelp === true) host.stdout(systemLogHelp());
    return 1;
  }
  for (const w of o.warnings) host.stderr(`wasmu: warning: ${w}\n`);
  const prepared = prepare(o, host);
  if (typeof prepared === "string") {
    host.stderr(line(prepared));
    return 1;
  }
  if (o.dumpDtb !== undefined) {
    const err = host.writeFile(o.dumpDtb, prepared.dtb);
    if (err !== undefined) {
      host.stderr(line(`Failed dumping dtb to ${o.dumpDtb}: ${err}`));
      return 1;
    }
    host.stderr(line(`info: dtb dumped to ${o.dumpDtb}. Exiting.`));
    return 0;
  }
  let log: SystemLogFile | undefined;
  if (o.logFile !== undefined) {
    const l = host.openLog(o.logFile);
    if (typeof l === "string") {
      host.stderr(line(`-D ${o.logFile}: ${l}`));
      return 1;
    }
    log = l;
  }
  try {
    return await run(o, prepared.options, host, log);
  } finally {
    log?.close();
  }
}

/** The images read and the boot planned: the options for the runner and the tree it will use. */
interface Prepared {
  readonly options: Omit<VirtRunOptions, "console">;
  readonly dtb: Uint8Array;
}

/** Reads every file the options name, builds the virtio models and plans the boot; a string is the error. */
function prepare(o: SystemOptions, host: SystemHost): Prepared | string {
  const entropy = host.entropy ?? cryptoEntropy;
  let firmware: Uint8Array | undefined;
  if (o.bios === "default") {
    for (const p of host.defaultBiosPaths) {
      const b = host.readFile(p);
      if (typeof b !== "string") {
        firmware = b;
        break;
      }
    }
    if (firmware === undefined) {
      const where = host.defaultBiosPaths.length > 0 ? ` (looked in ${host.defaultBiosPaths.join(", ")})` : "";
      return `no default firmware: OpenSBI's fw_dynamic.bin was not found${where}; ${host.defaultBiosHint ?? "install Debian's opensbi package"}, or give -bios FILE or -bios none`;
    }
  } else if (o.bios !== "none") {
    const b = host.readFile(o.bios);
    if (typeof b === "string") return `Unable to load the RISC-V firmware "${o.bios}": ${b}`;
    firmware = b;
  }
  const read = (what: string, path: string | undefined): Uint8Array | string | undefined => {
    if (path === undefined) return undefined;
    const b = host.readFile(path);
    return typeof b === "string" ? `could not load ${what} '${path}': ${b}` : b;
  };
  const kernel = read("kernel", o.kernel);
  if (typeof kernel === "string") return kernel;
  const initrd = read("initrd", o.initrd);
  if (typeof initrd === "string") return initrd;
  const dtb = read("device tree", o.dtb);
  if (typeof dtb === "string") return dtb;
  const virtio: VirtioDeviceModel[] = [];
  for (const d of o.virtio) {
    if (d.kind === "rng") {
      virtio.push(new VirtioRng(entropy));
      continue;
    }
    const storage = host.openBlock(d.drive.file, d.drive.readOnly);
    if (typeof storage === "string") return `-drive file=${d.drive.file}: Could not open '${d.drive.file}': ${storage}`;
    virtio.push(new VirtioBlk(storage));
  }
  const rngSeed = new Uint8Array(32);
  entropy.fill(rngSeed);
  const config = {
    harts: o.harts, ramSize: o.ramSize, rngSeed, virtio,
    ...(firmware !== undefined ? { firmware } : {}),
    ...(kernel !== undefined ? { kernel } : {}),
    ...(initrd !== undefined ? { initrd } : {}),
    ...(o.append !== undefined ? { append: o.append } : {}),
    ...(dtb !== undefined ? { dtb } : {}),
  };
  let blob: Uint8Array;
  try {
    // The runner plans again; planning here reports bad images before any worker starts.
    blob = planBoot(config).fdt.toBlob();
  } catch (e) {
    if (e instanceof BootError || e instanceof FdtError) return e.message;
    throw e;
  }
  return {
    dtb: blob,
    options: {
      ...config, tier: o.tier, tbLock: o.tbLock, noReboot: o.noReboot,
      ...(o.hotThreshold !== undefined ? { hotThreshold: o.hotThreshold } : {}),
      ...(o.tierBatch !== undefined ? { tierBatch: o.tierBatch } : {}),
      ...(host.services !== undefined ? { host: host.services } : {}),
      ...(host.workers !== undefined ? { workers: host.workers } : {}),
      ...(host.debugLocks === true ? { debugLocks: true } : {}),
    },
  };
}

/** Starts the machine with the terminal wired, waits for its end; the exit status. */
async function run(o: SystemOptions, options: Omit<VirtRunOptions, "console">, host: SystemHost, log: SystemLogFile | undefined): Promise<number> {
  const uart: CharBackend = o.serial === "null" ? { write: () => {} } : { write: (b) => host.terminal.write(b) };
  const logWrite = log !== undefined ? (t: string) => log.write(t) : (t: string) => host.stderr(t);
  let machine: VirtRun;
  try {
    machine = (host.start ?? startVirtMachine)({
      ...options, console: uart,
      ...(o.logItems.length > 0 ? { log: { items: o.logItems, write: logWrite } } : {}),
    });
  } catch (e) {
    host.stderr(line(e instanceof Error ? e.message : String(e)));
    return 1;
  }
  const encoder = new TextEncoder();
  const toTerminal = (text: string): void => host.terminal.write(encoder.encode(text));
  let closeTerminal = (): void => {};
  let stopSignals = (): void => {};
  const release = host.keepAlive?.() ?? (() => {});
  try {
    if (o.serial === "mon:stdio") {
      const mux = new SerialMux({
        toGuest: (b) => machine.input(b),
        toTerminal,
        exit: () => machine.quit(),
        sendBreak: () => toTerminal("wasmu: a break is not wired to the UART yet\r\n"),
      });
      closeTerminal = host.terminal.open((b) => mux.input(b));
    } else if (o.serial === "stdio") {
      // QEMU's stdio backend keeps ISIG: Ctrl-C ends the emulator. The host's raw mode
      // delivers it as a byte, so it is interpreted here.
      closeTerminal = host.terminal.open((b) => {
        const at = b.indexOf(0x03);
        if (at >= 0) {
          if (at > 0) machine.input(b.subarray(0, at));
          host.stderr("\nwasmu: terminating on signal 2\n");
          machine.quit();
        } else {
          machine.input(b);
        }
      });
    }
    stopSignals = host.onTerminate?.((sig) => {
      host.stderr(`wasmu: terminating on signal ${sig}\n`);
      machine.quit();
    }) ?? stopSignals;
    const result = await machine.done;
    const { status, message } = exitStatusOf(result);
    if (message !== undefined) host.stderr(line(message));
    return status;
  } catch (e) {
    host.stderr(line(e instanceof Error ? e.message : String(e)));
    return 1;
  } finally {
    stopSignals();
    closeTerminal();
    release();
  }
}
