// The generated device tree of the virt machine against QEMU's own (`-M virt,dumpdtb=`),
// both decompiled by dtc, node by node. Without qemu-system-riscv64 and dtc the recorded
// decompiled trees in fixtures/ stand in for QEMU's (and our blob is read by our own
// reader); under CI the live comparison must run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Fdt, buildVirtFdt, riscvIsaString, updateChosen } from "../src/index.js";
import { type DtNode, cells, cellsNumber, fromFdt, nodesByPath, parseDts, phandlePaths } from "./support/dts.js";
import { HAVE_DTC, HAVE_QEMU_SYSTEM, IN_CI, requireTool } from "./support/tools.js";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), "wasmu-fdt-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** QEMU's CPU restricted to what wasmu implements (RV64GC): no H, bitmanip, Zihintpause, Sstc. */
const QEMU_CPU = "rv64,h=false,zba=false,zbb=false,zbc=false,zbs=false,Zihintpause=false,sstc=false";
/** Nodes of QEMU's tree for devices wasmu does not emulate. */
const NOT_EMULATED = [/^\/pmu$/, /^\/fw-cfg@/, /^\/flash@/, /^\/platform-bus@/, /^\/soc\/pci@/];
/** Properties our tree adds to QEMU 7.2's (the newer ISA binding, which QEMU ≥ 8.2 emits too). */
const ADDED_PROPS = new Set(["riscv,isa-base", "riscv,isa-extensions"]);
/** Properties holding phandles, and the cell layout to map them to paths. */
const PHANDLE_PROPS: Record<string, "one" | "pairs"> = { "interrupt-parent": "one", regmap: "one", cpu: "one", "interrupts-extended": "pairs" };

interface Case {
  readonly smp: number;
  readonly mem: string;
  readonly ramSize: bigint;
  readonly append?: string;
  readonly initrdBytes?: number;
}
const CASES: readonly Case[] = [
  { smp: 1, mem: "128M", ramSize: 128n << 20n },
  { smp: 2, mem: "256M", ramSize: 256n << 20n, append: "console=ttyS0 rdinit=/init", initrdBytes: 4097 },
  { smp: 4, mem: "1G", ramSize: 1n << 30n, append: "earlycon root=/dev/vda" },
  { smp: 8, mem: "2G", ramSize: 2n << 30n },
];
const fixtureName = (c: Case) => `qemu-virt-smp${c.smp}-${c.mem}.dts`;

function qemuDts(c: Case): string {
  const dtb = join(tmp, `q${c.smp}.dtb`);
  const args = ["-M", `virt,dumpdtb=${dtb}`, "-cpu", QEMU_CPU, "-smp", String(c.smp), "-m", c.mem, "-nographic", "-bios", "none"];
  if (c.append !== undefined || c.initrdBytes !== undefined) {
    const kernel = join(tmp, "kernel.bin");
    writeFileSync(kernel, new Uint8Array(4096));
    args.push("-kernel", kernel);
  }
  if (c.append !== undefined) args.push("-append", c.append);
  if (c.initrdBytes !== undefined) {
    const rd = join(tmp, "initrd.bin");
    writeFileSync(rd, new Uint8Array(c.initrdBytes));
    args.push("-initrd", rd);
  }
  const r = spawnSync("qemu-system-riscv64", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`qemu-system-riscv64 ${args.join(" ")}: ${r.stderr}`);
  return dtcDecompile(readFileSync(dtb));
}

