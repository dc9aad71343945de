/**
 * `wasmu user [options] PROGRAM [ARGS...]` with the qemu-riscv64 options users know, as
 * one function the CLI calls: option parsing, loading errors as one line naming the file
 * with exit status 1, the guest's exit status (128 + signal when killed, as a shell
 * shows it). Implemented: -L, -E, -U (comma lists), -0, -strace, -d items (help lists
 * them), -D logfile, -one-insn-per-tb (old name -singlestep),
 * -accel tcg[,tb-lock=on|off][,tier=...], -R, -s, -version, -h, and the QEMU_*
 * environment variables; accepted and checked and
 * otherwise ignored: -cpu (the riscv64 models of QEMU 7.2 that are RV64GC; `-cpu help`
 * lists them), -B. -d and -one-insn-per-tb reach the run as a {@link UserLog}.
 *
 * @module
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { LogItem, logItemsHelp, parseLogItems } from "@wasmu/tcg";
import { constants as osConstants } from "node:os";
import { resolve as resolvePath } from "node:path";
import { Errno, errnoFromHost, errnoMessage } from "../errno.js";
import { LoadError } from "../loader/elf-image.js";
import { hostPath } from "../fs/host-path.js";
import type { OpenFile } from "../fs/open-file.js";
import { Kernel } from "../process/kernel.js";
import { runProgram } from "./run-program.js";
import { UserLog } from "./user-log.js";

/** Where `userMain` writes. */
export interface UserMainIo {
  /** Error and usage text (the host's stderr). */
  stderr(text: string): void;
  /**
   * Where -d and -strace records go without -D: bytes as they are, since they quote the
   * guest's bytes (default: `stderr` of their UTF-8 decoding, which is lossy for bytes that
   * are not UTF-8; the CLI gives the host's descriptor 2).
   */
  readonly stderrBytes?: (bytes: Uint8Array) => void;
  /**
   * Signals the invoking process left ignored, which the guest starts with ignored (as
   * under Linux and qemu-riscv64). Node resets every disposition when it starts, so the
   * CLI's bin script reads them (/proc/self/status's SigIgn) before Node runs.
   */
  readonly ignoredSignals?: readonly number[];
  /** Usage text for -h (the host's stdout). */
  stdout(text: string): void;
  /** The guest's descriptors 0, 1, 2 (default: the host's stdin, stdout, stderr). */
  readonly stdio?: readonly [OpenFile, OpenFile, OpenFile];
  /**
   * The guest died of signal `sig`: the embedder dies of it too, as qemu-riscv64 does (the
   * CLI: {@link dieOfSignal}), so that a parent sees WIFSIGNALED. Without it (or if it
   * returns), the status is 128 + sig, as a shell shows it.
   */
  readonly killedBy?: (sig: number) => void;
  /** The version `-version` prints (the CLI's). */
  readonly version?: string;
}

/**
 * Ends this host process with signal `sig` (its default action), as qemu-riscv64's
 * dump_core_and_abort does: Node ignores SIGPIPE and keeps SIGUSR1 for its inspector, so
 * the default disposition is restored first (libuv resets a signal to SIG_DFL when its
 * last listener goes). Returns if the signal did not end the process (no such signal on
 * the host, e.g. a real-time one): the caller exits with 128 + sig.
 */
export function dieOfSignal(sig: number): void {
  const name = Object.entries(osConstants.signals).find(([, n]) => n === sig)?.[0] as NodeJS.Signals | undefined;
  if (name === undefined || name === "SIGKILL" || name === "SIGSTOP") {
    if (name === "SIGKILL") process.kill(process.pid, "SIGKILL");
    return;
  }
  const noop = (): void => {};
  process.on(name, noop);
  process.removeListener(name, noop);
  process.kill(process.pid, name);
  // Delivered synchronously to this thread on Linux; wait for it if not (a blocked signal ends it at once anyway).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
}

