// `wasmu system`'s command line and run (src/run): options parsed as qemu-system-riscv64
// reads them, bad input as one line and exit status 1, -M virt,dumpdtb=, and the run's
// terminal: the Ctrl-A mux (X quits, H helps, C does not break the console), the terminal
// restored on every way out, the end of the run mapped to an exit status. The machine is
// a fake VirtRun here (the CPU's own tests boot real ones); the CLI's test runs the bin.
import { describe, expect, it } from "vitest";
import {
  BootError, DEFAULT_RAM_SIZE, Fdt, type BlockStorage, type SystemHost, type VirtRun, type VirtRunOptions, type VirtRunResult,
  parseKeyval, parseRamSize, parseSystemArgs, systemMain,
} from "../src/index.js";

const MiB = 1n << 20n;

/** A RISC-V Linux Image header over `size` bytes. */
function image(size = 4096): Uint8Array {
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x0000006f, true);
  dv.setBigUint64(8, 0x200000n, true);
  dv.setBigUint64(16, BigInt(size), true);
  dv.setUint32(32, 2, true);
  dv.setBigUint64(48, 0x5643534952n, true);
  dv.setUint32(56, 0x05435352, true);
  return out;
}

interface FakeRun {
  readonly options: VirtRunOptions;
  readonly input: Uint8Array[];
  quits: number;
  finish(r: VirtRunResult): void;
  fail(e: Error): void;
}

/** A host with in-memory files and a terminal that records; `start` makes a controllable fake machine. */
function fakeHost(files: Record<string, Uint8Array> = {}, opts: { startThrows?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, Uint8Array>();
  const terminal: number[] = [];
  const state = { opened: 0, closed: 0, onInput: undefined as ((b: Uint8Array) => void) | undefined, runs: [] as FakeRun[], logs: [] as string[], logClosed: 0 };
  const host: SystemHost = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readFile: (p) => files[p] ?? "No such file or directory",
    writeFile: (p, b) => {
      if (p.startsWith("/nonexist/")) return "No such file or directory";
      written.set(p, b);
      return undefined;
    },
    openBlock: (p, readOnly): BlockStorage | string => {
      const f = files[p];
      if (f === undefined) return "No such file or directory";
      return { size: BigInt(f.length), readOnly, read: (o, into) => into.set(f.subarray(Number(o), Number(o) + into.length)), write: () => {}, flush: () => {} };
    },
    openLog: (p) => (p.startsWith("/nonexist/") ? "No such file or directory" : { write: (t) => state.logs.push(t), close: () => state.logClosed++ }),
    defaultBiosPaths: ["/fw/fw_dynamic.bin"],
    terminal: {
      write: (b) => terminal.push(...b),
      open: (onInput) => {
        state.opened++;
        state.onInput = onInput;
        return () => state.closed++;
      },
    },
    entropy: { fill: (b) => b.fill(0x42) },
    version: "9.9.9",
    start: (options) => {
      if (opts.startThrows !== undefined) throw new Error(opts.startThrows);
      let resolve!: (r: VirtRunResult) => void;
      let reject!: (e: Error) => void;
      const done = new Promise<VirtRunResult>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const run: FakeRun = { options, input: [], quits: 0, finish: resolve, fail: reject };
      state.runs.push(run);
      const vr: VirtRun = {
        input: (b) => run.input.push(b.slice()),
        quit: () => {
          run.quits++;
          resolve({ exitCode: 0, reason: "quit" });
        },
        done,
      };
      return vr;
    },
  };
  return { host, out, err, written, terminal, state, text: () => new TextDecoder().decode(Uint8Array.from(terminal)) };
}

const IMAGES = { "/k": image(), "/fw/fw_dynamic.bin": new Uint8Array(0x1000).fill(0x13), "/rd": new Uint8Array(1000), "/disk": new Uint8Array(4096) };

/** Waits until the fake machine has started (systemMain reads files and plans first). */
async function started(state: { runs: FakeRun[] }): Promise<FakeRun> {
  for (let i = 0; i < 100 && state.runs.length === 0; i++) await new Promise((r) => setImmediate(r));
  return state.runs[0]!;
}

