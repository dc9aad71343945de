/**
 * `wasmu system`'s host on Node: files, raw disk images, the -D log file, the terminal
 * and the signals that end a run, for @wasmu/softmmu's `systemMain` (which is
 * browser-safe and reaches the host only through `SystemHost`).
 *
 * The terminal: on a TTY, raw mode while the machine runs (the guest sees every byte,
 * Ctrl-C included, as under `qemu-system-riscv64 -nographic`), restored when the run ends,
 * on an exception, and at process exit whatever the path. Guest output is written
 * synchronously, so nothing is lost when the process exits.
 *
 * @module
 */
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { constants as osConstants } from "node:os";
import type { BlockStorage, SystemHost, SystemLogFile, SystemTerminal } from "@wasmu/softmmu";
import { nodeClock, nodeHartWorkers, nodeTimers, nodeWallClock } from "@wasmu/softmmu/node";

/** Linux's strerror text for Node's error codes (what QEMU prints after a file name). */
const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory", EACCES: "Permission denied", EISDIR: "Is a directory", ENOTDIR: "Not a directory",
  EPERM: "Operation not permitted", EROFS: "Read-only file system", ENOSPC: "No space left on device", EIO: "Input/output error",
  ELOOP: "Too many levels of symbolic links", ENAMETOOLONG: "File name too long", EMFILE: "Too many open files", EFBIG: "File too large",
  ENXIO: "No such device or address", EBUSY: "Device or resource busy", EINVAL: "Invalid argument",
};

/** The strerror text of a Node fs error. */
export function hostErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined ? STRERROR[code] : undefined) ?? (e instanceof Error ? e.message : String(e));
}

/** Where Debian's opensbi package puts the generic fw_dynamic.bin for riscv64. */
export const DEBIAN_FW_DYNAMIC = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin";

/**
 * `-bios default`'s candidates: Debian's opensbi package, then the same path in the guest
 * cache the project's scripts fetch into ($WASMU_GUESTS/sysroot), then QEMU's bundled copy
 * (Debian 12's qemu-system-data: OpenSBI 1.1, which Linux 7 does not boot behind).
 */
export function defaultBiosPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const paths = [DEBIAN_FW_DYNAMIC];
  if (env.WASMU_GUESTS !== undefined && env.WASMU_GUESTS !== "") paths.push(join(env.WASMU_GUESTS, "sysroot", DEBIAN_FW_DYNAMIC));
  paths.push("/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin");
  return paths;
}

/** A raw disk image in a host file: reads and writes at offsets (pread/pwrite), flush is fsync. */
export class FileBlockStorage implements BlockStorage {
  readonly size: bigint;
  readonly serial?: string;

  private constructor(private readonly fd: number, readonly readOnly: boolean, size: number) {
    this.size = BigInt(size);
  }

  /** Opens `path` (read-only when `readOnly`); a regular file or a block device. */
  static open(path: string, readOnly: boolean): FileBlockStorage | string {
    let fd: number;
    try {
      fd = openSync(path, readOnly ? "r" : "r+");
    } catch (e) {
      return hostErrorText(e);
    }
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
      return new FileBlockStorage(fd, readOnly, st.size);
    } catch (e) {
      closeSync(fd);
      return hostErrorText(e);
    }
  }

  read(offset: bigint, into: Uint8Array): void {
    let got = 0;
    while (got < into.length) {
      const n = readSync(this.fd, into, got, into.length - got, Number(offset) + got);
      if (n === 0) {
        into.fill(0, got); // past the end of a file that shrank: zeros, as a hole reads
        return;
      }
      got += n;
    }
  }

  write(offset: bigint, data: Uint8Array): void {
    if (this.readOnly) throw new Error("read-only drive");
    let put = 0;
    while (put < data.length) put += writeSync(this.fd, data, put, data.length - put, Number(offset) + put);
  }

  flush(): void {
    if (!this.readOnly) fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Writes all of `bytes` to descriptor `fd`, retrying on EAGAIN (a non-blocking pipe); false if the reader went away. */
function writeAll(fd: number, bytes: Uint8Array): boolean {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue;
      return false;
    }
  }
  return true;
}

/** The process's terminal: stdout for output, stdin for input (raw mode on a TTY). */
export function stdioTerminal(): SystemTerminal {
  let outputGone = false;
  return {
    write(bytes: Uint8Array): void {
      if (!outputGone && !writeAll(1, bytes)) outputGone = true; // EPIPE: drop the rest, keep running
    },
    open(onInput: (bytes: Uint8Array) => void): () => void {
      const stdin = process.stdin;
      const raw = stdin.isTTY && typeof stdin.setRawMode === "function";
      const restore = (): void => {
        if (raw && stdin.isRaw) stdin.setRawMode(false);
      };
      if (raw) stdin.setRawMode(true);
      // Every way out restores the terminal: 'exit' runs on process.exit and on an
      // uncaught exception's exit too.
      process.on("exit", restore);
      const onData = (chunk: Buffer): void => onInput(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      const onError = (): void => {}; // a closed or unreadable stdin: no input, the guest runs on
      stdin.on("data", onData);
      stdin.on("error", onError);
      stdin.resume();
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        stdin.off("data", onData);
        stdin.off("error", onError);
        stdin.pause();
        restore();
        process.off("exit", restore);
      };
    },
  };
}

/** SIGINT, SIGTERM and SIGHUP end the run (QEMU's "terminating on signal N"); returns the function that removes the handlers. */
function onTerminate(handler: (signal: number) => void): () => void {
  const names: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const listeners = names.map((name) => {
    const l = (): void => handler(osConstants.signals[name]);
    process.on(name, l);
    return [name, l] as const;
  });
  return () => {
    for (const [name, l] of listeners) process.off(name, l);
  };
}

/** The -D log file: truncated, then appended to synchronously. */
function openLog(path: string): SystemLogFile | string {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    return hostErrorText(e);
  }
  const encoder = new TextEncoder();
  return {
    write: (text) => void writeAll(fd, encoder.encode(text)),
    close: () => closeSync(fd),
  };
}

/** The Node host of `wasmu system`: `stdout`/`stderr` are the CLI's writers. */
export function nodeSystemHost(io: { stdout(text: string): void; stderr(text: string): void; version?: string }): SystemHost {
  return {
    stdout: (text) => io.stdout(text),
    stderr: (text) => io.stderr(text),
    readFile(path) {
      try {
        return new Uint8Array(readFileSync(path));
      } catch (e) {
        return hostErrorText(e);
      }
    },
    writeFile(path, bytes) {
      try {
        writeFileSync(path, bytes);
        return undefined;
      } catch (e) {
        return hostErrorText(e);
      }
    },
    openBlock: (path, readOnly) => FileBlockStorage.open(path, readOnly),
    openLog,
    defaultBiosPaths: defaultBiosPaths(),
    defaultBiosHint: "apt-get install opensbi",
    terminal: stdioTerminal(),
    onTerminate,
    keepAlive: () => {
      // The hart workers' ports are unreferenced: without this the loop could empty while
      // `done` waits for a worker's last message (Node would exit 13, "unsettled await").
      const t = setInterval(() => {}, 1 << 30);
      return () => clearInterval(t);
    },
    workers: nodeHartWorkers(),
    services: { clock: nodeClock, timers: nodeTimers, wallClock: nodeWallClock },
    debugLocks: process.env.WASMU_DEBUG_TCG === "1",
    ...(io.version !== undefined ? { version: io.version } : {}),
  };
}
