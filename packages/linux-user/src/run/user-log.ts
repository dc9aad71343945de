/**
 * `wasmu user -d ... -D file -one-insn-per-tb`: what a run does for QEMU's log items on
 * top of tcg's (`@wasmu/tcg` exec/log.ts prints in_asm, op, op_opt, out_asm, exec, cpu):
 * the guest's function symbols for `IN:` and `Trace` lines (STT_FUNC symbols of the
 * program's and the interpreter's .symtab, as QEMU's load_symbols keeps them), the page
 * item's memory map after loading, the stats item's per-vCPU figures at exit, and the
 * cflags every vCPU translates with (nochain, exec, cpu, one instruction per TB).
 *
 * {@link runProgram} calls three hooks: {@link UserLog.attach} for each vCPU it creates,
 * {@link UserLog.loaded} after the loader, {@link UserLog.exit} when the process ends.
 *
 * Threads: {@link UserLogConfig} is plain data (structured-cloneable). A vCPU worker
 * rebuilds its own {@link UserLog} from it (`new UserLog(config)`); records then go
 * straight to the log descriptor with `fs.writeSync` (one whole record per call, the file
 * opened with O_APPEND, so records of different vCPUs never mix). Without `-D` the main
 * thread's records go to the caller's stderr function, a worker's to descriptor 2.
 *
 * Records are byte strings: every character stands for one byte (`latin1`), so that guest
 * bytes a record quotes (-strace's paths, argv, socket paths; symbol names) reach the log
 * exactly as the guest had them, as under qemu-riscv64, even when they are not UTF-8.
 * Formatters write guest bytes with {@link guestText}; the writers encode with latin1.
 * With the stats item, a worker copies its vCPU's counters into that vCPU's row of a shared
 * table ({@link UserLogConfig.statsSlots}) each time it hands a request to the kernel
 * thread ({@link UserLog.publishStats}; the exit_group or last exit of the process is such
 * a request), and {@link UserLog.exit} adds each row to the kernel thread's own counters of
 * that vCPU. A row is written only by the worker running that vCPU and read at exit, after
 * every request was answered: no lock.
 *
 * @module
 */
import { writeSync } from "node:fs";
import { errnoFromHost, errnoMessage } from "../errno.js";
import { ElfFile, SymbolType } from "@wasmu/isa/elf";
import { formatStats, LogItem, logCflags, riscvLogFormat, type ExecStats, type TcgLog, type Vcpu } from "@wasmu/tcg";
import type { LoadError } from "../loader/elf-image.js";
import type { LoadedProgram } from "../loader/load-elf.js";
import type { AddressSpace } from "../mm/address-space.js";
import { Prot } from "../mm/constants.js";

/** A function symbol: [start, end) and its name (a byte string, see the module comment). */
export type FuncSymbol = readonly [start: bigint, end: bigint, name: string];

/** The data a {@link UserLog} is made of (posted to vCPU workers). */
export interface UserLogConfig {
  /** tcg's LogItem bits. */
  readonly mask: number;
  /** -one-insn-per-tb / -singlestep. */
  readonly oneInsnPerTb: boolean;
  /** The log file's descriptor (-D), or undefined for stderr. */
  readonly fd?: number;
  /** Function symbols, sorted by start (filled by {@link UserLog.loaded}). */
  readonly symbols: FuncSymbol[];
  /** With the stats item: {@link MAX_STATS_VCPUS} rows of {@link STATS_FIELDS} float64 (made by the kernel thread's UserLog). */
  readonly statsSlots?: SharedArrayBuffer;
  /** One int32, set once a log write failed (made by the kernel thread's UserLog; shared with the workers'). */
  readonly failed?: SharedArrayBuffer;
}

/** The ExecStats counters a stats row holds, in its order. */
const STATS_FIELDS = [
  "tbs", "insns", "modules", "returns", "chained", "flushes", "translateMs", "optimizeMs", "emitMs", "compileMs", "instantiateMs", "codeBytes", "codeMs",
  "interpTbs", "interpInsns", "interpRefused", "tieredTbs", "tierModules", "tierMs",
] as const satisfies readonly (keyof ExecStats)[];
/** Rows of the stats table: vCPU indexes 0 .. MAX_STATS_VCPUS - 1 (run-program's MAX_THREADS fits). */
const MAX_STATS_VCPUS = 1024;