function dtcDecompile(blob: Uint8Array): string {
  const r = spawnSync("dtc", ["-I", "dtb", "-O", "dts", "-q"], { input: blob, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`dtc -I dtb -O dts: ${r.stderr}`);
  return r.stdout;
}

function ourTree(c: Case, qemu: DtNode): { blob: Uint8Array; fdt: Fdt } {
  // QEMU decides where the initrd goes (the loader's test checks our placement); here the
  // tree must state the range it is given.
  const chosen = qemu.children.get("chosen")!;
  const start = chosen.props.get("linux,initrd-start");
  const end = chosen.props.get("linux,initrd-end");
  const fdt = buildVirtFdt({
    harts: c.smp,
    ramSize: c.ramSize,
    ...(c.append !== undefined ? { bootargs: c.append } : {}),
    ...(start && end ? { initrd: { start: cellsNumber(start), end: cellsNumber(end) } } : {}),
    rngSeed: new Uint8Array(32).fill(0x5a),
  });
  return { blob: fdt.toBlob(), fdt };
}

/** A node of a device wasmu does not emulate, or below one. */
function excluded(path: string): boolean {
  const parts = path.split("/");
  return parts.some((_, k) => NOT_EMULATED.some((re) => re.test(parts.slice(0, k + 1).join("/"))));
}

function normalise(name: string, v: Uint8Array, phandles: Map<number, string>): unknown {
  const kind = PHANDLE_PROPS[name];
  if (kind === "one") return cells(v).map((p) => phandles.get(p) ?? `?${p}`);
  if (kind === "pairs") return cells(v).map((x, k) => (k % 2 === 0 ? (phandles.get(x) ?? `?${x}`) : x));
  if (name === "linux,initrd-start" || name === "linux,initrd-end") return cellsNumber(v);
  return Array.from(v);
}

function compareTrees(qemu: DtNode, ours: DtNode): string[] {
  const diffs: string[] = [];
  const qn = nodesByPath(qemu);
  const on = nodesByPath(ours);
  const qp = phandlePaths(qemu);
  const op = phandlePaths(ours);
  for (const [path, q] of qn) {
    if (excluded(path)) continue;
    const o = on.get(path);
    if (!o) {
      diffs.push(`missing node ${path}`);
      continue;
    }
    for (const [name, qv] of q.props) {
      const ov = o.props.get(name);
      if (!ov) {
        diffs.push(`${path}: missing property ${name}`);
        continue;
      }
      if (name === "phandle") continue; // identity: checked through the references
      if (name === "rng-seed") {
        if (ov.length !== qv.length) diffs.push(`${path}: rng-seed is ${ov.length} bytes, QEMU's ${qv.length}`);
        continue;
      }
      const a = JSON.stringify(normalise(name, qv, qp), (_, x: unknown) => (typeof x === "bigint" ? `0x${x.toString(16)}` : x));
      const b = JSON.stringify(normalise(name, ov, op), (_, x: unknown) => (typeof x === "bigint" ? `0x${x.toString(16)}` : x));
      if (a !== b) diffs.push(`${path}: ${name} is ${b}, QEMU's ${a}`);
    }
    for (const name of o.props.keys()) {
      if (!q.props.has(name) && !ADDED_PROPS.has(name)) diffs.push(`${path}: extra property ${name}`);
    }
  }
  for (const path of on.keys()) if (!qn.has(path)) diffs.push(`extra node ${path}`);
  return diffs;
}

const live = requireTool(HAVE_QEMU_SYSTEM && HAVE_DTC, "qemu-system-riscv64 or dtc");

describe.each(CASES)("virt device tree, -smp $smp -m $mem", (c) => {
  it.runIf(live)("matches QEMU's dumpdtb node by node (both decompiled by dtc)", () => {
    if (IN_CI) {
      expect(HAVE_QEMU_SYSTEM, "qemu-system-riscv64 must be installed under CI").toBe(true);
      expect(HAVE_DTC, "dtc must be installed under CI").toBe(true);
    }
    const qText = qemuDts(c);
    const qemu = parseDts(qText);
    const { blob } = ourTree(c, qemu);
    const ours = parseDts(dtcDecompile(blob));
    expect(compareTrees(qemu, ours)).toEqual([]);
    // The recorded tree is what this QEMU prints, minus the random rng-seed.
    const strip = (t: string) => t.replace(/rng-seed = <[^>]*>;/, "rng-seed;");
    if (process.env.WASMU_RECORD_DTS === "1") writeFileSync(new URL(fixtureName(c), FIXTURES), strip(qText));
    else expect(strip(qText)).toBe(readFileSync(new URL(fixtureName(c), FIXTURES), "utf8"));
  });

  it("matches the recorded QEMU tree (our blob read by our own reader)", () => {
    const recorded = readFileSync(new URL(fixtureName(c), FIXTURES), "utf8").replace("rng-seed;", "rng-seed = <0 0 0 0 0 0 0 0>;");
    const qemu = parseDts(recorded);
    const { blob } = ourTree(c, qemu);
    const ours = fromFdt(Fdt.parse(blob));
    expect(compareTrees(qemu, ours)).toEqual([]);
  });
});

describe("the generated tree", () => {
  it("states the ISA both ways and the hart interrupt wiring", () => {
    const fdt = buildVirtFdt({ harts: 2, ramSize: 1n << 28n });
    const cpu1 = fdt.node("/cpus/cpu@1")!;
    expect(cpu1.getStrings("riscv,isa")).toEqual(["rv64imafdc_zicsr_zifencei"]);
    expect(cpu1.getStrings("riscv,isa-extensions")).toEqual(["i", "m", "a", "f", "d", "c", "zicsr", "zifencei"]);
    expect(riscvIsaString(["i", "m", "a", "c", "zicsr", "sstc"])).toBe("rv64imac_zicsr_sstc");
    const intc1 = fdt.node("/cpus/cpu@1/interrupt-controller")!.getCells("phandle")![0]!;
    const plic = fdt.node("/soc/plic@c000000")!;
    // contexts 2h (M external, 11) and 2h+1 (S external, 9) per hart
    expect(plic.getCells("interrupts-extended")!.slice(4)).toEqual([intc1, 11, intc1, 9]);
    expect(fdt.node("/soc/clint@2000000")!.getCells("interrupts-extended")!.slice(4)).toEqual([intc1, 3, intc1, 7]);
  });

  it("round-trips through its own reader, and dtc accepts it", () => {
    const fdt = buildVirtFdt({ harts: 3, ramSize: 3n << 30n, bootargs: "console=ttyS0", initrd: { start: 0x88000000n, end: 0x88001000n } });
    const blob = fdt.toBlob();
    const again = Fdt.parse(blob);
    expect(again.toBlob()).toEqual(blob);
    expect(again.node("/chosen")!.getStrings("bootargs")).toEqual(["console=ttyS0"]);
    expect(again.node("/memory@80000000")!.getCells("reg")).toEqual([0, 0x80000000, 0, 0xc0000000]);
    if (HAVE_DTC) {
      const r = spawnSync("dtc", ["-I", "dtb", "-O", "dtb", "-q"], { input: blob });
      expect(r.status).toBe(0);
    }
  });

  it("updates /chosen of a given tree as QEMU does for -dtb", () => {
    const given = buildVirtFdt({ harts: 1, ramSize: 1n << 27n, bootargs: "old" });
    updateChosen(given, { bootargs: "console=ttyS0", initrd: { start: 0x84000000n, end: 0x84000100n } });
    const chosen = Fdt.parse(given.toBlob()).node("/chosen")!;
    expect(chosen.getStrings("bootargs")).toEqual(["console=ttyS0"]);
    expect(chosen.getCells("linux,initrd-end")).toEqual([0, 0x84000100]);
  });

  it("rejects bad blobs and bad hart counts with an error", () => {
    expect(() => Fdt.parse(new Uint8Array(8))).toThrow(/shorter than its header/);
    const blob = buildVirtFdt({ harts: 1, ramSize: 1n << 27n }).toBlob();
    expect(() => Fdt.parse(blob.subarray(0, blob.length - 10))).toThrow(/truncated/);
    const bad = blob.slice();
    bad[0] = 0;
    expect(() => Fdt.parse(bad)).toThrow(/bad magic/);
    expect(() => buildVirtFdt({ harts: 0, ramSize: 1n << 27n })).toThrow(/harts/);
    expect(() => buildVirtFdt({ harts: 513, ramSize: 1n << 27n })).toThrow(/harts/);
  });
});
