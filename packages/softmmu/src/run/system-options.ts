/**
 * The command line of `wasmu system`: qemu-system-riscv64's options users know, parsed
 * into {@link SystemOptions}. Pure (no host access): files are named here and read by
 * system-main.ts. Messages follow QEMU 7.2's wording where QEMU has one; where wasmu
 * refuses what QEMU accepts (a multi-socket topology, `-smp 0`, a device wasmu does not
 * emulate) the message says why.
 *
 * @module
 */
import { VIRT_CPUS_MAX } from "../machine/virt-memmap.js";

/** One `-d` item of system mode, with its help line (QEMU's words; `stats` is wasmu's). */
export interface SystemLogItem {
  readonly name: string;
  readonly help: string;
}

/** The `-d` items of system mode, in QEMU's `-d help` order. */
export const SYSTEM_LOG_ITEMS: readonly SystemLogItem[] = [
  { name: "out_asm", help: "show generated host assembly code for each compiled TB" },
  { name: "in_asm", help: "show target assembly code for each compiled TB" },
  { name: "op", help: "show micro ops for each compiled TB" },
  { name: "op_opt", help: "show micro ops after optimization" },
  { name: "int", help: "show interrupts/exceptions in short format" },
  { name: "exec", help: "show trace before each executed TB (lots of logs)" },
  { name: "cpu", help: "show CPU registers before entering a TB (lots of logs)" },
  { name: "fpu", help: "include FPU registers in the 'cpu' logging" },
  { name: "mmu", help: "log MMU-related activities" },
  { name: "cpu_reset", help: "show CPU state before CPU resets" },
  { name: "unimp", help: "log unimplemented functionality" },
  { name: "guest_errors", help: "log when the guest OS does something invalid (eg accessing a\nnon-existent register)" },
  { name: "nochain", help: "do not chain compiled TBs so that \"exec\" and \"cpu\" show\ncomplete traces" },
  { name: "stats", help: "at exit, per vCPU: TBs, modules and milliseconds spent\ntranslating, optimizing, emitting, compiling, instantiating" },
];

/** `-d help`'s text. */
export function systemLogHelp(): string {
  return `Log items (comma separated):\n${SYSTEM_LOG_ITEMS.map((i) => `${i.name.padEnd(15)} ${i.help}\n`).join("")}`;
}

/** What `-serial` (or `-nographic`) connects UART0 to. */
export type SerialBackend =
  /** `mon:stdio` (-nographic's default): the terminal through the Ctrl-A mux. */
  | "mon:stdio"
  /** `stdio`: the terminal, no mux (Ctrl-C ends wasmu). */
  | "stdio"
  /** `null` / `none`: output dropped, no input. */
  | "null";

/** A `-drive` of the command line. */
export interface DriveOption {
  readonly file: string;
  readonly readOnly: boolean;
  /** `if=virtio` (a device of its own) or `if=none` (attached by `-device virtio-blk-device,drive=ID`). */
  readonly interface: "virtio" | "none";
  readonly id?: string;
  /** format= was absent: QEMU probes and warns; wasmu takes raw and warns the same way. */
  readonly formatGuessed: boolean;
}

/** A virtio device on the virt machine's virtio-mmio slots, in command-line order. */
export type VirtioOption = { readonly kind: "blk"; readonly drive: DriveOption } | { readonly kind: "rng" };

/** Parsed options of `wasmu system`. */
export interface SystemOptions {
  /** -smp: harts. */
  readonly harts: number;
  /** -m: guest RAM bytes (QEMU's default for virt: 128 MiB). */
  readonly ramSize: bigint;
  /** -bios: a file, "none" or "default". */
  readonly bios: string;
  readonly kernel?: string;
  readonly initrd?: string;
  readonly append?: string;
  readonly dtb?: string;
  /** -M virt,dumpdtb=FILE. */
  readonly dumpDtb?: string;
  readonly virtio: readonly VirtioOption[];
  readonly serial: SerialBackend;
  /** -d items, by name. */
  readonly logItems: readonly string[];
  /** -D */
  readonly logFile?: string;
  readonly noReboot: boolean;
  readonly tbLock: boolean;
  readonly tier: "auto" | "interp" | "jit";
  readonly hotThreshold?: number;
  readonly tierBatch?: number;
  /** Warnings to print before the run (QEMU's, e.g. a guessed drive format). */
  readonly warnings: readonly string[];
}