/** Parsed options of `wasmu user`. */
export interface UserOptions {
  /** -L: the sysroot. */
  sysroot?: string;
  /** -E / -U applied to the host environment. */
  env: Map<string, string>;
  /** -0: argv[0]. */
  argv0?: string;
  /** -strace. */
  strace: boolean;
  /** -D: log file for -strace and -d output. */
  logFile?: string;
  /** -d: tcg's LogItem bits (strace included). */
  logMask: number;
  /** -one-insn-per-tb / -singlestep. */
  oneInsnPerTb: boolean;
  /** -accel tcg,tb-lock=on. */
  tbLock: boolean;
  /** -accel tcg,tier=auto|interp|jit,tier-hot=N,tier-batch=N (tcg's tier-up.ts). */
  tier: TierOptions;
  /** -R: bytes of guest address space (default: run-program.ts's DEFAULT_GUEST_WINDOW). */
  guestWindow?: number;
  /** -s: the stack's size (RLIMIT_STACK; default 8 MiB). */
  stackSize?: number;
  /** The program and its arguments. */
  program: string;
  /** Arguments after the program. */
  args: string[];
}

/** The usage text. */
export const USER_USAGE = `usage: wasmu user [options] program [arguments...]
Linux riscv64 user-mode emulation (the options of qemu-riscv64).

Options:
-h                  print this help
-L path             sysroot: absolute guest paths are looked up there first
-E var=value        set an environment variable for the guest
-U var              unset an environment variable for the guest
-0 argv0            the guest's argv[0]
-strace             log system calls in QEMU's format
-D logfile          write logs to logfile instead of stderr
-cpu model          a CPU model (-cpu help lists them; rv64imafdc is emulated)
-R size             bytes of guest address space (k, M, G suffixes; default 1G, at most 2046M)
-s size             the stack size (RLIMIT_STACK)
-B address          accepted (the guest base is fixed)
-version            print the version
QEMU_LD_PREFIX, QEMU_SET_ENV, QEMU_UNSET_ENV, QEMU_ARGV0, QEMU_STRACE, QEMU_LOG,
QEMU_LOG_FILENAME, QEMU_CPU, QEMU_RESERVED_VA, QEMU_STACK_SIZE, QEMU_GUEST_BASE and
QEMU_SINGLESTEP set the options of the same meaning (the command line overrides them).
-d item[,...]       enable logging of specified items (use '-d help' for a list)
-one-insn-per-tb    run with one guest instruction per translated block
-singlestep         the old name of -one-insn-per-tb
-accel tcg[,prop=value...]
                    tb-lock=on|off: the translation lock mode (default off)
                    tier=auto|interp|jit: interpret cold code and compile hot
                    code in batches (auto, the default), interpret only, or
                    compile every block before it runs (jit)
                    tier-hot=N: executions before a block is compiled (1000)
                    tier-batch=N: hot blocks compiled per module (256)
`;

/** What {@link parseUserArgs} returns for `-d help`. */
export const LOG_HELP = "log-help";
/** What {@link parseUserArgs} returns for `-cpu help`. */
export const CPU_HELP = "cpu-help";
/** What {@link parseUserArgs} returns for `-version`. */
export const VERSION_REQUEST = "version";
/** The start of {@link parseUserArgs}'s message for an unknown `-d` item. */
export const LOG_ITEM_ERROR = "-d: unknown log item";
/** The start of {@link parseUserArgs}'s message for an unknown `-cpu` model (QEMU's words). */
export const CPU_MODEL_ERROR = "unable to find CPU model";

/**
 * The `-cpu` models accepted: QEMU 7.2's riscv64 models whose ISA is what wasmu runs
 * (RV64GC). sifive-e51 (no F/D) and x-rv128 are refused rather than run as another CPU.
 */
export const CPU_MODELS: readonly string[] = ["any", "rv64", "shakti-c", "sifive-u54"];

