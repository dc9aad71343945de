/**
 * QEMU's `-d` logging for the execution loop: the log items (a bit mask), their parser and
 * `-d help` text, and the formatters the loop calls — in_asm, op, op_opt and out_asm for
 * each translated TB, exec and cpu at each TB entry, stats at the end.
 *
 * Zero cost when off: a {@link Vcpu} has `log === undefined` unless the embedder sets one;
 * translation tests it once per TB, and the loop reads the exec/cpu bits once per
 * `cpuExec` call into a local, so steady-state execution pays one test of a local boolean
 * per return to the loop (chained TBs pay nothing).
 *
 * exec and cpu print at every TB entry, which only happens in the loop: like QEMU's
 * `nochain`, they make the loop translate with {@link CF_NO_GOTO_TB} (see
 * {@link logCflags}), so no jump is chained and the inline lookup_and_goto_ptr probe (which
 * only accepts cflags 0) always falls back to the loop.
 *
 * Sinks and threads: a {@link LogSink} is called synchronously from the thread running
 * the vCPU, one whole record (a TB's in_asm/op/op_opt/out_asm block, one exec line with
 * its register dump) per call. A sink shared by vCPUs in several workers must therefore
 * write each call atomically: the Node embedder opens the log file once and every worker
 * appends with `fs.writeSync(fd, text)` on that descriptor (O_APPEND), so records of
 * different vCPUs interleave whole, never mixed, as QEMU's do under its log lock. tcg
 * itself has no `node:` dependency: the sink comes from the embedder.
 *
 * @module
 */
import { printIr } from "../ir/text.js";
import { disassembleBody, wasmImportNames } from "../backend/wasm/wasm-disasm.js";
import type { ExecStats } from "./cpu-exec.js";
import { CF_NO_GOTO_TB, type GuestCodeReader, type TranslatedTb } from "./translator.js";

/** The log items (bits of {@link TcgLog.mask}). */
export const LogItem = {
  OUT_ASM: 1 << 0,
  IN_ASM: 1 << 1,
  OP: 1 << 2,
  OP_OPT: 1 << 3,
  EXEC: 1 << 4,
  CPU: 1 << 5,
  FPU: 1 << 6,
  PAGE: 1 << 7,
  NOCHAIN: 1 << 8,
  STRACE: 1 << 9,
  STATS: 1 << 10,
} as const;

/** One `-d` item: its name, bit and help line (QEMU's wording where QEMU has it). */
export interface LogItemInfo {
  readonly name: string;
  readonly mask: number;
  readonly help: string;
}

/** Every item, in QEMU's `-d help` order; `stats` is wasmu's own. */
export const LOG_ITEMS: readonly LogItemInfo[] = [
  { name: "out_asm", mask: LogItem.OUT_ASM, help: "show generated host assembly code for each compiled TB" },
  { name: "in_asm", mask: LogItem.IN_ASM, help: "show target assembly code for each compiled TB" },
  { name: "op", mask: LogItem.OP, help: "show micro ops for each compiled TB" },
  { name: "op_opt", mask: LogItem.OP_OPT, help: "show micro ops after optimization" },
  { name: "exec", mask: LogItem.EXEC, help: "show trace before each executed TB (lots of logs)" },
  { name: "cpu", mask: LogItem.CPU, help: "show CPU registers before entering a TB (lots of logs)" },
  { name: "fpu", mask: LogItem.FPU, help: "include FPU registers in the 'cpu' logging" },
  { name: "page", mask: LogItem.PAGE, help: "dump pages at beginning of user mode emulation" },
  { name: "nochain", mask: LogItem.NOCHAIN, help: "do not chain compiled TBs so that \"exec\" and \"cpu\" show\ncomplete traces" },
  { name: "strace", mask: LogItem.STRACE, help: "log every user-mode syscall, its input, and its result" },
  { name: "stats", mask: LogItem.STATS, help: "at exit, per vCPU: TBs, modules and milliseconds spent\ntranslating, optimizing, emitting, compiling, instantiating;\nthen the memory (peak RSS, JS heap, shared memory)" },
];

/** `-d help`'s text. */
export function logItemsHelp(): string {
  return `Log items (comma separated):\n${LOG_ITEMS.map((i) => `${i.name.padEnd(15)} ${i.help}\n`).join("")}`;
}

/** Parses `-d item[,item...]`: the mask, or the first unknown item's name in `{ unknown }`. */
export function parseLogItems(spec: string): number | { readonly unknown: string } {
  let mask = 0;
  for (const raw of spec.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    const item = LOG_ITEMS.find((i) => i.name === name);
    if (item === undefined) return { unknown: name };
    mask |= item.mask;
  }
  return mask;
}

/** Where log text goes (see the module comment for the threading contract). */
export interface LogSink {
  /** Writes one whole record. */
  write(text: string): void;
}

/** What the log needs from the guest target. */
export interface TargetLogFormat {
  /** The in_asm lines of `size` guest bytes at `pc` (each ending in "\n"). */
  disassemble(code: GuestCodeReader, pc: bigint, size: number): string;
  /** The cpu item's register dump of a CPU state (FP registers too when `fpu`). */
  dumpCpu(state: DataView, fpu: boolean): string;
}

/** A vCPU's log: the items, the sink, the target's formatters, the guest's symbols. */
export interface TcgLog {
  /** {@link LogItem} bits. */
  readonly mask: number;
  /** Where records go. */
  readonly sink: LogSink;
  /** The guest target's formatters. */
  readonly target: TargetLogFormat;
  /** The name of the function containing `pc` (QEMU's lookup_symbol), if known. */
  symbol?(pc: bigint): string | undefined;
}

/** The items that print at each TB entry and so need every entry to go through the loop. */
export const LOG_AT_ENTRY = LogItem.EXEC | LogItem.CPU;