/** Requests that end the command at once, as `parseSystemArgs` returns them. */
export type SystemRequest =
  | { readonly request: "help" }
  | { readonly request: "version" }
  | { readonly request: "log-help" }
  | { readonly request: "machine-help" }
  | { readonly request: "device-help" }
  | { readonly request: "cpu-help" };

/** A command-line error: one line; `logHelp` when QEMU prints the `-d` list after it. */
export interface SystemArgError {
  readonly error: string;
  readonly logHelp?: boolean;
}

/** The usage text. */
export const SYSTEM_USAGE = `usage: wasmu system [options]
RISC-V virt machine emulation (the options of qemu-system-riscv64).

Standard options:
-h or -help         display this help and exit
-version            display version information and exit
-M virt[,dumpdtb=file]
                    the machine (only virt); dumpdtb= writes its device tree and exits
-machine ...        the same as -M
-smp [cpus=]n       number of CPUs (1 to ${VIRT_CPUS_MAX}; one vCPU worker each)
-m [size=]megs      guest RAM (M, G suffixes; a bare number is MiB; default 128M)
-bios file|none|default
                    the firmware (default: OpenSBI's fw_dynamic.bin from Debian's
                    opensbi package); none runs -kernel in M-mode
-kernel bzImage     a Linux Image, an ELF or a raw file
-initrd file        the initial ram disk
-append cmdline     the kernel command line
-dtb file           use this device tree instead of the generated one
-drive file=f[,format=raw][,if=virtio|none][,id=name][,readonly=on|off]
                    a raw disk image on virtio-blk (virtio-mmio)
-device virtio-rng-device | virtio-blk-device,drive=id
                    a virtio device (-device help lists them)
-cpu rv64           the CPU model (RV64GC)
-nographic          no display: the serial port on this terminal, with the
                    Ctrl-A escapes (Ctrl-A H: help, Ctrl-A X: exit)
-display none       no display
-serial mon:stdio|stdio|null
                    where the serial port goes
-monitor none       no monitor (wasmu has none)
-no-reboot          exit instead of rebooting
-d item1,...        enable logging of specified items (use '-d help' for a list)
-D logfile          output log to logfile (default stderr)
-accel tcg[,prop=value...]
                    tb-lock=on|off: the translation lock mode (default off)
                    tier=auto|interp|jit: interpret cold code and compile hot
                    code in batches (auto, the default), interpret only, or
                    compile every block before it runs (jit)
                    tier-hot=N: executions before a block is compiled (1000)
                    tier-batch=N: hot blocks compiled per module (256)
                    thread=multi: one worker per vCPU (the only mode)
`;

/** The models `-cpu` accepts: QEMU's riscv64 models that are RV64GC. */
export const SYSTEM_CPU_MODELS: readonly string[] = ["rv64", "any", "sifive-u54"];

/** The `-device` models wasmu emulates, with QEMU's help lines. */
export const SYSTEM_DEVICES: readonly { readonly name: string; readonly help: string }[] = [
  { name: "virtio-blk-device", help: "bus virtio-bus" },
  { name: "virtio-rng-device", help: "bus virtio-bus" },
];

/** QEMU's default RAM for the virt machine. */
export const DEFAULT_RAM_SIZE = 128n << 20n;

const SIZE_ERROR = (opt: string, v: string): string =>
  `-${opt} ${v}: Parameter 'size' expects a non-negative number below 2^64 (optional suffix k, M, G, T)`;

/**
 * A size as QEMU's qemu_strtosz_MiB reads `-m`: a decimal or 0x number, optionally
 * fractional, with an optional B/k/M/G/T/P/E suffix, a bare number meaning MiB.
 */