/** The most guest address space -R accepts (tcg's window: one wasm32 memory, below 2 GiB with the TB arena). */
export const MAX_GUEST_WINDOW = 2046 * 1024 * 1024;

/**
 * qemu-riscv64's environment variables and the option each stands for (linux-user/main.c's
 * arg table): read before the command line, which overrides them.
 */
export const QEMU_ENV_OPTIONS: Readonly<Record<string, string>> = {
  QEMU_LD_PREFIX: "L", QEMU_SET_ENV: "E", QEMU_UNSET_ENV: "U", QEMU_ARGV0: "0", QEMU_STRACE: "strace", QEMU_LOG: "d", QEMU_LOG_FILENAME: "D",
  QEMU_CPU: "cpu", QEMU_RESERVED_VA: "R", QEMU_STACK_SIZE: "s", QEMU_GUEST_BASE: "B", QEMU_SINGLESTEP: "singlestep",
};

/** A size as QEMU's strtoul(arg, 0) reads it (decimal, 0x hex or 0 octal) with an optional k, M, G or T suffix, or undefined. */
function parseSize(v: string): number | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)([kKmMgGtT]?)$/.exec(v.trim());
  if (m === null) return undefined;
  const d = m[1]!;
  const base = /^0[xX]/.test(d) ? Number(d) : d.length > 1 && d.startsWith("0") ? parseInt(d, 8) : Number(d);
  const mult = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return base * mult;
}

/**
 * Parses the arguments after `wasmu user`, after qemu-riscv64's environment variables
 * ({@link QEMU_ENV_OPTIONS}) from `hostEnv`; a string is an error message, "help" (-h),
 * {@link LOG_HELP} (-d help), {@link CPU_HELP} (-cpu help), {@link VERSION_REQUEST}, or an
 * unknown item's or model's message (starting {@link LOG_ITEM_ERROR} or {@link CPU_MODEL_ERROR}).
 */
