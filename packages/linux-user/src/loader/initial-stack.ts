/**
 * The initial stack of a new program, laid out as Linux's execve builds it for riscv64
 * (copy_strings in fs/exec.c, then create_elf_tables in fs/binfmt_elf.c), from the top:
 *
 * ```
 * top - 8             8 zero bytes
 *                     the execfn string (AT_EXECFN points here)
 *                     envp strings, envp[0] lowest
 *                     argv strings, argv[0] lowest (arg_start)
 *                     (aligned down to 16)
 *                     16 random bytes (AT_RANDOM)
 *                     (gap to the 16-byte alignment of sp)
 *                     auxv pairs, then AT_NULL
 *                     NULL, envp pointers
 *                     NULL, argv pointers
 * sp (16-aligned) ->  argc
 * ```
 *
 * No randomisation (arch_align_stack's random offset), no AT_PLATFORM string (riscv's
 * ELF_PLATFORM is NULL).
 *
 * @module
 */
import { Errno } from "../errno.js";
import { At } from "./auxv.js";
import { LoadError } from "./elf-image.js";

/** One auxv entry: [AT_* type, value]. */
export type AuxEntry = readonly [type: number, value: bigint];

/** What goes on the stack. */
export interface StackInput {
  /** Argument strings (UTF-8 encoded when strings). */
  readonly argv: readonly (string | Uint8Array)[];
  /** Environment strings. */
  readonly envp: readonly (string | Uint8Array)[];
  /** The file name execve was given (AT_EXECFN). */
  readonly execfn: string | Uint8Array;
  /** The 16 bytes AT_RANDOM points at. */
  readonly random: Uint8Array;
  /** auxv entries in order, without AT_NULL; the values of AT_RANDOM and AT_EXECFN are filled in here. */
  readonly auxv: readonly AuxEntry[];
  /** RLIMIT_STACK: argument and environment strings may take a quarter of it (E2BIG beyond). */
  readonly stackLimit: number;
}

/** The built stack: `bytes` belong at [sp, top). */
export interface BuiltStack {
  /** Initial stack pointer (16-byte aligned): argc is here. */
  readonly sp: number;
  /** The stack's contents from sp to the top. */
  readonly bytes: Uint8Array;
  /** Address of argv[0]'s pointer. */
  readonly argvPtr: number;
  /** Address of envp[0]'s pointer. */
  readonly envpPtr: number;
  /** Address of the first auxv pair. */
  readonly auxvPtr: number;
  /** The auxv as written (AT_NULL included). */
  readonly auxv: readonly AuxEntry[];
  /** Address of the execfn string. */
  readonly execfnAddr: number;
  /** Address of the random bytes. */
  readonly randomAddr: number;
  /** Start of the argument strings (mm->arg_start). */
  readonly argStart: number;
  /** End of the environment strings (mm->env_end). */
  readonly envEnd: number;
}

/** Linux's MAX_ARG_STRLEN: 32 pages per string. */
const MAX_ARG_STRLEN = 32 * 4096;

const utf8 = new TextEncoder();

function cstr(s: string | Uint8Array): Uint8Array {
  const b = typeof s === "string" ? utf8.encode(s) : s;
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/** Lays out the initial stack below `top`. E2BIG when the strings exceed Linux's limits. */
export function buildInitialStack(top: number, input: StackInput): BuiltStack | LoadError {
  const argv = input.argv.map(cstr);
  const envp = input.envp.map(cstr);
  const execfn = cstr(input.execfn);
  let strBytes = execfn.length;
  for (const s of [...argv, ...envp]) {
    if (s.length > MAX_ARG_STRLEN) return new LoadError(Errno.E2BIG, "argument or environment string too long");
    strBytes += s.length;
  }
  const ptrBytes = (argv.length + envp.length + 2) * 8;
  if (strBytes + ptrBytes > Math.max(input.stackLimit / 4, 32 * 4096)) return new LoadError(Errno.E2BIG, "argument list too long");
  if (input.random.length !== 16) throw new RangeError("AT_RANDOM needs 16 bytes");

  let p = top - 8;
  p -= execfn.length;
  const execfnAddr = p;
  const envAddrs: number[] = [];
  const envEnd = p;
  for (let i = envp.length - 1; i >= 0; i--) {
    p -= envp[i]!.length;
    envAddrs[i] = p;
  }
  const argAddrs: number[] = [];
  for (let i = argv.length - 1; i >= 0; i--) {
    p -= argv[i]!.length;
    argAddrs[i] = p;
  }
  const argStart = p;
  p &= ~15;
  p -= 16;
  const randomAddr = p;
  const auxv: AuxEntry[] = input.auxv.map(([t, v]): AuxEntry =>
    t === At.RANDOM ? [t, BigInt(randomAddr)] : t === At.EXECFN ? [t, BigInt(execfnAddr)] : [t, v]);
  auxv.push([At.NULL, 0n]);
  const items = argv.length + 1 + envp.length + 1 + 1;
  const sp = (p - auxv.length * 16 - items * 8) & ~15;
  if (sp < 0 || top - sp > input.stackLimit) return new LoadError(Errno.E2BIG, "argument list too long");

  const bytes = new Uint8Array(top - sp);
  const dv = new DataView(bytes.buffer);
  const put = (addr: number, b: Uint8Array): void => bytes.set(b, addr - sp);
  const put64 = (addr: number, v: bigint): void => dv.setBigUint64(addr - sp, v, true);
  put(execfnAddr, execfn);
  envp.forEach((s, i) => put(envAddrs[i]!, s));
  argv.forEach((s, i) => put(argAddrs[i]!, s));
  put(randomAddr, input.random);
  let at = sp;
  put64(at, BigInt(argv.length));
  at += 8;
  const argvPtr = at;
  for (const a of argAddrs) { put64(at, BigInt(a)); at += 8; }
  at += 8;
  const envpPtr = at;
  for (const a of envAddrs) { put64(at, BigInt(a)); at += 8; }
  at += 8;
  const auxvPtr = at;
  for (const [t, v] of auxv) {
    put64(at, BigInt(t));
    put64(at + 8, BigInt.asUintN(64, v));
    at += 16;
  }
  return { sp, bytes, argvPtr, envpPtr, auxvPtr, auxv, execfnAddr, randomAddr, argStart, envEnd };
}
