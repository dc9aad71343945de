// `isa`: decoder and disassembler throughput of @wasmu/isa (issue 2's Bench section),
// in instructions per second over the .text of real riscv64 binaries: Debian's
// busybox-static and libc.so.6 from the guest cache, and the CLI's bundled fixture.
// Reported, never asserted.
//
// @wasmu/isa is loaded at run time, not imported: the bench builds and reports even
// while the layer below does not build, and the entry then says why it is absent.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cliPackageDir } from "../context.js";
import type { BenchContext, BenchEntry, Workload } from "../entry.js";

/** What the entry uses of @wasmu/isa (checked at load time). */
interface IsaApi {
  decodeAt(bytes: Uint8Array, offset: number): { readonly length: number; readonly illegal: boolean };
  Disassembler: new (options: object) => {
    next(bytes: Uint8Array, offset: number, address: bigint): { readonly length: number; readonly text: string; readonly illegal: boolean };
  };
}

/** What the entry uses of @wasmu/isa/elf. */
interface IsaElfApi {
  readElf(bytes: Uint8Array):
    | {
        readonly ok: true;
        readonly elf: {
          section(name: string): { readonly addr: bigint } | undefined;
          sectionData(section: { readonly addr: bigint }): Uint8Array;
        };
      }
    | { readonly ok: false; readonly error: string };
}

// Variables, so that TypeScript does not resolve the modules at build time.
const ISA = "@wasmu/isa";
const ISA_ELF = "@wasmu/isa/elf";

async function loadIsa(): Promise<{ isa: IsaApi; elf: IsaElfApi }> {
  const isa = (await import(ISA)) as Partial<IsaApi>;
  const elf = (await import(ISA_ELF)) as Partial<IsaElfApi>;
  if (typeof isa.decodeAt !== "function") throw new Error("@wasmu/isa exports no decodeAt");
  if (typeof isa.Disassembler !== "function") throw new Error("@wasmu/isa exports no Disassembler");
  if (typeof elf.readElf !== "function") throw new Error("@wasmu/isa/elf exports no readElf");
  return { isa: isa as IsaApi, elf: elf as IsaElfApi };
}

/** The .text of an ELF file: its bytes and load address. */
function textOf(elf: IsaElfApi, path: string): { bytes: Uint8Array; address: bigint } {
  const r = elf.readElf(new Uint8Array(readFileSync(path)));
  if (!r.ok) throw new Error(`${path}: ${r.error}`);
  const text = r.elf.section(".text");
  if (!text) throw new Error(`${path} has no .text`);
  return { bytes: r.elf.sectionData(text), address: text.addr };
}

/** Decodes every instruction of `bytes` in a linear sweep; returns how many. */
function decodeAll(isa: IsaApi, bytes: Uint8Array): number {
  let n = 0;
  for (let off = 0; off < bytes.length; n++) off += Math.max(2, isa.decodeAt(bytes, off).length);
  return n;
}

/** Disassembles every instruction of `bytes` to objdump text; returns how many. */
function disassembleAll(isa: IsaApi, bytes: Uint8Array, address: bigint): number {
  const d = new isa.Disassembler({});
  let n = 0;
  let chars = 0;
  for (let off = 0; off < bytes.length; n++) {
    const insn = d.next(bytes, off, address + BigInt(off));
    chars += insn.text.length;
    off += Math.max(2, insn.length);
  }
  if (chars === 0 && n > 0) throw new Error("the disassembler printed nothing");
  return n;
}

/** A binary whose .text is measured, and what it takes to have it. */
interface Binary {
  readonly name: string;
  readonly path: (ctx: BenchContext) => string;
  readonly requires: Workload["requires"];
  /** How to get the file when it is missing. */
  readonly hint: string;
}

const BINARIES: readonly Binary[] = [
  {
    name: "busybox",
    path: (ctx) => join(ctx.sysroot, "usr/bin/busybox"),
    requires: [{ kind: "guest-packages", packages: ["busybox-static"] }],
    hint: "run: wasmu bench fetch",
  },
  {
    name: "libc",
    path: (ctx) => join(ctx.sysroot, "usr/lib/riscv64-linux-gnu/libc.so.6"),
    requires: [{ kind: "guest-packages", packages: ["libc6"] }],
    hint: "run: wasmu bench fetch",
  },
  {
    name: "hello",
    path: () => join(cliPackageDir(), "fixtures/hello"),
    requires: [],
    hint: "@wasmu/cli's bundled fixture (fixtures/build.sh)",
  },
];

export const isaEntry: BenchEntry = {
  name: "isa",
  description:
    "Decoder and disassembler throughput of @wasmu/isa, in instructions per second, over the .text of real riscv64 binaries (linear sweep, like objdump -d).",
  requires: [
    {
      kind: "check",
      what: "@wasmu/isa built (pnpm --filter @wasmu/isa build)",
      check: async () => {
        try {
          await loadIsa();
          return null;
        } catch (err) {
          return `@wasmu/isa cannot be loaded (pnpm --filter @wasmu/isa build): ${err instanceof Error ? err.message.split("\n")[0]! : String(err)}`;
        }
      },
    },
  ],
  workloads: async (ctx) => {
    const { isa, elf } = await loadIsa();
    const out: Workload[] = [];
    for (const b of BINARIES) {
      const path = b.path(ctx);
      const requires = [...(b.requires ?? []), { kind: "file" as const, path, hint: b.hint }];
      // The .text is read in setup, once the workload's requirements hold.
      let text: { bytes: Uint8Array; address: bigint } | null = null;
      const load = (): void => {
        text ??= textOf(elf, path);
      };
      const bytes = (): Uint8Array => text!.bytes;
      out.push(
        {
          kind: "single",
          name: `decode-${b.name}`,
          description: `decodeAt over the .text of ${b.name}`,
          requires,
          target: { kind: "function", label: "decode", unit: "insn", setup: load, run: () => decodeAll(isa, bytes()) },
        },
        {
          kind: "single",
          name: `disasm-${b.name}`,
          description: `Disassembler.next (objdump text) over the .text of ${b.name}`,
          requires,
          target: { kind: "function", label: "disasm", unit: "insn", setup: load, run: () => disassembleAll(isa, bytes(), text!.address) },
        },
      );
    }
    return out;
  },
};