/** One run's logging. */
export class UserLog {
  private readonly tcgLog: TcgLog | undefined;
  /** The stats table, as float64 rows (undefined without the stats item). */
  private readonly statsRows: Float64Array | undefined;
  /** Each attached vCPU's row as it was when attached (the counts of earlier threads on that vCPU). */
  private readonly statsBase = new Map<Vcpu, Float64Array>();
  /** The items, the descriptor, the symbols (and the stats table). */
  readonly config: UserLogConfig;

  /**
   * @param config the items, the descriptor, the symbols.
   * @param stderr where records go without `-D` (default: descriptor 2).
   */
  constructor(config: UserLogConfig, stderr?: (bytes: Uint8Array) => void) {
    if ((config.mask & LogItem.STATS) !== 0 && config.statsSlots === undefined) {
      config = { ...config, statsSlots: new SharedArrayBuffer(MAX_STATS_VCPUS * STATS_FIELDS.length * 8) };
    }
    if (config.failed === undefined) config = { ...config, failed: new SharedArrayBuffer(4) };
    this.config = config;
    this.statsRows = config.statsSlots === undefined ? undefined : new Float64Array(config.statsSlots);
    const fd = config.fd;
    const sink = stderr ?? ((b: Uint8Array): void => void writeSync(2, b));
    const raw = fd !== undefined ? (s: string): void => void writeSync(fd, Buffer.from(s, "latin1")) : (s: string): void => sink(Buffer.from(s, "latin1"));
    // A log that cannot be written (-D /dev/full, a -D file on /proc, stderr on a full
    // disk or a closed pipe) never stops the guest: the first failure, in any thread, is
    // reported once on stderr (when the log is a -D file) and logging stops there.
    const failed = new Int32Array(config.failed!);
    const write = (s: string): void => {
      if (Atomics.load(failed, 0) !== 0) return;
      try {
        raw(s);
      } catch (e) {
        if (Atomics.compareExchange(failed, 0, 0, 1) !== 0 || fd === undefined) return;
        try {
          writeSync(2, `wasmu: cannot write the log: ${errnoMessage(errnoFromHost(e))}; logging stops, the program goes on\n`);
        } catch {
          // stderr is broken too: nowhere left to say it.
        }
      }
    };
    this.write = write;
    const symbols = config.symbols;
    this.tcgLog = (config.mask & ~(LogItem.PAGE | LogItem.STRACE | LogItem.STATS)) === 0
      ? undefined
      : { mask: config.mask, sink: { write }, target: riscvLogFormat, symbol: (pc) => lookupSymbol(symbols, pc) };
  }

  /** Writes text to the log. */
  readonly write: (text: string) => void;

  /** Whether an item is on. */
  has(item: number): boolean {
    return (this.config.mask & item) !== 0;
  }

  /** Sets a vCPU's tcg log and cflags. */
  attach(cpu: Vcpu): void {
    cpu.log = this.tcgLog;
    cpu.cflagsBase = logCflags(this.config.mask) | (this.config.oneInsnPerTb ? 1 : 0);
    const row = this.row(cpu.index);
    if (row !== undefined) this.statsBase.set(cpu, row.slice());
  }

  /** A worker's vCPU `cpu` is about to hand a request to the kernel thread: its counters to its stats row. */
  publishStats(cpu: Vcpu): void {
    const row = this.row(cpu.index);
    const base = this.statsBase.get(cpu);
    if (row === undefined || base === undefined) return;
    for (let i = 0; i < STATS_FIELDS.length; i++) row[i] = base[i]! + cpu.stats[STATS_FIELDS[i]!];
  }

  private row(index: number): Float64Array | undefined {
    if (this.statsRows === undefined || index < 0 || index >= MAX_STATS_VCPUS) return undefined;
    return this.statsRows.subarray(index * STATS_FIELDS.length, (index + 1) * STATS_FIELDS.length);
  }

  /**
   * After loading: reads the function symbols of the program (`bytes`, loaded with
   * `loaded.bias`) and of its interpreter (read again with `readInterpreter`, at
   * `loaded.interpBase`), and writes the page item's map.
   */
  loaded(loaded: LoadedProgram, mm: AddressSpace, bytes: Uint8Array, readInterpreter: (guestPath: string) => Uint8Array | LoadError): void {
    if (this.tcgLog !== undefined) {
      const syms = this.config.symbols;
      syms.push(...funcSymbols(bytes, BigInt(loaded.bias)));
      const interp = loaded.interpreter === undefined ? undefined : readInterpreter(loaded.interpreter);
      if (interp instanceof Uint8Array) syms.push(...funcSymbols(interp, BigInt(loaded.interpBase)));
      syms.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    }
    if (this.has(LogItem.PAGE)) {
      const hex = (v: number): string => v.toString(16).padStart(16, "0");
      let s = "page layout changed following binary load\nstart            end              size             prot\n";
      s += pageMap(mm).map(([a, b, p]) => `${hex(a)}-${hex(b)} ${hex(b - a)} ${p & Prot.READ ? "r" : "-"}${p & Prot.WRITE ? "w" : "-"}${p & Prot.EXEC ? "x" : "-"}\n`).join("");
      s += `brk         0x${hex(loaded.brk)}\nentry       0x${hex(loaded.entry)}\nstart_stack 0x${hex(loaded.sp)}\n`;
      this.write(s);
    }
  }