/** cflags bits every TB gets under `mask` (QEMU's curr_cflags): CF_NO_GOTO_TB for nochain, exec and cpu. */
export function logCflags(mask: number): number {
  return (mask & (LogItem.NOCHAIN | LOG_AT_ENTRY)) !== 0 ? CF_NO_GOTO_TB : 0;
}

/** A 64-bit value as 16 hex digits, as QEMU's logs print addresses and registers (no 0x). */
export const hex16 = (v: bigint): string => v.toString(16).padStart(16, "0");

/** The in_asm and op records of a TB just translated (before the optimizer); "" if neither is on. */
export function logTranslated(log: TcgLog, pc: bigint, tr: TranslatedTb, code: GuestCodeReader): string {
  let s = "";
  if ((log.mask & LogItem.IN_ASM) !== 0) {
    s += `----------------\nIN: ${log.symbol?.(pc) ?? ""}\n${log.target.disassemble(code, pc, tr.size)}\n`;
  }
  if ((log.mask & LogItem.OP) !== 0) s += `OP:\n${irText(tr)}\n`;
  return s;
}

/** The op_opt record of a TB after the optimizer; "" if off. */
export function logOptimized(log: TcgLog, tr: TranslatedTb): string {
  return (log.mask & LogItem.OP_OPT) !== 0 ? `OP after optimization:\n${irText(tr)}\n` : "";
}

function irText(tr: TranslatedTb): string {
  return printIr(tr.func, { declarations: false }).replace(/^/gm, " ").replace(/ $/, "");
}

/** One TB of a module for {@link logModule}. */
export interface LoggedTb {
  /** The TB's descriptor index. */
  readonly tb: number;
  /** Its guest pc. */
  readonly pc: bigint;
  /** Its records from {@link logTranslated} and {@link logOptimized}. */
  readonly text: string;
  /** Its function's code bytes (no local declarations), from the module builder. */
  readonly code: Uint8Array;
  /** Its function index in the module. */
  readonly funcIndex: number;
}

/**
 * Writes the records of a module's TBs, each followed by its out_asm listing when on
 * (`slotNames`: what each slot of the runtime table holds, to name indirect calls).
 */
export function logModule(log: TcgLog, module: Uint8Array, tbs: readonly LoggedTb[], slotNames: readonly string[] = []): void {
  const outAsm = (log.mask & LogItem.OUT_ASM) !== 0;
  const names = outAsm ? wasmImportNames(module) : [];
  let s = "";
  for (const t of tbs) {
    s += t.text;
    if (outAsm) {
      s += `OUT: [size=${t.code.length}] tb ${t.tb} func ${t.funcIndex} (module of ${module.length} bytes, ${tbs.length} TB${tbs.length === 1 ? "" : "s"})\n`;
      s += `  -- guest addr 0x${hex16(t.pc)} + tb prologue\n`;
      s += `${disassembleBody(t.code, { funcName: (i) => names[i], slotName: (i) => slotNames[i] })}\n`;
    }
  }
  if (s !== "") log.sink.write(s);
}

/**
 * The exec line (QEMU's `Trace cpu: host [cs_base/pc/flags/cflags] symbol`; the host
 * pointer is the TB descriptor's address in the shared memory) and the cpu dump, at
 * a TB entry.
 */
export function logTbEntry(log: TcgLog, vcpu: number, descAddr: number, pc: bigint, flags: number, cflags: number, state: DataView): void {
  let s = "";
  if ((log.mask & LogItem.EXEC) !== 0) {
    s += `Trace ${vcpu}: 0x${descAddr.toString(16)} [${hex16(0n)}/${hex16(pc)}/${(flags >>> 0).toString(16).padStart(8, "0")}/${(cflags >>> 0).toString(16).padStart(8, "0")}] ${log.symbol?.(pc) ?? ""}\n`;
  }
  if ((log.mask & LogItem.CPU) !== 0) s += log.target.dumpCpu(state, (log.mask & LogItem.FPU) !== 0);
  if (s !== "") log.sink.write(s);
}

/** The stats record of one vCPU: `stats vcpu N: key=value ...` (times in ms, 3 decimals). */
export function formatStats(vcpu: number, st: ExecStats): string {
  const ms = (v: number): string => v.toFixed(3);
  return `stats vcpu ${vcpu}: tbs=${st.tbs} insns=${st.insns} modules=${st.modules} code_bytes=${st.codeBytes} returns=${st.returns} chained=${st.chained} flushes=${st.flushes}`
    + ` translate_ms=${ms(st.translateMs)} optimize_ms=${ms(st.optimizeMs)} emit_ms=${ms(st.emitMs)} compile_ms=${ms(st.compileMs)} instantiate_ms=${ms(st.instantiateMs)}`
    + ` interp_tbs=${st.interpTbs} interp_refused=${st.interpRefused} interp_insns=${st.interpInsns} tiered_tbs=${st.tieredTbs} tier_modules=${st.tierModules} tier_ms=${ms(st.tierMs)}\n`;
}

/** Parses {@link formatStats} lines back (for tools such as the bench): one record per vCPU. */
export function parseStats(text: string): { readonly vcpu: number; readonly values: Readonly<Record<string, number>> }[] {
  const out: { vcpu: number; values: Record<string, number> }[] = [];
  for (const m of text.matchAll(/^stats vcpu (\d+): (.*)$/gm)) {
    const values: Record<string, number> = {};
    for (const kv of m[2]!.split(" ")) {
      const eq = kv.indexOf("=");
      if (eq > 0) values[kv.slice(0, eq)] = Number(kv.slice(eq + 1));
    }
    out.push({ vcpu: Number(m[1]), values });
  }
  return out;
}