export function parseUserArgs(argv: readonly string[], hostEnv: NodeJS.ProcessEnv): UserOptions | string {
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(hostEnv)) if (v !== undefined) env.set(k, v);
  const o: Partial<UserOptions> & { env: Map<string, string>; strace: boolean; tbLock: boolean; logMask: number; oneInsnPerTb: boolean; tier: TierOptions } = {
    env, strace: false, tbLock: false, logMask: 0, oneInsnPerTb: false, tier: { mode: "auto" },
  };
  /** Applies option `opt` with value `v`: an error / request string, or undefined. */
  const apply = (opt: string, v: string): string | undefined => {
    switch (opt) {
      case "L": o.sysroot = resolvePath(v); break;
      case "E":
        // Comma-separated, as QEMU's handle_arg_set_env splits it.
        for (const item of v.split(",")) {
          const eq = item.indexOf("=");
          if (eq <= 0) return `-E ${item}: expected var=value`;
          env.set(item.slice(0, eq), item.slice(eq + 1));
        }
        break;
      case "U": for (const item of v.split(",")) env.delete(item); break;
      case "0": o.argv0 = v; break;
      case "D": o.logFile = v; break;
      case "d": {
        if (v === "help") return LOG_HELP;
        const mask = parseLogItems(v);
        if (typeof mask !== "number") return `${LOG_ITEM_ERROR} '${mask.unknown}'`;
        // No item at all (-d '', -d ,): the list, as qemu-riscv64 answers an empty mask.
        if (v.split(",").every((item) => item.trim() === "")) return LOG_HELP;
        o.logMask |= mask;
        break;
      }
      case "cpu":
        if (v === "help" || v === "?") return CPU_HELP;
        if (!CPU_MODELS.includes(v)) return `${CPU_MODEL_ERROR} '${v}'`;
        break;
      case "R": {
        const n = parseSize(v);
        if (n === undefined) return `-R ${v}: expected a size (bytes, or with k, M, G)`;
        if (n > MAX_GUEST_WINDOW) return `-R ${v}: at most ${MAX_GUEST_WINDOW} bytes (${Math.floor(MAX_GUEST_WINDOW / 2 ** 20)} MiB) of guest address space`;
        // Whole 64 KiB units (wasm pages), at least 1 MiB.
        o.guestWindow = Math.max(1 << 20, Math.floor(n / 65536) * 65536);
        break;
      }
      case "s": {
        const n = parseSize(v);
        if (n === undefined || n === 0) return `-s ${v}: expected a size`;
        o.stackSize = n;
        break;
      }
      case "B": break; // the guest base: wasmu's window is fixed (accepted, as meaningless here)
      case "accel": {
        const e = parseAccel(v, o);
        if (e !== undefined) return e;
        break;
      }
      case "strace": o.strace = true; break;
      case "one-insn-per-tb": case "singlestep": o.oneInsnPerTb = true; break;
      default: return `unknown option -${opt}`;
    }
    return undefined;
  };
  for (const [name, opt] of Object.entries(QEMU_ENV_OPTIONS)) {
    const v = hostEnv[name];
    if (v === undefined) continue;
    const r = apply(opt, v);
    if (r !== undefined) return r;
  }
  const WITH_VALUE = new Set(["L", "E", "U", "0", "D", "cpu", "d", "accel", "R", "s", "B"]);
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-") || a === "-") break;
    if (a === "--") {
      i++;
      break;
    }
    const opt = a.replace(/^--?/, "");
    if (opt === "h" || opt === "help") return "help";
    if (opt === "version") return VERSION_REQUEST;
    let v = "";
    if (WITH_VALUE.has(opt)) {
      const next = argv[++i];
      if (next === undefined) return `option -${opt} needs an argument`;
      v = next;
    }
    const r = apply(opt, v);
    if (r !== undefined) return r;
  }
  if (i >= argv.length) return "no program given";
  return { ...o, program: argv[i]!, args: argv.slice(i + 1) };
}

/**
 * Reads the executable at host path `host` as Linux's open_exec and QEMU's prepare_binprm
 * accept one: a regular file (a device, FIFO, socket or directory is EACCES: `/dev/zero`
 * would otherwise be read without end) with at least one execute bit (EACCES), read
 * through one descriptor up to the size fstat gave (never past it, whatever the file does
 * meanwhile). `shown` names it in messages. Exported for tests.
 */