  /**
   * At exit: the stats item's line per vCPU that ran: the counters of `cpus` (the kernel
   * thread's vCPUs) plus what workers published for the same indexes.
   */
  exit(cpus: readonly { readonly index: number; readonly stats: ExecStats }[], memory?: { readonly wasmBytes: number }): void {
    if (!this.has(LogItem.STATS)) return;
    const byIndex = new Map<number, ExecStats>();
    for (const c of cpus) byIndex.set(c.index, { ...c.stats });
    for (let i = 0; i < MAX_STATS_VCPUS; i++) {
      const row = this.row(i)!;
      if (row.every((v) => v === 0)) continue;
      let st = byIndex.get(i);
      if (st === undefined) {
        st = Object.fromEntries(STATS_FIELDS.map((f) => [f, 0])) as unknown as ExecStats;
        byIndex.set(i, st);
      }
      for (let k = 0; k < STATS_FIELDS.length; k++) st[STATS_FIELDS[k]!] += row[k]!;
    }
    this.write([...byIndex].sort((a, b) => a[0] - b[0]).map(([i, st]) => formatStats(i, st)).join("") + formatMemoryStats(memory?.wasmBytes));
  }
}

/**
 * The stats item's memory line, `stats memory: key=value ...` in KiB: the process's peak
 * and current RSS (every thread: Node itself, the JS heaps, the shared wasm memory's
 * touched pages, compiled code), the kernel thread's JS heap (used, reserved), its
 * external and ArrayBuffer bytes, and the reserved size of the shared wasm memory (guest
 * window + TB arena + vCPU blocks; only touched pages count in RSS).
 */
export function formatMemoryStats(wasmBytes?: number): string {
  const m = process.memoryUsage();
  const kb = (b: number): number => Math.round(b / 1024);
  return `stats memory: peak_rss_kb=${process.resourceUsage().maxRSS} rss_kb=${kb(m.rss)} heap_used_kb=${kb(m.heapUsed)} heap_total_kb=${kb(m.heapTotal)}`
    + ` external_kb=${kb(m.external)} array_buffers_kb=${kb(m.arrayBuffers)}${wasmBytes !== undefined ? ` wasm_memory_kb=${kb(wasmBytes)}` : ""}\n`;
}

/** The guest's mappings merged into runs of equal protection (QEMU's page dump). */
function pageMap(mm: AddressSpace): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const v of mm.vmas.all) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === v.start && last[2] === v.prot) last[1] = v.end;
    else out.push([v.start, v.end, v.prot]);
  }
  return out;
}

/** Guest bytes as a log record's byte string (one character per byte; see the module comment). */
export function guestText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** STT_FUNC symbols with a size from an ELF's .symtab, moved by `bias`; [] if it has none or is not ELF. */
export function funcSymbols(bytes: Uint8Array, bias: bigint): FuncSymbol[] {
  try {
    const elf = new ElfFile(bytes);
    return elf.symbols
      .filter((s) => s.type === SymbolType.FUNC && s.size > 0n && s.shndx !== 0 && s.shndx < 0xff00)
      .map((s): FuncSymbol => [s.value + bias, s.value + bias + s.size, Buffer.from(s.name, "utf8").toString("latin1")]);
  } catch {
    return [];
  }
}

/** The symbol containing `pc` in a sorted list (binary search), or undefined. */
export function lookupSymbol(syms: readonly FuncSymbol[], pc: bigint): string | undefined {
  let lo = 0;
  let hi = syms.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (syms[mid]![0] <= pc) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  // Symbols may nest or overlap: look back a little for one that contains pc.
  for (let i = found; i >= 0 && i > found - 8; i--) {
    const s = syms[i]!;
    if (pc >= s[0] && pc < s[1]) return s[2];
  }
  return undefined;
}