describe("parseSystemArgs", () => {
  it("reads QEMU's options", () => {
    const o = parseSystemArgs([
      "-machine", "virt", "-smp", "cpus=4", "-m", "1G", "-bios", "none", "-kernel", "/k", "-initrd", "/rd", "-append", "console=ttyS0 rdinit=/init",
      "-drive", "file=/disk,format=raw,if=virtio,readonly=on", "-device", "virtio-rng-device", "-nographic", "-no-reboot",
      "-d", "in_asm,int", "-D", "/log", "--accel", "tcg,tb-lock=on,tier=jit,tier-hot=10,tier-batch=4",
    ]);
    expect(o).toMatchObject({
      harts: 4, ramSize: 1n << 30n, bios: "none", kernel: "/k", initrd: "/rd", append: "console=ttyS0 rdinit=/init", serial: "mon:stdio", noReboot: true,
      logItems: ["in_asm", "int"], logFile: "/log", tbLock: true, tier: "jit", hotThreshold: 10, tierBatch: 4,
      virtio: [{ kind: "blk", drive: { file: "/disk", readOnly: true, interface: "virtio" } }, { kind: "rng" }],
    });
    expect(parseSystemArgs([])).toMatchObject({ harts: 1, ramSize: DEFAULT_RAM_SIZE, bios: "default", serial: "mon:stdio", tier: "auto", tbLock: false });
  });

  it("reads sizes as qemu_strtosz_MiB: a bare number is MiB", () => {
    expect(parseRamSize("512")).toBe(512n * MiB);
    expect(parseRamSize("2G")).toBe(2n << 30n);
    expect(parseRamSize("1.5G")).toBe(3n << 29n);
    expect(parseRamSize("65536k")).toBe(64n * MiB);
    expect(parseRamSize("0x100")).toBe(256n * MiB);
    expect(parseRamSize("12x")).toBeUndefined();
    expect(parseRamSize("-1")).toBeUndefined();
    expect(parseSystemArgs(["-m", "size=256M"])).toMatchObject({ ramSize: 256n * MiB });
    expect(parseSystemArgs(["-m", "0"])).toMatchObject({ ramSize: DEFAULT_RAM_SIZE });
    expect(parseSystemArgs(["-m", "100000b"])).toMatchObject({ ramSize: 106496n }); // whole 8 KiB units, as QEMU
  });

  it("reads key=value lists with QEMU's ',,' escape", () => {
    expect(parseKeyval("file=a,,b.img,format=raw")).toEqual(new Map([["file", "a,b.img"], ["format", "raw"]]));
    expect(parseKeyval("virt,dumpdtb=x", "type")).toEqual(new Map([["type", "virt"], ["dumpdtb", "x"]]));
  });

  it("-smp: a count, cpus=, cores*threads; 1 to 512", () => {
    expect(parseSystemArgs(["-smp", "8"])).toMatchObject({ harts: 8 });
    expect(parseSystemArgs(["-smp", "cores=4"])).toMatchObject({ harts: 4 });
    expect(parseSystemArgs(["-smp", "2,maxcpus=4"])).toMatchObject({ harts: 2 });
    expect(parseSystemArgs(["-smp", "512"])).toMatchObject({ harts: 512 });
  });

  it("-drive if=none with -device virtio-blk-device,drive=ID, in command-line order with the other devices", () => {
    const o = parseSystemArgs(["-device", "virtio-rng-device", "-drive", "file=/disk,if=none,id=hd0,format=raw", "-device", "virtio-blk-device,drive=hd0"]);
    expect(o).toMatchObject({ virtio: [{ kind: "rng" }, { kind: "blk", drive: { file: "/disk", id: "hd0" } }], warnings: [] });
    // No format=: taken as raw with QEMU's warning.
    expect(parseSystemArgs(["-drive", "file=/disk"])).toMatchObject({ warnings: [expect.stringContaining("probing guessed raw") as unknown] });
  });

  it.each([
    [["-bogus"], "-bogus: invalid option"],
    [["-M", "sifive_u"], "-M sifive_u: unsupported machine type (use -machine help to list supported machines)"],
    [["-M", "virt,foo=1"], "-M virt,foo=1: Property 'virt-machine.foo' not found"],
    [["-smp", "0"], "-smp 0: CPU topology parameters must be greater than zero (cpus=0)"],
    [["-smp", "513"], "Invalid SMP CPUs 513. The max CPUs supported by machine 'virt' is 512"],
    [["-smp", "8,maxcpus=4"], "-smp 8,maxcpus=4: Invalid CPU topology: maxcpus must be equal to or greater than smp: maxcpus (4) < smp_cpus (8)"],
    [["-smp", "4,sockets=2"], "-smp 4,sockets=2: one socket only: the virt machine's multi-socket layout (a CLINT and PLIC per socket) is not emulated"],
    [["-smp", "x"], "-smp x: Parameter 'cpus' expects a number"],
    [["-m", "12x"], "-m 12x: Parameter 'size' expects a non-negative number below 2^64 (optional suffix k, M, G, T)"],
    [["-m", "1G,maxmem=2G"], "-m 1G,maxmem=2G: Invalid parameter 'maxmem' (memory hotplug is not emulated)"],
    [["-kernel"], "-kernel: requires an argument"],
    [["-initrd", "/rd"], "-initrd only allowed with -kernel option"],
    [["-append", "x"], "-append only allowed with -kernel option"],
    [["-accel", "kvm"], "-accel kvm: invalid accelerator kvm"],
    [["-accel", "tcg,tb-lock=maybe"], "-accel tcg,tb-lock=maybe: expected tcg[,tb-lock=on|off][,tier=auto|interp|jit][,tier-hot=N][,tier-batch=N][,thread=multi]"],
    [["-accel", "tcg,thread=single"], "-accel tcg,thread=single: thread=multi only: every vCPU is a worker of its own"],
    [["-drive", "file=/x,format=qcow2"], "-drive file=/x,format=qcow2: format=qcow2: only raw images are supported"],
    [["-drive", "file=/x,if=ide"], "-drive file=/x,if=ide: if=ide: the virt machine takes if=virtio (or if=none with -device virtio-blk-device)"],
    [["-drive", "format=raw"], "-drive format=raw: a drive needs file="],
    [["-device", "foo"], "-device foo: 'foo' is not a valid device model name"],
    [["-device", "virtio-rng-pci"], "-device virtio-rng-pci: 'virtio-rng-pci': the virt machine has no PCI in wasmu (use virtio-rng-device)"],
    [["-device", "virtio-blk-device,drive=hd9"], "-device virtio-blk-device,drive=hd9: Property 'virtio-blk-device.drive' can't find value 'hd9'"],
    [["-serial", "foo"], "-serial foo: 'foo' is not a valid char driver (wasmu has mon:stdio, stdio, null)"],
    [["-display", "gtk"], "-display gtk: Display 'gtk' is not available (wasmu has no display: -display none or -nographic)"],
    [["-cpu", "sifive-e51"], "-cpu sifive-e51: unable to find CPU model 'sifive-e51' (RV64GC models: rv64, any, sifive-u54)"],
    [["disk.img"], "disk.img: a disk image without -drive is not supported (use -drive file=disk.img,format=raw,if=virtio)"],
  ])("refuses %j with one line", (argv, message) => {
    expect(parseSystemArgs(argv)).toEqual({ error: message });
  });

  it("answers help requests", () => {
    expect(parseSystemArgs(["-h"])).toEqual({ request: "help" });
    expect(parseSystemArgs(["-d", "help"])).toEqual({ request: "log-help" });
    expect(parseSystemArgs(["-M", "help"])).toEqual({ request: "machine-help" });
    expect(parseSystemArgs(["-device", "help"])).toEqual({ request: "device-help" });
    expect(parseSystemArgs(["-d", "in_asm,foo"])).toEqual({ error: "-d: unknown log item 'foo'", logHelp: true });
  });
});