export function readExecutable(host: string | Buffer, shown: string): Uint8Array | LoadError {
  let fd: number;
  try {
    fd = openSync(host, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const err = errnoFromHost(e);
    return new LoadError(err, err === Errno.ENOENT ? `Could not open '${shown}': ${errnoMessage(err)}` : `${shown}: ${errnoMessage(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (st.mode & 0o111) === 0) return new LoadError(Errno.EACCES, `${shown}: ${errnoMessage(Errno.EACCES)}`);
    if (st.size > MAX_EXECUTABLE) return new LoadError(Errno.EFBIG, `${shown}: ${errnoMessage(Errno.EFBIG)}`);
    const bytes = new Uint8Array(st.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === bytes.length ? bytes : bytes.slice(0, got);
  } catch (e) {
    const err = errnoFromHost(e);
    return new LoadError(err, `${shown}: ${errnoMessage(err)}`);
  } finally {
    closeSync(fd);
  }
}

/** The largest program or interpreter read whole (Node's Buffer limit is near; Linux maps, wasmu copies). */
const MAX_EXECUTABLE = 2 ** 31 - 1;

/** The execution tiers of `-accel tcg,tier=...`. */
export interface TierOptions {
  /** auto (default), interp or jit. */
  mode: "auto" | "interp" | "jit";
  /** tier-hot=N. */
  hotThreshold?: number;
  /** tier-batch=N. */
  tierBatch?: number;
}

/** Parses `-accel tcg[,tb-lock=on|off][,tier=auto|interp|jit][,tier-hot=N][,tier-batch=N]` into `o`; an error message on bad input. */
function parseAccel(v: string, o: { tbLock: boolean; tier: TierOptions }): string | undefined {
  const usage = `-accel ${v}: expected tcg[,tb-lock=on|off][,tier=auto|interp|jit][,tier-hot=N][,tier-batch=N]`;
  const [accel, ...props] = v.split(",");
  if (accel !== "tcg") return usage;
  for (const p of props) {
    const eq = p.indexOf("=");
    const k = eq < 0 ? p : p.slice(0, eq);
    const val = eq < 0 ? "" : p.slice(eq + 1);
    const count = (): number | undefined => (/^[1-9][0-9]{0,8}$/.test(val) ? Number(val) : undefined);
    if (k === "tb-lock" && (val === "on" || val === "off")) o.tbLock = val === "on";
    else if (k === "tier" && (val === "auto" || val === "interp" || val === "jit")) o.tier.mode = val;
    else if (k === "tier-hot" && count() !== undefined) o.tier.hotThreshold = count()!;
    else if (k === "tier-batch" && count() !== undefined) o.tier.tierBatch = count()!;
    else return usage;
  }
  return undefined;
}

/**
 * The bytes of what Node decoded lossily: Node decodes argv and the environment as UTF-8
 * (an invalid byte becomes U+FFFD), so the raw ones are read back from /proc/self/cmdline
 * and /proc/self/environ, keyed by their decoded text (only texts holding U+FFFD: the
 * others are exact). Empty without /proc.
 */
export function hostRawStrings(): Map<string, Buffer> {
  const raw = new Map<string, Buffer>();
  for (const file of ["/proc/self/cmdline", "/proc/self/environ"]) {
    let b: Buffer;
    try {
      b = readFileSync(file);
    } catch {
      continue;
    }
    for (let at = 0; at < b.length;) {
      const end = b.indexOf(0, at);
      const item = b.subarray(at, end < 0 ? b.length : end);
      const text = item.toString("utf8");
      if (text.includes("\uFFFD")) {
        raw.set(text, item);
        // NAME=VALUE (an environment entry, -E's argument): its value too.
        const eq = item.indexOf(0x3d);
        if (eq > 0) raw.set(item.subarray(eq + 1).toString("utf8"), item.subarray(eq + 1));
      }
      at = end < 0 ? b.length : end + 1;
    }
  }
  return raw;
}

/** Reads a program or interpreter for the loader (through the sysroot for absolute paths). */
function reader(kernel: Kernel): (guestPath: string) => Uint8Array | LoadError {
  return (p) => readExecutable(hostPath(kernel.sysroot.resolve(p, process.cwd())), p);
}

/**
 * Runs `wasmu user ARGS...`: the exit status to give the host (the guest's, 128 + signal,
 * or 1 when the program cannot be started).
 */
export async function userMain(argv: readonly string[], io: UserMainIo, hostEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  const o = parseUserArgs(argv, hostEnv);
  if (o === "help") {
    io.stdout(USER_USAGE);
    return 0;
  }
  if (o === VERSION_REQUEST) {
    io.stdout(`wasmu user (riscv64) version ${io.version ?? "unknown"}, with the options of qemu-riscv64 7.2\n`);
    return 0;
  }
  if (o === CPU_HELP) {
    // As qemu-riscv64 7.2: the models on stdout, exit status 1.
    io.stdout(CPU_MODELS.map((m) => `${m}\n`).join(""));
    return 1;
  }
  if (typeof o === "string" && o.startsWith(CPU_MODEL_ERROR)) {
    // qemu-riscv64 7.2: one line on stderr, status 1.
    io.stderr(`wasmu: ${o}\n`);
    return 1;
  }
  if (o === LOG_HELP || (typeof o === "string" && o.startsWith(LOG_ITEM_ERROR))) {
    // As qemu-riscv64 7.2: the item list on stdout and exit status 1, for `-d help` as for
    // an unknown item (which is also named on stderr).
    if (o !== LOG_HELP) io.stderr(`wasmu: ${o}\n`);
    io.stdout(logItemsHelp());
    return 1;
  }
  if (typeof o === "string") {
    io.stderr(`wasmu: ${o}\n${USER_USAGE}`);
    return 1;
  }
  // -D: truncated once, then appended to by every writer (O_APPEND: whole records from any thread).
  let fd: number | undefined;
  if (o.logFile !== undefined) {
    try {
      fd = openSync(o.logFile, "a");
      closeSync(openSync(o.logFile, "w"));
    } catch (e) {
      io.stderr(`wasmu: -D ${o.logFile}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  try {
    return await runUser(o, io, fd);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function runUser(o: UserOptions, io: UserMainIo, fd: number | undefined): Promise<number> {
  const userLog = new UserLog({ mask: o.logMask, oneInsnPerTb: o.oneInsnPerTb, ...(fd !== undefined ? { fd } : {}), symbols: [] }, io.stderrBytes ?? ((b) => io.stderr(Buffer.from(b).toString("utf8"))));
  const log = userLog.write;
  const strace = o.strace || userLog.has(LogItem.STRACE);
  const kernel = new Kernel({ ...(o.sysroot !== undefined ? { sysroot: o.sysroot } : {}), ...(strace ? { strace: log } : {}), warn: (l) => log(`${l}\n`) });
  const read = reader(kernel);
  // Bytes end to end: what Node decoded lossily goes to the guest (and to the host's
  // open) as the bytes it was given (`wasmu user busybox echo $'\xff'` prints ff).
  const raw = hostRawStrings();
  const bytesOf = (s: string): string | Uint8Array => (s.includes("\uFFFD") ? raw.get(s) ?? s : s);
  // The program itself: a path as given (through the sysroot when absolute), as qemu-riscv64 takes it.
  const rawProgram = bytesOf(o.program);
  const bytes = typeof rawProgram === "string" ? read(o.program) : readExecutable(rawProgram[0] === 0x2f ? Buffer.from(rawProgram) : Buffer.concat([Buffer.from(`${process.cwd()}/`), rawProgram]), o.program);
  if (bytes instanceof LoadError) {
    io.stderr(`wasmu: ${bytes.message}\n`);
    return 1;
  }
  const envp = [...o.env].map(([k, v]): string | Uint8Array => {
    const value = bytesOf(v);
    return typeof value === "string" ? `${k}=${v}` : Buffer.concat([Buffer.from(`${k}=`), value]);
  });
  const r = await runProgram({
    kernel, path: o.program, bytes, readInterpreter: read, argv: [o.argv0 ?? o.program, ...o.args].map(bytesOf), envp, tbLock: o.tbLock, tier: o.tier, hostSignals: io.stdio === undefined,
    ...(io.ignoredSignals !== undefined ? { ignoredSignals: io.ignoredSignals } : {}),
    ...(o.guestWindow !== undefined ? { guestWindow: o.guestWindow } : {}),
    ...(o.stackSize !== undefined ? { stackSize: o.stackSize } : {}),
    ...(o.logMask !== 0 || o.oneInsnPerTb ? { log: userLog } : {}),
    ...(io.stdio !== undefined ? { stdio: io.stdio } : {}),
  });
  if (r instanceof LoadError) {
    io.stderr(`wasmu: ${r.message}\n`);
    return 1;
  }
  // Killed by a signal: no message (qemu-riscv64 prints one only when it wrote a core
  // file, which RLIMIT_CORE 0 forbids), and wasmu dies of the same signal.
  if (r.signal !== undefined) io.killedBy?.(r.signal);
  else if (r.message !== undefined) io.stderr(`wasmu: ${r.message}\n`);
  return r.status;
}
