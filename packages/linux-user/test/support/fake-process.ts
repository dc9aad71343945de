/**
 * A guest process for syscall tests, without an execution engine: a kernel with a fixed
 * pid and clock, a 64 MiB address space with a scratch area, memory streams as stdio,
 * and helpers to call the dispatcher and to read/write guest memory.
 */
import { AddressSpace, FdTable, flatGuestMemory, Kernel, type KernelOptions, MapFlag, MemoryStream, O, Prot, syscallNr, type Thread, createLinuxDispatcher } from "../../src/index.js";

/** Guest address of the scratch area. */
export const SCRATCH = 0x100000;
/** Its size. */
export const SCRATCH_SIZE = 1 << 20;

/** A test process. */
export class FakeProcess {
  readonly kernel: Kernel;
  readonly thread: Thread;
  readonly stdin: MemoryStream;
  readonly stdout: MemoryStream;
  readonly stderr: MemoryStream;
  readonly warnings: string[] = [];
  readonly trace: string[] = [];
  readonly dispatcher = createLinuxDispatcher();
  private bump = SCRATCH;

  constructor(opts: KernelOptions & { cwd?: string; stdin?: Uint8Array; tty?: boolean } = {}) {
    this.kernel = new Kernel({ firstPid: 4242, warn: (l) => this.warnings.push(l), strace: (s) => this.trace.push(s), hostname: "wasmu-test", release: "6.12.0", version: "#1 SMP", cpus: 4, ...opts });
    const mm = new AddressSpace({ memory: flatGuestMemory(0, 64 << 20) });
    mm.mmap(SCRATCH, SCRATCH_SIZE, Prot.READ | Prot.WRITE, MapFlag.PRIVATE | MapFlag.ANONYMOUS | MapFlag.FIXED);
    const files = new FdTable();
    this.stdin = new MemoryStream(opts.stdin ?? new Uint8Array(0), opts.tty === true ? { rows: 40, cols: 100 } : undefined);
    this.stdout = new MemoryStream(undefined, opts.tty === true ? { rows: 40, cols: 100 } : undefined);
    this.stderr = new MemoryStream();
    this.stdin.flags = O.RDONLY;
    files.install(this.stdin, false);
    files.install(this.stdout, false);
    files.install(this.stderr, false);
    this.thread = this.kernel.createProcess({ mm, files, exe: "/usr/bin/test-guest", cwd: opts.cwd ?? process.cwd() });
  }

  get mm(): AddressSpace {
    return this.thread.proc.mm;
  }

  /** Scratch memory for `n` bytes (8-aligned). */
  alloc(n: number): number {
    const a = this.bump;
    this.bump += (n + 15) & ~15;
    if (this.bump > SCRATCH + SCRATCH_SIZE) throw new Error("scratch exhausted");
    return a;
  }

  /** A NUL-terminated string in guest memory. */
  str(s: string): number {
    const b = new TextEncoder().encode(`${s}\0`);
    const a = this.alloc(b.length);
    this.mm.write(a, b);
    return a;
  }

  /** Calls syscall `name` (sync or async). */
  async call(name: string, ...args: (number | bigint)[]): Promise<bigint> {
    const a = [0n, 0n, 0n, 0n, 0n, 0n] as [bigint, bigint, bigint, bigint, bigint, bigint];
    args.forEach((v, i) => (a[i] = BigInt.asUintN(64, BigInt(v))));
    return BigInt.asIntN(64, await this.dispatcher.dispatch(this.thread, syscallNr(name), a));
  }

  /** Like {@link call}, as a number. */
  async n(name: string, ...args: (number | bigint)[]): Promise<number> {
    return Number(await this.call(name, ...args));
  }

  bytes(a: number, n: number): Uint8Array {
    return this.mm.read(a, n)!;
  }

  u32(a: number): number {
    return new DataView(this.bytes(a, 4).buffer).getUint32(0, true);
  }

  u64(a: number): bigint {
    return new DataView(this.bytes(a, 8).buffer).getBigUint64(0, true);
  }

  text(a: number, n: number): string {
    return Buffer.from(this.bytes(a, n)).toString("utf8");
  }
}
