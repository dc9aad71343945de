// Test support for the lowering: runs one IrFunc as a wasm TB over a shared memory laid
// out like the interpreter's machine (CPU state, guest window at MEM_BASE), and maps the
// wasm exit to the interpreter's InterpExit.
import { CTRL_BYTES, CTRL_EXIT_PC, CTRL_EXIT_REQ_PTR, CTRL_FAULT_ADDR, CTRL_FAULT_INFO, ExitKind, exitKind, FAULT_MISALIGNED } from "../src/backend/wasm/lower-abi.js";
import type { LowerConfig } from "../src/backend/wasm/lower.js";
import { TbModuleBuilder } from "../src/backend/wasm/lower-module.js";
import { helperImports } from "../src/exec/helper-imports.js";
import { helperTrampolines } from "../src/exec/helper-trampolines.js";
import { createRtTable } from "../src/exec/rt-table.js";
import { createDispatcher } from "../src/exec/worker-runtime.js";
import type { HelperDef, InterpExit, IrFunc } from "../src/index.js";
import { MEM_BASE, MEM_SIZE, STATE_SIZE } from "./ir-support.js";

export const ENV = 0x100;
export const EXIT_REQ = 0x40;
export const JMP_TARGETS = 0x80; // fake descriptor 0: JMP_TARGET0/1 (zero: never chained)
export const WINDOW_BASE = 0x2000;
const PAGES = 1;

export interface LowerRig {
  readonly memory: WebAssembly.Memory;
  readonly bytes: Uint8Array;
  run(f: IrFunc, m: { state: Uint8Array; mem: Uint8Array }): { exit: InterpExit; state: Uint8Array; mem: Uint8Array };
}

export function lowerRig(helpers: readonly HelperDef[], opts: Partial<LowerConfig> = {}): LowerRig {
  const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
  const bytes = new Uint8Array(memory.buffer);
  const view = new DataView(memory.buffer);
  const cfg: LowerConfig = {
    window: { lo: MEM_BASE, size: MEM_SIZE, base: WINDOW_BASE },
    jmpTarget0Addr: JMP_TARGETS,
    descBytes: 128,
    ...opts,
  };
  const tmb = new TbModuleBuilder({ memoryPages: PAGES, helpers }, cfg);
  const table = new WebAssembly.Table({ initial: 4, element: "anyfunc" });
  const imports = {
    rt: {
      memory,
      fns: createRtTable(helpers, { chain: createDispatcher(table), lookup: () => 0, notdirty: () => 0, helpers: helperTrampolines(helpers, helperImports(helpers, memory.buffer, STATE_SIZE)) }),
    },
  };
  return {
    memory,
    bytes,
    run(f, m) {
      bytes.fill(0);
      view.setUint32(ENV + CTRL_EXIT_REQ_PTR, EXIT_REQ, true);
      bytes.set(m.state, ENV + CTRL_BYTES);
      bytes.set(m.mem, WINDOW_BASE);
      const t = tmb.add(f);
      tmb.place(0, t.funcIndex);
      const mod = new WebAssembly.Module(tmb.finish());
      const inst = new WebAssembly.Instance(mod, imports);
      table.set(0, inst.exports.tb0);
      const code = (table.get(0) as (env: number, self: number) => number)(ENV, 0);
      const state = bytes.slice(ENV + CTRL_BYTES, ENV + CTRL_BYTES + STATE_SIZE);
      const mem = bytes.slice(WINDOW_BASE, WINDOW_BASE + MEM_SIZE);
      return { exit: toInterpExit(code, view, f), state, mem };
    },
  };
}

function toInterpExit(code: number, view: DataView, f: IrFunc): InterpExit {
  const kind = exitKind(code);
  if (kind <= ExitKind.MAX_EXIT_TB) return { kind: "exit_tb", code: kind };
  const pc = view.getBigUint64(ENV + CTRL_EXIT_PC, true);
  switch (kind) {
    case ExitKind.FAULT:
      return {
        kind: "fault",
        addr: view.getBigUint64(ENV + CTRL_FAULT_ADDR, true),
        pc: pc === 0xffff_ffff_ffff_ffffn ? undefined : pc,
        misaligned: (view.getInt32(ENV + CTRL_FAULT_INFO, true) & FAULT_MISALIGNED) !== 0,
      };
    case ExitKind.HELPER: {
      // The helper that did not return: the last noreturn call before... found by the test from the IR.
      const names = f.helpers.filter((h) => (h.flags & 8) !== 0).map((h) => h.name);
      return { kind: "noreturn", helper: names.length === 1 ? names[0]! : names.join("|") };
    }
    case ExitKind.LOOKUP_MISS: return { kind: "lookup_and_goto_ptr" };
    case ExitKind.END: return { kind: "end" };
    default: throw new Error(`unexpected exit kind ${kind}`);
  }
}