export function parseRamSize(v: string): bigint | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?)([bBkKmMgGtTpPeE]?)$/.exec(v.trim());
  if (m === null) return undefined;
  const unit = { "": 20n, b: 0n, k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n }[m[2]!.toLowerCase() as "" | "b" | "k" | "m" | "g" | "t" | "p" | "e"];
  const num = m[1]!;
  let bytes: bigint;
  if (num.includes(".")) {
    // A fraction of the unit (QEMU accepts "1.5G"): exact in 2^-20 steps, then truncated.
    const [int, frac] = num.split(".") as [string, string];
    const scaled = BigInt(int) * 10n ** BigInt(frac.length) + BigInt(frac);
    bytes = (scaled << unit) / 10n ** BigInt(frac.length);
  } else {
    bytes = BigInt(num) << unit;
  }
  return bytes < 1n << 64n ? bytes : undefined;
}

/**
 * QEMU's key=value lists (`-M virt,dumpdtb=x`, `-drive file=…`): a first bare value goes
 * to `implied`, ",," is a literal comma. An error message for a malformed list.
 */
export function parseKeyval(v: string, implied?: string): Map<string, string> | string {
  const out = new Map<string, string>();
  const items: string[] = [];
  let cur = "";
  for (let i = 0; i < v.length; i++) {
    if (v[i] === ",") {
      if (v[i + 1] === ",") {
        cur += ",";
        i++;
        continue;
      }
      items.push(cur);
      cur = "";
    } else {
      cur += v[i];
    }
  }
  items.push(cur);
  items.forEach((item, k) => {
    const eq = item.indexOf("=");
    if (eq < 0 && k === 0 && implied !== undefined) out.set(implied, item);
    else if (eq < 0) out.set(item, "on"); // a bare flag ("readonly") means on, as QEMU's opts do
    else out.set(item.slice(0, eq), item.slice(eq + 1));
  });
  if ([...out.keys()].some((k) => k === "")) return `'${v}': expected key=value items`;
  return out;
}

/** An on/off value of QEMU's bool properties. */
function onOff(v: string): boolean | undefined {
  if (v === "on" || v === "yes" || v === "true") return true;
  if (v === "off" || v === "no" || v === "false") return false;
  return undefined;
}

/** Options followed by a value. */
const WITH_VALUE = new Set(["M", "machine", "smp", "m", "bios", "kernel", "initrd", "append", "dtb", "drive", "device", "serial", "d", "D", "accel", "cpu", "display", "monitor", "name"]);
/** Options without one. */
const FLAGS = new Set(["nographic", "no-reboot", "version", "h", "help", "nodefaults"]);

/**
 * Parses the arguments after `wasmu system`. Every option is QEMU's, given as `-opt` or
 * `--opt`; a bare argument (QEMU's hda) is refused with what to write instead.
 */