describe("systemMain", () => {
  it("prints one line and exits 1 for every kind of bad input", async () => {
    const cases: [string[], string][] = [
      [["-smp", "0"], "wasmu: -smp 0: CPU topology parameters must be greater than zero (cpus=0)\n"],
      [["-kernel", "/missing"], "wasmu: could not load kernel '/missing': No such file or directory\n"],
      [["-bios", "/missing"], "wasmu: Unable to load the RISC-V firmware \"/missing\": No such file or directory\n"],
      [["-bios", "none", "-kernel", "/k", "-initrd", "/missing"], "wasmu: could not load initrd '/missing': No such file or directory\n"],
      [["-bios", "none", "-dtb", "/missing"], "wasmu: could not load device tree '/missing': No such file or directory\n"],
      [["-bios", "none", "-dtb", "/k"], "wasmu: dtb: not a device tree blob (bad magic)\n"],
      [["-drive", "file=/missing,format=raw"], "wasmu: -drive file=/missing: Could not open '/missing': No such file or directory\n"],
      [["-bios", "none", "-kernel", "/x86"], "wasmu: kernel is an ELF file for x86-64, not RISC-V\n"],
      [["-bios", "none", "-m", "2M", "-kernel", "/k"], "wasmu: kernel (0x80000000-0x80000fff) overlaps device tree at 0x80000000: use more -m\n"],
      [["-m", "1M"], "wasmu: firmware (0x80000000-0x80000fff) overlaps device tree at 0x80000000: use more -m\n"],
      [["-m", "3M", "-kernel", "/big"], "wasmu: kernel (4194304 bytes at 0x80200000) does not fit in RAM (0x80000000-0x802fffff): use more -m\n"],
      [["-bios", "none", "-D", "/nonexist/log", "-kernel", "/k"], "wasmu: -D /nonexist/log: No such file or directory\n"],
    ];
    const x86 = new Uint8Array(64);
    x86.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    new DataView(x86.buffer).setUint16(18, 62, true);
    for (const [argv, message] of cases) {
      const f = fakeHost({ ...IMAGES, "/x86": x86, "/big": image(4 << 20) });
      const status = await systemMain(argv, f.host);
      expect({ argv, status, stderr: f.err.join(""), started: f.state.runs.length }).toEqual({ argv, status: 1, stderr: message, started: 0 });
    }
  });

  it("-bios default takes OpenSBI where the host says, or says what to install", async () => {
    const f = fakeHost({});
    expect(await systemMain([], { ...f.host, defaultBiosHint: "apt-get install opensbi" })).toBe(1);
    expect(f.err.join("")).toBe("wasmu: no default firmware: OpenSBI's fw_dynamic.bin was not found (looked in /fw/fw_dynamic.bin); apt-get install opensbi, or give -bios FILE or -bios none\n");
    const g = fakeHost(IMAGES);
    const status = systemMain(["-kernel", "/k", "-append", "console=ttyS0"], g.host);
    const run = await started(g.state);
    expect(run.options.firmware).toEqual(IMAGES["/fw/fw_dynamic.bin"]);
    run.finish({ exitCode: 0, reason: "poweroff" });
    expect(await status).toBe(0);
  });

  it("-M virt,dumpdtb= writes the tree the machine would get (with /chosen) and exits 0 without starting", async () => {
    const f = fakeHost(IMAGES);
    expect(await systemMain(["-M", "virt,dumpdtb=/out.dtb", "-smp", "2", "-m", "256M", "-bios", "none", "-kernel", "/k", "-append", "quiet", "-initrd", "/rd"], f.host)).toBe(0);
    expect(f.err.join("")).toBe("wasmu: info: dtb dumped to /out.dtb. Exiting.\n");
    expect(f.state.runs).toEqual([]);
    const fdt = Fdt.parse(f.written.get("/out.dtb")!);
    expect(fdt.node("/cpus/cpu@1")).toBeDefined();
    expect(fdt.node("/chosen")!.getStrings("bootargs")).toEqual(["quiet"]);
    expect(fdt.node("/chosen")!.getCells("linux,initrd-end")).toEqual([0, 0x80000000 + 0x8000000 + 1000]) // -bios none: kernel at 0x80000000, initrd 128 MiB above;
    expect(Array.from(fdt.node("/chosen")!.props.get("rng-seed")!)).toEqual(new Array(32).fill(0x42));
    const g = fakeHost(IMAGES);
    expect(await systemMain(["-M", "virt,dumpdtb=/nonexist/x.dtb", "-bios", "none"], g.host)).toBe(1);
    expect(g.err.join("")).toBe("wasmu: Failed dumping dtb to /nonexist/x.dtb: No such file or directory\n");
  });

  it("hands the machine its options: images, devices, tiers, log", async () => {
    const f = fakeHost(IMAGES);
    const status = systemMain([
      "-smp", "3", "-m", "512M", "-kernel", "/k", "-initrd", "/rd", "-drive", "file=/disk,format=raw,readonly=on", "-device", "virtio-rng-device",
      "-d", "int,guest_errors", "-D", "/log", "-no-reboot", "-accel", "tcg,tb-lock=on,tier=interp",
    ], f.host);
    const run = await started(f.state);
    expect(run.options).toMatchObject({ harts: 3, ramSize: 512n * MiB, tbLock: true, tier: "interp", noReboot: true, kernel: IMAGES["/k"], initrd: IMAGES["/rd"] });
    expect(run.options.virtio!.map((d) => d.deviceId)).toEqual([2, 4]);
    expect(run.options.log!.items).toEqual(["int", "guest_errors"]);
    run.options.log!.write("a log line\n");
    expect(f.state.logs).toEqual(["a log line\n"]);
    run.options.console.write(new TextEncoder().encode("OpenSBI v1.9\r\n"));
    expect(f.text()).toBe("OpenSBI v1.9\r\n");
    run.finish({ exitCode: 0, reason: "reset" });
    expect(await status).toBe(0);
    expect(f.state.logClosed).toBe(1);
  });

  it("the Ctrl-A mux: bytes to the guest, C-a h help, C-a c keeps the console, C-a C-a sends one, C-a x quits", async () => {
    const f = fakeHost(IMAGES);
    const status = systemMain(["-nographic", "-kernel", "/k"], f.host);
    const run = await started(f.state);
    expect(f.state.opened).toBe(1);
    const type = (s: string) => f.state.onInput!(new TextEncoder().encode(s));
    type("ls\r");
    type("\x01h");
    expect(f.text()).toContain("C-a x    exit emulator");
    type("\x01c");
    expect(f.text()).toContain("there is no monitor");
    type("echo\x01\x01!\r");
    expect(run.input.map((b) => new TextDecoder().decode(b)).join("")).toBe("ls\recho\x01!\r");
    expect(run.quits).toBe(0);
    type("\x01x");
    expect(run.quits).toBe(1);
    expect(await status).toBe(0);
    expect(f.text()).toContain("wasmu: Terminated");
    expect(f.state.closed).toBe(1);
  });

  it("-serial stdio: no mux, Ctrl-C ends the run", async () => {
    const f = fakeHost(IMAGES);
    const status = systemMain(["-serial", "stdio", "-kernel", "/k"], f.host);
    const run = await started(f.state);
    f.state.onInput!(Uint8Array.of(0x01, 0x78, 0x61, 0x03, 0x62));
    expect(run.input).toEqual([Uint8Array.of(0x01, 0x78, 0x61)]);
    expect(await status).toBe(0);
    expect(f.err.join("")).toContain("terminating on signal 2");
    expect(f.state.closed).toBe(1);
  });

  it("-serial null and -display none: no terminal, output dropped", async () => {
    const f = fakeHost(IMAGES);
    const status = systemMain(["-display", "none", "-kernel", "/k"], f.host);
    const run = await started(f.state);
    run.options.console.write(Uint8Array.of(65));
    run.finish({ exitCode: 3, reason: "poweroff" });
    expect(await status).toBe(3); // sifive_test FAIL code 3, as QEMU exits with it
    expect(f.state.opened).toBe(0);
    expect(f.terminal).toEqual([]);
  });

  it("restores the terminal when the machine fails, and reports the fault in one line", async () => {
    const f = fakeHost(IMAGES);
    const status = systemMain(["-nographic", "-kernel", "/k"], f.host);
    const run = await started(f.state);
    run.finish({ exitCode: 0, reason: "fault", message: "hart 0: instruction access fault at 0x0" });
    expect(await status).toBe(1);
    expect(f.err.join("")).toBe("wasmu: hart 0: instruction access fault at 0x0\n");
    expect(f.state.closed).toBe(1);
    const g = fakeHost(IMAGES);
    const status2 = systemMain(["-nographic", "-kernel", "/k"], g.host);
    (await started(g.state)).fail(new Error("worker crashed\n    at somewhere"));
    expect(await status2).toBe(1);
    expect(g.err.join("")).toBe("wasmu: worker crashed\n");
    expect(g.state.closed).toBe(1);
  });

  it("a machine that cannot start is one line, exit 1, the terminal never touched", async () => {
    const f = fakeHost(IMAGES, { startThrows: "wasmu system: the CPU is not wired into the virt machine yet" });
    expect(await systemMain(["-nographic", "-kernel", "/k"], f.host)).toBe(1);
    expect(f.err.join("")).toBe("wasmu: the CPU is not wired into the virt machine yet\n");
    expect(f.state.opened).toBe(0);
  });

  it("help, version and listings", async () => {
    const f = fakeHost();
    expect(await systemMain(["-version"], f.host)).toBe(0);
    expect(await systemMain(["-h"], f.host)).toBe(0);
    expect(await systemMain(["-d", "help"], f.host)).toBe(1);
    expect(await systemMain(["-device", "help"], f.host)).toBe(0);
    const out = f.out.join("");
    expect(out).toContain("wasmu system (riscv64) version 9.9.9");
    expect(out).toContain("-M virt[,dumpdtb=file]");
    expect(out).toMatch(/^guest_errors +log when the guest OS/m);
    expect(out).toContain('name "virtio-rng-device"');
    expect(BootError).toBeDefined();
  });
});