export function parseSystemArgs(argv: readonly string[]): SystemOptions | SystemRequest | SystemArgError {
  let harts = 1;
  let ramSize = DEFAULT_RAM_SIZE;
  let bios = "default";
  let kernel: string | undefined;
  let initrd: string | undefined;
  let append: string | undefined;
  let dtb: string | undefined;
  let dumpDtb: string | undefined;
  let serial: SerialBackend | undefined;
  let nographic = false;
  let displayNone = false;
  let noReboot = false;
  let tbLock = false;
  let tier: SystemOptions["tier"] = "auto";
  let hotThreshold: number | undefined;
  let tierBatch: number | undefined;
  let logFile: string | undefined;
  const logItems: string[] = [];
  const warnings: string[] = [];
  const drives: DriveOption[] = [];
  /** -device and if=virtio drives in command-line order; if=none drives are attached by -device. */
  const virtio: (VirtioOption | { kind: "blk-ref"; id: string; arg: string })[] = [];

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-") || a === "-" || a === "--") {
      return { error: `${a}: a disk image without -drive is not supported (use -drive file=${a},format=raw,if=virtio)` };
    }
    const opt = a.replace(/^--?/, "");
    if (!WITH_VALUE.has(opt) && !FLAGS.has(opt)) return { error: `${a}: invalid option` };
    let v = "";
    if (WITH_VALUE.has(opt)) {
      const next = argv[++i];
      if (next === undefined) return { error: `${a}: requires an argument` };
      v = next;
    }
    const bad = (msg: string): SystemArgError => ({ error: `${a} ${v}: ${msg}` });
    switch (opt) {
      case "h": case "help": return { request: "help" };
      case "version": return { request: "version" };
      case "nographic": nographic = true; break;
      case "no-reboot": noReboot = true; break;
      case "nodefaults": break; // wasmu adds no default devices beyond the machine's own
      case "name": break; // the guest's name: shown in window titles, of which wasmu has none
      case "M": case "machine": {
        if (v === "help" || v === "?") return { request: "machine-help" };
        const kv = parseKeyval(v, "type");
        if (typeof kv === "string") return bad(kv);
        for (const [k, val] of kv) {
          if (k === "type") {
            if (val === "help" || val === "?") return { request: "machine-help" };
            if (val !== "virt") return { error: `${a} ${v}: unsupported machine type (use -machine help to list supported machines)` };
          } else if (k === "dumpdtb") {
            dumpDtb = val;
          } else if (k === "accel") {
            if (val !== "tcg") return bad(`invalid accelerator ${val}`);
          } else {
            return bad(`Property 'virt-machine.${k}' not found`);
          }
        }
        break;
      }
      case "smp": {
        const kv = parseKeyval(v, "cpus");
        if (typeof kv === "string") return bad(kv);
        const num: Record<string, number> = {};
        for (const [k, val] of kv) {
          if (!["cpus", "maxcpus", "sockets", "cores", "threads", "dies", "clusters"].includes(k)) return bad(`Invalid parameter '${k}'`);
          if (!/^\d+$/.test(val)) return bad(`Parameter '${k}' expects a number`);
          num[k] = Number(val);
        }
        for (const [k, n] of Object.entries(num)) {
          // QEMU 7.2 warns and takes 0 as "compute it"; later versions refuse it, and so does wasmu.
          if (n === 0) return bad(`CPU topology parameters must be greater than zero (${k}=0)`);
        }
        if ((num.sockets ?? 1) > 1 || (num.dies ?? 1) > 1 || (num.clusters ?? 1) > 1) {
          return bad("one socket only: the virt machine's multi-socket layout (a CLINT and PLIC per socket) is not emulated");
        }
        const topo = (num.cores ?? 0) * (num.threads ?? 1);
        const cpus = num.cpus ?? (topo > 0 ? topo : num.maxcpus ?? 1);
        const maxcpus = num.maxcpus ?? (topo > 0 ? topo : cpus);
        if (topo > 0 && topo !== maxcpus) return bad(`Invalid CPU topology: product of the hierarchy must match maxcpus: cores (${num.cores}) * threads (${num.threads ?? 1}) != maxcpus (${maxcpus})`);
        if (maxcpus < cpus) return bad(`Invalid CPU topology: maxcpus must be equal to or greater than smp: maxcpus (${maxcpus}) < smp_cpus (${cpus})`);
        if (maxcpus > VIRT_CPUS_MAX) return { error: `Invalid SMP CPUs ${maxcpus}. The max CPUs supported by machine 'virt' is ${VIRT_CPUS_MAX}` };
        harts = cpus;
        break;
      }
      case "m": {
        const kv = parseKeyval(v, "size");
        if (typeof kv === "string") return bad(kv);
        for (const k of kv.keys()) if (k !== "size") return bad(`Invalid parameter '${k}' (memory hotplug is not emulated)`);
        const size = parseRamSize(kv.get("size") ?? "");
        if (size === undefined) return { error: SIZE_ERROR(opt, v) };
        // As QEMU: 0 means the default, and RAM is whole 8 KiB units.
        ramSize = size === 0n ? DEFAULT_RAM_SIZE : (size + 8191n) & ~8191n;
        break;
      }
      case "bios": bios = v; break;
      case "kernel": kernel = v; break;
      case "initrd": initrd = v; break;
      case "append": append = v; break;
      case "dtb": dtb = v; break;
      case "cpu":
        if (v === "help" || v === "?") return { request: "cpu-help" };
        if (!SYSTEM_CPU_MODELS.includes(v)) return bad(`unable to find CPU model '${v}' (RV64GC models: ${SYSTEM_CPU_MODELS.join(", ")})`);
        break;
      case "display":
        if (v !== "none") return bad(`Display '${v}' is not available (wasmu has no display: -display none or -nographic)`);
        displayNone = true;
        break;
      case "monitor":
        if (v !== "none") return bad("wasmu has no monitor: -monitor none only");
        break;
      case "serial": {
        if (serial !== undefined) break; // serial1..: the virt machine has one UART, as QEMU ignores the rest
        if (v === "mon:stdio" || v === "stdio") serial = v;
        else if (v === "null" || v === "none") serial = "null";
        else return bad(`'${v.split(":")[0]}' is not a valid char driver (wasmu has mon:stdio, stdio, null)`);
        break;
      }
      case "d": {
        if (v === "help") return { request: "log-help" };
        for (const item of v.split(",")) {
          const name = item.trim();
          if (name === "") continue;
          if (!SYSTEM_LOG_ITEMS.some((x) => x.name === name)) return { error: `-d: unknown log item '${name}'`, logHelp: true };
          if (!logItems.includes(name)) logItems.push(name);
        }
        if (v.split(",").every((x) => x.trim() === "")) return { request: "log-help" };
        break;
      }
      case "D": logFile = v; break;
      case "accel": {
        const kv = parseKeyval(v, "accel");
        if (typeof kv === "string") return bad(kv);
        const usage = "expected tcg[,tb-lock=on|off][,tier=auto|interp|jit][,tier-hot=N][,tier-batch=N][,thread=multi]";
        for (const [k, val] of kv) {
          const count = /^[1-9][0-9]{0,8}$/.test(val) ? Number(val) : undefined;
          if (k === "accel") {
            if (val !== "tcg") return bad(`invalid accelerator ${val}`);
          } else if (k === "tb-lock" && onOff(val) !== undefined) {
            tbLock = onOff(val)!;
          } else if (k === "tier" && (val === "auto" || val === "interp" || val === "jit")) {
            tier = val;
          } else if (k === "tier-hot" && count !== undefined) {
            hotThreshold = count;
          } else if (k === "tier-batch" && count !== undefined) {
            tierBatch = count;
          } else if (k === "thread") {
            if (val !== "multi") return bad("thread=multi only: every vCPU is a worker of its own");
          } else {
            return bad(usage);
          }
        }
        break;
      }
      case "drive": {
        const kv = parseKeyval(v);
        if (typeof kv === "string") return bad(kv);
        const file = kv.get("file");
        if (file === undefined || file === "") return bad("a drive needs file=");
        const format = kv.get("format");
        if (format !== undefined && format !== "raw") return bad(`format=${format}: only raw images are supported`);
        const iface = kv.get("if") ?? "virtio";
        if (iface !== "virtio" && iface !== "none") return bad(`if=${iface}: the virt machine takes if=virtio (or if=none with -device virtio-blk-device)`);
        const ro = onOff(kv.get("readonly") ?? "off");
        if (ro === undefined) return bad(`readonly=${kv.get("readonly")}: expected on or off`);
        for (const k of kv.keys()) {
          if (!["file", "format", "if", "readonly", "id", "media", "cache", "aio", "discard"].includes(k)) return bad(`Invalid parameter '${k}'`);
        }
        const media = kv.get("media");
        if (media !== undefined && media !== "disk") return bad(`media=${media}: only disks`);
        const id = kv.get("id");
        if (iface === "none" && id === undefined) return bad("if=none needs id= (for -device virtio-blk-device,drive=ID)");
        if (id !== undefined && drives.some((d) => d.id === id)) return bad(`Duplicate ID '${id}' for drive`);
        const drive: DriveOption = { file, readOnly: ro, interface: iface, ...(id !== undefined ? { id } : {}), formatGuessed: format === undefined };
        if (format === undefined) {
          warnings.push(`Image format was not specified for '${file}' and probing guessed raw. Automatically detecting the format is dangerous for raw images, write operations on block 0 will be restricted. Specify the 'raw' format explicitly to remove the restrictions.`);
        }
        drives.push(drive);
        if (iface === "virtio") virtio.push({ kind: "blk", drive });
        break;
      }
      case "device": {
        if (v === "help" || v === "?") return { request: "device-help" };
        const kv = parseKeyval(v, "driver");
        if (typeof kv === "string") return bad(kv);
        const driver = kv.get("driver")!;
        if (driver === "virtio-rng-device") {
          for (const k of kv.keys()) if (k !== "driver" && k !== "id") return bad(`Property 'virtio-rng-device.${k}' not found`);
          virtio.push({ kind: "rng" });
        } else if (driver === "virtio-blk-device") {
          for (const k of kv.keys()) if (k !== "driver" && k !== "id" && k !== "drive") return bad(`Property 'virtio-blk-device.${k}' not found`);
          const ref = kv.get("drive");
          if (ref === undefined) return bad("drive property not set");
          virtio.push({ kind: "blk-ref", id: ref, arg: `${a} ${v}` });
        } else if (/^virtio-.*-pci$/.test(driver)) {
          return bad(`'${driver}': the virt machine has no PCI in wasmu (use ${driver.replace(/-pci$/, "-device")})`);
        } else {
          return bad(`'${driver}' is not a valid device model name`);
        }
        break;
      }
      default: return { error: `${a}: invalid option` };
    }
  }

  const devices: VirtioOption[] = [];
  for (const d of virtio) {
    if (d.kind !== "blk-ref") {
      devices.push(d);
      continue;
    }
    const drive = drives.find((x) => x.id === d.id);
    if (drive === undefined) return { error: `${d.arg}: Property 'virtio-blk-device.drive' can't find value '${d.id}'` };
    if (drive.interface !== "none") return { error: `${d.arg}: Drive '${d.id}' is already in use by another device (give it if=none)` };
    if (devices.some((x) => x.kind === "blk" && x.drive === drive)) return { error: `${d.arg}: Drive '${d.id}' is already in use by another device` };
    devices.push({ kind: "blk", drive });
  }
  for (const drive of drives) {
    if (drive.interface === "none" && !devices.some((x) => x.kind === "blk" && x.drive === drive)) {
      warnings.push(`drive '${drive.id}' (${drive.file}) is not attached to any device (-device virtio-blk-device,drive=${drive.id})`);
    }
  }
  if (devices.length > 8) return { error: `${devices.length} virtio devices: the virt machine has 8 virtio-mmio slots` };
  if (initrd !== undefined && kernel === undefined) return { error: "-initrd only allowed with -kernel option" };
  if (append !== undefined && kernel === undefined) return { error: "-append only allowed with -kernel option" };

  return {
    harts, ramSize, bios, virtio: devices,
    // -nographic connects the serial port to the terminal through the mux; without it
    // (wasmu has no display) the same, unless -display none or -serial says otherwise.
    serial: serial ?? (nographic || !displayNone ? "mon:stdio" : "null"),
    logItems, noReboot, tbLock, tier, warnings,
    ...(kernel !== undefined ? { kernel } : {}),
    ...(initrd !== undefined ? { initrd } : {}),
    ...(append !== undefined ? { append } : {}),
    ...(dtb !== undefined ? { dtb } : {}),
    ...(dumpDtb !== undefined ? { dumpDtb } : {}),
    ...(logFile !== undefined ? { logFile } : {}),
    ...(hotThreshold !== undefined ? { hotThreshold } : {}),
    ...(tierBatch !== undefined ? { tierBatch } : {}),
  };
}
